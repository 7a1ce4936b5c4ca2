/* RIPEMD-160: the vectors from the RIPEMD-160 paper, streaming splits, and
 * HASH160. */
#include <stdlib.h>
#include <string.h>

#include "sato/hash.h"
#include "sato/hex.h"
#include "sato/ripemd160.h"
#include "test.h"

static int hash_is(const unsigned char *h, size_t n, const char *hex) {
    char buf[129];
    sato_hex_encode(buf, h, n);
    return strcmp(buf, hex) == 0;
}

int main(void) {
    static const struct {
        const char *msg;
        const char *hex;
    } v[] = {
        {"", "9c1185a5c5e9fc54612808977ee8f548b2258d31"},
        {"a", "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe"},
        {"abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"},
        {"message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36"},
        {"abcdefghijklmnopqrstuvwxyz", "f71c27109c692c1b56bbdceb5b9d2865b3708dbc"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "12a053384a9c0c88e405a06c27dcf49ada62eb2b"},
        {"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
         "b0e20b6e3116640286ed3a87a5713079b21f5189"},
        {"12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "9b752e45573d4b39f4dbd3323cab82bf63326bfb"},
    };
    static const char *million_a = "52783243c1697bdbe16d37f97f68f08325dc1528";
    unsigned char h[20], want[20], msg[200], *million;
    sato_ripemd160_t ctx;
    size_t i, len, split;
    int ok;

    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        sato_ripemd160(h, (const unsigned char *)v[i].msg, strlen(v[i].msg));
        test_case(hash_is(h, 20, v[i].hex), "paper vector %zu", i);
    }
    million = malloc(1000000);
    memset(million, 'a', 1000000);
    sato_ripemd160(h, million, 1000000);
    test_case(hash_is(h, 20, million_a), "million a");
    sato_ripemd160_init(&ctx);
    for (i = 0; i < 1000000; i += 1000) sato_ripemd160_write(&ctx, million + i, 1000);
    sato_ripemd160_finalize(&ctx, h);
    test_case(hash_is(h, 20, million_a), "million a in 1000-byte pieces");
    free(million);

    for (i = 0; i < sizeof(msg); i++) msg[i] = (unsigned char)(i * 13 + 5);
    for (len = 0; len <= sizeof(msg); len++) {
        sato_ripemd160(want, msg, len);
        ok = 1;
        for (split = 0; split <= len; split++) {
            sato_ripemd160_init(&ctx);
            sato_ripemd160_write(&ctx, msg, split);
            sato_ripemd160_write(&ctx, msg + split, len - split);
            sato_ripemd160_finalize(&ctx, h);
            ok &= memcmp(h, want, 20) == 0;
        }
        test_case(ok, "length %zu split at every offset", len);
    }

    /* HASH160 is RIPEMD-160 of SHA-256: the key hash of the compressed
     * generator point (the P2PKH of private key 1). */
    {
        unsigned char g[33], sha[32];
        size_t n;
        CHECK(sato_hex_decode(g, sizeof(g), &n,
                              "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"));
        sato_hash160(h, g, n);
        CHECK(hash_is(h, 20, "751e76e8199196d454941c45d1b3a323f1433bd6"));
        sato_sha256(sha, g, n);
        sato_ripemd160(want, sha, 32);
        CHECK(memcmp(h, want, 20) == 0);
    }
    return test_report("test_ripemd160");
}
