/* Scripts and transactions as JSON, against Bitcoin Core's published
 * outputs: rpc_decodescript.json (decodescript on regtest) and the
 * bitcoin-tx -json results in util/ (TxToUniv with hex); validateaddress
 * on the key_io vectors. */
#include <stdlib.h>
#include <string.h>

#include "sato/chainparams.h"
#include "sato/hex.h"
#include "sato/json_out.h"
#include "sato/rpc_methods.h"
#include "sato/tx_json.h"
#include "test.h"

/* Our value through our own printer, read back as plain JSON. */
static json_t *roundtrip(const json_t *v) {
    char *text = sato_json_dumps(v);
    json_t *back = text ? json_loads(text, 0, NULL) : NULL;
    free(text);
    return back;
}

static int same(const json_t *ours, const json_t *want, const char *what) {
    json_t *back = roundtrip(ours);
    int ok = back != NULL && json_equal(back, want);
    if (!ok) {
        char *a = back ? json_dumps(back, JSON_COMPACT) : NULL, *b = json_dumps(want, JSON_COMPACT);
        fprintf(stderr, "%s:\n  got  %s\n  want %s\n", what, a ? a : "(null)", b);
        free(a);
        free(b);
    }
    json_decref(back);
    return ok;
}

static void test_decodescript(void) {
    json_t *rows = test_load_json("bitcoin-core/rpc_decodescript.json"), *row;
    size_t i, n = 0;
    json_array_foreach(rows, i, row) {
        const char *hex = json_string_value(json_array_get(row, 0));
        unsigned char *script;
        size_t len;
        json_t *got;
        if (hex == NULL || (script = sato_hex_decode_alloc(hex, &len)) == NULL) {
            test_case(0, "decodescript row %zu unreadable", i);
            continue;
        }
        got = sato_rpc_decodescript_json(&sato_chain_addr_regtest, script, len);
        test_case(same(got, json_array_get(row, 1), hex), "decodescript %s", hex);
        json_decref(got);
        free(script);
        n++;
    }
    test_case(n == 10, "decodescript rows: %zu", n);
    json_decref(rows);
}

static void test_bitcoin_tx_json(void) {
    static const char *const names[] = {
        "blanktxv1", "blanktxv2", "tt-delin1-out", "tt-delout1-out", "tt-locktime317000-out",
        "txcreate1", "txcreate2", "txcreatedata1", "txcreatedata2", "txcreatedata_seq0",
        "txcreatedata_seq1", "txcreatemultisig1", "txcreatemultisig2", "txcreatemultisig3",
        "txcreatemultisig4", "txcreateoutpubkey1", "txcreateoutpubkey2", "txcreateoutpubkey3",
        "txcreatescript1", "txcreatescript2", "txcreatescript3", "txcreatescript4", "txcreatesignv1"};
    size_t i;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        char rel[128];
        const char *hex;
        json_t *want, *got;
        sato_tx_t tx;
        /* The JSON carries the transaction it describes in its "hex". */
        snprintf(rel, sizeof(rel), "bitcoin-core/util/%s.json", names[i]);
        want = test_load_json(rel);
        hex = json_string_value(json_object_get(want, "hex"));
        if (hex == NULL) {
            test_case(0, "%s: vector file missing or without hex", names[i]);
            json_decref(want);
            continue;
        }
        if (!sato_rpc_decode_hex_tx(&tx, hex, 1, 1)) {
            test_case(0, "%s: does not decode", names[i]);
        } else {
            got = sato_tx_json(&sato_chain_addr_main, &tx, NULL, 1);
            test_case(same(got, want, names[i]), "%s: TxToUniv", names[i]);
            json_decref(got);
            sato_tx_clear(&tx);
        }
        json_decref(want);
    }
}

static void test_asm(void) {
    /* A strictly encoded signature with SIGHASH_ALL in a scriptSig shows
     * [ALL] (txcreatesignv1 covers it against Core); without sighash
     * decoding it stays plain hex. */
    static const char sig[] =
        "47304402201c3be71e1794621cbe3a7adec1af25f818f238f5796d47152137eba710f2174a02204f8fe667b696e30012ef4e"
        "56ac96afb830bddffee3b15d2e474066ab3aa39bad01";
    unsigned char s[80];
    size_t n;
    char *a;
    CHECK(sato_hex_decode(s, sizeof(s), &n, sig));
    a = sato_script_asm(s, n, 1);
    CHECK(strstr(a, "[ALL]") != NULL);
    free(a);
    a = sato_script_asm(s, n, 0);
    CHECK(strstr(a, "[ALL]") == NULL && strlen(a) == 2 * 71);
    free(a);
    /* Truncated push, numbers, opcode names. */
    sato_hex_decode(s, sizeof(s), &n, "0051024f01ba4c");
    a = sato_script_asm(s, n, 0);
    CHECK(strcmp(a, "0 1 335 OP_CHECKSIGADD [error]") == 0);
    free(a);
    sato_hex_decode(s, sizeof(s), &n, "4f6061");
    a = sato_script_asm(s, n, 0);
    CHECK(strcmp(a, "-1 16 OP_NOP") == 0);
    free(a);
}

static void test_amount_text(void) {
    json_t *o = json_pack("{s:o, s:o, s:o, s:f}", "a", sato_json_amount(100000000), "b",
                          sato_json_amount(1), "c", sato_json_amount(-2100000000000000LL), "d", 0.1);
    char *t = sato_json_dumps(o);
    CHECK(t && strcmp(t, "{\"a\":1.00000000,\"b\":0.00000001,\"c\":-21000000.00000000,\"d\":0.1}") == 0);
    free(t);
    json_decref(o);
    t = sato_json_reindent("{\"a\":[1.50000000,{}],\"b\":\"x,{\\\"\"}");
    CHECK(t && strcmp(t, "{\n  \"a\": [\n    1.50000000,\n    {}\n  ],\n  \"b\": \"x,{\\\"\"\n}") == 0);
    free(t);
    CHECK(sato_json_reindent("{\"a\":1") == NULL);
    {
        size_t start, len;
        const char *reply = "{\"result\":{\"x\":[1,\"]\"]},\"error\":null,\"id\":1}";
        CHECK(sato_json_find_member(reply, "result", &start, &len) && len == 13 &&
              strncmp(reply + start, "{\"x\":[1,\"]\"]}", len) == 0);
        CHECK(sato_json_find_member(reply, "error", &start, &len) && len == 4);
        CHECK(!sato_json_find_member(reply, "missing", &start, &len));
        CHECK(!sato_json_find_member("[1]", "result", &start, &len));
    }
}

int main(void) {
    test_decodescript();
    test_bitcoin_tx_json();
    test_asm();
    test_amount_text();
    return test_report("tx_json");
}
