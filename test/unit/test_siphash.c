/* SipHash-2-4: the 64 reference outputs of the SipHash paper (key 00..0f,
 * messages 00, 00 01, ...), fed in different ways, and the 256-bit fast
 * paths against the generic hasher. */
#include <string.h>

#include "sato/buf.h"
#include "sato/siphash.h"
#include "test.h"

static const uint64_t ref[64] = {
    0x726fdb47dd0e0e31, 0x74f839c593dc67fd, 0x0d6c8009d9a94f5a, 0x85676696d7fb7e2d,
    0xcf2794e0277187b7, 0x18765564cd99a68d, 0xcbc9466e58fee3ce, 0xab0200f58b01d137,
    0x93f5f5799a932462, 0x9e0082df0ba9e4b0, 0x7a5dbbc594ddb9f3, 0xf4b32f46226bada7,
    0x751e8fbc860ee5fb, 0x14ea5627c0843d90, 0xf723ca908e7af2ee, 0xa129ca6149be45e5,
    0x3f2acc7f57c29bdb, 0x699ae9f52cbe4794, 0x4bc1b3f0968dd39c, 0xbb6dc91da77961bd,
    0xbed65cf21aa2ee98, 0xd0f2cbb02e3b67c7, 0x93536795e3a33e88, 0xa80c038ccd5ccec8,
    0xb8ad50c6f649af94, 0xbce192de8a85b8ea, 0x17d835b85bbb15f3, 0x2f2e6163076bcfad,
    0xde4daaaca71dc9a5, 0xa6a2506687956571, 0xad87a3535c49ef28, 0x32d892fad841c342,
    0x7127512f72f27cce, 0xa7f32346f95978e3, 0x12e0b01abb051238, 0x15e034d40fa197ae,
    0x314dffbe0815a3b4, 0x027990f029623981, 0xcadcd4e59ef40c4d, 0x9abfd8766a33735c,
    0x0e3ea96b5304a7d0, 0xad0c42d6fc585992, 0x187306c89bc215a9, 0xd4a60abcf3792b95,
    0xf935451de4f21df2, 0xa9538f0419755787, 0xdb9acddff56ca510, 0xd06c98cd5c0975eb,
    0xe612a3cb9ecba951, 0xc766e62cfcadaf96, 0xee64435a9752fe72, 0xa192d576b245165a,
    0x0a8787bf8ecb74b2, 0x81b3e73d20b49b6f, 0x7fa8220ba3b2ecea, 0x245731c13ca42499,
    0xb78dbfaf3a8d83bd, 0xea1ad565322a1a0b, 0x60e61c23a3795013, 0x6606d7e446282b93,
    0x6ca4ecb15c5f91e1, 0x9f626da15c9625f3, 0xe51b38608ef25f57, 0x958a324ceb064572,
};

#define K0 0x0706050403020100ULL
#define K1 0x0f0e0d0c0b0a0908ULL

static uint64_t rng_state = 0x243f6a8885a308d3ULL;
static uint64_t rng(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

int main(void) {
    unsigned char msg[300];
    sato_siphash_t h, inc;
    size_t i, len;
    int r;

    for (i = 0; i < sizeof(msg); i++) msg[i] = (unsigned char)i;
    /* One-shot per length, and a single hasher fed one byte at a time and
     * finalized after every byte (finalize leaves the state intact). */
    sato_siphash_init(&inc, K0, K1);
    for (len = 0; len < 64; len++) {
        sato_siphash_init(&h, K0, K1);
        sato_siphash_write(&h, msg, len);
        test_case(sato_siphash_finalize(&h) == ref[len], "reference vector %zu", len);
        test_case(sato_siphash_finalize(&inc) == ref[len], "reference vector %zu incremental", len);
        sato_siphash_write(&inc, msg + len, 1);
    }
    /* Eight bytes at a time through write_u64. */
    sato_siphash_init(&h, K0, K1);
    for (len = 0; len < 64; len += 8) {
        test_case(sato_siphash_finalize(&h) == ref[len], "reference vector %zu by words", len);
        sato_siphash_write_u64(&h, sato_le64(msg + len));
    }
    /* write_u64 at an unaligned position is the same as its 8 bytes. */
    sato_siphash_init(&h, K0, K1);
    sato_siphash_write(&h, msg, 3);
    sato_siphash_write_u64(&h, sato_le64(msg + 3));
    sato_siphash_write(&h, msg + 11, 5);
    CHECK(sato_siphash_finalize(&h) == ref[16]);

    /* Lengths past 255 wrap the length byte, as the spec says; check the
     * streaming code agrees with itself across chunk sizes. */
    {
        uint64_t want;
        sato_siphash_init(&h, 1, 2);
        sato_siphash_write(&h, msg, 300);
        want = sato_siphash_finalize(&h);
        sato_siphash_init(&h, 1, 2);
        for (i = 0; i < 300; i += 7) sato_siphash_write(&h, msg + i, i + 7 <= 300 ? 7 : 300 - i);
        CHECK(sato_siphash_finalize(&h) == want);
    }

    /* The uint256 fast paths equal the generic hasher (random keys and
     * hashes), and the paper's vector for 32 bytes. */
    CHECK(sato_siphash_uint256(K0, K1, msg) == ref[32]);
    for (r = 0; r < 200; r++) {
        uint64_t k0 = rng(), k1 = rng();
        uint32_t extra = (uint32_t)rng();
        unsigned char hash[32], e[4];
        for (i = 0; i < 32; i++) hash[i] = (unsigned char)rng();
        sato_siphash_init(&h, k0, k1);
        sato_siphash_write(&h, hash, 32);
        test_case(sato_siphash_uint256(k0, k1, hash) == sato_siphash_finalize(&h), "uint256 %d", r);
        sato_put_le32(e, extra);
        sato_siphash_write(&h, e, 4);
        test_case(sato_siphash_uint256_extra(k0, k1, hash, extra) == sato_siphash_finalize(&h),
                  "uint256_extra %d", r);
    }
    return test_report("test_siphash");
}
