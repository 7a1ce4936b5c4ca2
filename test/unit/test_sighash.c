/* Legacy signature hash against Bitcoin Core's sighash.json (500 rows),
 * plus the SIGHASH_SINGLE "1" quirk and BIP143 cross-checks of the
 * precomputed and the direct paths. */
#include <stdlib.h>
#include <string.h>

#include "sato/buf.h"
#include "sato/hex.h"
#include "sato/sha256.h"
#include "sato/sighash.h"
#include "sato/tx.h"
#include "test.h"

static void test_vectors(void) {
    json_t *rows = test_load_json("bitcoin-core/sighash.json");
    size_t i, n = 0;
    if (rows == NULL) return;
    for (i = 0; i < json_array_size(rows); i++) {
        json_t *row = json_array_get(rows, i);
        const char *txhex, *scripthex, *want;
        json_int_t nin, ht;
        unsigned char *script = NULL, got[32];
        size_t script_len = 0;
        char gothex[65];
        sato_tx_t tx;
        int ok;

        if (json_array_size(row) == 1) continue; /* the header */
        n++;
        txhex = json_string_value(json_array_get(row, 0));
        scripthex = json_string_value(json_array_get(row, 1));
        nin = json_integer_value(json_array_get(row, 2));
        ht = json_integer_value(json_array_get(row, 3));
        want = json_string_value(json_array_get(row, 4));
        if (json_array_size(row) != 5 || txhex == NULL || scripthex == NULL || want == NULL) {
            test_case(0, "row %zu: malformed", i);
            continue;
        }
        ok = test_tx_from_hex(&tx, txhex);
        script = sato_hex_decode_alloc(scripthex, &script_len);
        ok = ok && script != NULL && nin >= 0 && (size_t)nin < tx.vin_len;
        if (ok) {
            sato_sighash_legacy(got, &tx, (size_t)nin, script, script_len, (int32_t)ht);
            sato_hex_encode_rev(gothex, got, 32);
            ok = strcmp(gothex, want) == 0;
        }
        test_case(ok, "sighash.json row %zu: got %s want %s", i, ok ? "" : gothex, want);
        free(script);
        sato_tx_clear(&tx);
    }
    test_case(n == 500, "sighash.json: %zu rows, expected 500", n);
    json_decref(rows);
}

/* A tx with 2 inputs and 1 output: SIGHASH_SINGLE on input 1 signs "1". */
static void test_single_quirk(void) {
    static const char *hex =
        "0100000002"
        "1111111111111111111111111111111111111111111111111111111111111111" "00000000" "00" "ffffffff"
        "2222222222222222222222222222222222222222222222222222222222222222" "01000000" "00" "feffffff"
        "01" "e803000000000000" "0151"
        "00000000";
    sato_tx_t tx;
    unsigned char h[32], one[32] = {1};
    static const unsigned char script[] = {0x51};
    CHECK(test_tx_from_hex(&tx, hex));
    sato_sighash_legacy(h, &tx, 1, script, 1, SATO_SIGHASH_SINGLE);
    CHECK(memcmp(h, one, 32) == 0);
    sato_sighash_legacy(h, &tx, 1, script, 1, SATO_SIGHASH_SINGLE | SATO_SIGHASH_ANYONECANPAY);
    CHECK(memcmp(h, one, 32) == 0);
    sato_sighash_legacy(h, &tx, 0, script, 1, SATO_SIGHASH_SINGLE);
    CHECK(memcmp(h, one, 32) != 0);
    /* BIP143 has no such quirk: its hashOutputs is zero instead. */
    sato_sighash_v0(h, &tx, 1, script, 1, 0, SATO_SIGHASH_SINGLE, NULL);
    CHECK(memcmp(h, one, 32) != 0);
    sato_tx_clear(&tx);
}

/* BIP143's own example (native P2WPKH, second input), and the precomputed
 * path agreeing with the direct one for every hash type byte. */
static void test_bip143(void) {
    static const char *hex =
        "0100000002fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f0000000000eeffffff"
        "ef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff02202cb206"
        "000000001976a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d000000001976a9143bde42db"
        "ee7e4dbe6a21b2d50ce2f0167faa815988ac11000000";
    static const char *script_hex = "76a9141d0f172a0ecb48aee1be1f2687d2963ae33f71a188ac";
    static const char *want = "c37af31116d1b27caf68aae9e3ac82f1477929014d5b917657d0eb49478cb670";
    unsigned char script[25], h[32], h2[32];
    size_t slen;
    char gothex[65];
    sato_tx_t tx;
    sato_txdata_t txdata;
    int t;

    CHECK(test_tx_from_hex(&tx, hex));
    CHECK(sato_hex_decode(script, sizeof(script), &slen, script_hex));
    if (tx.vin_len != 2) {
        sato_tx_clear(&tx);
        return;
    }
    sato_txdata_init(&txdata, &tx, NULL, 0);
    CHECK(txdata.bip143_ready && !txdata.bip341_ready);
    sato_sighash_v0(h, &tx, 1, script, slen, 600000000, SATO_SIGHASH_ALL, &txdata);
    sato_hex_encode(gothex, h, 32);
    test_case(strcmp(gothex, want) == 0, "BIP143 P2WPKH example: got %s", gothex);
    for (t = 0; t < 256; t++) {
        sato_sighash_v0(h, &tx, 0, script, slen, 12345, t, &txdata);
        sato_sighash_v0(h2, &tx, 0, script, slen, 12345, t, NULL);
        test_case(memcmp(h, h2, 32) == 0, "BIP143 precomputed vs direct, type %d", t);
    }
    sato_tx_clear(&tx);
}

/* The script code as Core serializes it: OP_CODESEPARATORs dropped while
 * the length prefix counts all other bytes, and at a truncated push only
 * what GetOp consumed (opcode and length bytes) is written. The preimage
 * is built by hand here. */
static void test_script_code(void) {
    static const struct {
        const char *code, *written;
        unsigned declared;
    } cases[] = {
        {"51ab52ab", "5152", 2},
        {"ab", "", 0},
        {"abab51", "51", 1},
        {"02abab53", "02abab53", 4},      /* separators inside a push stay */
        {"ac02aa", "ac02", 3},            /* truncated push: data byte dropped */
        {"ab4c", "4c", 1},                /* PUSHDATA1 without its length */
        {"514d01", "514d", 3},            /* PUSHDATA2 with one length byte */
        {"ab4e0500000001", "4e05000000", 6}, /* PUSHDATA4 past the end */
    };
    static const char *hex =
        "01000000" "01" "3333333333333333333333333333333333333333333333333333333333333333" "02000000" "00"
        "fdffffff" "01" "0100000000000000" "0100" "05000000";
    unsigned char code[16], written[16], got[32], want[32];
    size_t clen, wlen, i;
    sato_tx_t tx;
    CHECK(test_tx_from_hex(&tx, hex));
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sato_buf_t b;
        CHECK(sato_hex_decode(code, sizeof(code), &clen, cases[i].code));
        CHECK(sato_hex_decode(written, sizeof(written), &wlen, cases[i].written));
        sato_buf_init(&b);
        sato_buf_write_u32(&b, 1);
        sato_buf_write_compactsize(&b, 1);
        sato_buf_write(&b, tx.vin[0].prevout.hash, 32);
        sato_buf_write_u32(&b, 2);
        sato_buf_write_compactsize(&b, cases[i].declared);
        sato_buf_write(&b, written, wlen);
        sato_buf_write_u32(&b, 0xfffffffd);
        sato_buf_write_compactsize(&b, 1);
        sato_buf_write_u64(&b, 1);
        sato_buf_write_varbytes(&b, (const unsigned char *)"\x00", 1);
        sato_buf_write_u32(&b, 5);
        sato_buf_write_u32(&b, 0x41);
        sato_sha256d(want, b.data, b.len);
        sato_buf_clear(&b);
        sato_sighash_legacy(got, &tx, 0, code, clen, 0x41);
        test_case(memcmp(got, want, 32) == 0, "script code case %zu (%s)", i, cases[i].code);
    }
    sato_tx_clear(&tx);
}

int main(void) {
    test_script_code();
    test_vectors();
    test_single_quirk();
    test_bip143();
    return test_report("test_sighash");
}
