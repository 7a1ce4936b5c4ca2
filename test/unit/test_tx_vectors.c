/* Bitcoin Core's tx_valid.json and tx_invalid.json with full script
 * validation, run the way Core's transaction_tests run them:
 *  - tx_valid: the listed flags are excluded; the tx passes with all other
 *    flags, still passes with any single flag (and random sets) removed,
 *    and fails when any single excluded flag is added back.
 *  - tx_invalid: the listed flags are applied; the tx fails with them,
 *    still fails with flags added, and passes when any single one is
 *    removed. BADTX rows must fail CheckTransaction.
 * Each row is one case; it passes only if every one of those checks does. */
#include <stdlib.h>
#include <string.h>

#include "sato/hex.h"
#include "sato/mem.h"
#include "sato/script.h"
#include "sato/sigcheck.h"
#include "sato/sighash.h"
#include "sato/tx.h"
#include "sato/tx_check.h"
#include "script_asm.h"
#include "test.h"

#define NFLAGS 21

typedef struct {
    unsigned char hash[32];
    uint32_t n;
    sato_buf_t spk;
    int64_t amount;
} prevout_t;

static uint64_t rng_state = 0x0123456789abcdefull;
static unsigned int rng_flags(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (unsigned int)rng_state & SATO_SCRIPT_VERIFY_ALL;
}

/* Drop flags whose prerequisites are gone (Core's TrimFlags). */
static unsigned int trim_flags(unsigned int f) {
    if (!(f & SATO_SCRIPT_VERIFY_P2SH)) f &= ~SATO_SCRIPT_VERIFY_WITNESS;
    if (!(f & SATO_SCRIPT_VERIFY_WITNESS)) f &= ~SATO_SCRIPT_VERIFY_CLEANSTACK;
    return f;
}

/* Add the prerequisites of the flags present (Core's FillFlags). */
static unsigned int fill_flags(unsigned int f) {
    if (f & SATO_SCRIPT_VERIFY_CLEANSTACK) f |= SATO_SCRIPT_VERIFY_WITNESS;
    if (f & SATO_SCRIPT_VERIFY_WITNESS) f |= SATO_SCRIPT_VERIFY_P2SH;
    return f;
}

typedef struct {
    const sato_tx_t *tx;
    prevout_t *prev;
    size_t nprev;
    sato_txout_t *spent; /* one per input */
    sato_txdata_t txdata;
} row_ctx_t;

static const prevout_t *find_prev(const row_ctx_t *r, const sato_outpoint_t *o) {
    size_t i;
    for (i = 0; i < r->nprev; i++) {
        if (r->prev[i].n == o->n && memcmp(r->prev[i].hash, o->hash, 32) == 0) return &r->prev[i];
    }
    return NULL;
}

/* 1 if every input verifies under flags; *err is the first failure. */
static int verify_tx(row_ctx_t *r, unsigned int flags, sato_script_error_t *err) {
    size_t i;
    *err = SATO_SCRIPT_ERR_OK;
    for (i = 0; i < r->tx->vin_len; i++) {
        const sato_txin_t *in = &r->tx->vin[i];
        sato_sigchecker_t checker;
        sato_tx_checker_ctx_t ctx;
        sato_tx_sigchecker_init(&checker, &ctx, r->tx, i, r->spent[i].value, &r->txdata, NULL);
        if (!sato_script_verify(in->script_sig.data, in->script_sig.len, r->spent[i].script_pubkey.data,
                                r->spent[i].script_pubkey.len, in->witness, in->witness_len, flags,
                                &checker, err)) {
            return 0;
        }
    }
    return 1;
}

static int run_row(json_t *row, size_t index, int valid_file, int *badtx) {
    json_t *prevs = json_array_get(row, 0);
    const char *tx_hex = json_string_value(json_array_get(row, 1));
    const char *flags_text = json_string_value(json_array_get(row, 2));
    size_t nprev = json_array_size(prevs), i, raw_len;
    unsigned char *raw = NULL;
    prevout_t *prev = NULL;
    sato_tx_t tx;
    row_ctx_t r;
    unsigned int listed = 0, f, flag;
    sato_script_error_t err;
    const char *reason = NULL;
    int ok = 0, k;

    sato_tx_init(&tx);
    memset(&r, 0, sizeof(r));
    if (!json_is_array(prevs) || tx_hex == NULL || flags_text == NULL) goto out;
    prev = sato_calloc(nprev ? nprev : 1, sizeof(*prev));
    for (i = 0; i < nprev; i++) {
        json_t *p = json_array_get(prevs, i);
        const char *txid = json_string_value(json_array_get(p, 0));
        json_int_t vout = json_integer_value(json_array_get(p, 1));
        const char *spk = json_string_value(json_array_get(p, 2));
        sato_buf_init(&prev[i].spk);
        if (txid == NULL || spk == NULL || !sato_hex_decode_rev(prev[i].hash, 32, txid)) goto out;
        prev[i].n = vout == -1 ? 0xffffffffu : (uint32_t)vout;
        if (!script_asm_parse(&prev[i].spk, spk)) goto out;
        prev[i].amount = json_array_size(p) > 3 ? json_integer_value(json_array_get(p, 3)) : 0;
    }
    raw = sato_hex_decode_alloc(tx_hex, &raw_len);
    if (raw == NULL || !sato_tx_parse(&tx, raw, raw_len, 1)) {
        fprintf(stderr, "row %zu: tx does not parse\n", index);
        goto out;
    }

    if (strcmp(flags_text, "BADTX") == 0) {
        (*badtx)++;
        ok = !valid_file && !sato_tx_check(&tx, &reason);
        if (!ok) fprintf(stderr, "row %zu: BADTX passed CheckTransaction\n", index);
        goto out;
    }
    if (!sato_tx_check(&tx, &reason)) {
        fprintf(stderr, "row %zu: CheckTransaction failed: %s\n", index, reason);
        goto out;
    }
    if (!script_asm_parse_flags(&listed, flags_text)) {
        fprintf(stderr, "row %zu: bad flags %s\n", index, flags_text);
        goto out;
    }

    r.tx = &tx;
    r.prev = prev;
    r.nprev = nprev;
    r.spent = sato_calloc(tx.vin_len ? tx.vin_len : 1, sizeof(*r.spent));
    for (i = 0; i < tx.vin_len; i++) {
        const prevout_t *p = find_prev(&r, &tx.vin[i].prevout);
        if (p == NULL) {
            fprintf(stderr, "row %zu: input %zu has no prevout\n", index, i);
            goto out;
        }
        r.spent[i].value = p->amount;
        r.spent[i].script_pubkey.data = p->spk.data;
        r.spent[i].script_pubkey.len = p->spk.len;
    }
    sato_txdata_init(&r.txdata, &tx, r.spent, tx.vin_len);

    if (valid_file) {
        unsigned int applied = SATO_SCRIPT_VERIFY_ALL & ~listed;
        if (fill_flags(applied) != applied) {
            fprintf(stderr, "row %zu: excluded flags leave an invalid combination\n", index);
            goto out;
        }
        if (!verify_tx(&r, applied, &err)) {
            fprintf(stderr, "row %zu: valid tx fails: %s\n", index, sato_script_error_name(err));
            goto out;
        }
        for (k = 0; k < NFLAGS; k++) {
            flag = 1u << k;
            f = trim_flags(SATO_SCRIPT_VERIFY_ALL & ~(listed | flag));
            if (!verify_tx(&r, f, &err)) {
                fprintf(stderr, "row %zu: fails with %s removed\n", index, sato_script_flag_name(flag));
                goto out;
            }
            f = trim_flags(SATO_SCRIPT_VERIFY_ALL & ~(listed | rng_flags()));
            if (!verify_tx(&r, f, &err)) {
                fprintf(stderr, "row %zu: fails with flags %x: %s\n", index, f, sato_script_error_name(err));
                goto out;
            }
            /* Minimal exclusion list: adding one back must fail. */
            if (listed & flag) {
                unsigned int excl = trim_flags(listed & ~flag);
                if (excl != listed && verify_tx(&r, SATO_SCRIPT_VERIFY_ALL & ~excl, &err)) {
                    fprintf(stderr, "row %zu: still passes with %s\n", index, sato_script_flag_name(flag));
                    goto out;
                }
            }
        }
    } else {
        if (fill_flags(listed) != listed) {
            fprintf(stderr, "row %zu: invalid flag combination\n", index);
            goto out;
        }
        if (verify_tx(&r, listed, &err)) {
            fprintf(stderr, "row %zu: invalid tx passes\n", index);
            goto out;
        }
        for (k = 0; k < NFLAGS; k++) {
            flag = 1u << k;
            if (verify_tx(&r, fill_flags(listed | flag), &err)) {
                fprintf(stderr, "row %zu: passes with %s added\n", index, sato_script_flag_name(flag));
                goto out;
            }
            f = fill_flags(listed | rng_flags());
            if (verify_tx(&r, f, &err)) {
                fprintf(stderr, "row %zu: passes with flags %x\n", index, f);
                goto out;
            }
            /* Minimal flag list: removing one must pass. */
            if (listed & flag) {
                unsigned int less = trim_flags(listed & ~flag);
                if (less != listed && !verify_tx(&r, less, &err)) {
                    fprintf(stderr, "row %zu: still fails without %s: %s\n", index,
                            sato_script_flag_name(flag), sato_script_error_name(err));
                    goto out;
                }
            }
        }
    }
    ok = 1;
out:
    for (i = 0; prev != NULL && i < nprev; i++) sato_buf_clear(&prev[i].spk);
    free(prev);
    free(r.spent);
    free(raw);
    sato_tx_clear(&tx);
    return ok;
}

static void run_file(const char *name, int valid_file, int expect_rows) {
    json_t *root = test_load_json(name);
    size_t i;
    int rows = 0, passed = 0, badtx = 0;
    for (i = 0; root != NULL && i < json_array_size(root); i++) {
        json_t *row = json_array_get(root, i);
        int ok;
        if (json_array_size(row) == 1 && json_is_string(json_array_get(row, 0))) continue;
        rows++;
        ok = run_row(row, i, valid_file, &badtx);
        passed += ok;
        test_case(ok, "%s row %zu", name, i);
    }
    printf("%s: %d of %d rows (%d BADTX)\n", name, passed, rows, badtx);
    test_case(rows == expect_rows, "%s: expected %d rows, found %d", name, expect_rows, rows);
    json_decref(root);
}

int main(void) {
    run_file("bitcoin-core/tx_valid.json", 1, 121);
    run_file("bitcoin-core/tx_invalid.json", 0, 93);
    return test_report("test_tx_vectors");
}
