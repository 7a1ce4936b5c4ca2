/* HMAC-SHA256 and HMAC-SHA512: all RFC 4231 test cases, one-shot and
 * streamed in pieces. */
#include <string.h>

#include "sato/hex.h"
#include "sato/hmac.h"
#include "test.h"

static int hex_is(const unsigned char *h, size_t n, const char *hex) {
    char buf[129];
    sato_hex_encode(buf, h, n);
    return strcmp(buf, hex) == 0;
}

int main(void) {
    /* Keys and data as hex; test case 5 compares only the first 128 bits. */
    static const struct {
        const char *key, *data, *sha256, *sha512;
    } v[] = {
        {"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265",
         "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
         "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
         "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
        {"4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f",
         "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
         "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
         "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
         "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
         "dddddddddddddddddddddddddddddddddddd",
         "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
         "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
         "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb"},
        {"0102030405060708090a0b0c0d0e0f10111213141516171819",
         "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
         "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd",
         "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
         "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
         "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd"},
        {"0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c", "546573742057697468205472756e636174696f6e",
         "a3b6167473100ee06e0c796c2955552b", "415fad6271580a531d4179bc891d87a6"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaa",
         "54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a"
         "65204b6579202d2048617368204b6579204669727374",
         "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
         "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
         "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598"},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
         "aaaaaa",
         "5468697320697320612074657374207573696e672061206c6172676572207468"
         "616e20626c6f636b2d73697a65206b657920616e642061206c61726765722074"
         "68616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565"
         "647320746f20626520686173686564206265666f7265206265696e6720757365"
         "642062792074686520484d414320616c676f726974686d2e",
         "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
         "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
         "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58"},
    };
    size_t i, j;
    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        unsigned char key[131], data[152], h256[32], h512[64];
        size_t keylen, datalen, n256 = strlen(v[i].sha256) / 2, n512 = strlen(v[i].sha512) / 2;
        char want256[129], want512[129];
        sato_hmac_sha256_t c256;
        sato_hmac_sha512_t c512;
        if (!sato_hex_decode(key, sizeof(key), &keylen, v[i].key) ||
            !sato_hex_decode(data, sizeof(data), &datalen, v[i].data)) {
            test_case(0, "RFC 4231 case %zu: bad hex", i + 1);
            continue;
        }
        strcpy(want256, v[i].sha256);
        strcpy(want512, v[i].sha512);
        sato_hmac_sha256(h256, key, keylen, data, datalen);
        test_case(hex_is(h256, n256, want256), "RFC 4231 case %zu HMAC-SHA256", i + 1);
        sato_hmac_sha512(h512, key, keylen, data, datalen);
        test_case(hex_is(h512, n512, want512), "RFC 4231 case %zu HMAC-SHA512", i + 1);
        /* Streamed one byte at a time. */
        sato_hmac_sha256_init(&c256, key, keylen);
        sato_hmac_sha512_init(&c512, key, keylen);
        for (j = 0; j < datalen; j++) {
            sato_hmac_sha256_write(&c256, data + j, 1);
            sato_hmac_sha512_write(&c512, data + j, 1);
        }
        sato_hmac_sha256_finalize(&c256, h256);
        sato_hmac_sha512_finalize(&c512, h512);
        test_case(hex_is(h256, n256, want256), "RFC 4231 case %zu HMAC-SHA256 streamed", i + 1);
        test_case(hex_is(h512, n512, want512), "RFC 4231 case %zu HMAC-SHA512 streamed", i + 1);
    }
    /* A key of exactly the block size is used as is, one byte more is
     * hashed: the two must differ from each other. */
    {
        unsigned char key[129], a[64], b[64];
        memset(key, 0x42, sizeof(key));
        sato_hmac_sha512(a, key, 128, (const unsigned char *)"x", 1);
        sato_hmac_sha512(b, key, 129, (const unsigned char *)"x", 1);
        CHECK(memcmp(a, b, 64) != 0);
        sato_hmac_sha256(a, key, 64, (const unsigned char *)"x", 1);
        sato_hmac_sha256(b, key, 65, (const unsigned char *)"x", 1);
        CHECK(memcmp(a, b, 32) != 0);
    }
    return test_report("test_hmac");
}
