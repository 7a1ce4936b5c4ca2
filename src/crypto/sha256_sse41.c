/* 4-way double SHA-256 of 64-byte inputs with SSE4.1 (see sha256_multiway.h),
 * for x86 CPUs without AVX2 or SHA-NI. */
#include "crypto/sha256_impl.h"

#if SATO_SHA256_X86
#include <immintrin.h>

#define MW_ATTR __attribute__((target("sse4.1")))
#define MW_NAME sato_sha256d64_sse41_4way
#define MW_WAYS 4
#define MW_V __m128i
#define MW_ADD(a, b) _mm_add_epi32(a, b)
#define MW_XOR(a, b) _mm_xor_si128(a, b)
#define MW_AND(a, b) _mm_and_si128(a, b)
#define MW_OR(a, b) _mm_or_si128(a, b)
#define MW_SHR(x, n) _mm_srli_epi32(x, n)
#define MW_SHL(x, n) _mm_slli_epi32(x, n)
#define MW_SET1(u) _mm_set1_epi32((int)(u))
#define MW_LOAD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define MW_STORE(p, v) _mm_storeu_si128((__m128i *)(void *)(p), v)
#include "crypto/sha256_multiway.h"
#endif
