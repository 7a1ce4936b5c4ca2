/* Transactions: every tx of tx_valid/tx_invalid round-trips and hashes
 * consistently, CheckTransaction agrees with the vectors, and hostile
 * serializations fail cleanly without large allocations. */
#include <stdlib.h>
#include <string.h>

#include "sato/amount.h"
#include "sato/hex.h"
#include "sato/mem.h"
#include "sato/sha256.h"
#include "sato/tx.h"
#include "sato/tx_check.h"
#include "test.h"

/* Under AddressSanitizer any single allocation above 16 MiB aborts the
 * test: a parser that trusted an announced count would trip it. */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TEST_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TEST_ASAN 1
#endif
#ifdef TEST_ASAN
const char *__asan_default_options(void);
const char *__asan_default_options(void) {
    return "max_allocation_size_mb=16";
}
#endif

static unsigned char *unhex(const char *hex, size_t *len) {
    unsigned char *p = sato_hex_decode_alloc(hex, len);
    if (p == NULL) {
        fprintf(stderr, "bad hex in test: %.40s\n", hex);
        abort();
    }
    return p;
}

/* Everything that must hold for a transaction that parsed from raw. */
static int check_roundtrip(const sato_tx_t *tx, const unsigned char *raw, size_t len) {
    sato_buf_t full, stripped;
    unsigned char h[32], id[32];
    sato_tx_t copy, reparsed;
    int ok = 1;
    sato_buf_init(&full);
    sato_buf_init(&stripped);
    sato_tx_write(&full, tx, 1);
    sato_tx_write(&stripped, tx, 0);
    ok &= full.len == len && memcmp(full.data, raw, len) == 0;
    ok &= sato_tx_size(tx, 1) == len && sato_tx_size(tx, 0) == stripped.len;
    ok &= sato_tx_weight(tx) == 3 * stripped.len + len;
    ok &= (stripped.len == len) == !sato_tx_has_witness(tx);
    sato_sha256d(h, stripped.data, stripped.len);
    sato_tx_txid(id, tx);
    ok &= memcmp(h, id, 32) == 0;
    sato_sha256d(h, raw, len);
    sato_tx_wtxid(id, tx);
    ok &= memcmp(h, id, 32) == 0;
    /* The stripped form parses back to the same tx less its witnesses. */
    ok &= sato_tx_parse(&reparsed, stripped.data, stripped.len, 1);
    ok &= reparsed.vin_len == tx->vin_len && !sato_tx_has_witness(&reparsed);
    sato_tx_txid(h, &reparsed);
    sato_tx_txid(id, tx);
    ok &= memcmp(h, id, 32) == 0;
    sato_tx_clear(&reparsed);
    /* Copies in both ownership shapes are equal and serialize the same. */
    sato_tx_copy(&copy, tx);
    ok &= sato_tx_equal(&copy, tx);
    sato_tx_make_editable(&copy);
    ok &= copy.arena == NULL && sato_tx_equal(&copy, tx);
    sato_tx_copy(&reparsed, &copy);
    ok &= reparsed.arena != NULL && sato_tx_equal(&reparsed, tx);
    sato_tx_clear(&copy);
    sato_tx_clear(&reparsed);
    sato_buf_clear(&full);
    sato_buf_clear(&stripped);
    return ok;
}

/* Every proper prefix of a serialized transaction must fail to parse,
 * leaving the tx empty and the reader failed. */
static int check_truncations(const unsigned char *raw, size_t len) {
    size_t cut;
    for (cut = 0; cut < len; cut++) {
        sato_reader_t r;
        sato_tx_t tx;
        sato_reader_init(&r, raw, cut);
        if (sato_tx_read(&tx, &r, 1) || !r.failed || tx.arena != NULL || tx.vin_len != 0) {
            fprintf(stderr, "prefix of %zu/%zu bytes parsed\n", cut, len);
            sato_tx_clear(&tx);
            return 0;
        }
    }
    return 1;
}

/* The BADTX rows of tx_invalid.json, in file order, and the reason each
 * is there (from the comment above it). */
static const char *const badtx_reasons[] = {
    "bad-txns-vout-empty",     "bad-txns-vout-negative",       "bad-txns-vout-toolarge",
    "bad-txns-txouttotal-toolarge", "bad-txns-inputs-duplicate", "bad-cb-length",
    "bad-cb-length",           "bad-txns-prevout-null",        "bad-txns-prevout-null",
};

static void run_vector_file(const char *file, int valid) {
    json_t *root = test_load_json(file);
    size_t i, rows = 0, parsed = 0, roundtrip = 0, checked = 0, truncated = 0, badtx = 0;
    size_t witness_rows = 0;
    if (root == NULL) return;
    for (i = 0; i < json_array_size(root); i++) {
        json_t *row = json_array_get(root, i);
        const char *hex, *flags;
        unsigned char *raw;
        size_t len;
        sato_tx_t tx;
        const char *reason;
        int check_ok, is_badtx;
        if (json_array_size(row) == 1 && json_is_string(json_array_get(row, 0))) continue;
        rows++;
        hex = json_string_value(json_array_get(row, 1));
        flags = json_string_value(json_array_get(row, 2));
        if (json_array_size(row) != 3 || hex == NULL || flags == NULL) {
            test_case(0, "%s row %zu: malformed", file, i);
            continue;
        }
        raw = unhex(hex, &len);
        if (!sato_tx_parse(&tx, raw, len, 1)) {
            test_case(0, "%s row %zu: does not parse", file, i);
            free(raw);
            continue;
        }
        parsed++;
        witness_rows += sato_tx_has_witness(&tx);
        if (check_roundtrip(&tx, raw, len)) roundtrip++;
        else test_case(0, "%s row %zu: round trip / hashes / sizes", file, i);
        if (check_truncations(raw, len)) truncated++;
        else test_case(0, "%s row %zu: a truncation parsed", file, i);
        check_ok = sato_tx_check(&tx, &reason);
        is_badtx = strcmp(flags, "BADTX") == 0;
        if (valid) {
            test_case(check_ok && reason == NULL, "%s row %zu: CheckTransaction failed (%s)", file, i,
                      reason ? reason : "");
            checked += check_ok;
        } else if (is_badtx) {
            const char *want = badtx < sizeof(badtx_reasons) / sizeof(badtx_reasons[0])
                                   ? badtx_reasons[badtx] : "?";
            int ok = !check_ok && reason != NULL && strcmp(reason, want) == 0;
            test_case(ok, "%s row %zu: BADTX gave %s, want %s", file, i, reason ? reason : "pass",
                      want);
            badtx++;
            checked += ok;
        } else {
            /* Core's test sends every row that fails CheckTransaction down
             * the BADTX branch, so the others must pass it. */
            test_case(check_ok, "%s row %zu: CheckTransaction failed (%s) without BADTX", file, i,
                      reason ? reason : "");
            checked += check_ok;
        }
        sato_tx_clear(&tx);
        free(raw);
    }
    test_case(rows == parsed && rows == roundtrip && rows == truncated && rows == checked && rows > 0,
              "%s: not every row passed", file);
    if (!valid) {
        test_case(badtx == sizeof(badtx_reasons) / sizeof(badtx_reasons[0]), "%s: %zu BADTX rows", file,
                  badtx);
    }
    printf("%s: %zu rows (%zu with witness), %zu parsed, %zu round-tripped, %zu truncation sweeps, "
           "%zu CheckTransaction as expected%s\n",
           file, rows, witness_rows, parsed, roundtrip, truncated, checked,
           valid ? "" : " (BADTX rows fail with the expected reason)");
    json_decref(root);
}

/* A known mainnet transaction pins the txid byte order. */
static void test_known_txid(void) {
    json_t *root = test_load_json("bitcoin-core/tx_valid.json");
    size_t i, len;
    if (root == NULL) return;
    for (i = 0; i < json_array_size(root); i++) {
        json_t *row = json_array_get(root, i);
        unsigned char *raw, id[32];
        char shown[65];
        sato_tx_t tx;
        if (json_array_size(row) != 3) continue;
        raw = unhex(json_string_value(json_array_get(row, 1)), &len);
        CHECK(sato_tx_parse(&tx, raw, len, 1));
        sato_tx_txid(id, &tx);
        sato_hex_encode_rev(shown, id, 32);
        CHECK(strcmp(shown, "23b397edccd3740a74adb603c9756370fafcde9bcc4483eb271ecad09a94dd63") == 0);
        sato_tx_clear(&tx);
        free(raw);
        break;
    }
    json_decref(root);
}

/* Pieces to assemble serializations by hand. */
#define VERSION "01000000"
#define LOCKTIME "00000000"
#define PREVOUT "0100000000000000000000000000000000000000000000000000000000000000" "00000000"
#define INPUT PREVOUT "00" "ffffffff"
#define OUTPUT "e803000000000000" "0151"

static int parse_hex(const char *hex, int allow_witness, sato_tx_t *tx) {
    size_t len;
    unsigned char *raw = unhex(hex, &len);
    int ok = sato_tx_parse(tx, raw, len, allow_witness);
    free(raw);
    return ok;
}

static int parses(const char *hex, int allow_witness) {
    sato_tx_t tx;
    int ok = parse_hex(hex, allow_witness, &tx);
    sato_tx_clear(&tx);
    return ok;
}

static void test_extended_format(void) {
    sato_tx_t tx;
    /* One input with a one-item witness: accepted both ways round. */
    CHECK(parses(VERSION "0001" "01" INPUT "01" OUTPUT "01" "0102" LOCKTIME, 1));
    CHECK(parse_hex(VERSION "0001" "01" INPUT "01" OUTPUT "01" "00" LOCKTIME, 1, &tx));
    /* A witness of one empty item still counts as a witness. */
    CHECK(tx.vin_len == 1 && tx.vin[0].witness_len == 1 && sato_tx_has_witness(&tx));
    sato_tx_clear(&tx);
    /* Witness flag with every stack empty: "Superfluous witness record". */
    CHECK(!parses(VERSION "0001" "01" INPUT "01" OUTPUT "00" LOCKTIME, 1));
    CHECK(!parses(VERSION "0001" "02" INPUT INPUT "01" OUTPUT "00" "00" LOCKTIME, 1));
    /* The flag with no inputs behind it has no stacks at all. */
    CHECK(!parses(VERSION "0001" "00" "01" OUTPUT LOCKTIME, 1));
    /* Unknown flag bits, alone or next to the witness bit. */
    CHECK(!parses(VERSION "0002" "01" INPUT "01" OUTPUT LOCKTIME, 1));
    CHECK(!parses(VERSION "0080" "01" INPUT "01" OUTPUT LOCKTIME, 1));
    CHECK(!parses(VERSION "0003" "01" INPUT "01" OUTPUT "01" "0102" LOCKTIME, 1));
    /* Witness on the second of two inputs only. */
    CHECK(parse_hex(VERSION "0001" "02" INPUT INPUT "01" OUTPUT "00" "02" "00" "03aabbcc" LOCKTIME, 1,
                    &tx));
    CHECK(tx.vin[0].witness_len == 0 && tx.vin[1].witness_len == 2 && tx.vin[1].witness[0].len == 0 &&
          tx.vin[1].witness[1].len == 3 && tx.vin[1].witness[1].data[2] == 0xcc);
    sato_tx_clear(&tx);
    /* Without witness support the marker is an empty input vector and the
     * flag the output count (TX_NO_WITNESS): a zero-input tx. */
    CHECK(parse_hex(VERSION "00" "01" OUTPUT LOCKTIME, 0, &tx));
    CHECK(tx.vin_len == 0 && tx.vout_len == 1 && tx.vout[0].value == 1000);
    {
        sato_buf_t b;
        unsigned char *raw;
        size_t len;
        sato_buf_init(&b);
        sato_tx_write(&b, &tx, 1);
        raw = unhex(VERSION "00" "01" OUTPUT LOCKTIME, &len);
        CHECK(b.len == len && memcmp(b.data, raw, len) == 0);
        free(raw);
        sato_buf_clear(&b);
    }
    sato_tx_clear(&tx);
    /* ... which the witness-aware reader takes as flag 1 instead. */
    CHECK(!parses(VERSION "00" "01" OUTPUT LOCKTIME, 1));
    /* A witness transaction read without witness support is misread. */
    CHECK(!parses(VERSION "0001" "01" INPUT "01" OUTPUT "01" "0102" LOCKTIME, 0));
    /* An empty vin then flag 0: no inputs and no outputs, 10 bytes. */
    CHECK(parse_hex(VERSION "00" "00" LOCKTIME, 1, &tx));
    CHECK(tx.vin_len == 0 && tx.vout_len == 0 && sato_tx_size(&tx, 1) == 10);
    sato_tx_clear(&tx);
    CHECK(parses(VERSION "00" "00" LOCKTIME, 0));
    /* Trailing bytes are left to the caller by read, refused by parse. */
    CHECK(!parses(VERSION "01" INPUT "01" OUTPUT LOCKTIME "00", 1));
    CHECK(parses(VERSION "01" INPUT "01" OUTPUT LOCKTIME, 1));
    /* A negative version and value parse: range is validation's business. */
    CHECK(parse_hex("ffffffff" "01" INPUT "01" "ffffffffffffffff" "00" LOCKTIME, 1, &tx));
    CHECK(tx.version == 0xffffffffu && tx.vout[0].value == -1);
    sato_tx_clear(&tx);
}

static void test_noncanonical(void) {
    /* Each count or length written in a longer form than needed. */
    CHECK(!parses(VERSION "fd0100" INPUT "01" OUTPUT LOCKTIME, 1));
    CHECK(!parses(VERSION "01" INPUT "fe01000000" OUTPUT LOCKTIME, 1));
    CHECK(!parses(VERSION "01" PREVOUT "fd0000" "ffffffff" "01" OUTPUT LOCKTIME, 1));
    CHECK(!parses(VERSION "01" INPUT "01" "e803000000000000" "ff0100000000000000" "51" LOCKTIME, 1));
    CHECK(!parses(VERSION "0001" "01" INPUT "01" OUTPUT "fd0100" "0102" LOCKTIME, 1));
    CHECK(!parses(VERSION "0001" "01" INPUT "01" OUTPUT "01" "fd0100" "02" LOCKTIME, 1));
    /* The canonical three-byte form is fine. */
    {
        char hex[2 * 300 + 400];
        size_t i, n;
        n = (size_t)snprintf(hex, sizeof(hex), "%s01%s00ffffffff01e803000000000000fdfd00", VERSION,
                             PREVOUT);
        for (i = 0; i < 253; i++) n += (size_t)snprintf(hex + n, sizeof(hex) - n, "51");
        snprintf(hex + n, sizeof(hex) - n, "%s", LOCKTIME);
        CHECK(parses(hex, 1));
    }
}

/* Announced counts and lengths far beyond the data: each must fail
 * without allocating for the announcement (ASan enforces the cap). */
static void test_huge_counts(void) {
    static const char *const cases[] = {
        VERSION "fe00000002",                                 /* MAX_SIZE inputs, no data */
        VERSION "fe01000002",                                 /* MAX_SIZE + 1 */
        VERSION "ffffffffffffffffff",                         /* 2^64 - 1 */
        VERSION "01" INPUT "fe00000002",                      /* MAX_SIZE outputs */
        VERSION "01" PREVOUT "fe00000002" "00",               /* 32 MiB scriptSig */
        VERSION "01" INPUT "01" "e803000000000000" "fe00000002", /* 32 MiB scriptPubKey */
        VERSION "0001" "fe00000002",                          /* after the marker */
        VERSION "0001" "01" INPUT "01" OUTPUT "fe00000002",   /* witness items */
        VERSION "0001" "01" INPUT "01" OUTPUT "01" "fe00000002", /* witness item size */
    };
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        test_case(!parses(cases[i], 1), "huge count case %zu parsed", i);
        test_case(!parses(cases[i], 0), "huge count case %zu parsed (no witness)", i);
    }
    /* A large announcement with a megabyte of real data behind it. */
    {
        size_t len = 4 + 1 + 36 + 5 + (1u << 20);
        unsigned char *raw = sato_calloc(1, len);
        sato_tx_t tx;
        raw[0] = 1;
        raw[4] = 1;
        raw[41] = 0xfe;
        sato_put_le32(raw + 42, SATO_MAX_SIZE);
        CHECK(!sato_tx_parse(&tx, raw, len, 1));
        free(raw);
    }
}

/* Builds a tx by hand, part by part, as callers other than the parser do. */
static void build_tx(sato_tx_t *tx, size_t nin, size_t script_len, size_t nwit, size_t wit_len) {
    size_t i, j;
    sato_tx_init(tx);
    tx->version = 2;
    tx->vin_len = nin;
    tx->vin = sato_calloc(nin, sizeof(sato_txin_t));
    for (i = 0; i < nin; i++) {
        sato_txin_t *in = &tx->vin[i];
        in->prevout.hash[0] = (unsigned char)i;
        in->prevout.hash[1] = (unsigned char)(i >> 8);
        in->prevout.n = (uint32_t)i;
        in->sequence = SATO_SEQUENCE_FINAL;
        in->script_sig.len = script_len;
        in->script_sig.data = script_len ? sato_calloc(1, script_len) : NULL;
        in->witness_len = nwit;
        in->witness = nwit ? sato_calloc(nwit, sizeof(sato_bytes_t)) : NULL;
        for (j = 0; j < nwit; j++) {
            in->witness[j].len = wit_len;
            in->witness[j].data = wit_len ? sato_calloc(1, wit_len) : NULL;
        }
    }
    tx->vout_len = 1;
    tx->vout = sato_calloc(1, sizeof(sato_txout_t));
    tx->vout[0].value = 5000;
}

/* The parser enforces no consensus or policy limit: a witness stack far
 * above any standardness cap (btcd's 2022 fork) and a huge script parse. */
static void test_no_limits_in_parser(void) {
    sato_tx_t tx, back;
    sato_buf_t b;
    build_tx(&tx, 2, 20000, 4000, 1);
    tx.vin[1].witness[0].len = 0;
    free(tx.vin[1].witness[0].data);
    tx.vin[1].witness[0].data = NULL;
    free(tx.vin[0].witness[3].data);
    tx.vin[0].witness[3].len = 100000;
    tx.vin[0].witness[3].data = sato_calloc(1, 100000);
    sato_buf_init(&b);
    sato_tx_write(&b, &tx, 1);
    CHECK(sato_tx_parse(&back, b.data, b.len, 1));
    CHECK(sato_tx_equal(&back, &tx));
    CHECK(check_roundtrip(&back, b.data, b.len));
    CHECK(sato_tx_check(&back, NULL));
    sato_tx_clear(&back);
    sato_buf_clear(&b);
    sato_tx_clear(&tx);
    sato_tx_clear(NULL);
}

/* A parsed tx made editable can have parts replaced and freed singly. */
static void test_editable(void) {
    sato_tx_t tx;
    CHECK(parse_hex(VERSION "0001" "01" INPUT "01" OUTPUT "02" "0102" "00" LOCKTIME, 1, &tx));
    sato_tx_make_editable(&tx);
    CHECK(tx.arena == NULL);
    free(tx.vin[0].script_sig.data);
    tx.vin[0].script_sig.data = sato_malloc(3);
    memcpy(tx.vin[0].script_sig.data, "\x01\x02\x03", 3);
    tx.vin[0].script_sig.len = 3;
    free(tx.vout[0].script_pubkey.data);
    tx.vout[0].script_pubkey.data = NULL;
    tx.vout[0].script_pubkey.len = 0;
    CHECK(sato_tx_size(&tx, 1) == 4 + 2 + 1 + 36 + 4 + 4 + 1 + 9 + 1 + 2 + 1 + 4);
    sato_tx_make_editable(&tx); /* no-op on a hand-owned tx */
    CHECK(tx.arena == NULL && tx.vin[0].script_sig.len == 3);
    sato_tx_clear(&tx);
}

static const char *check_reason(const sato_tx_t *tx) {
    const char *reason = "unset";
    int ok = sato_tx_check(tx, &reason);
    if (ok) return reason == NULL ? "ok" : "ok-with-reason";
    return reason;
}

static void test_check_rules(void) {
    sato_tx_t tx;
    size_t i;
    build_tx(&tx, 3, 0, 0, 0);
    CHECK(strcmp(check_reason(&tx), "ok") == 0);
    /* Values: MAX_MONEY is fine alone, but not as a running sum. */
    tx.vout[0].value = SATO_MAX_MONEY;
    CHECK(strcmp(check_reason(&tx), "ok") == 0);
    tx.vout[0].value = SATO_MAX_MONEY + 1;
    CHECK(strcmp(check_reason(&tx), "bad-txns-vout-toolarge") == 0);
    tx.vout[0].value = -1;
    CHECK(strcmp(check_reason(&tx), "bad-txns-vout-negative") == 0);
    tx.vout = sato_realloc(tx.vout, 2 * sizeof(sato_txout_t));
    memset(&tx.vout[1], 0, sizeof(tx.vout[1]));
    tx.vout_len = 2;
    tx.vout[0].value = SATO_MAX_MONEY;
    tx.vout[1].value = 1;
    CHECK(strcmp(check_reason(&tx), "bad-txns-txouttotal-toolarge") == 0);
    tx.vout[0].value = INT64_MAX;
    CHECK(strcmp(check_reason(&tx), "bad-txns-vout-toolarge") == 0);
    tx.vout[0].value = 1;
    CHECK(strcmp(check_reason(&tx), "ok") == 0);
    /* A null prevout that does not make a coinbase. */
    memset(tx.vin[2].prevout.hash, 0, 32);
    tx.vin[2].prevout.n = SATO_OUTPOINT_NULL_INDEX;
    CHECK(strcmp(check_reason(&tx), "bad-txns-prevout-null") == 0);
    tx.vin[2].prevout.n = 7;
    CHECK(strcmp(check_reason(&tx), "ok") == 0);
    /* Duplicates are found before the null-prevout rule. */
    tx.vin[2].prevout.n = SATO_OUTPOINT_NULL_INDEX;
    tx.vin[1].prevout = tx.vin[0].prevout;
    CHECK(strcmp(check_reason(&tx), "bad-txns-inputs-duplicate") == 0);
    sato_tx_clear(&tx);

    /* Many inputs (the sorting path): distinct, then one duplicate pair
     * that differs from its neighbour only in n. */
    build_tx(&tx, 300, 0, 0, 0);
    CHECK(strcmp(check_reason(&tx), "ok") == 0);
    tx.vin[299].prevout = tx.vin[7].prevout;
    CHECK(strcmp(check_reason(&tx), "bad-txns-inputs-duplicate") == 0);
    tx.vin[299].prevout.n = 1000;
    CHECK(strcmp(check_reason(&tx), "ok") == 0);
    for (i = 0; i < tx.vin_len; i++) memset(tx.vin[i].prevout.hash, 0x11, 32);
    CHECK(strcmp(check_reason(&tx), "ok") == 0);
    tx.vin[150].prevout.n = 151;
    CHECK(strcmp(check_reason(&tx), "bad-txns-inputs-duplicate") == 0);
    sato_tx_clear(&tx);

    /* Coinbase scriptSig length: 2..100 bytes. */
    for (i = 0; i <= 102; i++) {
        const char *want = i >= 2 && i <= 100 ? "ok" : "bad-cb-length";
        build_tx(&tx, 1, i, 0, 0);
        memset(tx.vin[0].prevout.hash, 0, 32);
        tx.vin[0].prevout.n = SATO_OUTPOINT_NULL_INDEX;
        CHECK(sato_tx_is_coinbase(&tx));
        test_case(strcmp(check_reason(&tx), want) == 0, "coinbase scriptSig of %zu bytes", i);
        sato_tx_clear(&tx);
    }

    /* Empty vectors. */
    build_tx(&tx, 1, 0, 0, 0);
    tx.vout_len = 0;
    CHECK(strcmp(check_reason(&tx), "bad-txns-vout-empty") == 0);
    tx.vout_len = 1;
    tx.vin_len = 0;
    CHECK(strcmp(check_reason(&tx), "bad-txns-vin-empty") == 0);
    tx.vin_len = 1;
    sato_tx_clear(&tx);

    /* Size: the stripped size may be 1,000,000 bytes but not one more;
     * witness bytes do not count. One input of 10 + 36 + 4 + script, one
     * output of 9 bytes: the script makes up the rest. */
    {
        size_t fixed = 4 + 1 + 36 + 4 + 1 + 9 + 4, script = 1000000 - fixed - 5;
        build_tx(&tx, 1, script, 1, 2000000);
        CHECK(sato_tx_size(&tx, 0) == 1000000);
        CHECK(strcmp(check_reason(&tx), "ok") == 0);
        free(tx.vin[0].script_sig.data);
        tx.vin[0].script_sig.len = script + 1;
        tx.vin[0].script_sig.data = sato_calloc(1, script + 1);
        CHECK(sato_tx_size(&tx, 0) == 1000001);
        CHECK(strcmp(check_reason(&tx), "bad-txns-oversize") == 0);
        sato_tx_clear(&tx);
    }
    /* A NULL reason pointer is allowed. */
    build_tx(&tx, 1, 0, 0, 0);
    tx.vin_len = 0;
    CHECK(!sato_tx_check(&tx, NULL));
    tx.vin_len = 1;
    sato_tx_clear(&tx);
}

int main(void) {
    run_vector_file("bitcoin-core/tx_valid.json", 1);
    run_vector_file("bitcoin-core/tx_invalid.json", 0);
    test_known_txid();
    test_extended_format();
    test_noncanonical();
    test_huge_counts();
    test_no_limits_in_parser();
    test_editable();
    test_check_rules();
    return test_report("test_tx");
}
