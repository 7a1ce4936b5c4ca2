/* SHA-1 (FIPS 180-4) and RIPEMD-160 (Dobbertin, Bosselaers, Preneel),
 * one-shot, for script opcodes. Neither is used for anything but
 * evaluating scripts, so they favour clarity over speed. */
#include <string.h>

#include "legacy_hash.h"
#include "sato/buf.h"

static uint32_t rol32(uint32_t x, unsigned n) {
    return (x << n) | (x >> (32 - n));
}

/* Feeds data plus Merkle-Damgard padding (64-bit bit length, big- or
 * little-endian) to a 64-byte block function. */
typedef void (*block_fn)(uint32_t *state, const unsigned char *block);

static void md_hash(uint32_t *state, block_fn fn, const unsigned char *data, size_t len,
                    int big_endian_len) {
    unsigned char tail[128];
    size_t full = len / 64 * 64, rest = len - full, tail_len, i;
    uint64_t bits = (uint64_t)len * 8;
    for (i = 0; i < full; i += 64) fn(state, data + i);
    memset(tail, 0, sizeof(tail));
    if (rest) memcpy(tail, data + full, rest);
    tail[rest] = 0x80;
    tail_len = rest + 9 <= 64 ? 64 : 128;
    if (big_endian_len) {
        sato_put_be64(tail + tail_len - 8, bits);
    } else {
        sato_put_le64(tail + tail_len - 8, bits);
    }
    for (i = 0; i < tail_len; i += 64) fn(state, tail + i);
}

static void sha1_block(uint32_t *s, const unsigned char *block) {
    uint32_t w[80], a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f, k, t;
    int i;
    for (i = 0; i < 16; i++) w[i] = sato_be32(block + 4 * i);
    for (i = 16; i < 80; i++) w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    for (i = 0; i < 80; i++) {
        if (i < 20) {
            f = (b & c) | (~b & d);
            k = 0x5a827999u;
        } else if (i < 40) {
            f = b ^ c ^ d;
            k = 0x6ed9eba1u;
        } else if (i < 60) {
            f = (b & c) | (b & d) | (c & d);
            k = 0x8f1bbcdcu;
        } else {
            f = b ^ c ^ d;
            k = 0xca62c1d6u;
        }
        t = rol32(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rol32(b, 30);
        b = a;
        a = t;
    }
    s[0] += a;
    s[1] += b;
    s[2] += c;
    s[3] += d;
    s[4] += e;
}

void sato_script_sha1(unsigned char out20[20], const unsigned char *data, size_t len) {
    uint32_t s[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u};
    int i;
    md_hash(s, sha1_block, data, len, 1);
    for (i = 0; i < 5; i++) sato_put_be32(out20 + 4 * i, s[i]);
}

/* RIPEMD-160: two parallel lines of 80 steps each. */
static const unsigned char rmd_r[80] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    7, 4, 13, 1, 10, 6, 15, 3, 12, 0, 9, 5, 2, 14, 11, 8,
    3, 10, 14, 4, 9, 15, 8, 1, 2, 7, 0, 6, 13, 11, 5, 12,
    1, 9, 11, 10, 0, 8, 12, 4, 13, 3, 7, 15, 14, 5, 6, 2,
    4, 0, 5, 9, 7, 12, 2, 10, 14, 1, 3, 8, 11, 6, 15, 13};
static const unsigned char rmd_rp[80] = {
    5, 14, 7, 0, 9, 2, 11, 4, 13, 6, 15, 8, 1, 10, 3, 12,
    6, 11, 3, 7, 0, 13, 5, 10, 14, 15, 8, 12, 4, 9, 1, 2,
    15, 5, 1, 3, 7, 14, 6, 9, 11, 8, 12, 2, 10, 0, 4, 13,
    8, 6, 4, 1, 3, 11, 15, 0, 5, 12, 2, 13, 9, 7, 10, 14,
    12, 15, 10, 4, 1, 5, 8, 7, 6, 2, 13, 14, 0, 3, 9, 11};
static const unsigned char rmd_s[80] = {
    11, 14, 15, 12, 5, 8, 7, 9, 11, 13, 14, 15, 6, 7, 9, 8,
    7, 6, 8, 13, 11, 9, 7, 15, 7, 12, 15, 9, 11, 7, 13, 12,
    11, 13, 6, 7, 14, 9, 13, 15, 14, 8, 13, 6, 5, 12, 7, 5,
    11, 12, 14, 15, 14, 15, 9, 8, 9, 14, 5, 6, 8, 6, 5, 12,
    9, 15, 5, 11, 6, 8, 13, 12, 5, 12, 13, 14, 11, 8, 5, 6};
static const unsigned char rmd_sp[80] = {
    8, 9, 9, 11, 13, 15, 15, 5, 7, 7, 8, 11, 14, 14, 12, 6,
    9, 13, 15, 7, 12, 8, 9, 11, 7, 7, 12, 7, 6, 15, 13, 11,
    9, 7, 15, 11, 8, 6, 6, 14, 12, 13, 5, 14, 13, 13, 7, 5,
    15, 5, 8, 11, 14, 14, 6, 14, 6, 9, 12, 9, 12, 5, 15, 8,
    8, 5, 12, 9, 12, 5, 14, 6, 8, 13, 6, 5, 15, 13, 11, 11};
static const uint32_t rmd_k[5] = {0x00000000u, 0x5a827999u, 0x6ed9eba1u, 0x8f1bbcdcu, 0xa953fd4eu};
static const uint32_t rmd_kp[5] = {0x50a28be6u, 0x5c4dd124u, 0x6d703ef3u, 0x7a6d76e9u, 0x00000000u};

static uint32_t rmd_f(int j, uint32_t x, uint32_t y, uint32_t z) {
    switch (j / 16) {
    case 0: return x ^ y ^ z;
    case 1: return (x & y) | (~x & z);
    case 2: return (x | ~y) ^ z;
    case 3: return (x & z) | (y & ~z);
    default: return x ^ (y | ~z);
    }
}

static void ripemd160_block(uint32_t *h, const unsigned char *block) {
    uint32_t x[16], al = h[0], bl = h[1], cl = h[2], dl = h[3], el = h[4];
    uint32_t ar = h[0], br = h[1], cr = h[2], dr = h[3], er = h[4], t;
    int j;
    for (j = 0; j < 16; j++) x[j] = sato_le32(block + 4 * j);
    for (j = 0; j < 80; j++) {
        t = rol32(al + rmd_f(j, bl, cl, dl) + x[rmd_r[j]] + rmd_k[j / 16], rmd_s[j]) + el;
        al = el;
        el = dl;
        dl = rol32(cl, 10);
        cl = bl;
        bl = t;
        t = rol32(ar + rmd_f(79 - j, br, cr, dr) + x[rmd_rp[j]] + rmd_kp[j / 16], rmd_sp[j]) + er;
        ar = er;
        er = dr;
        dr = rol32(cr, 10);
        cr = br;
        br = t;
    }
    t = h[1] + cl + dr;
    h[1] = h[2] + dl + er;
    h[2] = h[3] + el + ar;
    h[3] = h[4] + al + br;
    h[4] = h[0] + bl + cr;
    h[0] = t;
}

void sato_script_ripemd160(unsigned char out20[20], const unsigned char *data, size_t len) {
    uint32_t h[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u};
    int i;
    md_hash(h, ripemd160_block, data, len, 0);
    for (i = 0; i < 5; i++) sato_put_le32(out20 + 4 * i, h[i]);
}
