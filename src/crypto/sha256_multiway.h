/* Template for multi-way double SHA-256 of 64-byte inputs: lane j of every
 * vector belongs to input j, so one pass of the round code hashes MW_WAYS
 * inputs. Included by sha256_sse41.c and sha256_avx2.c, which define:
 *   MW_ATTR   the target attribute of the generated functions
 *   MW_NAME   the name of the exported function
 *   MW_WAYS   lanes per vector
 *   MW_V      the vector type of MW_WAYS 32-bit lanes
 *   MW_ADD, MW_XOR, MW_AND, MW_OR, MW_SHR(x, n), MW_SHL(x, n), MW_SET1(u32),
 *   MW_LOAD(const uint32_t *), MW_STORE(uint32_t *, v)   (unaligned)
 * and may define MW_ROTR, MW_XOR3, MW_CH, MW_MAJ where the instruction set
 * has something better than the shift-and-or defaults below, and
 * MW_READ(w, in) (w[i] = big-endian word i of every input) and
 * MW_WRITE(out, st) (the digests from the state words) where it can
 * transpose in registers.  * The second block of the first hash is pure padding and uses the constant
 * table sato_sha256_pad64_wk; the second hash has only 8 variable words. */
#include "sato/buf.h"

#define MW_INLINE static inline __attribute__((always_inline)) MW_ATTR

#ifndef MW_ROTR
#define MW_ROTR(x, n) MW_OR(MW_SHR(x, n), MW_SHL(x, 32 - (n)))
#endif
#ifndef MW_XOR3
#define MW_XOR3(a, b, c) MW_XOR(MW_XOR(a, b), c)
#endif
#ifndef MW_CH
#define MW_CH(e, f, g) MW_XOR(g, MW_AND(e, MW_XOR(f, g)))
#endif
#ifndef MW_MAJ
#define MW_MAJ(a, b, c) MW_OR(MW_AND(a, b), MW_AND(c, MW_OR(a, b)))
#endif

MW_INLINE MW_V mw_S0(MW_V x) { return MW_XOR3(MW_ROTR(x, 2), MW_ROTR(x, 13), MW_ROTR(x, 22)); }
MW_INLINE MW_V mw_S1(MW_V x) { return MW_XOR3(MW_ROTR(x, 6), MW_ROTR(x, 11), MW_ROTR(x, 25)); }
MW_INLINE MW_V mw_s0(MW_V x) { return MW_XOR3(MW_ROTR(x, 7), MW_ROTR(x, 18), MW_SHR(x, 3)); }
MW_INLINE MW_V mw_s1(MW_V x) { return MW_XOR3(MW_ROTR(x, 17), MW_ROTR(x, 19), MW_SHR(x, 10)); }

/* One round; the caller rotates the roles of the eight state words. */
MW_INLINE void mw_round(MW_V a, MW_V b, MW_V c, MW_V *d, MW_V e, MW_V f, MW_V g, MW_V *h, MW_V wk) {
    MW_V t1 = MW_ADD(MW_ADD(*h, mw_S1(e)), MW_ADD(MW_CH(e, f, g), wk));
    MW_V t2 = MW_ADD(mw_S0(a), MW_MAJ(a, b, c));
    *d = MW_ADD(*d, t1);
    *h = MW_ADD(t1, t2);
}

#define MW_EIGHT(base, WK)                                                   \
    mw_round(a, b, c, &d, e, f, g, &h, WK(base + 0));                        \
    mw_round(h, a, b, &c, d, e, f, &g, WK(base + 1));                        \
    mw_round(g, h, a, &b, c, d, e, &f, WK(base + 2));                        \
    mw_round(f, g, h, &a, b, c, d, &e, WK(base + 3));                        \
    mw_round(e, f, g, &h, a, b, c, &d, WK(base + 4));                        \
    mw_round(d, e, f, &g, h, a, b, &c, WK(base + 5));                        \
    mw_round(c, d, e, &f, g, h, a, &b, WK(base + 6));                        \
    mw_round(b, c, d, &e, f, g, h, &a, WK(base + 7))

/* W[i] for i >= 16 computed in place in a 16-entry ring. */
MW_INLINE MW_V mw_wk_sched(MW_V w[16], int i) {
    if (i >= 16) {
        w[i & 15] = MW_ADD(MW_ADD(mw_s1(w[(i - 2) & 15]), w[(i - 7) & 15]),
                           MW_ADD(mw_s0(w[(i - 15) & 15]), w[i & 15]));
    }
    return MW_ADD(w[i & 15], MW_SET1(sato_sha256_k[i]));
}

/* 64 rounds over st with message w (clobbered); st += result. */
MW_INLINE void mw_block(MW_V st[8], MW_V w[16]) {
    MW_V a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
    int i;
#define MW_WK(i) mw_wk_sched(w, i)
    for (i = 0; i < 64; i += 8) {
        MW_EIGHT(i, MW_WK);
    }
#undef MW_WK
    st[0] = MW_ADD(st[0], a); st[1] = MW_ADD(st[1], b); st[2] = MW_ADD(st[2], c);
    st[3] = MW_ADD(st[3], d); st[4] = MW_ADD(st[4], e); st[5] = MW_ADD(st[5], f);
    st[6] = MW_ADD(st[6], g); st[7] = MW_ADD(st[7], h);
}

/* 64 rounds of the fixed padding block of a 64-byte message. */
MW_INLINE void mw_pad_block(MW_V st[8]) {
    MW_V a = st[0], b = st[1], c = st[2], d = st[3], e = st[4], f = st[5], g = st[6], h = st[7];
    int i;
#define MW_WK(i) MW_SET1(sato_sha256_pad64_wk[i])
    for (i = 0; i < 64; i += 8) {
        MW_EIGHT(i, MW_WK);
    }
#undef MW_WK
    st[0] = MW_ADD(st[0], a); st[1] = MW_ADD(st[1], b); st[2] = MW_ADD(st[2], c);
    st[3] = MW_ADD(st[3], d); st[4] = MW_ADD(st[4], e); st[5] = MW_ADD(st[5], f);
    st[6] = MW_ADD(st[6], g); st[7] = MW_ADD(st[7], h);
}

#ifndef MW_READ
MW_INLINE void mw_read(MW_V w[16], const unsigned char *in) {
    uint32_t lane[MW_WAYS];
    int i, j;
    for (i = 0; i < 16; i++) {
        for (j = 0; j < MW_WAYS; j++) lane[j] = sato_be32(in + 64 * j + 4 * i);
        w[i] = MW_LOAD(lane);
    }
}
#define MW_READ(w, in) mw_read(w, in)
#endif

#ifndef MW_WRITE
MW_INLINE void mw_write(unsigned char *out, const MW_V st[8]) {
    uint32_t lane[MW_WAYS];
    int i, j;
    for (i = 0; i < 8; i++) {
        MW_STORE(lane, st[i]);
        for (j = 0; j < MW_WAYS; j++) sato_put_be32(out + 32 * j + 4 * i, lane[j]);
    }
}
#define MW_WRITE(out, st) mw_write(out, st)
#endif

MW_ATTR void MW_NAME(unsigned char *out, const unsigned char *in) {
    MW_V st[8], w[16];
    int i;

    MW_READ(w, in);
    for (i = 0; i < 8; i++) st[i] = MW_SET1(sato_sha256_iv[i]);
    mw_block(st, w);
    mw_pad_block(st);

    /* Second hash: digest words, then padding for a 256-bit message. */
    for (i = 0; i < 8; i++) {
        w[i] = st[i];
        st[i] = MW_SET1(sato_sha256_iv[i]);
    }
    w[8] = MW_SET1(0x80000000u);
    for (i = 9; i < 15; i++) w[i] = MW_SET1(0);
    w[15] = MW_SET1(0x100);
    mw_block(st, w);

    MW_WRITE(out, st);
}
