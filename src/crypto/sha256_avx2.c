/* 8-way double SHA-256 of 64-byte inputs with AVX2 (see sha256_multiway.h). */
#include "crypto/sha256_impl.h"

#if SATO_SHA256_X86
#include <immintrin.h>

#define MW_ATTR __attribute__((target("avx2")))
#define MW_NAME sato_sha256d64_avx2_8way
#define MW_WAYS 8
#define MW_V __m256i
#define MW_ADD(a, b) _mm256_add_epi32(a, b)
#define MW_XOR(a, b) _mm256_xor_si256(a, b)
#define MW_AND(a, b) _mm256_and_si256(a, b)
#define MW_OR(a, b) _mm256_or_si256(a, b)
#define MW_SHR(x, n) _mm256_srli_epi32(x, n)
#define MW_SHL(x, n) _mm256_slli_epi32(x, n)
#define MW_SET1(u) _mm256_set1_epi32((int)(u))
#define MW_LOAD(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define MW_STORE(p, v) _mm256_storeu_si256((__m256i *)(void *)(p), v)
#include "crypto/sha256_multiway.h"
#endif
