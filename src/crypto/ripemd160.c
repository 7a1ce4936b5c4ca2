/* Portable RIPEMD-160: two parallel lines of five 16-step rounds over
 * little-endian message words, combined crosswise at the end. */
#include <string.h>

#include "sato/buf.h"
#include "sato/ripemd160.h"

/* Message word order and rotation amounts, left and right lines. */
static const unsigned char rl[80] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    7, 4, 13, 1, 10, 6, 15, 3, 12, 0, 9, 5, 2, 14, 11, 8,
    3, 10, 14, 4, 9, 15, 8, 1, 2, 7, 0, 6, 13, 11, 5, 12,
    1, 9, 11, 10, 0, 8, 12, 4, 13, 3, 7, 15, 14, 5, 6, 2,
    4, 0, 5, 9, 7, 12, 2, 10, 14, 1, 3, 8, 11, 6, 15, 13,
};
static const unsigned char rr[80] = {
    5, 14, 7, 0, 9, 2, 11, 4, 13, 6, 15, 8, 1, 10, 3, 12,
    6, 11, 3, 7, 0, 13, 5, 10, 14, 15, 8, 12, 4, 9, 1, 2,
    15, 5, 1, 3, 7, 14, 6, 9, 11, 8, 12, 2, 10, 0, 4, 13,
    8, 6, 4, 1, 3, 11, 15, 0, 5, 12, 2, 13, 9, 7, 10, 14,
    12, 15, 10, 4, 1, 5, 8, 7, 6, 2, 13, 14, 0, 3, 9, 11,
};
static const unsigned char sl[80] = {
    11, 14, 15, 12, 5, 8, 7, 9, 11, 13, 14, 15, 6, 7, 9, 8,
    7, 6, 8, 13, 11, 9, 7, 15, 7, 12, 15, 9, 11, 7, 13, 12,
    11, 13, 6, 7, 14, 9, 13, 15, 14, 8, 13, 6, 5, 12, 7, 5,
    11, 12, 14, 15, 14, 15, 9, 8, 9, 14, 5, 6, 8, 6, 5, 12,
    9, 15, 5, 11, 6, 8, 13, 12, 5, 12, 13, 14, 11, 8, 5, 6,
};
static const unsigned char sr[80] = {
    8, 9, 9, 11, 13, 15, 15, 5, 7, 7, 8, 11, 14, 14, 12, 6,
    9, 13, 15, 7, 12, 8, 9, 11, 7, 7, 12, 7, 6, 15, 13, 11,
    9, 7, 15, 11, 8, 6, 6, 14, 12, 13, 5, 14, 13, 13, 7, 5,
    15, 5, 8, 11, 14, 14, 6, 14, 6, 9, 12, 9, 12, 5, 15, 8,
    8, 5, 12, 9, 12, 5, 14, 6, 8, 13, 6, 5, 15, 13, 11, 11,
};
static const uint32_t kl[5] = {0x00000000, 0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xa953fd4e};
static const uint32_t kr[5] = {0x50a28be6, 0x5c4dd124, 0x6d703ef3, 0x7a6d76e9, 0x00000000};

static uint32_t rol(uint32_t x, unsigned n) { return (x << n) | (x >> (32 - n)); }

/* The five boolean functions; the right line uses them in reverse order. */
static uint32_t f(int j, uint32_t x, uint32_t y, uint32_t z) {
    switch (j) {
    case 0: return x ^ y ^ z;
    case 1: return (x & y) | (~x & z);
    case 2: return (x | ~y) ^ z;
    case 3: return (x & z) | (y & ~z);
    default: return x ^ (y | ~z);
    }
}

static void transform(uint32_t s[5], const unsigned char *chunk, size_t blocks) {
    while (blocks--) {
        uint32_t x[16], al = s[0], bl = s[1], cl = s[2], dl = s[3], el = s[4];
        uint32_t ar = al, br = bl, cr = cl, dr = dl, er = el, t;
        int i;
        for (i = 0; i < 16; i++) x[i] = sato_le32(chunk + 4 * i);
        for (i = 0; i < 80; i++) {
            int round = i / 16;
            t = rol(al + f(round, bl, cl, dl) + x[rl[i]] + kl[round], sl[i]) + el;
            al = el; el = dl; dl = rol(cl, 10); cl = bl; bl = t;
            t = rol(ar + f(4 - round, br, cr, dr) + x[rr[i]] + kr[round], sr[i]) + er;
            ar = er; er = dr; dr = rol(cr, 10); cr = br; br = t;
        }
        t = s[1] + cl + dr;
        s[1] = s[2] + dl + er;
        s[2] = s[3] + el + ar;
        s[3] = s[4] + al + br;
        s[4] = s[0] + bl + cr;
        s[0] = t;
        chunk += 64;
    }
}

void sato_ripemd160_init(sato_ripemd160_t *ctx) {
    ctx->s[0] = 0x67452301;
    ctx->s[1] = 0xefcdab89;
    ctx->s[2] = 0x98badcfe;
    ctx->s[3] = 0x10325476;
    ctx->s[4] = 0xc3d2e1f0;
    ctx->bytes = 0;
}

void sato_ripemd160_write(sato_ripemd160_t *ctx, const unsigned char *data, size_t len) {
    size_t fill = (size_t)(ctx->bytes % 64);
    if (len == 0) return;
    ctx->bytes += len;
    if (fill) {
        size_t take = 64 - fill < len ? 64 - fill : len;
        memcpy(ctx->buf + fill, data, take);
        data += take;
        len -= take;
        if (fill + take < 64) return;
        transform(ctx->s, ctx->buf, 1);
    }
    if (len >= 64) {
        transform(ctx->s, data, len / 64);
        data += len - len % 64;
        len %= 64;
    }
    if (len) memcpy(ctx->buf, data, len);
}

void sato_ripemd160_finalize(sato_ripemd160_t *ctx, unsigned char out20[20]) {
    static const unsigned char pad[64] = {0x80};
    unsigned char lenbuf[8];
    int i;
    sato_put_le64(lenbuf, ctx->bytes << 3);
    sato_ripemd160_write(ctx, pad, 1 + ((119 - (ctx->bytes % 64)) % 64));
    sato_ripemd160_write(ctx, lenbuf, 8);
    for (i = 0; i < 5; i++) sato_put_le32(out20 + 4 * i, ctx->s[i]);
}

void sato_ripemd160(unsigned char out20[20], const unsigned char *data, size_t len) {
    sato_ripemd160_t ctx;
    sato_ripemd160_init(&ctx);
    sato_ripemd160_write(&ctx, data, len);
    sato_ripemd160_finalize(&ctx, out20);
}
