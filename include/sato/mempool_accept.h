#ifndef SATO_MEMPOOL_ACCEPT_H
#define SATO_MEMPOOL_ACCEPT_H

/* Mempool acceptance against the active chain (Bitcoin Core's
 * MemPoolAccept::AcceptSingleTransaction) and the pool's reaction to the
 * chain's tip changes. Everything here runs under the chain lock
 * (sato_chainctl_lock), which also guards the pool (see mempool.h).
 *
 * Order of checks, as Core's: CheckTransaction, not a coinbase,
 * IsStandardTx, 65 non-witness bytes, final in the next block (tip MTP),
 * already in the pool, conflicts with the pool, inputs from the tip's
 * UTXO set and the pool, BIP68 in the next block, CheckTxInputs (fee),
 * input and witness standardness, sigop cost, ephemeral dust at zero fee,
 * the minimum relay fee, TRUC (BIP431) topology, the cluster limits,
 * spends of a parent's
 * ephemeral dust, scripts with the standard flags, then with the tip's
 * consensus flags. Not there yet: replacement (a conflict is
 * "txn-mempool-conflict"; no TRUC sibling eviction), the pool's size limit and its rolling
 * minimum fee (so "mempool min fee not met" never happens), packages. */

#include <stdint.h>

#include "sato/chainctl.h"
#include "sato/chainparams.h"
#include "sato/chainstate.h"
#include "sato/error.h"
#include "sato/mempool.h"
#include "sato/validation.h"

typedef struct {
    int test_accept;   /* check only (testmempoolaccept) */
    int bypass_limits; /* a transaction of a disconnected block: no fee floor, no ephemeral rules */
    int64_t accept_time;
} sato_mempool_accept_opts_t;

typedef struct {
    sato_tx_state_t state; /* valid, or Core's reason and debug message */
    unsigned char txid[32];
    unsigned char wtxid[32];
    int64_t vsize; /* set once known (always when valid) */
    int64_t fee;
} sato_mempool_result_t;

/* Checks tx against the active chain's tip and the pool and, unless
 * opts->test_accept, adds it. SATO_OK with the verdict in out->state, or
 * a storage error (reading a coin failed: no verdict). */
SATO_NODISCARD sato_err_t sato_mempool_accept(sato_mempool_t *pool, sato_chainstate_t *cs,
                                              const sato_chainparams_t *params, const sato_tx_t *tx,
                                              const sato_mempool_accept_opts_t *opts, sato_mempool_result_t *out);

/* Keeps the pool in step with the chain (Core's removeForBlock and
 * MaybeUpdateMempoolForReorg): subscribes to ctl's tip changes. On a new
 * block its transactions and their conflicts leave the pool; on a reorg
 * the transactions of the disconnected blocks (up to 10 blocks, as Core)
 * and the pool's own are accepted again in that order, without the fee
 * floor, and whatever no longer fits is dropped. With the lock held; 0
 * if ctl has no listener slot left. */
int sato_mempool_attach(sato_mempool_t *pool, sato_chainctl_t *ctl);
void sato_mempool_detach(sato_mempool_t *pool, sato_chainctl_t *ctl);

#endif
