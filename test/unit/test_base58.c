/* Base58 and Base58Check: Bitcoin Core's vectors, its whitespace and
 * length-limit rules, round trips of random data and hostile input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sato/base58.h"
#include "sato/hex.h"
#include "sato/mem.h"
#include "test.h"

static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

static uint64_t rng_state = 0x853c49e6748fea9bULL;

static uint64_t rng_next(void) {
    /* splitmix64: deterministic, so a failure can be replayed. */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int decode_str(unsigned char *out, size_t cap, size_t *n, const char *s) {
    return sato_base58_decode(out, cap, n, s, strlen(s));
}

static void test_vectors(void) {
    json_t *rows = test_load_json("bitcoin-core/base58_encode_decode.json");
    size_t i;
    if (rows == NULL) return;
    test_case(json_array_size(rows) == 21, "base58 vector count %zu", json_array_size(rows));
    for (i = 0; i < json_array_size(rows); i++) {
        json_t *row = json_array_get(rows, i);
        const char *hex = json_string_value(json_array_get(row, 0));
        const char *b58 = json_string_value(json_array_get(row, 1));
        unsigned char payload[256], decoded[256];
        char encoded[512];
        size_t plen = 0, elen = 0, dlen = 0;
        if (hex == NULL || b58 == NULL || !sato_hex_decode(payload, sizeof(payload), &plen, hex)) {
            test_case(0, "base58 row %zu malformed", i);
            continue;
        }
        test_case(sato_base58_encode(encoded, sizeof(encoded), &elen, payload, plen) &&
                      elen == strlen(b58) && strcmp(encoded, b58) == 0,
                  "base58 encode row %zu: got %s want %s", i, encoded, b58);
        test_case(decode_str(decoded, sizeof(decoded), &dlen, b58) && dlen == plen &&
                      memcmp(decoded, payload, plen) == 0,
                  "base58 decode row %zu (%s)", i, b58);
        /* The exact length limit is enough, one byte less is not. */
        if (plen > 0) {
            test_case(decode_str(decoded, plen, &dlen, b58) && dlen == plen &&
                          !decode_str(decoded, plen - 1, &dlen, b58) && dlen == 0,
                      "base58 decode limit row %zu", i);
        }
    }
    json_decref(rows);
}

/* Cases from Bitcoin Core's base58_tests.cpp (DecodeBase58 and Check). */
static void test_core_rules(void) {
    unsigned char out[128];
    size_t n;
    static const char with_nul[] = "3vQB7B6MrGQZaxCuFg4oh\0" "0IOl";
    CHECK(sato_base58check_decode(out, 100, &n, "3vQB7B6MrGQZaxCuFg4oh", 21) && n == 11 &&
          memcmp(out, "hello world", 11) == 0);
    CHECK(!sato_base58check_decode(out, 100, &n, "3vQB7B6MrGQZaxCuFg4oi", 21) && n == 0);
    CHECK(!sato_base58check_decode(out, 100, &n, "3vQB7B6MrGQZaxCuFg4oh0IOl", 25));
    CHECK(!sato_base58check_decode(out, 100, &n, with_nul, sizeof(with_nul) - 1));
    /* The payload limit excludes the checksum. */
    CHECK(sato_base58check_decode(out, 11, &n, "3vQB7B6MrGQZaxCuFg4oh", 21) && n == 11);
    CHECK(!sato_base58check_decode(out, 10, &n, "3vQB7B6MrGQZaxCuFg4oh", 21) && n == 0);
    /* Leading and trailing whitespace is skipped; anything after it is not. */
    CHECK(!decode_str(out, 3, &n, " \t\n\v\f\r skip \r\f\v\n\t a"));
    CHECK(decode_str(out, 3, &n, " \t\n\v\f\r skip \r\f\v\n\t ") && n == 3 &&
          memcmp(out, "\x97\x1a\x55", 3) == 0);
    CHECK(!decode_str(out, sizeof(out), &n, "sk ip"));
    CHECK(decode_str(out, sizeof(out), &n, "") && n == 0);
    CHECK(decode_str(out, sizeof(out), &n, "   ") && n == 0);
    CHECK(decode_str(out, sizeof(out), &n, " 11 ") && n == 2 && out[0] == 0 && out[1] == 0);
    CHECK(!decode_str(out, 1, &n, "11"));
    CHECK(!decode_str(out, sizeof(out), &n, "1 1"));
    /* Base58Check needs at least the 4 checksum bytes. */
    CHECK(!sato_base58check_decode(out, sizeof(out), &n, "111", 3));
    CHECK(!sato_base58check_decode(out, sizeof(out), &n, "", 0));
    CHECK(sato_base58check_decode(NULL, 0, &n, "3QJmnh", 6) && n == 0); /* empty payload */
}

/* Every byte value as a one-character string: only the alphabet decodes
 * (whitespace alone is an empty string). */
static void test_every_char(void) {
    int c;
    for (c = 0; c < 256; c++) {
        char s[1];
        unsigned char out[4];
        size_t n;
        const char *p = c != 0 ? strchr(alphabet, c) : NULL;
        int space = c == ' ' || (c >= '\t' && c <= '\r');
        int ok;
        s[0] = (char)c;
        ok = sato_base58_decode(out, sizeof(out), &n, s, 1);
        if (p != NULL) {
            int d = (int)(p - alphabet);
            test_case(ok && (d == 0 ? n == 1 && out[0] == 0 : n == 1 && out[0] == d),
                      "char %d decodes to %d", c, d);
        } else {
            test_case(ok == space && n == 0, "char %d refused", c);
        }
    }
}

static void test_round_trip(void) {
    int iter;
    for (iter = 0; iter < 2000; iter++) {
        unsigned char in[80], out[80];
        char enc[SATO_BASE58_ENCODE_SIZE(80 + 4)];
        size_t len = (size_t)(rng_next() % 81), zeros = (size_t)(rng_next() % 4), i, n, elen;
        int ok;
        for (i = 0; i < len; i++) in[i] = i < zeros ? 0 : (unsigned char)rng_next();
        ok = sato_base58_encode(enc, sizeof(enc), &elen, in, len);
        ok = ok && elen == strlen(enc) && elen < SATO_BASE58_ENCODE_SIZE(len);
        ok = ok && sato_base58_decode(out, len, &n, enc, elen) && n == len &&
             (len == 0 || memcmp(in, out, len) == 0);
        ok = ok && (len == 0 || !sato_base58_decode(out, len - 1, &n, enc, elen));
        test_case(ok, "base58 round trip %d (len %zu)", iter, len);

        ok = sato_base58check_encode(enc, sizeof(enc), &elen, in, len);
        ok = ok && sato_base58check_decode(out, len, &n, enc, elen) && n == len &&
             (len == 0 || memcmp(in, out, len) == 0);
        ok = ok && (len == 0 || !sato_base58check_decode(out, len - 1, &n, enc, elen));
        /* Changing any one character breaks the checksum (or the limit). */
        if (elen > 0) {
            size_t pos = (size_t)(rng_next() % elen);
            char old = enc[pos];
            enc[pos] = alphabet[(strchr(alphabet, old) - alphabet + 1 + rng_next() % 57) % 58];
            ok = ok && !sato_base58check_decode(out, sizeof(out), &n, enc, elen);
            enc[pos] = old;
        }
        test_case(ok, "base58check round trip %d (len %zu)", iter, len);
    }
}

static void test_encode_bounds(void) {
    static const unsigned char zeros[3] = {0, 0, 0};
    static const unsigned char hello[11] = "hello world";
    char out[32];
    size_t n = 99;
    CHECK(sato_base58_encode(out, sizeof(out), &n, zeros, 3) && n == 3 && strcmp(out, "111") == 0);
    CHECK(!sato_base58_encode(out, 3, &n, zeros, 3) && n == 0 && out[0] == '\0');
    CHECK(sato_base58_encode(out, 4, &n, zeros, 3) && n == 3);
    CHECK(sato_base58_encode(out, 1, &n, zeros, 0) && n == 0 && out[0] == '\0');
    CHECK(!sato_base58_encode(out, 0, &n, zeros, 0));
    CHECK(sato_base58_encode(out, sizeof(out), &n, hello, 11) && strcmp(out, "StV1DL6CwTryKyV") == 0);
    CHECK(!sato_base58_encode(out, 15, &n, hello, 11) && out[0] == '\0');
    CHECK(sato_base58_encode(out, 16, &n, hello, 11) && n == 15);
}

/* Hostile input: the limit bounds the work, whatever the length. */
static void test_hostile(void) {
    size_t big = 1000000, i, n;
    char *s = sato_malloc(big);
    unsigned char out[64];
    memset(s, '1', big);
    CHECK(!sato_base58_decode(out, sizeof(out), &n, s, big));
    memset(s, 'z', big);
    CHECK(!sato_base58_decode(out, sizeof(out), &n, s, big));
    CHECK(!sato_base58check_decode(out, 34, &n, s, big));
    memset(s, ' ', big);
    CHECK(sato_base58_decode(out, sizeof(out), &n, s, big) && n == 0);
    s[big - 1] = 'z';
    CHECK(sato_base58_decode(out, sizeof(out), &n, s, big) && n == 1 && out[0] == 57);
    for (i = 0; i < big; i++) s[i] = (char)(0x80 | (rng_next() & 0x7f));
    CHECK(!sato_base58_decode(out, sizeof(out), &n, s, big));
    CHECK(!sato_base58_decode(out, sizeof(out), &n, "1\xc3\xa9", 3));
    CHECK(!sato_base58_decode(out, sizeof(out), &n, "2g\0", 3));
    CHECK(!sato_base58_decode(out, sizeof(out), &n, "\0002g", 3));
    /* A large limit costs nothing extra for Base58Check on short input. */
    CHECK(sato_base58check_decode(out, (size_t)-1, &n, "3vQB7B6MrGQZaxCuFg4oh", 21) && n == 11);
    free(s);
}

int main(void) {
    test_vectors();
    test_core_rules();
    test_every_char();
    test_round_trip();
    test_encode_bounds();
    test_hostile();
    return test_report("base58");
}
