/* Addresses and WIF keys against Bitcoin Core's key_io vectors, run the
 * way its key_io_tests.cpp runs them, plus Core's WIF length rules, the
 * script templates that have no address, round trips and hostile input. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sato/address.h"
#include "sato/base58.h"
#include "sato/hex.h"
#include "sato/mem.h"
#include "test.h"

static const sato_chain_addr_t *const all_chains[] = {
    &sato_chain_addr_main, &sato_chain_addr_testnet, &sato_chain_addr_testnet4,
    &sato_chain_addr_signet, &sato_chain_addr_regtest,
};
#define NCHAINS (sizeof(all_chains) / sizeof(all_chains[0]))

static uint64_t rng_state = 0x6a09e667f3bcc908ULL;

static uint64_t rng_next(void) {
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static int decode_addr(unsigned char *script, size_t *len, const sato_chain_addr_t *chain, const char *s) {
    return sato_address_decode(script, len, chain, s, strlen(s));
}

static int decode_wif(unsigned char *secret, int *compressed, const sato_chain_addr_t *chain, const char *s) {
    return sato_wif_decode(secret, compressed, chain, s, strlen(s));
}

static void flip_case(char *s) {
    for (; *s; s++) {
        if (*s >= 'a' && *s <= 'z') {
            *s = (char)(*s - 'a' + 'A');
        } else if (*s >= 'A' && *s <= 'Z') {
            *s = (char)(*s - 'A' + 'a');
        }
    }
}

static void test_valid(void) {
    json_t *rows = test_load_json("bitcoin-core/key_io_valid.json");
    size_t i;
    if (rows == NULL) return;
    test_case(json_array_size(rows) == 70, "key_io_valid has %zu rows", json_array_size(rows));
    for (i = 0; i < json_array_size(rows); i++) {
        json_t *row = json_array_get(rows, i), *meta = json_array_get(row, 2);
        const char *str = json_string_value(json_array_get(row, 0));
        const char *hex = json_string_value(json_array_get(row, 1));
        const char *chain_name = json_string_value(json_object_get(meta, "chain"));
        const sato_chain_addr_t *chain = chain_name ? sato_chain_addr_by_name(chain_name) : NULL;
        json_t *is_priv = json_object_get(meta, "isPrivkey");
        unsigned char payload[64], script[SATO_ADDRESS_SCRIPT_MAX], secret[32];
        char out[SATO_ADDRESS_MAX_LEN], flipped[128];
        size_t plen = 0, slen;
        int compressed;
        if (str == NULL || hex == NULL || chain == NULL || !json_is_boolean(is_priv) ||
            strlen(str) >= sizeof(flipped) ||
            !sato_hex_decode(payload, sizeof(payload), &plen, hex)) {
            test_case(0, "key_io_valid row %zu malformed", i);
            continue;
        }
        if (json_is_true(is_priv)) {
            int want_compressed = json_is_true(json_object_get(meta, "isCompressed"));
            char wif[SATO_WIF_MAX_LEN];
            test_case(plen == 32 && decode_wif(secret, &compressed, chain, str) &&
                          compressed == want_compressed && memcmp(secret, payload, 32) == 0,
                      "row %zu: WIF %s", i, str);
            test_case(!decode_addr(script, &slen, chain, str) && slen == 0,
                      "row %zu: WIF %s read as an address", i, str);
            test_case(plen == 32 && sato_wif_encode(wif, chain, payload, want_compressed) &&
                          strcmp(wif, str) == 0,
                      "row %zu: WIF encode gives %s", i, wif);
        } else {
            json_t *flip = json_object_get(meta, "tryCaseFlip");
            int try_flip = json_is_true(flip);
            int ok;
            test_case(decode_addr(script, &slen, chain, str) && slen == plen &&
                          memcmp(script, payload, plen) == 0,
                      "row %zu: address %s", i, str);
            test_case(sato_address_encode(out, chain, payload, plen) && strcmp(out, str) == 0,
                      "row %zu: encode gives %s, want %s", i, out, str);
            test_case(!decode_wif(secret, &compressed, chain, str),
                      "row %zu: address %s read as WIF", i, str);
            /* Bech32 ignores case as a whole; Base58 does not. */
            strcpy(flipped, str);
            flip_case(flipped);
            ok = decode_addr(script, &slen, chain, flipped);
            test_case(ok == try_flip && (!ok || (slen == plen && memcmp(script, payload, plen) == 0)),
                      "row %zu: case-flipped %s %s", i, flipped, ok ? "accepted" : "refused");
            test_case(!decode_wif(secret, &compressed, chain, flipped),
                      "row %zu: case-flipped %s read as WIF", i, flipped);
        }
    }
    json_decref(rows);
}

static void test_invalid(void) {
    json_t *rows = test_load_json("bitcoin-core/key_io_invalid.json");
    size_t i, c;
    if (rows == NULL) return;
    test_case(json_array_size(rows) == 70, "key_io_invalid has %zu rows", json_array_size(rows));
    for (i = 0; i < json_array_size(rows); i++) {
        const char *str = json_string_value(json_array_get(json_array_get(rows, i), 0));
        if (str == NULL) {
            test_case(0, "key_io_invalid row %zu malformed", i);
            continue;
        }
        for (c = 0; c < NCHAINS; c++) {
            unsigned char script[SATO_ADDRESS_SCRIPT_MAX], secret[32] = {1};
            size_t slen = 1;
            int compressed = 1;
            test_case(!decode_addr(script, &slen, all_chains[c], str) && slen == 0,
                      "row %zu: %s accepted as address on %s", i, str, all_chains[c]->name);
            test_case(!decode_wif(secret, &compressed, all_chains[c], str) && compressed == 0 &&
                          secret[0] == 0,
                      "row %zu: %s accepted as WIF on %s", i, str, all_chains[c]->name);
        }
    }
    json_decref(rows);
}

static void test_chains(void) {
    CHECK(sato_chain_addr_by_name("main") == &sato_chain_addr_main);
    CHECK(sato_chain_addr_by_name("test") == &sato_chain_addr_testnet);
    CHECK(sato_chain_addr_by_name("testnet4") == &sato_chain_addr_testnet4);
    CHECK(sato_chain_addr_by_name("signet") == &sato_chain_addr_signet);
    CHECK(sato_chain_addr_by_name("regtest") == &sato_chain_addr_regtest);
    CHECK(sato_chain_addr_by_name("testnet") == NULL);
    CHECK(sato_chain_addr_by_name("") == NULL);
    CHECK(sato_chain_addr_main.pubkey_prefix == 0 && sato_chain_addr_main.script_prefix == 5 &&
          sato_chain_addr_main.secret_prefix == 128 && strcmp(sato_chain_addr_main.bech32_hrp, "bc") == 0);
    CHECK(sato_chain_addr_regtest.pubkey_prefix == 111 && sato_chain_addr_regtest.script_prefix == 196 &&
          sato_chain_addr_regtest.secret_prefix == 239 &&
          strcmp(sato_chain_addr_regtest.bech32_hrp, "bcrt") == 0);
}

/* Core's DecodeSecret: prefix, then 32 bytes, or 33 ending in 0x01; and the
 * secret must be a valid key. */
static void test_wif_rules(void) {
    static const unsigned char order[32] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
        0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
    unsigned char payload[40], secret[32];
    char s[80], wif[SATO_WIF_MAX_LEN];
    size_t n, len;
    int compressed;
    memset(payload, 0x11, sizeof(payload));
    payload[0] = 128;
    for (len = 30; len <= 36; len++) {
        int want = len == 33 || len == 34;
        payload[33] = 1;
        CHECK(sato_base58check_encode(s, sizeof(s), &n, payload, len));
        test_case(decode_wif(secret, &compressed, &sato_chain_addr_main, s) == want &&
                      (!want || compressed == (len == 34)),
                  "WIF payload of %zu bytes", len);
        payload[33] = 2;
        CHECK(sato_base58check_encode(s, sizeof(s), &n, payload, len));
        test_case(decode_wif(secret, &compressed, &sato_chain_addr_main, s) == (len == 33),
                  "WIF payload of %zu bytes, last byte 2", len);
    }
    /* The prefix belongs to the chain. */
    payload[33] = 1;
    CHECK(sato_base58check_encode(s, sizeof(s), &n, payload, 34));
    CHECK(!decode_wif(secret, &compressed, &sato_chain_addr_testnet, s));
    /* 0 and the group order are not keys; order - 1 is. */
    memset(payload + 1, 0, 32);
    CHECK(sato_base58check_encode(s, sizeof(s), &n, payload, 34));
    CHECK(!decode_wif(secret, &compressed, &sato_chain_addr_main, s));
    CHECK(!sato_wif_encode(wif, &sato_chain_addr_main, payload + 1, 1) && wif[0] == '\0');
    memcpy(payload + 1, order, 32);
    CHECK(sato_base58check_encode(s, sizeof(s), &n, payload, 34));
    CHECK(!decode_wif(secret, &compressed, &sato_chain_addr_main, s));
    CHECK(!sato_wif_encode(wif, &sato_chain_addr_main, order, 0));
    payload[32] = 0x40;
    CHECK(sato_base58check_encode(s, sizeof(s), &n, payload, 34));
    CHECK(decode_wif(secret, &compressed, &sato_chain_addr_main, s) && compressed == 1 &&
          memcmp(secret, payload + 1, 32) == 0);
    CHECK(sato_wif_encode(wif, &sato_chain_addr_main, secret, 1) && strcmp(wif, s) == 0 &&
          strlen(wif) == SATO_WIF_MAX_LEN - 1);
}

static void test_base58_addresses(void) {
    unsigned char payload[22], script[SATO_ADDRESS_SCRIPT_MAX];
    char s[64];
    size_t n, slen;
    memset(payload, 0x42, sizeof(payload));
    payload[0] = 0;
    CHECK(sato_base58check_encode(s, sizeof(s), &n, payload, 21));
    CHECK(decode_addr(script, &slen, &sato_chain_addr_main, s) && slen == 25);
    CHECK(!decode_addr(script, &slen, &sato_chain_addr_testnet, s));
    /* Length must be exactly one prefix byte and a 20-byte hash. */
    CHECK(sato_base58check_encode(s, sizeof(s), &n, payload, 22));
    CHECK(!decode_addr(script, &slen, &sato_chain_addr_main, s));
    CHECK(sato_base58check_encode(s, sizeof(s), &n, payload, 20));
    CHECK(!decode_addr(script, &slen, &sato_chain_addr_main, s));
    /* A WIF-prefixed 21-byte payload is not an address either. */
    payload[0] = 128;
    CHECK(sato_base58check_encode(s, sizeof(s), &n, payload, 21));
    CHECK(!decode_addr(script, &slen, &sato_chain_addr_main, s));
    /* Whitespace around Base58 is tolerated, as Core's DecodeBase58 does. */
    payload[0] = 5;
    s[0] = ' ';
    CHECK(sato_base58check_encode(s + 1, sizeof(s) - 2, &n, payload, 21));
    strcat(s, "\n");
    CHECK(decode_addr(script, &slen, &sato_chain_addr_main, s) && slen == 23 && script[0] == 0xa9);
}

/* Scripts without an address. */
static void test_no_address(void) {
    static const char *const scripts[] = {
        "",
        "6a",                                                                     /* OP_RETURN */
        "21" "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798" "ac", /* P2PK */
        "76a914" "0000000000000000000000000000000000000000" "88ac00",             /* P2PKH + byte */
        "76a914" "0000000000000000000000000000000000000000" "87ac",               /* wrong opcode */
        "a914" "0000000000000000000000000000000000000000" "88",                   /* P2SH, wrong op */
        "a9" "4c14" "0000000000000000000000000000000000000000" "87",              /* PUSHDATA1 */
        "0015" "000000000000000000000000000000000000000000",                      /* v0, 21 bytes */
        "0002" "0000",                                                            /* v0, 2 bytes */
        "5101" "00",                                                              /* v1, 1 byte */
        "5129" "0000000000000000000000000000000000000000000000000000000000000000000000000000000000",
        "4f02" "0000",                                                            /* OP_1NEGATE */
        "6102" "0000",                                                            /* OP_NOP */
        "5102" "000000",                                                          /* trailing byte */
        "51" "4c02" "0000",                                                       /* PUSHDATA1 */
    };
    size_t i, c;
    for (i = 0; i < sizeof(scripts) / sizeof(scripts[0]); i++) {
        unsigned char script[64];
        size_t n;
        CHECK(sato_hex_decode(script, sizeof(script), &n, scripts[i]));
        for (c = 0; c < NCHAINS; c++) {
            char out[SATO_ADDRESS_MAX_LEN] = "x";
            test_case(!sato_address_encode(out, all_chains[c], script, n) && out[0] == '\0',
                      "script %s has no address (got %s)", scripts[i], out);
        }
    }
}

static void test_round_trip(void) {
    int iter;
    for (iter = 0; iter < 3000; iter++) {
        const sato_chain_addr_t *chain = all_chains[rng_next() % NCHAINS];
        unsigned char script[SATO_ADDRESS_SCRIPT_MAX], got[SATO_ADDRESS_SCRIPT_MAX], secret[32], s2[32];
        char addr[SATO_ADDRESS_MAX_LEN], wif[SATO_WIF_MAX_LEN];
        size_t len, i, glen;
        int kind = (int)(rng_next() % 4), ok, compressed = (int)(rng_next() & 1), c2;
        if (kind == 0) {
            script[0] = 0x76, script[1] = 0xa9, script[2] = 20, script[23] = 0x88, script[24] = 0xac;
            len = 25;
            for (i = 3; i < 23; i++) script[i] = (unsigned char)rng_next();
        } else if (kind == 1) {
            script[0] = 0xa9, script[1] = 20, script[22] = 0x87;
            len = 23;
            for (i = 2; i < 22; i++) script[i] = (unsigned char)rng_next();
        } else {
            int version = kind == 2 ? 0 : 1 + (int)(rng_next() % 16);
            size_t plen = version == 0 ? (rng_next() & 1 ? 20 : 32) : 2 + (size_t)(rng_next() % 39);
            script[0] = (unsigned char)(version == 0 ? 0 : 0x50 + version);
            script[1] = (unsigned char)plen;
            for (i = 0; i < plen; i++) script[2 + i] = (unsigned char)rng_next();
            len = plen + 2;
        }
        ok = sato_address_encode(addr, chain, script, len);
        ok = ok && decode_addr(got, &glen, chain, addr) && glen == len && memcmp(got, script, len) == 0;
        ok = ok && !decode_wif(secret, &c2, chain, addr);
        test_case(ok, "address round trip %d on %s: %s", iter, chain->name, addr);

        for (i = 0; i < 32; i++) secret[i] = (unsigned char)rng_next();
        ok = sato_wif_encode(wif, chain, secret, compressed);
        ok = ok && decode_wif(s2, &c2, chain, wif) && c2 == compressed && memcmp(s2, secret, 32) == 0;
        ok = ok && !decode_addr(got, &glen, chain, wif);
        test_case(ok, "WIF round trip %d on %s: %s", iter, chain->name, wif);
    }
}

static void test_hostile(void) {
    size_t big = 1000000, i, slen, c;
    char *s = sato_malloc(big + 1);
    unsigned char script[SATO_ADDRESS_SCRIPT_MAX], secret[32];
    int compressed;
    static const char nul_p2pkh[] = "1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo\0";
    static const char nul_bech[] = "bc1qvyq0cc6rahyvsazfdje0twl7ez82ndmuac2lhv\0";
    for (c = 0; c < NCHAINS; c++) {
        memset(s, '1', big);
        CHECK(!sato_address_decode(script, &slen, all_chains[c], s, big));
        CHECK(!sato_wif_decode(secret, &compressed, all_chains[c], s, big));
        memcpy(s, all_chains[c]->bech32_hrp, strlen(all_chains[c]->bech32_hrp));
        CHECK(!sato_address_decode(script, &slen, all_chains[c], s, big));
        for (i = 0; i < big; i++) s[i] = (char)(rng_next() & 0xff);
        CHECK(!sato_address_decode(script, &slen, all_chains[c], s, big));
        CHECK(!sato_wif_decode(secret, &compressed, all_chains[c], s, big));
    }
    /* An embedded NUL is refused, not taken as the end of the string. */
    CHECK(sato_address_decode(script, &slen, &sato_chain_addr_main, nul_p2pkh, sizeof(nul_p2pkh) - 2));
    CHECK(!sato_address_decode(script, &slen, &sato_chain_addr_main, nul_p2pkh, sizeof(nul_p2pkh) - 1));
    CHECK(sato_address_decode(script, &slen, &sato_chain_addr_main, nul_bech, sizeof(nul_bech) - 2));
    CHECK(!sato_address_decode(script, &slen, &sato_chain_addr_main, nul_bech, sizeof(nul_bech) - 1));
    /* Short strings of every kind of byte, including the HRP alone. */
    for (i = 0; i < 200000; i++) {
        size_t len = (size_t)(rng_next() % 64), k;
        const sato_chain_addr_t *chain = all_chains[i % NCHAINS];
        for (k = 0; k < len; k++) s[k] = (char)(rng_next() & 0xff);
        if (sato_address_decode(script, &slen, chain, s, len) || sato_wif_decode(secret, &compressed, chain, s, len)) break;
    }
    CHECK(i == 200000);
    CHECK(!sato_address_decode(script, &slen, &sato_chain_addr_main, "bc", 2));
    CHECK(!sato_address_decode(script, &slen, &sato_chain_addr_main, "", 0));
    CHECK(!sato_wif_decode(secret, &compressed, &sato_chain_addr_main, "", 0));
    free(s);
}

int main(void) {
    test_valid();
    test_invalid();
    test_chains();
    test_wif_rules();
    test_base58_addresses();
    test_no_address();
    test_round_trip();
    test_hostile();
    return test_report("key_io");
}
