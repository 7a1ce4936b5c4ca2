/* SHA-NI SHA-256 in SSE encoding, for CPUs with SHA-NI but no AVX (Atoms). */
#include "crypto/sha256_impl.h"

#if SATO_SHA256_X86
#define SHANI __attribute__((target("sha,sse4.1")))
#define SHANI_TRANSFORM sato_sha256_transform_shani
#define SHANI_D64_2WAY sato_sha256d64_shani_2way
#include "crypto/sha256_shani.h"
#endif
