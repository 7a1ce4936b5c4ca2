/* validateaddress's error messages (Core's DecodeDestination wording) and
 * that every valid key_io address gets none. */
#include <string.h>

#include "sato/address.h"
#include "test.h"

static int error_is(const sato_chain_addr_t *chain, const char *addr, const char *want, int loc0) {
    char err[256];
    int loc[8];
    size_t n = 8;
    int invalid = sato_address_error(err, sizeof(err), loc, &n, chain, addr, strlen(addr));
    int ok = invalid && strcmp(err, want) == 0 && (loc0 < 0 ? n == 0 : (n >= 1 && loc[0] == loc0));
    if (!ok) fprintf(stderr, "%s: got '%s' (%zu locations)\n", addr, err, n);
    return ok;
}

static void test_messages(void) {
    const sato_chain_addr_t *m = &sato_chain_addr_main;
    CHECK(error_is(m, "tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty",
                   "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", -1));
    CHECK(error_is(m, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "Invalid Bech32 checksum", -1));
    CHECK(error_is(m, "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
                   "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", -1) == 0);
    CHECK(error_is(m, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T5", "Invalid Bech32 checksum", -1));
    CHECK(error_is(m, "bc1qw508d6qejxtdg4y5r3zarvaRy0c5xw7kv8f3t4", "Invalid character or mixed case", 27));
    CHECK(error_is(m, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3tb", "Invalid Base 32 character", 41));
    CHECK(error_is(m, "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du", "Version 1+ witness address must use Bech32m checksum", -1));
    CHECK(error_is(m, "bc1gmk9yu", "Empty Bech32 data section", -1));
    CHECK(error_is(m, "bc1qqqqq", "Invalid separator position", 2));
    CHECK(error_is(m, "bcqw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5", "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", -1) == 0);
    CHECK(error_is(m, "bc1qr508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "Invalid Bech32 checksum", -1));
    /* Base58: a valid checksum but an unknown version; a bad checksum. */
    CHECK(error_is(m, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLz", "Invalid checksum or length of Base58 address (P2PKH or P2SH)", -1));
    CHECK(error_is(m, "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn", "Invalid or unsupported Base58-encoded address.", -1));
    CHECK(error_is(m, "0OIl", "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", -1));
    CHECK(error_is(&sato_chain_addr_regtest, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
                   "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", -1));
    CHECK(error_is(m, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "", -1) == 0); /* valid */
    CHECK(error_is(m, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
                   "Version 1+ witness address must use Bech32m checksum", -1));
    CHECK(error_is(m, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
                   "Version 0 witness address must use Bech32 checksum", -1));
    CHECK(error_is(m, "bc1pw5dgrnzv", "Invalid Bech32 address program size (1 byte)", -1));
    CHECK(error_is(m, "bc1qr508d6qejxtdg4y5r3zarvaryvqyzf3du", "Invalid Bech32 checksum", -1) ||
          error_is(m, "bc1qr508d6qejxtdg4y5r3zarvaryvqyzf3du",
                   "Invalid Bech32 v0 address program size (16 bytes), per BIP141", -1));
}

/* The regtest cases of Core's validateaddress functional test. Core also
 * locates Bech32 checksum errors (its error-correction search); we report
 * the message without positions, so those rows check the message only. */
static void test_core_regtest_cases(void) {
    static const struct {
        const char *addr, *err;
        int loc0; /* first location, -1 for none, -2 for not checked */
    } rows[] = {
        {"bcrt1s0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav25430mtr",
         "Invalid Bech32 address program size (41 bytes)", -1},
        {"bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
         "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", -1},
        {"bcrt1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqdmchcc",
         "Version 1+ witness address must use Bech32m checksum", -1},
        {"bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7k35mrzd", "Version 0 witness address must use Bech32 checksum", -1},
        {"bcrt130xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqynjegk", "Invalid Bech32 address witness version", -1},
        {"bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kqqq5k3my", "Invalid Bech32 v0 address program size (21 bytes), per BIP141", -1},
        {"bcrt1q049edschfnwystcqnsvyfpj23mpsg3jcedq9xv049edschfnwystcqnsvyfpj23mpsg3jcedq9xv049edschfnwystcqnsvyfpj23m",
         "Bech32 string too long", 90},
        {"bcrt1q049edschfnwystcqnsvyfpj23mpsg3jcedq9xv", "Invalid Bech32 checksum", -2},
        {"bcrt1qax9suht3qv95sw33xavx8crpxduefdrsvgsklu", "Invalid Bech32 checksum", -2},
        {"BCRT1QPLMTZKC2XHARPPZDLNPAQL78RSHJ68U32RAH7R", "Invalid Bech32 checksum", -2},
        {"bcrtq049ldschfnwystcqnsvyfpj23mpsg3jcedq9xv", "Missing separator", -1},
        {"bcrt1q04oldschfnwystcqnsvyfpj23mpsg3jcedq9xv", "Invalid Base 32 character", 8},
        {"bcrt1qdg3myrgvzw7ml8q0ejxhlkyxn7vl9r56yzkfgvzclrf4hkpx9yfqhpsuks", "Invalid Bech32 checksum", -2},
        {"bcrt1ptmp74ayg7p24uslctssvjm06q5phz4yrxucgnv", "Invalid Bech32 checksum", -2},
        {"17VZNX1SN5NtKa8UQFxwQbFeFc3iqRYhem", "Invalid or unsupported Base58-encoded address.", -1},
        {"mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJJfn", "Invalid checksum or length of Base58 address (P2PKH or P2SH)", -1},
        {"2VKf7XKMrp4bVNVmuRbyCewkP8FhGLP2E54LHDPakr9Sq5mtU2",
         "Invalid checksum or length of Base58 address (P2PKH or P2SH)", -1},
        {"asfah14i8fajz0123f", "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", -1},
        {"1q049ldschfnwystcqnsvyfpj23mpsg3jcedq9xv", "Invalid or unsupported Segwit (Bech32) or Base58 encoding.", -1},
    };
    static const char *const valid[] = {
        "bcrt1qtmp74ayg7p24uslctssvjm06q5phz4yrxucgnv", "bcrt1p424qxxyd0r",
        "BCRT1QPLMTZKC2XHARPPZDLNPAQL78RSHJ68U33RAH7R",
        "bcrt1qdg3myrgvzw7ml9q0ejxhlkyxm7vl9r56yzkfgvzclrf4hkpx9yfqhpsuks", "mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn"};
    size_t i;
    for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        char err[256];
        int loc[32];
        size_t n = 32;
        int invalid = sato_address_error(err, sizeof(err), loc, &n, &sato_chain_addr_regtest, rows[i].addr,
                                         strlen(rows[i].addr));
        int ok = invalid && strcmp(err, rows[i].err) == 0;
        if (rows[i].loc0 == -1) ok = ok && n == 0;
        if (rows[i].loc0 >= 0) ok = ok && n >= 1 && loc[0] == rows[i].loc0;
        test_case(ok, "%s: got '%s'", rows[i].addr, err);
    }
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

int main(void) {
    test_messages();
    test_core_regtest_cases();
    test_valid_vectors();
    return test_report("address_error");
}
