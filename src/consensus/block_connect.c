/* ConnectBlock's checks of each transaction against the coins it spends,
 * and of the coinbase against subsidy and fees; the coins themselves are
 * the caller's. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/amount.h"
#include "sato/block_check.h"
#include "sato/hex.h"
#include "sato/mem.h"
#include "sato/tx_check.h"

/* Inputs up to this many have their coin heights on the stack. */
#define HEIGHTS_ON_STACK 64

void sato_block_connect_init(sato_block_connect_t *c, int32_t height, const unsigned char hash[32],
                             int64_t prev_mtp, const sato_chainparams_t *p) {
    memset(c, 0, sizeof(*c));
    c->height = height;
    c->prev_mtp = prev_mtp;
    c->script_flags = sato_block_script_flags(height, hash, p);
    c->lock_flags = sato_block_lock_flags(height, p);
    c->params = p;
}

static void txid_hex(char out[65], const sato_tx_t *tx) {
    unsigned char txid[32];
    sato_tx_txid(txid, tx);
    sato_hex_encode_rev(out, txid, 32);
}

/* BIP68 for one transaction (see sato_sequence_locks_check). */
static sato_err_t check_sequence_locks(const sato_block_connect_t *c, const sato_tx_t *tx,
                                       const sato_coin_t *const *coins, sato_mtp_at_fn mtp_at,
                                       void *mtp_ctx, int *met) {
    int32_t stack[HEIGHTS_ON_STACK], *heights = stack;
    size_t i;
    sato_err_t r;
    if (tx->vin_len > HEIGHTS_ON_STACK) heights = sato_malloc(tx->vin_len * sizeof(*heights));
    for (i = 0; i < tx->vin_len; i++) heights[i] = coins[i]->height;
    r = sato_sequence_locks_check(tx, c->lock_flags, heights, c->height, c->prev_mtp, mtp_at,
                                  mtp_ctx, met);
    if (heights != stack) free(heights);
    return r;
}

int sato_block_connect_tx(sato_block_connect_t *c, sato_block_state_t *st, const sato_tx_t *tx,
                          const sato_coin_t *const *coins, sato_mtp_at_fn mtp_at, void *mtp_ctx) {
    char hex[65];
    int coinbase = sato_tx_is_coinbase(tx);
    if (!coinbase) {
        sato_tx_state_t tx_state;
        int64_t fee;
        int met;
        sato_validation_state_init(&tx_state);
        /* Any transaction failure here is the block's failure. */
        if (!sato_tx_check_inputs(&tx_state, &fee, tx, coins, c->height)) {
            txid_hex(hex, tx);
            return sato_validation_invalid(st, SATO_BLOCK_CONSENSUS, tx_state.reason,
                                           "%s in transaction %s", tx_state.debug, hex);
        }
        c->fees += fee;
        if (!sato_money_range(c->fees)) {
            return sato_validation_invalid(st, SATO_BLOCK_CONSENSUS,
                                           "bad-txns-accumulated-fee-outofrange",
                                           "accumulated fee in the block out of range");
        }
        /* Relative locks need the coins, so they are checked here rather
         * than with the block's absolute locktimes. */
        if (check_sequence_locks(c, tx, coins, mtp_at, mtp_ctx, &met) != SATO_OK)
            return sato_validation_error(st, "median time past unavailable");
        if (!met) {
            txid_hex(hex, tx);
            return sato_validation_invalid(st, SATO_BLOCK_CONSENSUS, "bad-txns-nonfinal",
                                           "contains a non-BIP68-final transaction %s", hex);
        }
    }
    c->sigop_cost += sato_tx_sigop_cost(tx, coinbase ? NULL : coins, c->script_flags);
    if (c->sigop_cost > SATO_MAX_BLOCK_SIGOPS_COST) {
        return sato_validation_invalid(st, SATO_BLOCK_CONSENSUS, "bad-blk-sigops",
                                       "too many sigops");
    }
    return 1;
}

int sato_block_connect_finish(const sato_block_connect_t *c, sato_block_state_t *st,
                              const sato_block_t *b) {
    int64_t reward = c->fees + sato_block_subsidy(c->height, c->params), out = 0;
    const sato_tx_t *cb = &b->txs[0];
    size_t i;
    int over = 0;
    /* sato_block_check has bounded the outputs; bounding them again keeps
     * a caller who skipped it from overflowing the sum. */
    for (i = 0; i < cb->vout_len && !over; i++) {
        int64_t v = cb->vout[i].value;
        if (!sato_money_range(v) || !sato_money_range(out + v)) over = 1;
        else out += v;
    }
    if (over || out > reward) {
        return sato_validation_invalid(st, SATO_BLOCK_CONSENSUS, "bad-cb-amount",
                                       "coinbase pays too much (actual=%lld vs limit=%lld)",
                                       (long long)out, (long long)reward);
    }
    return 1;
}
