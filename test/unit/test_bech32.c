/* Bech32/Bech32m and segwit addresses: every test vector of BIP173 and
 * BIP350, read from the BIP texts themselves, plus edges, round trips of
 * random data and hostile input. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sato/address.h"
#include "sato/bech32.h"
#include "sato/hex.h"
#include "sato/mem.h"
#include "test.h"

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t rng_next(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* ---- Reading the vectors out of the BIP text ---- */

enum section { SEC_NONE, SEC_VALID, SEC_INVALID, SEC_VALID_ADDR, SEC_INVALID_ADDR, SEC_COUNT };

typedef struct {
    char str[256]; /* may hold any byte, NUL included */
    size_t len;
    char script_hex[256];
} vector_t;

/* One list item: pieces joined by " + ", each <tt>text</tt> or a 0xNN
 * byte, then optionally ": <tt>script hex</tt>" or ": reason". */
static int parse_item(vector_t *v, const char *p, const char *end) {
    memset(v, 0, sizeof(*v));
    for (;;) {
        while (p < end && *p == ' ') p++;
        if (end - p >= 4 && p[0] == '0' && p[1] == 'x' && isxdigit((unsigned char)p[2]) &&
            isxdigit((unsigned char)p[3])) {
            char hex[3] = {p[2], p[3], 0};
            if (v->len + 1 >= sizeof(v->str)) return 0;
            v->str[v->len++] = (char)strtol(hex, NULL, 16);
            p += 4;
        } else if (end - p >= 4 && memcmp(p, "<tt>", 4) == 0) {
            const char *close = p + 4;
            while (close + 5 <= end && memcmp(close, "</tt>", 5) != 0) close++;
            if (close + 5 > end || v->len + (size_t)(close - p - 4) >= sizeof(v->str)) return 0;
            memcpy(v->str + v->len, p + 4, (size_t)(close - p - 4));
            v->len += (size_t)(close - p - 4);
            p = close + 5;
        } else {
            break;
        }
        while (p < end && *p == ' ') p++;
        if (p < end && *p == '+') {
            p++;
            continue;
        }
        break;
    }
    if (p < end && *p == ':') {
        const char *tt = p, *close;
        while (tt + 4 <= end && memcmp(tt, "<tt>", 4) != 0) tt++;
        if (tt + 4 <= end) {
            for (close = tt + 4; close + 5 <= end && memcmp(close, "</tt>", 5) != 0; close++) {}
            if (close + 5 <= end && (size_t)(close - tt - 4) < sizeof(v->script_hex)) {
                memcpy(v->script_hex, tt + 4, (size_t)(close - tt - 4));
            }
        }
    }
    return v->len > 0;
}

static int starts_with(const char *p, const char *end, const char *prefix) {
    size_t n = strlen(prefix);
    return (size_t)(end - p) >= n && memcmp(p, prefix, n) == 0;
}

static void lower(char *dst, const char *src, size_t len) {
    size_t i;
    for (i = 0; i < len; i++) dst[i] = (char)tolower((unsigned char)src[i]);
    dst[len] = '\0';
}

static size_t witness_script(unsigned char *script, int version, const unsigned char *prog,
                             size_t len) {
    script[0] = (unsigned char)(version == 0 ? 0 : 0x50 + version);
    script[1] = (unsigned char)len;
    memcpy(script + 2, prog, len);
    return len + 2;
}

static void check_valid_string(const vector_t *v, sato_bech32_encoding_t want, const char *bip) {
    char hrp[SATO_BECH32_MAX_LEN], out[SATO_BECH32_MAX_LEN + 1], low[256];
    unsigned char data[SATO_BECH32_MAX_LEN];
    size_t n;
    sato_bech32_encoding_t got = sato_bech32_decode(hrp, data, &n, v->str, v->len);
    int ok = got == want;
    lower(low, v->str, v->len);
    /* Re-encoding gives the lower-case form of the same string. */
    ok = ok && sato_bech32_encode(out, sizeof(out), hrp, data, n, want) && strcmp(out, low) == 0;
    /* Any single substitution in the data part is detected. */
    if (ok) {
        size_t sep = strrchr(low, '1') - low;
        size_t pos = sep + 1 + (size_t)(rng_next() % (v->len - sep - 1));
        const char *c = strchr(charset, low[pos]);
        char mutated[256];
        memcpy(mutated, low, v->len);
        mutated[pos] = charset[(c - charset + 1 + rng_next() % 31) % 32];
        ok = sato_bech32_decode(hrp, data, &n, mutated, v->len) == SATO_BECH32_INVALID;
    }
    test_case(ok, "%s valid %s: %s (got %d)", bip, want == SATO_BECH32 ? "bech32" : "bech32m",
              v->str, (int)got);
}

static void check_invalid_string(const vector_t *v, const char *bip) {
    char hrp[SATO_BECH32_MAX_LEN];
    unsigned char data[SATO_BECH32_MAX_LEN];
    size_t n = 99;
    test_case(sato_bech32_decode(hrp, data, &n, v->str, v->len) == SATO_BECH32_INVALID &&
                  n == 0 && hrp[0] == '\0',
              "%s invalid string accepted: %s", bip, v->str);
}

static void check_invalid_address(const vector_t *v, const char *bip);

static void check_valid_address(const vector_t *v, const char *bip, int bip173) {
    static const char *const hrps[] = {"bc", "tb"};
    unsigned char prog[SATO_SEGWIT_PROGRAM_MAX], script[64], want[64], script2[64];
    char out[SATO_BECH32_MAX_LEN + 1], low[256];
    size_t plen, slen, wlen = 0, slen2;
    int version, i, ok = 0;
    lower(low, v->str, v->len);
    if (!sato_hex_decode(want, sizeof(want), &wlen, v->script_hex)) {
        test_case(0, "%s: bad script hex for %s", bip, v->str);
        return;
    }
    /* BIP350 took Bech32 away from witness versions 1..16: BIP173's own
     * examples of those are still Bech32 strings but no longer addresses. */
    if (bip173 && wlen > 0 && want[0] != 0) {
        char hrp[SATO_BECH32_MAX_LEN];
        unsigned char data[SATO_BECH32_MAX_LEN];
        test_case(sato_bech32_decode(hrp, data, &plen, v->str, v->len) == SATO_BECH32,
                  "%s: %s is Bech32", bip, v->str);
        check_invalid_address(v, bip);
        return;
    }
    for (i = 0; i < 2; i++) {
        const sato_chain_addr_t *chain = i == 0 ? &sato_chain_addr_main : &sato_chain_addr_testnet;
        if (!sato_segwit_decode(&version, prog, &plen, hrps[i], v->str, v->len)) continue;
        slen = witness_script(script, version, prog, plen);
        ok = slen == wlen && memcmp(script, want, wlen) == 0;
        ok = ok && sato_segwit_encode(out, hrps[i], version, prog, plen) && strcmp(out, low) == 0;
        /* And the same through the address layer of the matching chain. */
        ok = ok && sato_address_decode(script2, &slen2, chain, v->str, v->len) &&
             slen2 == wlen && memcmp(script2, want, wlen) == 0;
        ok = ok && sato_address_encode(out, chain, want, wlen) && strcmp(out, low) == 0;
        break;
    }
    test_case(ok, "%s valid address %s", bip, v->str);
}

static void check_invalid_address(const vector_t *v, const char *bip) {
    unsigned char prog[SATO_SEGWIT_PROGRAM_MAX], script[64];
    size_t plen = 9, slen = 9;
    int version = 9, ok;
    ok = !sato_segwit_decode(&version, prog, &plen, "bc", v->str, v->len) && plen == 0 && version == 0;
    ok = ok && !sato_segwit_decode(&version, prog, &plen, "tb", v->str, v->len);
    ok = ok && !sato_address_decode(script, &slen, &sato_chain_addr_main, v->str, v->len) && slen == 0;
    ok = ok && !sato_address_decode(script, &slen, &sato_chain_addr_testnet, v->str, v->len);
    test_case(ok, "%s invalid address accepted: %s", bip, v->str);
}

static void run_bip(const char *file, sato_bech32_encoding_t encoding, const int want_counts[SEC_COUNT]) {
    size_t len;
    char *text = test_read_file(test_spec_path(file), &len);
    const char *p, *end;
    enum section sec = SEC_NONE;
    int counts[SEC_COUNT] = {0}, i;
    if (text == NULL) {
        test_case(0, "cannot read %s", file);
        return;
    }
    for (p = text; p < text + len; p = end + 1) {
        vector_t v;
        end = memchr(p, '\n', (size_t)(text + len - p));
        if (end == NULL) end = text + len;
        if (starts_with(p, end, "The following strings are valid Bech32")) {
            sec = SEC_VALID;
        } else if (starts_with(p, end, "The following string are not valid Bech32")) {
            sec = SEC_INVALID;
        } else if (starts_with(p, end, "The following list gives valid segwit addresses")) {
            sec = SEC_VALID_ADDR;
        } else if (starts_with(p, end, "The following list gives invalid segwit addresses")) {
            sec = SEC_INVALID_ADDR;
        } else if (starts_with(p, end, "=")) {
            sec = SEC_NONE;
        } else if (sec != SEC_NONE && starts_with(p, end, "* ")) {
            if (!parse_item(&v, p + 2, end)) {
                test_case(0, "%s: unparsed vector line: %.*s", file, (int)(end - p), p);
                continue;
            }
            counts[sec]++;
            switch (sec) {
            case SEC_VALID: check_valid_string(&v, encoding, file); break;
            case SEC_INVALID: check_invalid_string(&v, file); break;
            case SEC_VALID_ADDR:
                if (v.script_hex[0] == '\0') {
                    test_case(0, "%s: no script for %s", file, v.str);
                } else {
                    check_valid_address(&v, file, encoding == SATO_BECH32);
                }
                break;
            case SEC_INVALID_ADDR: check_invalid_address(&v, file); break;
            default: break;
            }
        }
    }
    /* Catches a parser that silently lost vectors. */
    for (i = SEC_VALID; i < SEC_COUNT; i++) {
        test_case(counts[i] == want_counts[i], "%s: section %d has %d vectors, expected %d", file,
                  i, counts[i], want_counts[i]);
    }
    free(text);
}

/* ---- Edges of the API ---- */

static void test_encode_edges(void) {
    unsigned char data[90] = {0};
    char out[128];
    CHECK(sato_bech32_encode(out, sizeof(out), "a", data, 0, SATO_BECH32) && strcmp(out, "a12uel5l") == 0);
    CHECK(sato_bech32_encode(out, sizeof(out), "a", data, 0, SATO_BECH32M) && strcmp(out, "a1lqfn3a") == 0);
    CHECK(!sato_bech32_encode(out, sizeof(out), "A", data, 0, SATO_BECH32) && out[0] == '\0');
    CHECK(!sato_bech32_encode(out, sizeof(out), "", data, 0, SATO_BECH32));
    CHECK(!sato_bech32_encode(out, sizeof(out), "a b", data, 0, SATO_BECH32));
    CHECK(!sato_bech32_encode(out, sizeof(out), "a\x7f", data, 0, SATO_BECH32));
    CHECK(!sato_bech32_encode(out, sizeof(out), "a", data, 0, SATO_BECH32_INVALID));
    data[3] = 32;
    CHECK(!sato_bech32_encode(out, sizeof(out), "a", data, 4, SATO_BECH32));
    data[3] = 31;
    /* 90 characters is the most: hrp 1 + '1' + 82 + 6. */
    CHECK(sato_bech32_encode(out, sizeof(out), "a", data, 82, SATO_BECH32) && strlen(out) == 90);
    CHECK(!sato_bech32_encode(out, sizeof(out), "a", data, 83, SATO_BECH32));
    CHECK(!sato_bech32_encode(out, 90, "a", data, 82, SATO_BECH32)); /* no room for NUL */
    CHECK(sato_bech32_encode(out, 91, "a", data, 82, SATO_BECH32));
    /* The HRP may take 83 characters, leaving 1 + 6 for the rest. */
    {
        char hrp[85], big[128];
        memset(hrp, 'x', 84);
        hrp[84] = '\0';
        CHECK(!sato_bech32_encode(big, sizeof(big), hrp, data, 0, SATO_BECH32));
        hrp[83] = '\0';
        CHECK(sato_bech32_encode(big, sizeof(big), hrp, data, 0, SATO_BECH32) && strlen(big) == 90);
        CHECK(!sato_bech32_encode(big, sizeof(big), hrp, data, 1, SATO_BECH32));
    }
}

static void test_decode_edges(void) {
    char hrp[SATO_BECH32_MAX_LEN], s[200];
    unsigned char data[SATO_BECH32_MAX_LEN];
    size_t n, i;
    int c;
    CHECK(sato_bech32_decode(hrp, data, &n, "A12UEL5L", 8) == SATO_BECH32 && strcmp(hrp, "a") == 0 && n == 0);
    CHECK(sato_bech32_decode(hrp, data, &n, "a12UEL5L", 8) == SATO_BECH32_INVALID);
    CHECK(sato_bech32_decode(hrp, data, &n, "", 0) == SATO_BECH32_INVALID);
    CHECK(sato_bech32_decode(hrp, data, &n, "a12uel5l\0", 9) == SATO_BECH32_INVALID);
    CHECK(sato_bech32_decode(hrp, data, &n, "a12uel5", 7) == SATO_BECH32_INVALID);
    /* Every byte in a data position: only charset letters (lower case
     * here) survive the parse, and then only one gives a valid checksum. */
    strcpy(s, "a12uel5l");
    for (c = 0; c < 256; c++) {
        sato_bech32_encoding_t e;
        s[3] = (char)c;
        e = sato_bech32_decode(hrp, data, &n, s, 8);
        test_case(e == (c == 'u' ? SATO_BECH32 : SATO_BECH32_INVALID), "data byte %d: %d", c, (int)e);
    }
    /* Every byte as the HRP: 33..126 are allowed (upper case folds to
     * lower), everything else is refused. */
    for (c = 0; c < 256; c++) {
        sato_bech32_encoding_t e;
        if (c >= 33 && c <= 126) {
            char h[2] = {(char)tolower(c), 0}, enc[16];
            int ok = sato_bech32_encode(enc, sizeof(enc), h, data, 0, SATO_BECH32M);
            if (c >= 'A' && c <= 'Z') {
                for (i = 0; enc[i]; i++) enc[i] = (char)toupper((unsigned char)enc[i]);
            }
            e = sato_bech32_decode(hrp, data, &n, enc, strlen(enc));
            test_case(ok && e == SATO_BECH32M && hrp[0] == h[0] && hrp[1] == '\0', "hrp byte %d", c);
        } else {
            char raw[8] = {(char)c, '1', 'l', 'q', 'f', 'n', '3', 'a'};
            e = sato_bech32_decode(hrp, data, &n, raw, 8);
            test_case(e == SATO_BECH32_INVALID, "hrp byte %d refused", c);
        }
    }
}

static void test_convertbits(void) {
    unsigned char out[64], in[64];
    size_t n = 7;
    static const unsigned char ff[1] = {0xff};
    CHECK(sato_bech32_convertbits(out, sizeof(out), &n, 5, ff, 1, 8, 1) && n == 2 && out[0] == 31 && out[1] == 28);
    CHECK(!sato_bech32_convertbits(out, sizeof(out), &n, 5, ff, 1, 8, 0) && n == 0);
    in[0] = 31;
    in[1] = 28;
    CHECK(sato_bech32_convertbits(out, sizeof(out), &n, 8, in, 2, 5, 0) && n == 1 && out[0] == 0xff);
    in[1] = 29; /* non-zero padding */
    CHECK(!sato_bech32_convertbits(out, sizeof(out), &n, 8, in, 2, 5, 0));
    in[1] = 28;
    in[2] = 0; /* a whole extra group of padding */
    CHECK(!sato_bech32_convertbits(out, sizeof(out), &n, 8, in, 3, 5, 0));
    in[0] = 32; /* out of range for 5 bits */
    CHECK(!sato_bech32_convertbits(out, sizeof(out), &n, 8, in, 2, 5, 1));
    CHECK(!sato_bech32_convertbits(out, 1, &n, 5, ff, 1, 8, 1) && n == 0);
    CHECK(!sato_bech32_convertbits(out, sizeof(out), &n, 9, ff, 1, 8, 1));
    CHECK(!sato_bech32_convertbits(out, sizeof(out), &n, 5, ff, 1, 0, 1));
    CHECK(sato_bech32_convertbits(out, sizeof(out), &n, 5, ff, 0, 8, 0) && n == 0);
}

static void test_round_trip(void) {
    int iter;
    for (iter = 0; iter < 3000; iter++) {
        char hrp[84], got_hrp[SATO_BECH32_MAX_LEN], out[SATO_BECH32_MAX_LEN + 1];
        unsigned char data[SATO_BECH32_MAX_LEN], got[SATO_BECH32_MAX_LEN];
        size_t hrplen = 1 + (size_t)(rng_next() % 20), datalen, n, i;
        sato_bech32_encoding_t enc = rng_next() & 1 ? SATO_BECH32 : SATO_BECH32M;
        int ok;
        for (i = 0; i < hrplen; i++) {
            char c;
            do c = (char)(33 + rng_next() % 94); while (c >= 'A' && c <= 'Z');
            hrp[i] = c;
        }
        hrp[hrplen] = '\0';
        datalen = (size_t)(rng_next() % (SATO_BECH32_MAX_LEN - 7 - hrplen + 1));
        for (i = 0; i < datalen; i++) data[i] = (unsigned char)(rng_next() & 31);
        ok = sato_bech32_encode(out, sizeof(out), hrp, data, datalen, enc);
        ok = ok && sato_bech32_decode(got_hrp, got, &n, out, strlen(out)) == enc &&
             strcmp(got_hrp, hrp) == 0 && n == datalen && memcmp(got, data, n) == 0;
        /* All upper case decodes to the same. */
        for (i = 0; out[i]; i++) out[i] = (char)toupper((unsigned char)out[i]);
        ok = ok && sato_bech32_decode(got_hrp, got, &n, out, strlen(out)) == enc &&
             strcmp(got_hrp, hrp) == 0 && n == datalen && memcmp(got, data, n) == 0;
        test_case(ok, "bech32 round trip %d hrp %s", iter, hrp);
    }
    for (iter = 0; iter < 3000; iter++) {
        unsigned char prog[48], got[SATO_SEGWIT_PROGRAM_MAX];
        char out[SATO_BECH32_MAX_LEN + 1];
        int version = (int)(rng_next() % 17), gv;
        size_t len = (size_t)(rng_next() % 44), i, n;
        int legal = len >= 2 && len <= 40 && (version != 0 || len == 20 || len == 32);
        int ok;
        if (iter % 3 == 0 && version == 0) len = rng_next() & 1 ? 20 : 32, legal = 1;
        for (i = 0; i < len; i++) prog[i] = (unsigned char)rng_next();
        ok = sato_segwit_encode(out, "bcrt", version, prog, len) == legal;
        if (legal) {
            ok = ok && sato_segwit_decode(&gv, got, &n, "bcrt", out, strlen(out)) && gv == version &&
                 n == len && memcmp(got, prog, len) == 0;
            ok = ok && !sato_segwit_decode(&gv, got, &n, "bc", out, strlen(out));
        } else {
            ok = ok && out[0] == '\0';
        }
        test_case(ok, "segwit round trip %d v%d len %zu", iter, version, len);
    }
    {
        unsigned char prog[32] = {1};
        char out[SATO_BECH32_MAX_LEN + 1];
        CHECK(!sato_segwit_encode(out, "bc", -1, prog, 32));
        CHECK(!sato_segwit_encode(out, "bc", 17, prog, 32));
        /* A long HRP pushes a 40-byte program past 90 characters. */
        CHECK(sato_segwit_encode(out, "abcdefghijklmnopqr", 1, prog, 32));
        CHECK(!sato_segwit_encode(out, "abcdefghijklmnopqrstuvwxyzabcdefghijklmnop", 1, prog, 32));
    }
}

static void test_hostile(void) {
    size_t big = 1000000, i, n;
    char *s = sato_malloc(big), hrp[SATO_BECH32_MAX_LEN];
    unsigned char data[SATO_BECH32_MAX_LEN], prog[SATO_SEGWIT_PROGRAM_MAX];
    int v;
    memset(s, 'q', big);
    memcpy(s, "bc1", 3);
    CHECK(sato_bech32_decode(hrp, data, &n, s, big) == SATO_BECH32_INVALID);
    CHECK(!sato_segwit_decode(&v, prog, &n, "bc", s, big));
    for (i = 0; i < big; i++) s[i] = (char)(rng_next() & 0xff);
    CHECK(sato_bech32_decode(hrp, data, &n, s, big) == SATO_BECH32_INVALID);
    for (i = 0; i < 100000; i++) {
        size_t len = (size_t)(rng_next() % 92);
        sato_bech32_encoding_t e = sato_bech32_decode(hrp, data, &n, s + (i % 1000), len);
        if (e != SATO_BECH32_INVALID && (n > 82 || strlen(hrp) > 83)) break;
    }
    CHECK(i == 100000);
    CHECK(sato_bech32_decode(hrp, data, &n, "bc1\xc3\xa9qqqqqq", 11) == SATO_BECH32_INVALID);
    free(s);
}

int main(void) {
    static const int bip173_counts[SEC_COUNT] = {0, 7, 12, 6, 10};
    static const int bip350_counts[SEC_COUNT] = {0, 7, 14, 8, 15};
    run_bip("bips/bip-0173.mediawiki", SATO_BECH32, bip173_counts);
    run_bip("bips/bip-0350.mediawiki", SATO_BECH32M, bip350_counts);
    test_encode_edges();
    test_decode_edges();
    test_convertbits();
    test_round_trip();
    test_hostile();
    return test_report("bech32");
}
