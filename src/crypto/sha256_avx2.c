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

#define AVX2_INLINE static inline __attribute__((always_inline, target("avx2")))

AVX2_INLINE __m256i bswap32(__m256i x) {
    const __m256i m = _mm256_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3,
                                      12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
    return _mm256_shuffle_epi8(x, m);
}

/* In-register transpose of an 8x8 matrix of 32-bit words. */
AVX2_INLINE void transpose8(__m256i r[8]) {
    __m256i u[8];
    int g, m;
    for (g = 0; g < 2; g++) {
        __m256i t0 = _mm256_unpacklo_epi32(r[4 * g], r[4 * g + 1]);
        __m256i t1 = _mm256_unpackhi_epi32(r[4 * g], r[4 * g + 1]);
        __m256i t2 = _mm256_unpacklo_epi32(r[4 * g + 2], r[4 * g + 3]);
        __m256i t3 = _mm256_unpackhi_epi32(r[4 * g + 2], r[4 * g + 3]);
        u[4 * g] = _mm256_unpacklo_epi64(t0, t2);
        u[4 * g + 1] = _mm256_unpackhi_epi64(t0, t2);
        u[4 * g + 2] = _mm256_unpacklo_epi64(t1, t3);
        u[4 * g + 3] = _mm256_unpackhi_epi64(t1, t3);
    }
    /* u[4g+m], 128-bit lane L: word 4L+m of rows 4g..4g+3. */
    for (m = 0; m < 4; m++) {
        r[m] = _mm256_permute2x128_si256(u[m], u[4 + m], 0x20);
        r[4 + m] = _mm256_permute2x128_si256(u[m], u[4 + m], 0x31);
    }
}

AVX2_INLINE void read8(__m256i w[16], const unsigned char *in) {
    int j;
    for (j = 0; j < 8; j++) {
        w[j] = bswap32(_mm256_loadu_si256((const __m256i *)(const void *)(in + 64 * j)));
        w[8 + j] = bswap32(_mm256_loadu_si256((const __m256i *)(const void *)(in + 64 * j + 32)));
    }
    transpose8(w);
    transpose8(w + 8);
}

AVX2_INLINE void write8(unsigned char *out, const __m256i st[8]) {
    __m256i r[8];
    int j;
    for (j = 0; j < 8; j++) r[j] = bswap32(st[j]);
    transpose8(r);
    for (j = 0; j < 8; j++) _mm256_storeu_si256((__m256i *)(void *)(out + 32 * j), r[j]);
}

#define MW_READ(w, in) read8(w, in)
#define MW_WRITE(out, st) write8(out, st)
#include "crypto/sha256_multiway.h"
#endif
