/* Template: SHA-256 with the x86 SHA extensions (SHA-NI). The state lives
 * in two registers in the order the sha256rnds2 instruction wants (ABEF,
 * CDGH); each call of quad() runs four rounds. Included by sha256_shani.c
 * (SSE4.1 encoding) and sha256_shani_avx.c (VEX encoding, whose three-operand
 * forms save register copies), which define:
 *   SHANI              the target attribute of the generated functions
 *   SHANI_TRANSFORM    name of the single-buffer compression function
 *   SHANI_D64_2WAY     name of the two-way 64-byte double hash
 * The functions carry their own target attribute so no file needs special
 * compiler flags; they are only called after cpuid reported the features. */
#include <immintrin.h>

#define INLINE static inline __attribute__((always_inline)) SHANI

INLINE __m128i load_be32x4(const unsigned char *p) {
    const __m128i swap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
    return _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)p), swap);
}

INLINE void store_be32x4(unsigned char *p, __m128i v) {
    const __m128i swap = _mm_set_epi8(12, 13, 14, 15, 8, 9, 10, 11, 4, 5, 6, 7, 0, 1, 2, 3);
    _mm_storeu_si128((__m128i *)(void *)p, _mm_shuffle_epi8(v, swap));
}

INLINE __m128i k4(int q) {
    return _mm_loadu_si128((const __m128i *)(const void *)(sato_sha256_k + 4 * q));
}

/* Four rounds; wk holds W+K for them. */
INLINE void quad(__m128i *abef, __m128i *cdgh, __m128i wk) {
    *cdgh = _mm_sha256rnds2_epu32(*cdgh, *abef, wk);
    *abef = _mm_sha256rnds2_epu32(*abef, *cdgh, _mm_shuffle_epi32(wk, 0x0e));
}

/* W[i..i+3] from W[i-16..i-1] held in m0..m3 (oldest first). */
INLINE __m128i next_w(__m128i m0, __m128i m1, __m128i m2, __m128i m3) {
    __m128i t = _mm_add_epi32(_mm_sha256msg1_epu32(m0, m1), _mm_alignr_epi8(m3, m2, 4));
    return _mm_sha256msg2_epu32(t, m3);
}

/* Between s[0..7] (A..H) and the ABEF/CDGH register layout. */
INLINE void state_in(__m128i *abef, __m128i *cdgh, __m128i abcd, __m128i efgh) {
    __m128i badc = _mm_shuffle_epi32(abcd, 0xb1);
    __m128i hgfe = _mm_shuffle_epi32(efgh, 0x1b);
    *abef = _mm_alignr_epi8(badc, hgfe, 8);
    *cdgh = _mm_blend_epi16(hgfe, badc, 0xf0);
}

INLINE void state_out(__m128i *abcd, __m128i *efgh, __m128i abef, __m128i cdgh) {
    __m128i feba = _mm_shuffle_epi32(abef, 0x1b);
    __m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);
    *abcd = _mm_blend_epi16(feba, dchg, 0xf0);
    *efgh = _mm_alignr_epi8(dchg, feba, 8);
}

/* One block whose message words are in m0..m3; adds nothing at the end. */
#define ROUNDS_1(st0, st1, m0, m1, m2, m3)                                            \
    do {                                                                             \
        quad(&st0, &st1, _mm_add_epi32(m0, k4(0)));                                  \
        quad(&st0, &st1, _mm_add_epi32(m1, k4(1)));                                  \
        quad(&st0, &st1, _mm_add_epi32(m2, k4(2)));                                  \
        quad(&st0, &st1, _mm_add_epi32(m3, k4(3)));                                  \
        ROUNDS_1_SCHED(st0, st1, m0, m1, m2, m3, 4);                                 \
        ROUNDS_1_SCHED(st0, st1, m0, m1, m2, m3, 8);                                 \
        ROUNDS_1_SCHED(st0, st1, m0, m1, m2, m3, 12);                                \
    } while (0)
#define ROUNDS_1_SCHED(st0, st1, m0, m1, m2, m3, q)                                   \
    m0 = next_w(m0, m1, m2, m3); quad(&st0, &st1, _mm_add_epi32(m0, k4(q)));         \
    m1 = next_w(m1, m2, m3, m0); quad(&st0, &st1, _mm_add_epi32(m1, k4(q + 1)));     \
    m2 = next_w(m2, m3, m0, m1); quad(&st0, &st1, _mm_add_epi32(m2, k4(q + 2)));     \
    m3 = next_w(m3, m0, m1, m2); quad(&st0, &st1, _mm_add_epi32(m3, k4(q + 3)))

SHANI void SHANI_TRANSFORM(uint32_t s[8], const unsigned char *chunk, size_t blocks) {
    __m128i abef, cdgh, abcd, efgh;
    state_in(&abef, &cdgh, _mm_loadu_si128((const __m128i *)(const void *)s),
             _mm_loadu_si128((const __m128i *)(const void *)(s + 4)));
    while (blocks--) {
        __m128i abef0 = abef, cdgh0 = cdgh;
        __m128i m0 = load_be32x4(chunk), m1 = load_be32x4(chunk + 16);
        __m128i m2 = load_be32x4(chunk + 32), m3 = load_be32x4(chunk + 48);
        ROUNDS_1(abef, cdgh, m0, m1, m2, m3);
        abef = _mm_add_epi32(abef, abef0);
        cdgh = _mm_add_epi32(cdgh, cdgh0);
        chunk += 64;
    }
    state_out(&abcd, &efgh, abef, cdgh);
    _mm_storeu_si128((__m128i *)(void *)s, abcd);
    _mm_storeu_si128((__m128i *)(void *)(s + 4), efgh);
}

/* Two independent messages a and b, interleaved so that one stream's
 * sha256rnds2 runs while the other waits on its latency. */
#define QUAD2(q, ma, mb)                                                              \
    do {                                                                             \
        __m128i k_ = k4(q);                                                          \
        quad(&abef_a, &cdgh_a, _mm_add_epi32(ma, k_));                               \
        quad(&abef_b, &cdgh_b, _mm_add_epi32(mb, k_));                               \
    } while (0)
#define SCHED2_QUAD2(q, a0, a1, a2, a3, b0, b1, b2, b3)                                \
    do {                                                                             \
        a0 = next_w(a0, a1, a2, a3);                                                 \
        b0 = next_w(b0, b1, b2, b3);                                                 \
        QUAD2(q, a0, b0);                                                            \
    } while (0)
#define ROUNDS_2()                                                                    \
    do {                                                                             \
        QUAD2(0, a0, b0); QUAD2(1, a1, b1); QUAD2(2, a2, b2); QUAD2(3, a3, b3);      \
        SCHED2_QUAD2(4, a0, a1, a2, a3, b0, b1, b2, b3);                             \
        SCHED2_QUAD2(5, a1, a2, a3, a0, b1, b2, b3, b0);                             \
        SCHED2_QUAD2(6, a2, a3, a0, a1, b2, b3, b0, b1);                             \
        SCHED2_QUAD2(7, a3, a0, a1, a2, b3, b0, b1, b2);                             \
        SCHED2_QUAD2(8, a0, a1, a2, a3, b0, b1, b2, b3);                             \
        SCHED2_QUAD2(9, a1, a2, a3, a0, b1, b2, b3, b0);                             \
        SCHED2_QUAD2(10, a2, a3, a0, a1, b2, b3, b0, b1);                            \
        SCHED2_QUAD2(11, a3, a0, a1, a2, b3, b0, b1, b2);                            \
        SCHED2_QUAD2(12, a0, a1, a2, a3, b0, b1, b2, b3);                            \
        SCHED2_QUAD2(13, a1, a2, a3, a0, b1, b2, b3, b0);                            \
        SCHED2_QUAD2(14, a2, a3, a0, a1, b2, b3, b0, b1);                            \
        SCHED2_QUAD2(15, a3, a0, a1, a2, b3, b0, b1, b2);                            \
    } while (0)

SHANI void SHANI_D64_2WAY(unsigned char *out, const unsigned char *in) {
    const __m128i iv_abcd = _mm_loadu_si128((const __m128i *)(const void *)sato_sha256_iv);
    const __m128i iv_efgh = _mm_loadu_si128((const __m128i *)(const void *)(sato_sha256_iv + 4));
    __m128i iv_abef, iv_cdgh, abef_a, cdgh_a, abef_b, cdgh_b, mid_abef_a, mid_cdgh_a, mid_abef_b,
        mid_cdgh_b, a0, a1, a2, a3, b0, b1, b2, b3;
    int q;

    state_in(&iv_abef, &iv_cdgh, iv_abcd, iv_efgh);

    /* First hash, block 1: the 64 input bytes. */
    abef_a = abef_b = iv_abef;
    cdgh_a = cdgh_b = iv_cdgh;
    a0 = load_be32x4(in);
    a1 = load_be32x4(in + 16);
    a2 = load_be32x4(in + 32);
    a3 = load_be32x4(in + 48);
    b0 = load_be32x4(in + 64);
    b1 = load_be32x4(in + 80);
    b2 = load_be32x4(in + 96);
    b3 = load_be32x4(in + 112);
    ROUNDS_2();
    abef_a = _mm_add_epi32(abef_a, iv_abef);
    cdgh_a = _mm_add_epi32(cdgh_a, iv_cdgh);
    abef_b = _mm_add_epi32(abef_b, iv_abef);
    cdgh_b = _mm_add_epi32(cdgh_b, iv_cdgh);
    mid_abef_a = abef_a;
    mid_cdgh_a = cdgh_a;
    mid_abef_b = abef_b;
    mid_cdgh_b = cdgh_b;

    /* First hash, block 2: padding only, so W+K is a constant table. */
    for (q = 0; q < 16; q++) {
        __m128i wk = _mm_loadu_si128((const __m128i *)(const void *)(sato_sha256_pad64_wk + 4 * q));
        quad(&abef_a, &cdgh_a, wk);
        quad(&abef_b, &cdgh_b, wk);
    }
    abef_a = _mm_add_epi32(abef_a, mid_abef_a);
    cdgh_a = _mm_add_epi32(cdgh_a, mid_cdgh_a);
    abef_b = _mm_add_epi32(abef_b, mid_abef_b);
    cdgh_b = _mm_add_epi32(cdgh_b, mid_cdgh_b);

    /* Second hash: the 32-byte digest is the message words W0..W7 as they
     * are; W8..W15 are the fixed padding for 256 bits. */
    state_out(&a0, &a1, abef_a, cdgh_a);
    state_out(&b0, &b1, abef_b, cdgh_b);
    a2 = b2 = _mm_set_epi32(0, 0, 0, (int)0x80000000u);
    a3 = b3 = _mm_set_epi32(0x100, 0, 0, 0);
    abef_a = abef_b = iv_abef;
    cdgh_a = cdgh_b = iv_cdgh;
    ROUNDS_2();
    abef_a = _mm_add_epi32(abef_a, iv_abef);
    cdgh_a = _mm_add_epi32(cdgh_a, iv_cdgh);
    abef_b = _mm_add_epi32(abef_b, iv_abef);
    cdgh_b = _mm_add_epi32(cdgh_b, iv_cdgh);

    state_out(&a0, &a1, abef_a, cdgh_a);
    state_out(&b0, &b1, abef_b, cdgh_b);
    store_be32x4(out, a0);
    store_be32x4(out + 16, a1);
    store_be32x4(out + 32, b0);
    store_be32x4(out + 48, b1);
}
