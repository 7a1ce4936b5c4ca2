/* validateaddress's error messages (Core's DecodeDestination wording) and
 * that every valid key_io address gets none. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sato/address.h"
#include "sato/bech32.h"
#include "test.h"

/* "p1,p2,..." for the first n positions. */
static void format_locs(char *out, size_t cap, const int *loc, size_t n) {
    size_t i, used = 0;
    out[0] = '\0';
    for (i = 0; i < n && used < cap; i++) used += (size_t)snprintf(out + used, cap - used, i ? ",%d" : "%d", loc[i]);
}

/* str is invalid for chain with message want and exactly the positions locs. */
static int error_is(const sato_chain_addr_t *chain, const char *addr, const char *want, const char *locs) {
    char err[256], got[512];
    int loc[32];
    size_t n = 32;
    int invalid = sato_address_error(err, sizeof(err), loc, &n, chain, addr, strlen(addr));
    int ok;
    format_locs(got, sizeof(got), loc, n);
    ok = invalid && strcmp(err, want) == 0 && strcmp(got, locs) == 0;
    if (!ok) fprintf(stderr, "%s: got '%s' at [%s]\n", addr, err, got);
    return ok;
}

static void test_messages(void) {
    const sato_chain_addr_t *m = &sato_chain_addr_main;
    CHECK(error_is(m, "tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty",
                   "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", ""));
    CHECK(error_is(m, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "Invalid Bech32 checksum", "41"));
    CHECK(error_is(m, "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
                   "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", "") == 0);
    CHECK(error_is(m, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T5", "Invalid Bech32 checksum", "41"));
    CHECK(error_is(m, "bc1qw508d6qejxtdg4y5r3zarvaRy0c5xw7kv8f3t4", "Invalid character or mixed case", "27"));
    CHECK(error_is(m, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3tb", "Invalid Base 32 character", "41"));
    CHECK(error_is(m, "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du", "Version 1+ witness address must use Bech32m checksum", ""));
    CHECK(error_is(m, "bc1gmk9yu", "Empty Bech32 data section", ""));
    CHECK(error_is(m, "bc1qqqqq", "Invalid separator position", "2"));
    CHECK(error_is(m, "bcqw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", "") == 0);
    CHECK(error_is(m, "bc1qr508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "Invalid Bech32 checksum", "4"));
    /* Base58: a valid checksum but an unknown version; a bad checksum. */
    CHECK(error_is(m, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz", "Invalid checksum or length of Base58 address (P2PKH or P2SH)", ""));
    CHECK(error_is(m, "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", "Invalid or unsupported Base58-encoded address.", ""));
    CHECK(error_is(m, "0OIl", "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", ""));
    CHECK(error_is(&sato_chain_addr_regtest, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                   "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", ""));
    CHECK(error_is(m, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "", "") == 0); /* valid */
    CHECK(error_is(m, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
                   "Version 1+ witness address must use Bech32m checksum", ""));
    CHECK(error_is(m, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
                   "Version 0 witness address must use Bech32 checksum", ""));
    CHECK(error_is(m, "bc1pw5dgrnzv", "Invalid Bech32 address program size (1 byte)", ""));
    /* BIP173's v2 address bc1zw508...vqyzf3du with 'z' and 'w' substituted. */
    CHECK(error_is(m, "bc1qr508d6qejxtdg4y5r3zarvaryvqyzf3du", "Invalid Bech32 checksum", "3,4"));
    /* Three substitutions: neither encoding explains it, so no positions. */
    CHECK(error_is(m, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8fqqq", "Invalid checksum", ""));
    {
        /* Positions beyond the caller's room are dropped. */
        const char *s = "bcrt1qax9suht3qv95sw33xavx8crpxduefdrsvgsklu", *msg;
        int loc[1] = {-1};
        CHECK(sato_bech32_locate_errors(loc, 1, s, strlen(s), &msg) == 1 && loc[0] == 22);
        CHECK(sato_bech32_locate_errors(NULL, 0, s, strlen(s), &msg) == 0 &&
              strcmp(msg, "Invalid Bech32 checksum") == 0);
    }
    /* Bech32m's v1 address with its last character changed. */
    CHECK(error_is(m, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jjb", "Invalid Base 32 character", "61"));
    CHECK(error_is(m, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jjq", "Invalid Bech32m checksum", "61"));

}

/* The regtest cases of Core's validateaddress functional test, with the
 * positions Core reports. */
static void test_core_regtest_cases(void) {
    static const struct {
        const char *addr, *err, *locs;
    } rows[] = {
        {"bcrt1s0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav25430mtr",
         "Invalid Bech32 address program size (41 bytes)", ""},
        {"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
         "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", ""},
        {"bcrt1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqdmchcc",
         "Version 1+ witness address must use Bech32m checksum", ""},
        {"bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7k35mrzd", "Version 0 witness address must use Bech32 checksum", ""},
        {"bcrt130xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqynjegk", "Invalid Bech32 address witness version", ""},
        {"bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kqqq5k3my", "Invalid Bech32 v0 address program size (21 bytes), per BIP141", ""},
        {"bcrt1q049edschfnwystcqnsvyfpj23mpsg3jcedq9xv049edschfnwystcqnsvyfpj23mpsg3jcedq9xv049edschfnwystcqnsvyfpj23m",
         "Bech32 string too long", "90,91,92,93,94,95,96,97,98,99,100,101,102,103,104,105,106,107"},
        {"bcrt1q049edschfnwystcqnsvyfpj23mpsg3jcedq9xv", "Invalid Bech32 checksum", "9"},
        {"bcrt1qax9suht3qv95sw33xavx8crpxduefdrsvgsklu", "Invalid Bech32 checksum", "22,43"},
        {"BCRT1QPLMTZKC2XHARPPZDLNPAQL78RSHJ68U32RAH7R", "Invalid Bech32 checksum", "38"},
        {"bcrtq049ldschfnwystcqnsvyfpj23mpsg3jcedq9xv", "Missing separator", ""},
        {"bcrt1q04oldschfnwystcqnsvyfpj23mpsg3jcedq9xv", "Invalid Base 32 character", "8"},
        {"bcrt1qdg3myrgvzw7ml8q0ejxhlkyxn7vl9r56yzkfgvzclrf4hkpx9yfqhpsuks", "Invalid Bech32 checksum", "19,30"},
        {"bcrt1ptmp74ayg7p24uslctssvjm06q5phz4yrxucgnv", "Invalid Bech32 checksum", "5"},
        {"17VZNX1SN5NtKa8UQFxwQbFeFc3iqRYhem", "Invalid or unsupported Base58-encoded address.", ""},
        {"mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJJfn", "Invalid checksum or length of Base58 address (P2PKH or P2SH)", ""},
        {"2VKf7XKMrp4bVNVmuRbyCewkP8FhGLP2E54LHDPakr9Sq5mtU2",
         "Invalid checksum or length of Base58 address (P2PKH or P2SH)", ""},
        {"asfah14i8fajz0123f", "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", ""},
        {"1q049ldschfnwystcqnsvyfpj23mpsg3jcedq9xv", "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", ""},
    };
    static const char *const valid[] = {
        "bcrt1qtmp74ayg7p24uslctssvjm06q5phz4yrxucgnv", "bcrt1p424qxxyd0r",
        "BCRT1QPLMTZKC2XHARPPZDLNPAQL78RSHJ68U33RAH7R",
        "bcrt1qdg3myrgvzw7ml9q0ejxhlkyxm7vl9r56yzkfgvzclrf4hkpx9yfqhpsuks", "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn"};
    size_t i;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
        test_case(error_is(&sato_chain_addr_regtest, rows[i].addr, rows[i].err, rows[i].locs), "%s", rows[i].addr);
    for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
        char err[256];
        int loc[4];
        size_t n = 4;
        test_case(!sato_address_error(err, sizeof(err), loc, &n, &sato_chain_addr_regtest, valid[i], strlen(valid[i])),
                  "%s: %s", valid[i], err);
    }
}

static void test_valid_vectors(void) {
    json_t *rows = test_load_json("bitcoin-core/key_io_valid.json"), *row;
    size_t i, n = 0;
    json_array_foreach(rows, i, row) {
        const char *addr = json_string_value(json_array_get(row, 0));
        json_t *meta = json_array_get(row, 2);
        const sato_chain_addr_t *chain =
            sato_chain_addr_by_name(json_string_value(json_object_get(meta, "chain")));
        char err[256];
        int loc[4];
        size_t nloc = 4;
        if (json_is_true(json_object_get(meta, "isPrivkey")) || chain == NULL || addr == NULL) continue;
        test_case(!sato_address_error(err, sizeof(err), loc, &nloc, chain, addr, strlen(addr)),
                  "%s reported invalid: %s", addr, err);
        n++;
    }
    test_case(n == 54, "valid addresses seen: %zu", n);
    json_decref(rows);
}

/* Deterministic xorshift so failures reproduce. */
static uint32_t rng_next(uint32_t *state) {
    uint32_t x = *state;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    return x;
}

/* One or two substitutions in the data part of a valid string: whenever
 * positions come back they must be exactly the substituted ones, with the
 * string's own encoding named (a code of distance 5 corrects 2 errors). */
static void substitute_and_locate(const char *valid, uint32_t *rng, int *located) {
    static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    char hrp[SATO_BECH32_MAX_LEN], str[SATO_BECH32_MAX_LEN + 1], want[16], got[64];
    unsigned char data[SATO_BECH32_MAX_LEN];
    size_t len = strlen(valid), datalen, sep, k, nerr, pos[2], n;
    int loc[4], trial, upper;
    const char *msg;
    sato_bech32_encoding_t enc = sato_bech32_decode(hrp, data, &datalen, valid, len);
    if (enc == SATO_BECH32_INVALID || len > SATO_BECH32_MAX_LEN) {
        test_case(0, "vector does not decode: %s", valid);
        return;
    }
    sep = strlen(hrp);
    upper = valid[0] >= 'A' && valid[0] <= 'Z';
    for (trial = 0; trial < 40; trial++) {
        memcpy(str, valid, len + 1);
        nerr = 1 + (size_t)(trial & 1);
        pos[0] = sep + 1 + rng_next(rng) % (len - sep - 1);
        do {
            pos[1] = sep + 1 + rng_next(rng) % (len - sep - 1);
        } while (nerr == 2 && pos[1] == pos[0]);
        for (k = 0; k < nerr; k++) {
            char c;
            do {
                c = charset[rng_next(rng) % 32];
                if (upper && c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
            } while (c == valid[pos[k]]);
            str[pos[k]] = c;
        }
        n = sato_bech32_locate_errors(loc, 4, str, len, &msg);
        if (n == 0) {
            test_case(strcmp(msg, "Invalid checksum") == 0, "%s: '%s' with no positions", str, msg);
            continue;
        }
        (*located)++;
        if (nerr == 2 && pos[0] > pos[1]) {
            size_t t = pos[0];
            pos[0] = pos[1];
            pos[1] = t;
        }
        snprintf(want, sizeof(want), nerr == 1 ? "%zu" : "%zu,%zu", pos[0], pos[1]);
        format_locs(got, sizeof(got), loc, n);
        test_case(strcmp(got, want) == 0 &&
                      strcmp(msg, enc == SATO_BECH32 ? "Invalid Bech32 checksum" : "Invalid Bech32m checksum") == 0,
                  "%s (from %s): '%s' at [%s], substituted [%s]", str, valid, msg, got, want);
    }
}

/* Every valid string and segwit address listed in BIP173 and BIP350. */
static void test_random_substitutions(void) {
    static const char *const files[] = {"bips/bip-0173.mediawiki", "bips/bip-0350.mediawiki"};
    uint32_t rng = 0x9e3779b9u;
    size_t f, vectors = 0;
    int located = 0;
    for (f = 0; f < 2; f++) {
        size_t len;
        char *text = test_read_file(test_spec_path(files[f]), &len), *p, *end;
        int in_valid = 0;
        if (text == NULL) {
            test_case(0, "cannot read %s", files[f]);
            continue;
        }
        for (p = text; p < text + len; p = end + 1) {
            end = memchr(p, '\n', (size_t)(text + len - p));
            if (end == NULL) end = text + len;
            *end = '\0';
            if (strncmp(p, "The following string", 20) == 0 || strncmp(p, "The following list", 18) == 0) {
                in_valid = strstr(p, "valid") != NULL && strstr(p, "invalid") == NULL && strstr(p, "not valid") == NULL;
            } else if (in_valid && strncmp(p, "* <tt>", 6) == 0 && strstr(p, "</tt>") != NULL) {
                *strstr(p, "</tt>") = '\0';
                substitute_and_locate(p + 6, &rng, &located);
                vectors++;
            }
        }
        free(text);
    }
    /* 7 + 7 strings, 6 + 8 addresses; nearly every mutation is located. */
    test_case(vectors == 28, "valid vectors seen: %zu", vectors);
    test_case(located > (int)(vectors * 40 * 9 / 10), "located %d of %zu", located, vectors * 40);
}

int main(void) {
    test_messages();
    test_core_regtest_cases();
    test_valid_vectors();
    test_random_substitutions();
    return test_report("address_error");
}
