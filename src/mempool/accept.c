/* Core's MemPoolAccept for one transaction (see mempool_accept.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/block_check.h"
#include "sato/hex.h"
#include "sato/mem.h"
#include "sato/mempool_accept.h"
#include "sato/sighash.h"
#include "sato/tx_check.h"
#include "sato/tx_verify.h"
#include "truc.h"

/* The coins tx spends, read from the pool or the tip's UTXO set; chain
 * coins' scripts are copied, since the chain state lends them only until
 * its next call. */
typedef struct {
    sato_coin_t *coins;
    const sato_coin_t **ptrs;
    int32_t *heights; /* for BIP68: the next block's height for pool coins */
    unsigned char **owned;
    size_t n;
} view_t;

static void view_init(view_t *v, size_t n) {
    v->n = n;
    v->coins = sato_calloc(n + 1, sizeof(*v->coins));
    v->ptrs = sato_calloc(n + 1, sizeof(*v->ptrs));
    v->heights = sato_calloc(n + 1, sizeof(*v->heights));
    v->owned = sato_calloc(n + 1, sizeof(*v->owned));
}

static void view_clear(view_t *v) {
    size_t i;
    for (i = 0; i < v->n; i++) free(v->owned[i]);
    free(v->coins);
    free(v->ptrs);
    free(v->heights);
    free(v->owned);
}

static int mtp_at(void *ctx, int32_t height, int64_t *mtp) {
    const sato_blocknode_t *e = sato_chainstate_at(ctx, height);
    if (e == NULL) return 0;
    *mtp = sato_blocknode_median_time_past(e);
    return 1;
}

/* Reads input i's coin. SATO_ENOTFOUND when it is missing or spent. */
static sato_err_t view_fetch(view_t *v, size_t i, sato_mempool_t *pool, sato_chainstate_t *cs,
                             const sato_outpoint_t *op, int32_t next_height) {
    const sato_txout_t *out = sato_mempool_output(pool, op);
    sato_coin_t c;
    sato_err_t err;
    if (out != NULL) {
        v->coins[i].out = *out;
        v->coins[i].height = SATO_MEMPOOL_HEIGHT;
        v->coins[i].is_coinbase = 0;
        v->heights[i] = next_height;
        v->ptrs[i] = &v->coins[i];
        return SATO_OK;
    }
    if ((err = sato_chainstate_get_coin(cs, op, &c)) != SATO_OK) return err;
    v->coins[i] = c;
    v->owned[i] = sato_malloc(c.out.script_pubkey.len + 1);
    if (c.out.script_pubkey.len) memcpy(v->owned[i], c.out.script_pubkey.data, c.out.script_pubkey.len);
    v->coins[i].out.script_pubkey.data = v->owned[i];
    v->heights[i] = c.height;
    v->ptrs[i] = &v->coins[i];
    return SATO_OK;
}

/* Whether some output of tx is an unspent coin of the chain: the
 * transaction is already confirmed. */
static sato_err_t already_known(sato_chainstate_t *cs, const sato_tx_t *tx, const unsigned char txid[32],
                                int *known) {
    size_t n;
    *known = 0;
    for (n = 0; n < tx->vout_len; n++) {
        sato_outpoint_t op;
        sato_coin_t c;
        sato_err_t err;
        memcpy(op.hash, txid, 32);
        op.n = (uint32_t)n;
        err = sato_chainstate_get_coin(cs, &op, &c);
        if (err == SATO_OK) {
            *known = 1;
            return SATO_OK;
        }
        if (err != SATO_ENOTFOUND) return err;
    }
    return SATO_OK;
}

/* Core's CheckEphemeralSpends for one transaction: every dust output of
 * an in-pool parent must be spent by it. */
static int ephemeral_spends_ok(sato_mempool_t *pool, const sato_tx_t *tx, int64_t dust_fee) {
    size_t i, j, k;
    for (i = 0; i < tx->vin_len; i++) {
        const sato_mempool_entry_t *parent = sato_mempool_get(pool, tx->vin[i].prevout.hash);
        if (parent == NULL) continue;
        for (j = 0; j < parent->tx.vout_len; j++) {
            int spent = 0;
            if (!sato_policy_is_dust(&parent->tx.vout[j], dust_fee)) continue;
            for (k = 0; k < tx->vin_len && !spent; k++)
                spent = tx->vin[k].prevout.n == j && memcmp(tx->vin[k].prevout.hash, parent->txid, 32) == 0;
            if (!spent) return 0;
        }
    }
    return 1;
}

static int script_failure(sato_tx_state_t *st, int result, const char *prefix, const sato_tx_t *tx,
                          const unsigned char txid[32], const unsigned char wtxid[32], size_t i,
                          sato_script_error_t err) {
    char reason[SATO_REJECT_REASON_MAX], t[65], w[65], prev[65];
    snprintf(reason, sizeof(reason), "%s-script-verify-flag-failed (%s)", prefix, sato_script_error_string(err));
    sato_hex_encode_rev(t, txid, 32);
    sato_hex_encode_rev(w, wtxid, 32);
    sato_hex_encode_rev(prev, tx->vin[i].prevout.hash, 32);
    return sato_validation_invalid(st, result, reason, "input %zu of %s (wtxid %s), spending %s:%u", i, t, w, prev,
                                   (unsigned)tx->vin[i].prevout.n);
}

sato_err_t sato_mempool_accept(sato_mempool_t *pool, sato_chainstate_t *cs, const sato_chainparams_t *params,
                               const sato_tx_t *tx, const sato_mempool_accept_opts_t *opts,
                               sato_mempool_result_t *out) {
    const sato_policy_t *policy = sato_mempool_policy(pool);
    sato_tx_state_t *st = &out->state;
    const sato_blocknode_t *tip = sato_chainstate_tip(cs);
    int32_t next_height = tip->height + 1;
    int64_t tip_mtp = sato_blocknode_median_time_past(tip), fee = 0, sigops, vsize, cluster_vsize;
    const char *reason;
    view_t view;
    sato_txout_t *spent = NULL;
    sato_txdata_t txdata;
    sato_err_t err = SATO_OK;
    size_t i, cluster_count, bad;
    int spends_coinbase = 0, met, known;
    sato_script_error_t serr;

    memset(out, 0, sizeof(*out));
    sato_validation_state_init(st);
    sato_tx_txid(out->txid, tx);
    sato_tx_wtxid(out->wtxid, tx);
    view_init(&view, tx->vin_len);

    if (!sato_tx_check(tx, &reason)) {
        sato_validation_invalid(st, SATO_TX_CONSENSUS, reason, NULL);
        goto out;
    }
    if (sato_tx_is_coinbase(tx)) {
        sato_validation_invalid(st, SATO_TX_CONSENSUS, "coinbase", NULL);
        goto out;
    }
    if (!sato_policy_is_standard_tx(policy, tx, &reason)) {
        sato_validation_invalid(st, SATO_TX_NOT_STANDARD, reason, NULL);
        goto out;
    }
    if (sato_tx_size(tx, 0) < SATO_POLICY_MIN_STANDARD_TX_NONWITNESS_SIZE) {
        sato_validation_invalid(st, SATO_TX_NOT_STANDARD, "tx-size-small", NULL);
        goto out;
    }
    /* Only what the next block may hold. */
    if (!sato_tx_is_final(tx, next_height, tip_mtp)) {
        sato_validation_invalid(st, SATO_TX_PREMATURE_SPEND, "non-final", NULL);
        goto out;
    }
    if (sato_mempool_get_wtxid(pool, out->wtxid) != NULL) {
        sato_validation_invalid(st, SATO_TX_CONFLICT, "txn-already-in-mempool", NULL);
        goto out;
    }
    if (sato_mempool_get(pool, out->txid) != NULL) {
        sato_validation_invalid(st, SATO_TX_CONFLICT, "txn-same-nonwitness-data-in-mempool", NULL);
        goto out;
    }
    /* No replacement yet: any conflict is refused. */
    for (i = 0; i < tx->vin_len; i++) {
        if (sato_mempool_spender(pool, &tx->vin[i].prevout) != NULL) {
            sato_validation_invalid(st, SATO_TX_MEMPOOL_POLICY, "txn-mempool-conflict", NULL);
            goto out;
        }
    }
    for (i = 0; i < tx->vin_len; i++) {
        err = view_fetch(&view, i, pool, cs, &tx->vin[i].prevout, next_height);
        if (err == SATO_ENOTFOUND) {
            if ((err = already_known(cs, tx, out->txid, &known)) != SATO_OK) goto out;
            if (known)
                sato_validation_invalid(st, SATO_TX_CONFLICT, "txn-already-known", NULL);
            else
                sato_validation_invalid(st, SATO_TX_MISSING_INPUTS, "bad-txns-inputs-missingorspent", NULL);
            goto out;
        }
        if (err != SATO_OK) goto out;
    }
    err = sato_sequence_locks_check(tx, SATO_LOCKTIME_VERIFY_SEQUENCE, view.heights, next_height, tip_mtp, mtp_at, cs,
                                    &met);
    if (err != SATO_OK) goto out;
    if (!met) {
        sato_validation_invalid(st, SATO_TX_PREMATURE_SPEND, "non-BIP68-final", NULL);
        goto out;
    }
    if (!sato_tx_check_inputs(st, &fee, tx, view.ptrs, next_height)) goto out;
    if (!sato_policy_inputs_standard(st, tx, view.ptrs)) goto out;
    if (sato_tx_has_witness(tx) && !sato_policy_witness_standard(tx, view.ptrs)) {
        sato_validation_invalid(st, SATO_TX_WITNESS_MUTATED, "bad-witness-nonstandard", NULL);
        goto out;
    }
    sigops = sato_tx_sigop_cost(tx, view.ptrs, SATO_POLICY_STANDARD_SCRIPT_FLAGS);
    for (i = 0; i < tx->vin_len; i++) spends_coinbase |= view.coins[i].is_coinbase;
    vsize = sato_policy_vsize((int64_t)sato_tx_weight(tx), sigops, SATO_POLICY_BYTES_PER_SIGOP);
    out->vsize = vsize;
    out->fee = fee;
    /* A dust output is only relayed as ephemeral dust: no incentive to
     * mine the parent alone. */
    if (fee != 0 && sato_policy_dust_count(tx, policy->dust_relay_fee) > 0) {
        sato_validation_invalid(st, SATO_TX_NOT_STANDARD, "dust", "tx with dust output must be 0-fee");
        goto out;
    }
    if (sigops > SATO_POLICY_MAX_STANDARD_TX_SIGOPS_COST) {
        sato_validation_invalid(st, SATO_TX_NOT_STANDARD, "bad-txns-too-many-sigops", "%lld", (long long)sigops);
        goto out;
    }
    if (!opts->bypass_limits) {
        int64_t min_fee = sato_policy_fee(policy->min_relay_fee, vsize);
        if (fee < min_fee) {
            sato_validation_invalid(st, SATO_TX_RECONSIDERABLE, "min relay fee not met", "%lld < %lld",
                                    (long long)fee, (long long)min_fee);
            goto out;
        }
    }
    if (!opts->bypass_limits) {
        char why[SATO_DEBUG_MESSAGE_MAX];
        if (!sato_mempool_truc_check(pool, tx, out->txid, out->wtxid, vsize, why, sizeof(why))) {
            sato_validation_invalid(st, SATO_TX_MEMPOOL_POLICY, "TRUC-violation", "%s", why);
            goto out;
        }
    }
    sato_mempool_cluster_with(pool, tx, vsize, &cluster_count, &cluster_vsize);
    if (cluster_count > SATO_POLICY_CLUSTER_COUNT || cluster_vsize > SATO_POLICY_CLUSTER_VBYTES) {
        sato_validation_invalid(st, SATO_TX_MEMPOOL_POLICY, "too-large-cluster", NULL);
        goto out;
    }
    if (!opts->bypass_limits && !ephemeral_spends_ok(pool, tx, policy->dust_relay_fee)) {
        char t[65], w[65];
        sato_hex_encode_rev(t, out->txid, 32);
        sato_hex_encode_rev(w, out->wtxid, 32);
        sato_validation_invalid(st, SATO_TX_MEMPOOL_POLICY, "missing-ephemeral-spends",
                                "tx %s (wtxid=%s) did not spend parent's ephemeral dust", t, w);
        goto out;
    }
    /* Scripts last: they cost the most. */
    spent = sato_malloc((tx->vin_len + 1) * sizeof(*spent));
    sato_tx_spent_outputs(spent, tx, view.ptrs);
    sato_txdata_init(&txdata, tx, spent, tx->vin_len);
    if (!sato_tx_scripts_pass(tx, spent, SATO_POLICY_STANDARD_SCRIPT_FLAGS, &txdata, NULL, 0, &bad, &serr)) {
        /* A failure without any witness may be a stripped one. */
        int result = !sato_tx_has_witness(tx) && sato_policy_spends_witness_program(tx, view.ptrs)
                         ? SATO_TX_WITNESS_STRIPPED
                         : SATO_TX_NOT_STANDARD;
        script_failure(st, result, "mempool", tx, out->txid, out->wtxid, bad, serr);
        goto out;
    }
    /* Against the tip's own consensus flags too, so that a gap in the
     * standard flags never lets in what a block may not hold. */
    if (!sato_tx_scripts_pass(tx, spent, sato_block_script_flags(tip->height, tip->hash, params), &txdata, NULL, 0,
                              &bad, &serr)) {
        script_failure(st, SATO_TX_CONSENSUS, "block", tx, out->txid, out->wtxid, bad, serr);
        goto out;
    }
    if (!opts->test_accept)
        sato_mempool_add(pool, tx, fee, sigops, opts->accept_time, tip->height, spends_coinbase);
out:
    free(spent);
    view_clear(&view);
    return err;
}
