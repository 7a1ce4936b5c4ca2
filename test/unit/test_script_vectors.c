/* Bitcoin Core's script_tests.json: every row run through
 * sato_script_verify in the crediting/spending transaction pair the
 * vectors describe, with the real transaction signature checker. As in
 * Core, a passing row must still pass with flags removed, and a failing
 * row still fail with flags added. Then all rows run again on four
 * threads at once, each of which must get every verdict right: the
 * interpreter and checker share no mutable state. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sato/hash.h"
#include "sato/hex.h"
#include "sato/mem.h"
#include "sato/script.h"
#include "sato/sigcheck.h"
#include "sato/sighash.h"
#include "script_asm.h"
#include "taproot_leaf.h"
#include "test.h"

/* Legacy serialization and txid, enough for the synthetic transactions. */
static void txid_of(unsigned char out[32], const sato_tx_t *tx) {
    sato_buf_t b;
    size_t i;
    sato_buf_init(&b);
    sato_buf_write_u32(&b, tx->version);
    sato_buf_write_compactsize(&b, tx->vin_len);
    for (i = 0; i < tx->vin_len; i++) {
        sato_buf_write(&b, tx->vin[i].prevout.hash, 32);
        sato_buf_write_u32(&b, tx->vin[i].prevout.n);
        sato_buf_write_varbytes(&b, tx->vin[i].script_sig.data, tx->vin[i].script_sig.len);
        sato_buf_write_u32(&b, tx->vin[i].sequence);
    }
    sato_buf_write_compactsize(&b, tx->vout_len);
    for (i = 0; i < tx->vout_len; i++) {
        sato_buf_write_u64(&b, (uint64_t)tx->vout[i].value);
        sato_buf_write_varbytes(&b, tx->vout[i].script_pubkey.data, tx->vout[i].script_pubkey.len);
    }
    sato_buf_write_u32(&b, tx->locktime);
    sato_sha256d(out, b.data, b.len);
    sato_buf_clear(&b);
}

typedef struct {
    sato_tx_t credit, spend;
    sato_txin_t credit_in, spend_in;
    sato_txout_t credit_out, spend_out;
    unsigned char credit_sig[2];
    sato_txdata_t txdata;
} tx_pair_t;

static void build_pair(tx_pair_t *p, const sato_buf_t *script_sig, const sato_buf_t *spk,
                       sato_bytes_t *witness, size_t witness_len, int64_t amount) {
    memset(p, 0, sizeof(*p));
    p->credit.version = 1;
    p->credit.vin = &p->credit_in;
    p->credit.vin_len = 1;
    p->credit.vout = &p->credit_out;
    p->credit.vout_len = 1;
    p->credit_in.prevout.n = 0xffffffffu;
    p->credit_in.script_sig.data = p->credit_sig; /* two OP_0 */
    p->credit_in.script_sig.len = 2;
    p->credit_in.sequence = SATO_SEQUENCE_FINAL;
    p->credit_out.value = amount;
    p->credit_out.script_pubkey.data = spk->data;
    p->credit_out.script_pubkey.len = spk->len;

    p->spend.version = 1;
    p->spend.vin = &p->spend_in;
    p->spend.vin_len = 1;
    p->spend.vout = &p->spend_out;
    p->spend.vout_len = 1;
    txid_of(p->spend_in.prevout.hash, &p->credit);
    p->spend_in.prevout.n = 0;
    p->spend_in.script_sig.data = script_sig->data;
    p->spend_in.script_sig.len = script_sig->len;
    p->spend_in.sequence = SATO_SEQUENCE_FINAL;
    p->spend_in.witness = witness;
    p->spend_in.witness_len = witness_len;
    p->spend_out.value = amount;
    sato_txdata_init(&p->txdata, &p->spend, &p->credit_out, 1);
}

static int run_verify(tx_pair_t *p, unsigned int flags, sato_script_error_t *err) {
    sato_sigchecker_t checker;
    sato_tx_checker_ctx_t ctx;
    sato_tx_sigchecker_init(&checker, &ctx, &p->spend, 0, p->credit_out.value, &p->txdata, NULL);
    return sato_script_verify(p->spend_in.script_sig.data, p->spend_in.script_sig.len,
                              p->credit_out.script_pubkey.data, p->credit_out.script_pubkey.len,
                              p->spend_in.witness, p->spend_in.witness_len, flags, &checker, err);
}

static uint64_t rng_state = 0x5eed5eed12345678ull;
static uint32_t rng_next(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)rng_state;
}

/* Replaces #TAPROOTOUTPUT# in a scriptPubKey text by the output key. */
static char *substitute_output(const char *text, const unsigned char key[32]) {
    const char *at = strstr(text, "#TAPROOTOUTPUT#");
    char hex[65], *out;
    size_t pre;
    if (at == NULL) return sato_strdup(text);
    sato_hex_encode(hex, key, 32);
    pre = (size_t)(at - text);
    out = sato_malloc(strlen(text) + 64 + 3);
    memcpy(out, text, pre);
    sprintf(out + pre, "0x%s%s", hex, at + strlen("#TAPROOTOUTPUT#"));
    return out;
}

#define MAX_WITNESS 64
#define NTHREADS 4

typedef struct {
    size_t index;
    int parsed;
    sato_buf_t script_sig, spk;
    sato_bytes_t witness[MAX_WITNESS];
    size_t witness_len;
    int64_t amount;
    unsigned int flags;
    char expect[64];
    char desc[160];
} row_t;

static void row_clear(row_t *r) {
    size_t i;
    for (i = 0; i < MAX_WITNESS; i++) free(r->witness[i].data);
    sato_buf_clear(&r->script_sig);
    sato_buf_clear(&r->spk);
}

/* Turns one JSON row into scripts, witness, amount, flags and the
 * expected result; 0 if the row cannot be read. */
static int parse_row(row_t *r, json_t *row) {
    size_t off = 0, n = json_array_size(row), i;
    unsigned char out_key[32] = {0}, control[33];
    const char *sig_text, *spk_text, *flags_text, *expect;
    char *spk_sub = NULL;
    int ok = 0, have_tap = 0;

    if (json_is_array(json_array_get(row, 0))) {
        json_t *w = json_array_get(row, 0);
        size_t wn = json_array_size(w);
        off = 1;
        if (wn < 1 || wn - 1 > MAX_WITNESS) goto out;
        r->amount = (int64_t)(json_number_value(json_array_get(w, wn - 1)) * 1e8 + 0.5);
        for (i = 0; i + 1 < wn; i++) {
            const char *s = json_string_value(json_array_get(w, i));
            if (s == NULL) goto out;
            if (strncmp(s, "#SCRIPT#", 8) == 0) {
                sato_buf_t b;
                sato_buf_init(&b);
                if (!script_asm_parse(&b, s + 8)) {
                    sato_buf_clear(&b);
                    goto out;
                }
                r->witness[i].data = b.data;
                r->witness[i].len = b.len;
                if (!test_taproot_one_leaf(out_key, control, b.data, b.len)) goto out;
                have_tap = 1;
            } else if (strcmp(s, "#CONTROLBLOCK#") == 0) {
                if (!have_tap) goto out;
                r->witness[i].data = sato_malloc(33);
                memcpy(r->witness[i].data, control, 33);
                r->witness[i].len = 33;
            } else {
                r->witness[i].data = sato_hex_decode_alloc(s, &r->witness[i].len);
                if (r->witness[i].data == NULL) goto out;
            }
            r->witness_len = i + 1;
        }
    }
    if (n < off + 4) goto out;
    sig_text = json_string_value(json_array_get(row, off));
    spk_text = json_string_value(json_array_get(row, off + 1));
    flags_text = json_string_value(json_array_get(row, off + 2));
    expect = json_string_value(json_array_get(row, off + 3));
    if (!sig_text || !spk_text || !flags_text || !expect || strlen(expect) >= sizeof(r->expect)) goto out;
    snprintf(r->desc, sizeof(r->desc), "%s | %s | %s", sig_text, spk_text, flags_text);
    strcpy(r->expect, expect);
    spk_sub = substitute_output(spk_text, out_key);
    if (!script_asm_parse(&r->script_sig, sig_text) || !script_asm_parse(&r->spk, spk_sub) ||
        !script_asm_parse_flags(&r->flags, flags_text)) {
        goto out;
    }
    ok = 1;
out:
    free(spk_sub);
    return ok;
}

/* The row's verdict under flags: 1 if it matches the expectation. */
static int check_verdict(row_t *r, unsigned int flags, int exact, sato_script_error_t *err) {
    tx_pair_t pair;
    int res, expect_ok = strcmp(r->expect, "OK") == 0;
    build_pair(&pair, &r->script_sig, &r->spk, r->witness, r->witness_len, r->amount);
    res = run_verify(&pair, flags, err);
    if (res != expect_ok) return 0;
    return !exact || strcmp(sato_script_error_name(*err), r->expect) == 0;
}

static int run_row(row_t *r) {
    sato_script_error_t err;
    int k, expect_ok = strcmp(r->expect, "OK") == 0;
    if (!check_verdict(r, r->flags, 1, &err)) {
        fprintf(stderr, "row %zu: expected %s, got %s (%s)\n", r->index, r->expect,
                sato_script_error_name(err), r->desc);
        return 0;
    }
    /* Monotonicity: fewer flags keep a pass, more flags keep a fail. */
    for (k = 0; k < 16; k++) {
        unsigned int extra = rng_next() & SATO_SCRIPT_VERIFY_ALL;
        unsigned int combined = expect_ok ? (r->flags & ~extra) : (r->flags | extra);
        if ((combined & SATO_SCRIPT_VERIFY_CLEANSTACK) &&
            (~combined & (SATO_SCRIPT_VERIFY_P2SH | SATO_SCRIPT_VERIFY_WITNESS))) {
            continue;
        }
        if ((combined & SATO_SCRIPT_VERIFY_WITNESS) && (~combined & SATO_SCRIPT_VERIFY_P2SH)) continue;
        if (!check_verdict(r, combined, 0, &err)) {
            fprintf(stderr, "row %zu: result changed with flags %x\n", r->index, combined);
            return 0;
        }
    }
    return 1;
}

typedef struct {
    row_t *rows;
    size_t nrows;
    size_t start;
    size_t wrong;
} worker_t;

static void *worker(void *arg) {
    worker_t *w = arg;
    size_t i;
    sato_script_error_t err;
    for (i = 0; i < w->nrows; i++) {
        /* Start at a different row in each thread to mix the work. */
        row_t *r = &w->rows[(i + w->start) % w->nrows];
        if (r->parsed && !check_verdict(r, r->flags, 1, &err)) w->wrong++;
    }
    return NULL;
}

int main(void) {
    json_t *root = test_load_json("bitcoin-core/script_tests.json");
    row_t *rows = NULL;
    size_t i, nrows = 0;
    int passed = 0;
    pthread_t th[NTHREADS];
    worker_t wk[NTHREADS];

    if (root != NULL) rows = sato_calloc(json_array_size(root) + 1, sizeof(*rows));
    for (i = 0; root != NULL && i < json_array_size(root); i++) {
        json_t *row = json_array_get(root, i);
        row_t *r;
        int ok;
        if (json_array_size(row) == 1 && json_is_string(json_array_get(row, 0))) continue;
        r = &rows[nrows++];
        r->index = i;
        sato_buf_init(&r->script_sig);
        sato_buf_init(&r->spk);
        r->parsed = parse_row(r, row);
        if (!r->parsed) fprintf(stderr, "row %zu: unparseable\n", i);
        ok = r->parsed && run_row(r);
        passed += ok;
        test_case(ok, "script_tests.json row %zu", i);
    }
    printf("script_tests.json: %d of %zu rows\n", passed, nrows);
    test_case(nrows == 1222, "expected 1222 test rows, found %zu", nrows);

    for (i = 0; i < NTHREADS; i++) {
        wk[i].rows = rows;
        wk[i].nrows = nrows;
        wk[i].start = nrows * i / NTHREADS;
        wk[i].wrong = 0;
        test_case(pthread_create(&th[i], NULL, worker, &wk[i]) == 0, "thread %zu start", i);
    }
    for (i = 0; i < NTHREADS; i++) {
        pthread_join(th[i], NULL);
        test_case(wk[i].wrong == 0, "thread %zu: %zu wrong verdicts", i, wk[i].wrong);
    }

    for (i = 0; i < nrows; i++) row_clear(&rows[i]);
    free(rows);
    json_decref(root);
    return test_report("test_script_vectors");
}
