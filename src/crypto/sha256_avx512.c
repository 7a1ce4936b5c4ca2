/* 16-way double SHA-256 of 64-byte inputs with AVX-512F: native rotates
 * and three-input logic (vpternlogd) cut the instruction count per round
 * roughly in half against AVX2, on twice the lanes. */
#include "crypto/sha256_impl.h"

#if SATO_SHA256_X86
#include <immintrin.h>

#define MW_ATTR __attribute__((target("avx512f")))
#define MW_NAME sato_sha256d64_avx512_16way
#define MW_WAYS 16
#define MW_V __m512i
#define MW_ADD(a, b) _mm512_add_epi32(a, b)
#define MW_XOR(a, b) _mm512_xor_si512(a, b)
#define MW_AND(a, b) _mm512_and_si512(a, b)
#define MW_OR(a, b) _mm512_or_si512(a, b)
#define MW_SHR(x, n) _mm512_srli_epi32(x, n)
#define MW_SHL(x, n) _mm512_slli_epi32(x, n)
#define MW_SET1(u) _mm512_set1_epi32((int)(u))
#define MW_LOAD(p) _mm512_loadu_si512((const void *)(p))
#define MW_STORE(p, v) _mm512_storeu_si512((void *)(p), v)
#define MW_ROTR(x, n) _mm512_ror_epi32(x, n)
/* Truth tables over (a, b, c) = (0xf0, 0xcc, 0xaa). */
#define MW_XOR3(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0x96)
#define MW_CH(e, f, g) _mm512_ternarylogic_epi32(e, f, g, 0xca)
#define MW_MAJ(a, b, c) _mm512_ternarylogic_epi32(a, b, c, 0xe8)
#include "crypto/sha256_multiway.h"
#endif
