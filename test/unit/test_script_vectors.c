/* Bitcoin Core's script_tests.json: every row run through
 * sato_script_verify in the crediting/spending transaction pair the
 * vectors describe, with the real transaction signature checker. As in
 * Core, a passing row must still pass with flags removed, and a failing
 * row still fail with flags added. */
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

static int run_row(json_t *row, size_t index, int *rows) {
    size_t off = 0, n = json_array_size(row), i, witness_len = 0;
    sato_bytes_t witness[64];
    sato_buf_t script_sig, spk;
    unsigned char out_key[32] = {0}, control[33];
    int64_t amount = 0;
    unsigned int flags;
    const char *sig_text, *spk_text, *flags_text, *expect;
    char *spk_sub = NULL;
    int ok = 0, have_tap = 0, k;
    tx_pair_t pair;
    sato_script_error_t err;

    sato_buf_init(&script_sig);
    sato_buf_init(&spk);
    memset(witness, 0, sizeof(witness));
    (*rows)++;

    if (json_is_array(json_array_get(row, 0))) {
        json_t *w = json_array_get(row, 0);
        size_t wn = json_array_size(w);
        off = 1;
        if (wn < 1 || wn - 1 > 64) goto out;
        amount = (int64_t)(json_number_value(json_array_get(w, wn - 1)) * 1e8 + 0.5);
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
                witness[i].data = b.data;
                witness[i].len = b.len;
                if (!test_taproot_one_leaf(out_key, control, b.data, b.len)) goto out;
                have_tap = 1;
            } else if (strcmp(s, "#CONTROLBLOCK#") == 0) {
                if (!have_tap) goto out;
                witness[i].data = sato_malloc(33);
                memcpy(witness[i].data, control, 33);
                witness[i].len = 33;
            } else {
                witness[i].data = sato_hex_decode_alloc(s, &witness[i].len);
                if (witness[i].data == NULL) goto out;
            }
            witness_len = i + 1;
        }
    }
    if (n < off + 4) goto out;
    sig_text = json_string_value(json_array_get(row, off));
    spk_text = json_string_value(json_array_get(row, off + 1));
    flags_text = json_string_value(json_array_get(row, off + 2));
    expect = json_string_value(json_array_get(row, off + 3));
    if (!sig_text || !spk_text || !flags_text || !expect) goto out;
    spk_sub = substitute_output(spk_text, out_key);
    if (!script_asm_parse(&script_sig, sig_text) || !script_asm_parse(&spk, spk_sub) ||
        !script_asm_parse_flags(&flags, flags_text)) {
        fprintf(stderr, "row %zu: unparseable\n", index);
        goto out;
    }
    build_pair(&pair, &script_sig, &spk, witness, witness_len, amount);
    {
        int res = run_verify(&pair, flags, &err);
        int expect_ok = strcmp(expect, "OK") == 0;
        if (res != expect_ok || strcmp(sato_script_error_name(err), expect) != 0) {
            fprintf(stderr, "row %zu: expected %s, got %s (%s | %s | %s)\n", index, expect,
                    sato_script_error_name(err), sig_text, spk_text, flags_text);
            goto out;
        }
        /* Monotonicity: fewer flags keep a pass, more flags keep a fail. */
        for (k = 0; k < 16; k++) {
            unsigned int extra = rng_next() & SATO_SCRIPT_VERIFY_ALL;
            unsigned int combined = expect_ok ? (flags & ~extra) : (flags | extra);
            if ((combined & SATO_SCRIPT_VERIFY_CLEANSTACK) &&
                (~combined & (SATO_SCRIPT_VERIFY_P2SH | SATO_SCRIPT_VERIFY_WITNESS))) {
                continue;
            }
            if ((combined & SATO_SCRIPT_VERIFY_WITNESS) && (~combined & SATO_SCRIPT_VERIFY_P2SH)) {
                continue;
            }
            if (run_verify(&pair, combined, &err) != expect_ok) {
                fprintf(stderr, "row %zu: result changed with flags %x\n", index, combined);
                goto out;
            }
        }
    }
    ok = 1;
out:
    for (i = 0; i < 64; i++) free(witness[i].data);
    free(spk_sub);
    sato_buf_clear(&script_sig);
    sato_buf_clear(&spk);
    return ok;
}

int main(void) {
    json_t *root = test_load_json("bitcoin-core/script_tests.json");
    size_t i;
    int rows = 0, passed = 0;
    if (root != NULL) {
        for (i = 0; i < json_array_size(root); i++) {
            json_t *row = json_array_get(root, i);
            int ok;
            if (json_array_size(row) == 1 && json_is_string(json_array_get(row, 0))) continue;
            ok = run_row(row, i, &rows);
            passed += ok;
            test_case(ok, "script_tests.json row %zu", i);
        }
    }
    printf("script_tests.json: %d of %d rows\n", passed, rows);
    test_case(rows == 1222, "expected 1222 test rows, found %d", rows);
    json_decref(root);
    return test_report("test_script_vectors");
}
