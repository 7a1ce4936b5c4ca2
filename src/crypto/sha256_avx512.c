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

/* Byte swap of each lane: rotations by 8 either way, merged by a mask. */
static inline __attribute__((always_inline, target("avx512f"))) __m512i bswap32(__m512i x) {
    return _mm512_ternarylogic_epi32(_mm512_ror_epi32(x, 8), _mm512_rol_epi32(x, 8),
                                     _mm512_set1_epi32((int)0xff00ff00u), 0xe4);
}

/* In-register transpose of a 16x16 matrix of 32-bit words: 4x4 transposes
 * inside each 128-bit lane, then a 4x4 transpose of the lanes. */
static inline __attribute__((always_inline, target("avx512f"))) void transpose16(__m512i r[16]) {
    __m512i u[16];
    int g, m;
    for (g = 0; g < 4; g++) {
        __m512i t0 = _mm512_unpacklo_epi32(r[4 * g], r[4 * g + 1]);
        __m512i t1 = _mm512_unpackhi_epi32(r[4 * g], r[4 * g + 1]);
        __m512i t2 = _mm512_unpacklo_epi32(r[4 * g + 2], r[4 * g + 3]);
        __m512i t3 = _mm512_unpackhi_epi32(r[4 * g + 2], r[4 * g + 3]);
        u[4 * g] = _mm512_unpacklo_epi64(t0, t2);
        u[4 * g + 1] = _mm512_unpackhi_epi64(t0, t2);
        u[4 * g + 2] = _mm512_unpacklo_epi64(t1, t3);
        u[4 * g + 3] = _mm512_unpackhi_epi64(t1, t3);
    }
    /* u[4g+m], lane L: word 4L+m of rows 4g..4g+3. */
    for (m = 0; m < 4; m++) {
        __m512i x0 = _mm512_shuffle_i32x4(u[m], u[4 + m], 0x44);
        __m512i x1 = _mm512_shuffle_i32x4(u[m], u[4 + m], 0xee);
        __m512i x2 = _mm512_shuffle_i32x4(u[8 + m], u[12 + m], 0x44);
        __m512i x3 = _mm512_shuffle_i32x4(u[8 + m], u[12 + m], 0xee);
        r[m] = _mm512_shuffle_i32x4(x0, x2, 0x88);
        r[4 + m] = _mm512_shuffle_i32x4(x0, x2, 0xdd);
        r[8 + m] = _mm512_shuffle_i32x4(x1, x3, 0x88);
        r[12 + m] = _mm512_shuffle_i32x4(x1, x3, 0xdd);
    }
}

/* Each input is one 64-byte row; transposed, row i becomes word i. */
static inline __attribute__((always_inline, target("avx512f"))) void read16(__m512i w[16], const unsigned char *in) {
    int j;
    for (j = 0; j < 16; j++) w[j] = bswap32(_mm512_loadu_si512((const void *)(in + 64 * j)));
    transpose16(w);
}

/* The eight state words twice over make a square; after the transpose the
 * low half of row j is digest j. */
static inline __attribute__((always_inline, target("avx512f"))) void write16(unsigned char *out, const __m512i st[8]) {
    __m512i r[16];
    int j;
    for (j = 0; j < 8; j++) r[j] = r[8 + j] = bswap32(st[j]);
    transpose16(r);
    for (j = 0; j < 16; j++)
        _mm256_storeu_si256((__m256i *)(void *)(out + 32 * j), _mm512_castsi512_si256(r[j]));
}

#define MW_READ(w, in) read16(w, in)
#define MW_WRITE(out, st) write16(out, st)
#include "crypto/sha256_multiway.h"
#endif
