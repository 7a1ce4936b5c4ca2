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

#define SSE_INLINE static inline __attribute__((always_inline, target("sse4.1")))

SSE_INLINE __m128i bswap32(__m128i x) {
    return _mm_shuffle_epi8(x, _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3));
}

/* In-register transpose of a 4x4 matrix of 32-bit words. */
SSE_INLINE void transpose4(__m128i r[4]) {
    __m128i t0 = _mm_unpacklo_epi32(r[0], r[1]), t1 = _mm_unpackhi_epi32(r[0], r[1]);
    __m128i t2 = _mm_unpacklo_epi32(r[2], r[3]), t3 = _mm_unpackhi_epi32(r[2], r[3]);
    r[0] = _mm_unpacklo_epi64(t0, t2);
    r[1] = _mm_unpackhi_epi64(t0, t2);
    r[2] = _mm_unpacklo_epi64(t1, t3);
    r[3] = _mm_unpackhi_epi64(t1, t3);
}

SSE_INLINE void read4(__m128i w[16], const unsigned char *in) {
    int j, q;
    for (q = 0; q < 4; q++) {
        for (j = 0; j < 4; j++)
            w[4 * q + j] = bswap32(_mm_loadu_si128((const __m128i *)(const void *)(in + 64 * j + 16 * q)));
        transpose4(w + 4 * q);
    }
}

SSE_INLINE void write4(unsigned char *out, const __m128i st[8]) {
    __m128i r[8];
    int j;
    for (j = 0; j < 8; j++) r[j] = bswap32(st[j]);
    transpose4(r);
    transpose4(r + 4);
    for (j = 0; j < 4; j++) {
        _mm_storeu_si128((__m128i *)(void *)(out + 32 * j), r[j]);
        _mm_storeu_si128((__m128i *)(void *)(out + 32 * j + 16), r[4 + j]);
    }
}

#define MW_READ(w, in) read4(w, in)
#define MW_WRITE(out, st) write4(out, st)
#include "crypto/sha256_multiway.h"
#endif
