/* Contextual transaction rules: lock times, BIP68 sequence locks, spent
 * coins, sigop counts and per-input script checks (Bitcoin Core's
 * consensus/tx_verify.cpp and CheckInputScripts). */
#include <stdio.h>
#include <string.h>

#include "sato/amount.h"
#include "sato/sigcheck.h"
#include "sato/tx_check.h"
#include "sato/tx_verify.h"

int sato_tx_is_final(const sato_tx_t *tx, int32_t height, int64_t block_time) {
    int64_t lock = tx->locktime;
    size_t i;
    if (lock == 0) return 1;
    /* Below the threshold the locktime is the last height it is locked
     * at, else the last time. */
    if (lock < (lock < SATO_LOCKTIME_THRESHOLD ? (int64_t)height : block_time)) return 1;
    /* An unmet locktime still binds only if some input opted in with a
     * non-final sequence; this is also why CLTV demands one. */
    for (i = 0; i < tx->vin_len; i++) {
        if (tx->vin[i].sequence != SATO_SEQUENCE_FINAL) return 0;
    }
    return 1;
}

int sato_sequence_locks_calculate(sato_lock_pair_t *out, const sato_tx_t *tx, unsigned int flags,
                                   const int32_t *prev_heights, sato_mtp_at_fn mtp_at,
                                   void *mtp_ctx) {
    size_t i;
    out->min_height = -1;
    out->min_time = -1;
    /* tx->version is unsigned: a "negative" version is >= 2 here, as in
     * Core since it reads the version as uint32 (B11). */
    if (tx->version < 2 || !(flags & SATO_LOCKTIME_VERIFY_SEQUENCE)) return 1;
    for (i = 0; i < tx->vin_len; i++) {
        uint32_t seq = tx->vin[i].sequence;
        int64_t value = seq & SATO_SEQUENCE_LOCKTIME_MASK;
        int32_t coin_height = prev_heights[i];
        if (seq & SATO_SEQUENCE_LOCKTIME_DISABLE_FLAG) continue;
        if (seq & SATO_SEQUENCE_LOCKTIME_TYPE_FLAG) {
            /* Counted from the earliest time the coin's block could have
             * had: the median time past of the block before it. */
            int64_t coin_time, t;
            if (!mtp_at(mtp_ctx, coin_height > 0 ? coin_height - 1 : 0, &coin_time)) return 0;
            t = coin_time + (value << SATO_SEQUENCE_LOCKTIME_GRANULARITY) - 1;
            if (t > out->min_time) out->min_time = t;
        } else {
            /* Minus one: BIP68 names the first valid height, nLockTime
             * semantics the last invalid one. */
            int64_t h = (int64_t)coin_height + value - 1;
            if (h > out->min_height) out->min_height = h;
        }
    }
    return 1;
}

int sato_sequence_locks_evaluate(const sato_lock_pair_t *locks, int32_t height, int64_t prev_mtp) {
    return locks->min_height < height && locks->min_time < prev_mtp;
}

sato_err_t sato_sequence_locks_check(const sato_tx_t *tx, unsigned int flags, const int32_t *prev_heights,
                                     int32_t height, int64_t prev_mtp, sato_mtp_at_fn mtp_at,
                                     void *mtp_ctx, int *met) {
    sato_lock_pair_t locks;
    *met = 0;
    if (!sato_sequence_locks_calculate(&locks, tx, flags, prev_heights, mtp_at, mtp_ctx)) return SATO_EIO;
    *met = sato_sequence_locks_evaluate(&locks, height, prev_mtp);
    return SATO_OK;
}

int sato_tx_check_inputs(sato_tx_state_t *st, int64_t *fee, const sato_tx_t *tx,
                         const sato_coin_t *const *coins, int32_t spend_height) {
    int64_t in = 0, out = 0;
    size_t i;
    *fee = 0;
    for (i = 0; i < tx->vin_len; i++) {
        if (coins[i] == NULL) {
            return sato_validation_invalid(st, SATO_TX_MISSING_INPUTS,
                                           "bad-txns-inputs-missingorspent",
                                           "CheckTxInputs: inputs missing/spent");
        }
    }
    for (i = 0; i < tx->vin_len; i++) {
        const sato_coin_t *c = coins[i];
        int64_t v = c->out.value;
        if (c->is_coinbase && (int64_t)spend_height - c->height < SATO_COINBASE_MATURITY) {
            return sato_validation_invalid(st, SATO_TX_PREMATURE_SPEND,
                                           "bad-txns-premature-spend-of-coinbase",
                                           "tried to spend coinbase at depth %lld",
                                           (long long)spend_height - c->height);
        }
        /* Each value and the running sum in range: no overflow (B01). */
        if (!sato_money_range(v)) goto range;
        in += v;
        if (!sato_money_range(in)) goto range;
    }
    /* sato_tx_check has bounded the outputs; they are bounded again so
     * that a caller who skipped it gets its reason, not an overflow. */
    for (i = 0; i < tx->vout_len; i++) {
        if (!sato_money_range(tx->vout[i].value) || !sato_money_range(out + tx->vout[i].value)) {
            return sato_validation_invalid(st, SATO_TX_CONSENSUS, "bad-txns-txouttotal-toolarge",
                                           NULL);
        }
        out += tx->vout[i].value;
    }
    if (in < out) {
        return sato_validation_invalid(st, SATO_TX_CONSENSUS, "bad-txns-in-belowout",
                                       "value in (%lld) < value out (%lld)", (long long)in,
                                       (long long)out);
    }
    /* Unreachable given the bounds above, kept as Core keeps it. */
    if (!sato_money_range(in - out)) {
        return sato_validation_invalid(st, SATO_TX_CONSENSUS, "bad-txns-fee-outofrange", NULL);
    }
    *fee = in - out;
    return 1;
range:
    return sato_validation_invalid(st, SATO_TX_CONSENSUS, "bad-txns-inputvalues-outofrange", NULL);
}

unsigned int sato_tx_legacy_sigops(const sato_tx_t *tx) {
    unsigned int n = 0;
    size_t i;
    for (i = 0; i < tx->vin_len; i++) {
        n += sato_script_sigop_count(tx->vin[i].script_sig.data, tx->vin[i].script_sig.len, 0);
    }
    for (i = 0; i < tx->vout_len; i++) {
        const sato_bytes_t *spk = &tx->vout[i].script_pubkey;
        n += sato_script_sigop_count(spk->data, spk->len, 0);
    }
    return n;
}

unsigned int sato_tx_p2sh_sigops(const sato_tx_t *tx, const sato_coin_t *const *coins) {
    unsigned int n = 0;
    size_t i;
    if (sato_tx_is_coinbase(tx)) return 0;
    for (i = 0; i < tx->vin_len; i++) {
        const sato_bytes_t *spk = &coins[i]->out.script_pubkey;
        if (!sato_script_is_p2sh(spk->data, spk->len)) continue;
        n += sato_script_p2sh_sigop_count(spk->data, spk->len, tx->vin[i].script_sig.data,
                                          tx->vin[i].script_sig.len);
    }
    return n;
}

int64_t sato_tx_sigop_cost(const sato_tx_t *tx, const sato_coin_t *const *coins,
                           unsigned int flags) {
    int64_t cost = (int64_t)sato_tx_legacy_sigops(tx) * SATO_WITNESS_SCALE_FACTOR;
    size_t i;
    if (sato_tx_is_coinbase(tx)) return cost;
    if (flags & SATO_SCRIPT_VERIFY_P2SH) {
        cost += (int64_t)sato_tx_p2sh_sigops(tx, coins) * SATO_WITNESS_SCALE_FACTOR;
    }
    for (i = 0; i < tx->vin_len; i++) {
        const sato_txin_t *in = &tx->vin[i];
        const sato_bytes_t *spk = &coins[i]->out.script_pubkey;
        cost += (int64_t)sato_script_witness_sigop_count(in->script_sig.data, in->script_sig.len,
                                                         spk->data, spk->len, in->witness,
                                                         in->witness_len, flags);
    }
    return cost;
}

int sato_script_check_run(const sato_script_check_t *check, sato_script_error_t *err) {
    const sato_txin_t *in = &check->tx->vin[check->nin];
    sato_sigchecker_t checker;
    sato_tx_checker_ctx_t ctx;
    sato_tx_sigchecker_init(&checker, &ctx, check->tx, check->nin, check->spent->value,
                            check->txdata, check->cache);
    ctx.cache_store = check->cache_store;
    return sato_script_verify(in->script_sig.data, in->script_sig.len,
                              check->spent->script_pubkey.data, check->spent->script_pubkey.len,
                              in->witness, in->witness_len, check->flags, &checker, err);
}

void sato_tx_spent_outputs(sato_txout_t *out, const sato_tx_t *tx,
                           const sato_coin_t *const *coins) {
    size_t i;
    for (i = 0; i < tx->vin_len; i++) out[i] = coins[i]->out;
}

void sato_tx_script_checks(sato_script_check_t *checks, const sato_tx_t *tx,
                           const sato_txout_t *spent, unsigned int flags,
                           const sato_txdata_t *txdata, sato_sigcache_t *cache, int cache_store) {
    size_t i;
    for (i = 0; i < tx->vin_len; i++) {
        checks[i].tx = tx;
        checks[i].nin = i;
        checks[i].spent = &spent[i];
        checks[i].flags = flags;
        checks[i].txdata = txdata;
        checks[i].cache = cache;
        checks[i].cache_store = cache_store;
    }
}

void sato_script_check_reason(char *out, size_t out_len, sato_script_error_t err) {
    snprintf(out, out_len, "block-script-verify-flag-failed (%s)", sato_script_error_string(err));
}

int sato_tx_scripts_pass(const sato_tx_t *tx, const sato_txout_t *spent, unsigned int flags,
                         const sato_txdata_t *txdata, sato_sigcache_t *cache, int cache_store, size_t *bad_input,
                         sato_script_error_t *err) {
    sato_script_check_t check;
    size_t i;
    for (i = 0; i < tx->vin_len; i++) {
        check.tx = tx;
        check.nin = i;
        check.spent = &spent[i];
        check.flags = flags;
        check.txdata = txdata;
        check.cache = cache;
        check.cache_store = cache_store;
        if (!sato_script_check_run(&check, err)) {
            *bad_input = i;
            return 0;
        }
    }
    return 1;
}

int sato_tx_verify_scripts(sato_tx_state_t *st, const sato_tx_t *tx, const sato_txout_t *spent,
                           unsigned int flags, const sato_txdata_t *txdata, sato_sigcache_t *cache,
                           int cache_store) {
    sato_txdata_t local;
    sato_script_error_t err = SATO_SCRIPT_ERR_OK;
    char reason[SATO_REJECT_REASON_MAX];
    size_t bad = 0;
    if (sato_tx_is_coinbase(tx)) return 1;
    if (txdata == NULL) {
        sato_txdata_init(&local, tx, spent, tx->vin_len);
        txdata = &local;
    }
    if (!sato_tx_scripts_pass(tx, spent, flags, txdata, cache, cache_store, &bad, &err)) {
        sato_script_check_reason(reason, sizeof(reason), err);
        return sato_validation_invalid(st, SATO_TX_CONSENSUS, reason, "input %zu: %s", bad,
                                       sato_script_error_string(err));
    }
    return 1;
}
