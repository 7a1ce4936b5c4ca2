#ifndef SATO_CHAINCTL_H
#define SATO_CHAINCTL_H

/* The chain state as the node's threads share it (Bitcoin Core's cs_main
 * plus the tip notifications): one lock serializing every use of the
 * chain state, the -txindex index kept in step with the active chain, the
 * UpdateTip log line for every newly connected block, the cumulative
 * transaction counts behind "progress", the stop-on-storage-error rule,
 * and the tip-change events the rest of the node subscribes to (Core's
 * validation interface). It lives below the network and RPC layers, which
 * both use it; RPC handlers reach it through sato_rpc_context_t. */

#include <pthread.h>
#include <stdint.h>

#include "sato/chainparams.h"
#include "sato/chainstate.h"
#include "sato/txindex.h"

typedef struct sato_chainctl sato_chainctl_t;

/* Takes over neither cs nor txindex (the caller closes them after
 * destroying this). txindex may be NULL (no -txindex). on_fatal is called
 * (under the lock) after a storage error has been logged; the node
 * shuts down from there. */
sato_chainctl_t *sato_chainctl_create(sato_chainstate_t *cs, const sato_chainparams_t *params,
                                      sato_txindex_t *txindex, void (*on_fatal)(void *arg),
                                      void *fatal_arg);
void sato_chainctl_destroy(sato_chainctl_t *ctl);

void sato_chainctl_lock(sato_chainctl_t *ctl);
void sato_chainctl_unlock(sato_chainctl_t *ctl);

/* Asks long calls (generatetoaddress) to stop after their current block;
 * safe from any thread without the lock, as is the question. */
void sato_chainctl_interrupt(sato_chainctl_t *ctl);
int sato_chainctl_interrupted(const sato_chainctl_t *ctl);

/* Everything below requires the lock. */
sato_chainstate_t *sato_chainctl_chainstate(sato_chainctl_t *ctl);
sato_txindex_t *sato_chainctl_txindex(sato_chainctl_t *ctl);
const sato_chainparams_t *sato_chainctl_params(const sato_chainctl_t *ctl);

/* After anything that may have moved the tip: logs UpdateTip for each
 * block now connected (and the blocks disconnected by a reorg), brings the
 * tx index along. A storage error goes through sato_chainctl_fatal. */
SATO_NODISCARD sato_err_t sato_chainctl_tip_changed(sato_chainctl_t *ctl);

/* A subscriber to tip changes: called under the lock from
 * sato_chainctl_tip_changed, after the UpdateTip lines, with the last
 * block both chains share (NULL the first time) and the new tip. It must
 * not take the lock again, nor block. */
typedef struct {
    void (*tip_changed)(void *arg, const sato_blocknode_t *fork, const sato_blocknode_t *tip);
    void *arg;
} sato_chain_listener_t;

#define SATO_CHAINCTL_MAX_LISTENERS 8
/* 0 if all slots are taken. With the lock held. */
int sato_chainctl_subscribe(sato_chainctl_t *ctl, const sato_chain_listener_t *l);
void sato_chainctl_unsubscribe(sato_chainctl_t *ctl, void *arg);

/* Logs a storage error with what the chain state says about it and asks
 * the node to stop. Returns err. */
sato_err_t sato_chainctl_fatal(sato_chainctl_t *ctl, sato_err_t err, const char *what);
/* Whether a storage error has happened (the node is stopping). */
int sato_chainctl_failed(const sato_chainctl_t *ctl);

/* Transactions in the active chain up to and including e (which must be
 * on the active chain). */
uint64_t sato_chainctl_chain_tx(sato_chainctl_t *ctl, const sato_blocknode_t *e);

/* Core's GuessVerificationProgress for e on the active chain, in [0, 1].
 * Sato has no per-network transaction statistics (Core's chainTxData):
 * the rate is the chain's own average so far, so the estimate says how
 * far e's timestamp is from now in transactions at that rate. */
double sato_chainctl_progress(sato_chainctl_t *ctl, const sato_blocknode_t *e);

/* Core's IsInitialBlockDownload: until the tip has the network's minimum
 * chain work and is less than a day old; false for good after that. */
int sato_chainctl_ibd(sato_chainctl_t *ctl);

/* Chain work as log2 (UpdateTip's log2_work) and Core's GetDifficulty. */
double sato_chainctl_log2_work(const sato_u256_t *work);
double sato_chainctl_difficulty(uint32_t bits);

#endif
