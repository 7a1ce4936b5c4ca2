/* ConnectBlock and DisconnectBlock over a child coins cache, with undo
 * data: per non-coinbase transaction, the coins its inputs spent.
 *
 * Undo format: CompactSize(number of non-coinbase txs), then per tx
 * CompactSize(inputs) and per input: height*2+coinbase (u32 LE), value
 * (i64 LE), CompactSize-prefixed script. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain_internal.h"
#include "sato/block_check.h"
#include "sato/mem.h"
#include "sato/script.h"
#include "sato/sighash.h"

static int mtp_at_cb(void *ctx, int32_t height, int64_t *mtp) {
    const sato_blocknode_t *e = sato_blocknode_ancestor(ctx, height);
    uint32_t times[11];
    size_t n = 0;
    if (e == NULL) return 0;
    for (; e != NULL && n < 11; e = e->prev) times[n++] = e->header.time;
    *mtp = sato_median_time_past(times, n);
    return 1;
}

typedef struct {
    sato_coins_t *view;
    sato_err_t err;
} have_ctx_t;

static sato_err_t have_coin_cb(void *ctx, const sato_outpoint_t *op) {
    have_ctx_t *h = ctx;
    sato_coin_t c;
    sato_err_t err = sato_coins_get(h->view, op, &c);
    if (err != SATO_OK && err != SATO_ENOTFOUND) h->err = err;
    return err;
}

sato_err_t chain_connect_block(sato_chainstate_t *cs, sato_block_state_t *st, sato_blocknode_t *e,
                               const sato_block_t *b, sato_coins_t *view, sato_buf_t *undo) {
    const sato_chainparams_t *p = cs->params;
    sato_block_connect_t c;
    sato_coin_t *spent = NULL;             /* owned coins, one per input */
    const sato_coin_t **spent_ptr = NULL;  /* NULL for a missing coin */
    sato_txout_t *spent_out = NULL;
    sato_txdata_t *txdata = NULL;
    sato_script_check_t *checks = NULL;
    size_t n_in = 0, k = 0, i, j, n_checks = 0, fail;
    sato_err_t err = SATO_OK;
    int32_t height = e->height;
    int64_t prev_mtp;
    const sato_blocknode_t *bip34 = NULL;
    have_ctx_t hc;
    sato_script_error_t serr;
    int begun = 0, scripts;

    if (height == 0) return SATO_OK; /* genesis outputs are not spendable */
    {
        int64_t m = 0;
        mtp_at_cb(e->prev, e->prev->height, &m);
        prev_mtp = m;
    }
    if (p->bip34_hash_hex != NULL && height >= p->bip34_height)
        bip34 = sato_blocknode_ancestor(e, p->bip34_height);
    if (sato_bip30_enforced(height, e->hash, bip34 != NULL ? bip34->hash : NULL, p)) {
        hc.view = view;
        hc.err = SATO_OK;
        if (!sato_block_verify_bip30(st, b, have_coin_cb, &hc)) {
            if (hc.err != SATO_OK) {
                sato_validation_state_init(st);
                return chain_fail(cs, hc.err, "reading coins at height %d", height);
            }
            return SATO_OK;
        }
    }
    scripts = chain_scripts_needed(cs, e);
    sato_block_connect_init(&c, height, e->hash, prev_mtp, p);
    for (i = 1; i < b->txs_len; i++) n_in += b->txs[i].vin_len;
    spent = sato_calloc(n_in ? n_in : 1, sizeof(*spent));
    spent_ptr = sato_calloc(n_in ? n_in : 1, sizeof(*spent_ptr));
    spent_out = sato_calloc(n_in ? n_in : 1, sizeof(*spent_out));
    checks = sato_calloc(n_in ? n_in : 1, sizeof(*checks));
    txdata = sato_calloc(b->txs_len, sizeof(*txdata));
    sato_buf_write_compactsize(undo, b->txs_len - 1);
    sato_scriptpool_begin(cs->pool, checks);
    begun = 1;

    for (i = 0; i < b->txs_len; i++) {
        const sato_tx_t *tx = &b->txs[i];
        int coinbase = (i == 0);
        size_t base = k;
        unsigned char txid[32];
        if (!coinbase) {
            /* Spend as we read: a second spend of the same coin later in
             * the block then finds it missing (CVE-2018-17144). */
            for (j = 0; j < tx->vin_len; j++, k++) {
                err = sato_coins_spend(view, &tx->vin[j].prevout, &spent[k]);
                if (err == SATO_OK) {
                    spent_ptr[k] = &spent[k];
                } else if (err == SATO_ENOTFOUND) {
                    spent_ptr[k] = NULL;
                    err = SATO_OK;
                } else {
                    k++;
                    err = chain_fail(cs, err, "reading coins at height %d", height);
                    goto out;
                }
            }
        }
        if (!sato_block_connect_tx(&c, st, tx, coinbase ? NULL : spent_ptr + base, mtp_at_cb,
                                   e->prev)) {
            if (sato_validation_is_error(st)) {
                sato_validation_state_init(st);
                err = chain_fail(cs, SATO_ECORRUPT, "median time past unavailable");
            }
            goto out;
        }
        if (!coinbase) {
            sato_tx_spent_outputs(spent_out + base, tx, spent_ptr + base);
            if (scripts) {
                sato_txdata_init(&txdata[i], tx, spent_out + base, tx->vin_len);
                sato_tx_script_checks(checks + base, tx, spent_out + base, c.script_flags, &txdata[i],
                                      NULL, 0);
                n_checks += tx->vin_len;
                sato_scriptpool_add(cs->pool, n_checks);
            }
            sato_buf_write_compactsize(undo, tx->vin_len);
            for (j = base; j < k; j++) {
                sato_buf_write_u32(undo, (uint32_t)spent[j].height * 2u +
                                             (uint32_t)(spent[j].is_coinbase != 0));
                sato_buf_write_u64(undo, (uint64_t)spent[j].out.value);
                sato_buf_write_varbytes(undo, spent[j].out.script_pubkey.data,
                                        spent[j].out.script_pubkey.len);
            }
        }
        sato_tx_txid(txid, tx);
        for (j = 0; j < tx->vout_len; j++) {
            sato_outpoint_t op;
            sato_coin_t coin;
            if (sato_script_is_unspendable(tx->vout[j].script_pubkey.data,
                                           tx->vout[j].script_pubkey.len))
                continue;
            memcpy(op.hash, txid, 32);
            op.n = (uint32_t)j;
            coin.out = tx->vout[j];
            coin.height = height;
            coin.is_coinbase = coinbase;
            /* Only coinbases can repeat a txid (BIP30's two exceptions). */
            sato_coins_add(view, &op, &coin, coinbase);
        }
    }
    if (!sato_block_connect_finish(&c, st, b)) goto out;
    fail = sato_scriptpool_finish(cs->pool, &serr);
    begun = 0;
    if (fail < n_checks) {
        char reason[SATO_REJECT_REASON_MAX];
        unsigned char txid[32];
        sato_script_check_reason(reason, sizeof(reason), serr);
        sato_tx_txid(txid, checks[fail].tx);
        char hex[65];
        size_t q;
        for (q = 0; q < 32; q++) snprintf(hex + 2 * q, 3, "%02x", txid[31 - q]);
        sato_validation_invalid(st, SATO_BLOCK_CONSENSUS, reason, "input %zu of transaction %s",
                                checks[fail].nin, hex);
    }
out:
    /* No worker may still read the arrays freed below. */
    if (begun) sato_scriptpool_finish(cs->pool, NULL);
    for (i = 0; i < k; i++) free(spent[i].out.script_pubkey.data);
    free(spent);
    free(spent_ptr);
    free(spent_out);
    free(checks);
    free(txdata);
    return err;
}

int chain_read_undo_coin(sato_reader_t *r, sato_coin_t *c) {
    uint32_t code;
    uint64_t v, len;
    const unsigned char *s;
    if (!sato_read_u32(r, &code) || !sato_read_u64(r, &v) || !sato_read_compactsize(r, &len) ||
        !sato_read_span(r, &s, (size_t)len))
        return 0;
    c->height = (int32_t)(code >> 1);
    c->is_coinbase = (int)(code & 1);
    c->out.value = (int64_t)v;
    c->out.script_pubkey.data = (unsigned char *)s;
    c->out.script_pubkey.len = (size_t)len;
    return 1;
}

sato_err_t chain_disconnect_block(sato_chainstate_t *cs, sato_blocknode_t *e, sato_coins_t *view) {
    sato_block_t b;
    sato_buf_t undo;
    sato_reader_t r;
    sato_err_t err;
    size_t *offsets = NULL, i, j;
    uint64_t n;
    sato_buf_init(&undo);
    if (e->height == 0) return chain_fail(cs, SATO_EINVAL, "cannot disconnect genesis");
    err = sato_chainstate_read_block(cs, &b, e);
    if (err != SATO_OK) goto out_nb;
    if (!(e->status & SATO_BLOCKNODE_HAVE_UNDO)) {
        err = chain_fail(cs, SATO_ECORRUPT, "no undo data for block at height %d", e->height);
        goto out;
    }
    err = sato_blockstore_read_undo(cs->bs, &undo, e->hash, e->undo_pos);
    if (err != SATO_OK) {
        err = chain_fail(cs, err, "reading undo data at height %d", e->height);
        goto out;
    }
    /* Find where each transaction's undo starts. */
    sato_reader_init(&r, undo.data, undo.len);
    if (!sato_read_compactsize(&r, &n) || n + 1 != b.txs_len) goto corrupt;
    offsets = sato_calloc(b.txs_len, sizeof(*offsets));
    for (i = 1; i < b.txs_len; i++) {
        uint64_t m;
        sato_coin_t c;
        offsets[i] = undo.len - sato_reader_left(&r);
        if (!sato_read_compactsize(&r, &m) || m != b.txs[i].vin_len) goto corrupt;
        for (j = 0; j < m; j++) {
            if (!chain_read_undo_coin(&r, &c)) goto corrupt;
        }
    }
    if (!sato_reader_done(&r)) goto corrupt;
    for (i = b.txs_len; i-- > 0;) {
        const sato_tx_t *tx = &b.txs[i];
        unsigned char txid[32];
        sato_tx_txid(txid, tx);
        for (j = 0; j < tx->vout_len; j++) {
            sato_outpoint_t op;
            if (sato_script_is_unspendable(tx->vout[j].script_pubkey.data,
                                           tx->vout[j].script_pubkey.len))
                continue;
            memcpy(op.hash, txid, 32);
            op.n = (uint32_t)j;
            err = sato_coins_spend(view, &op, NULL);
            if (err == SATO_ENOTFOUND) goto corrupt;
            if (err != SATO_OK) {
                err = chain_fail(cs, err, "reading coins at height %d", e->height);
                goto out;
            }
        }
        if (i == 0) break;
        {
            sato_coin_t *coins = sato_calloc(tx->vin_len, sizeof(*coins));
            uint64_t m;
            sato_reader_init(&r, undo.data + offsets[i], undo.len - offsets[i]);
            sato_read_compactsize(&r, &m);
            for (j = 0; j < tx->vin_len; j++) chain_read_undo_coin(&r, &coins[j]);
            for (j = tx->vin_len; j-- > 0;) {
                sato_coin_t have;
                err = sato_coins_get(view, &tx->vin[j].prevout, &have);
                if (err == SATO_OK) {
                    free(coins);
                    goto corrupt; /* restoring over an unspent coin */
                }
                if (err != SATO_ENOTFOUND) {
                    free(coins);
                    err = chain_fail(cs, err, "reading coins at height %d", e->height);
                    goto out;
                }
                err = SATO_OK;
                sato_coins_add(view, &tx->vin[j].prevout, &coins[j], 0);
            }
            free(coins);
        }
    }
    err = SATO_OK;
    goto out;
corrupt:
    err = chain_fail(cs, SATO_ECORRUPT, "undo data of block at height %d does not match",
                     e->height);
out:
    sato_block_clear(&b);
out_nb:
    free(offsets);
    sato_buf_clear(&undo);
    return err;
}
