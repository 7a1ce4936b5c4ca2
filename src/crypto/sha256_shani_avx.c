/* SHA-NI SHA-256 in VEX encoding (non-destructive three-operand forms). */
#include "crypto/sha256_impl.h"

#if SATO_SHA256_X86
#define SHANI __attribute__((target("sha,avx")))
#define SHANI_TRANSFORM sato_sha256_transform_shani_avx
#define SHANI_D64_2WAY sato_sha256d64_shani_avx_2way
#include "crypto/sha256_shani.h"
#endif
