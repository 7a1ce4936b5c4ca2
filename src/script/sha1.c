/* SHA-1 (FIPS 180-4), one-shot, for OP_SHA1. Nothing else in Bitcoin
 * uses it, so it favours clarity over speed. */
#include <string.h>

#include "sha1.h"
#include "sato/buf.h"

static uint32_t rol32(uint32_t x, unsigned n) {
    return (x << n) | (x >> (32 - n));
}

/* Feeds data plus Merkle-Damgard padding (64-bit big-endian bit length)
 * to a 64-byte block function. */
typedef void (*block_fn)(uint32_t *state, const unsigned char *block);

static void md_hash(uint32_t *state, block_fn fn, const unsigned char *data, size_t len) {
    unsigned char tail[128];
    size_t full = len / 64 * 64, rest = len - full, tail_len, i;
    uint64_t bits = (uint64_t)len * 8;
    for (i = 0; i < full; i += 64) fn(state, data + i);
    memset(tail, 0, sizeof(tail));
    if (rest) memcpy(tail, data + full, rest);
    tail[rest] = 0x80;
    tail_len = rest + 9 <= 64 ? 64 : 128;
    sato_put_be64(tail + tail_len - 8, bits);
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
    md_hash(s, sha1_block, data, len);
    for (i = 0; i < 5; i++) sato_put_be32(out20 + 4 * i, s[i]);
}
