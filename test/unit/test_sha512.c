/* SHA-512: NIST vectors, and streaming split at every offset. */
#include <stdlib.h>
#include <string.h>

#include "sato/hex.h"
#include "sato/sha512.h"
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
        {"", "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce"
             "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e"},
        {"abc", "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
        {"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c335"
         "96fd15c13b1b07f9aa1d3bea57789ca031ad85c7a71dd70354ec631238ca3445"},
        {"abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
         "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018"
         "501d289e4900f7e4331b99dec4b5433ac7d329eeb6dd26545e96e55b874be909"},
    };
    static const char *million_a =
        "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973eb"
        "de0ff244877ea60a4cb0432ce577c31beb009c5c2c49aa2e4eadb217ad8cc09b";
    unsigned char h[64], want[64], msg[300], *million;
    sato_sha512_t ctx;
    size_t i, len, split;
    int ok;

    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        sato_sha512(h, (const unsigned char *)v[i].msg, strlen(v[i].msg));
        test_case(hash_is(h, 64, v[i].hex), "NIST vector %zu", i);
        /* byte by byte */
        sato_sha512_init(&ctx);
        for (len = 0; len < strlen(v[i].msg); len++)
            sato_sha512_write(&ctx, (const unsigned char *)v[i].msg + len, 1);
        sato_sha512_finalize(&ctx, h);
        test_case(hash_is(h, 64, v[i].hex), "NIST vector %zu byte by byte", i);
    }
    million = malloc(1000000);
    memset(million, 'a', 1000000);
    sato_sha512(h, million, 1000000);
    test_case(hash_is(h, 64, million_a), "million a");
    sato_sha512_init(&ctx);
    for (i = 0; i < 1000000; i += 1000) sato_sha512_write(&ctx, million + i, 1000);
    sato_sha512_finalize(&ctx, h);
    test_case(hash_is(h, 64, million_a), "million a in 1000-byte pieces");
    free(million);

    /* Every length 0..300 split at every offset equals the one-shot. */
    for (i = 0; i < sizeof(msg); i++) msg[i] = (unsigned char)(i * 7 + 1);
    for (len = 0; len <= sizeof(msg); len++) {
        sato_sha512(want, msg, len);
        ok = 1;
        for (split = 0; split <= len; split++) {
            sato_sha512_init(&ctx);
            sato_sha512_write(&ctx, msg, split);
            sato_sha512_write(&ctx, msg + split, len - split);
            sato_sha512_finalize(&ctx, h);
            ok &= memcmp(h, want, 64) == 0;
        }
        test_case(ok, "length %zu split at every offset", len);
    }
    return test_report("test_sha512");
}
