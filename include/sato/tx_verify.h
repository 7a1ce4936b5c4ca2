#ifndef SATO_TX_VERIFY_H
#define SATO_TX_VERIFY_H

/* Transaction rules that need context: lock times, BIP68 sequence locks,
 * the spent coins (Bitcoin Core's consensus/tx_verify.cpp), signature
 * operation counts, and the script checks of each input. Pure: heights,
 * times, flags and coins are arguments.
 *
 * Coins are passed as an array of vin_len pointers, coins[i] being the
 * coin input i spends, or NULL when it is missing or already spent. The
 * caller reads them from its UTXO view first; a read that fails for I/O
 * must stop there and never be passed on as NULL (a storage fault is not
 * a missing input: BIP50). */

#include <stddef.h>
#include <stdint.h>

#include "sato/coins.h"
#include "sato/error.h"
#include "sato/script.h"
#include "sato/sigcache.h"
#include "sato/sighash.h"
#include "sato/tx.h"
#include "sato/validation.h"

/* Consensus limit on the sigop cost of a block. */
#define SATO_MAX_BLOCK_SIGOPS_COST 80000
/* BIP68: a time-based relative lock counts units of 2^9 = 512 seconds. */
#define SATO_SEQUENCE_LOCKTIME_GRANULARITY 9
/* Lock-time verification flags (Core's LOCKTIME_VERIFY_SEQUENCE). */
#define SATO_LOCKTIME_VERIFY_SEQUENCE (1u << 0)

/* ---- Absolute lock time ---- */

/* Core's IsFinalTx: a transaction is final in a block at `height` whose
 * lock-time cutoff is `block_time` (the parent's median time past since
 * BIP113, else the block's own time) if its locktime is 0, or below the
 * height or time (as the locktime reads), or if every input's sequence is
 * final. */
int sato_tx_is_final(const sato_tx_t *tx, int32_t height, int64_t block_time);

/* ---- BIP68 relative lock times ---- */

/* Sets *mtp to the median time past of the block at `height` (0 <= height
 * < the height of the block being validated) on the chain the block
 * extends and returns 1; returns 0 if it cannot (an error, not a verdict). */
typedef int (*sato_mtp_at_fn)(void *ctx, int32_t height, int64_t *mtp);

/* The last height and time at which tx is still locked, -1 meaning none
 * (nLockTime semantics: "not before", minus one). */
typedef struct {
    int64_t min_height;
    int64_t min_time;
} sato_lock_pair_t;

/* Core's CalculateSequenceLocks. BIP68 applies only with
 * SATO_LOCKTIME_VERIFY_SEQUENCE in flags (CSV active) and a version of at
 * least 2, read unsigned: 0xffffffff is not "-1 < 2" (the btcd bug, B11).
 * prev_heights[i] is the height of the coin input i spends (the height of
 * the block being validated for an output created in it). A time lock is
 * counted from the median time past of the block before the coin's block,
 * asked of mtp_at (not called when no input has a time lock). Returns 0
 * only if mtp_at failed. */
int sato_sequence_locks_calculate(sato_lock_pair_t *out, const sato_tx_t *tx, unsigned int flags,
                                   const int32_t *prev_heights, sato_mtp_at_fn mtp_at,
                                   void *mtp_ctx);

/* Core's EvaluateSequenceLocks: 1 if a block at `height` whose parent's
 * median time past is prev_mtp satisfies the locks. */
int sato_sequence_locks_evaluate(const sato_lock_pair_t *locks, int32_t height, int64_t prev_mtp);

/* Both, for a block at `height` whose parent has median time past
 * prev_mtp (Core's SequenceLocks): SATO_OK with *met set to whether the
 * locks are met, or SATO_EIO if mtp_at could not answer (no verdict). */
sato_err_t sato_sequence_locks_check(const sato_tx_t *tx, unsigned int flags, const int32_t *prev_heights,
                                     int32_t height, int64_t prev_mtp, sato_mtp_at_fn mtp_at,
                                     void *mtp_ctx, int *met);

/* ---- Spent coins ---- */

/* Core's Consensus::CheckTxInputs for a non-coinbase tx spent in a block
 * at spend_height: every coin present (else TX_MISSING_INPUTS
 * "bad-txns-inputs-missingorspent"), coinbase coins at least 100 blocks
 * deep (TX_PREMATURE_SPEND "bad-txns-premature-spend-of-coinbase"), every
 * value and the running input sum in range ("bad-txns-inputvalues-
 * outofrange"), inputs covering outputs ("bad-txns-in-belowout") and the
 * fee in range ("bad-txns-fee-outofrange"). tx must have passed
 * sato_tx_check (its output sum is in range). On success *fee holds the
 * fee; on failure it is 0 and st says why. */
int sato_tx_check_inputs(sato_tx_state_t *st, int64_t *fee, const sato_tx_t *tx,
                         const sato_coin_t *const *coins, int32_t spend_height);

/* ---- Signature operations ---- */

/* Core's GetLegacySigOpCount: inaccurately counted (every multisig is 20)
 * sigops of all scriptSigs and scriptPubKeys. */
unsigned int sato_tx_legacy_sigops(const sato_tx_t *tx);

/* Core's GetP2SHSigOpCount: accurately counted sigops of the redeem
 * scripts of inputs spending P2SH outputs; 0 for a coinbase. Every coin
 * must be present. */
unsigned int sato_tx_p2sh_sigops(const sato_tx_t *tx, const sato_coin_t *const *coins);

/* Core's GetTransactionSigOpCost: legacy and (with P2SH in flags) P2SH
 * sigops times 4, plus witness sigops (with WITNESS in flags). coins is
 * not read for a coinbase and may then be NULL. */
int64_t sato_tx_sigop_cost(const sato_tx_t *tx, const sato_coin_t *const *coins,
                           unsigned int flags);

/* ---- Script checks ---- */

/* One input's script check, self-contained so that a block's checks can
 * be queued and run on any thread in any order (Core's CScriptCheck).
 * Everything is borrowed: tx, the spent output, txdata and the cache must
 * outlive the check. */
typedef struct {
    const sato_tx_t *tx;
    size_t nin;
    const sato_txout_t *spent; /* the output input nin spends */
    unsigned int flags;
    const sato_txdata_t *txdata; /* sato_txdata_init with all spent outputs */
    sato_sigcache_t *cache;      /* may be NULL */
    int cache_store;             /* 1: add valid signatures (mempool); 0: consume hits (block) */
} sato_script_check_t;

/* Runs one check. Returns 1 if the input's scripts pass; otherwise 0 with
 * *err (which may be NULL) set. Thread-safe for distinct checks. */
int sato_script_check_run(const sato_script_check_t *check, sato_script_error_t *err);

/* The spent outputs of tx, one per input, copied (shallowly: scripts are
 * borrowed from the coins) into out, which holds tx->vin_len entries:
 * what sato_txdata_init needs for taproot. Every coin must be present. */
void sato_tx_spent_outputs(sato_txout_t *out, const sato_tx_t *tx, const sato_coin_t *const *coins);

/* Fills checks[0 .. vin_len) with the checks of every input of a
 * non-coinbase tx, for a caller that spreads them over threads. */
void sato_tx_script_checks(sato_script_check_t *checks, const sato_tx_t *tx,
                           const sato_txout_t *spent, unsigned int flags,
                           const sato_txdata_t *txdata, sato_sigcache_t *cache, int cache_store);

/* Runs every input's check in order, for a caller that does not queue
 * them (Core's CheckInputScripts without a check vector). On failure st
 * is TX_CONSENSUS "block-script-verify-flag-failed (<script error>)" with
 * the input named in the debug message. txdata may be NULL, in which case
 * it is computed here. A coinbase passes. */
int sato_tx_verify_scripts(sato_tx_state_t *st, const sato_tx_t *tx, const sato_txout_t *spent,
                           unsigned int flags, const sato_txdata_t *txdata, sato_sigcache_t *cache,
                           int cache_store);

/* The same checks for callers that word the failure themselves (the
 * mempool): 1 if every input passes, else 0 with the first failing
 * input's index and script error. txdata is required. */
int sato_tx_scripts_pass(const sato_tx_t *tx, const sato_txout_t *spent, unsigned int flags,
                         const sato_txdata_t *txdata, sato_sigcache_t *cache, int cache_store, size_t *bad_input,
                         sato_script_error_t *err);

/* The reject reason of a failed script check in a block:
 * "block-script-verify-flag-failed (<Core's ScriptErrorString>)". */
void sato_script_check_reason(char *out, size_t out_len, sato_script_error_t err);

#endif
