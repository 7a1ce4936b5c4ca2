#ifndef SATO_CHAINSTATE_H
#define SATO_CHAINSTATE_H

/* The chain state (Bitcoin Core's ChainstateManager + Chainstate): the
 * block index, the active chain with the most work, the UTXO set and the
 * block/undo files, kept crash-safe on disk.
 *
 * Two kinds of failure are kept apart everywhere:
 *  - a block that breaks a rule: the function returns SATO_OK and the
 *    sato_block_state_t says why (Core's reject reason); a definite verdict
 *    is remembered in the block index (never for MUTATED or TIME_FUTURE);
 *  - a storage failure (disk full, I/O error, corrupt file): the function
 *    returns the sato_err_t and sato_chainstate_error() says what failed.
 *    No block is ever marked invalid for it (BIP50, bitcoin#26112); the
 *    tip and UTXO set stay as they were, and the caller should stop the
 *    node (or retry once the cause is gone).
 *
 * On disk (datadir): blocks/ (blk/rev files) and chainstate/ (LMDB with
 * tables "coins", "index", "meta"). A flush makes blk/rev durable first,
 * then commits one LMDB transaction holding the changed index entries,
 * the changed coins, the best block and the blk/rev end positions; so a
 * restart finds the state of the last flush exactly. Blocks appended to
 * the blk files after it are read back and accepted again (a crash loses
 * no stored block), undo data after it is cut off and rebuilt, and the
 * chain is reconnected to the most-work stored block. -reindex is the
 * same recovery from an empty database; an interrupted one resumes.
 *
 * Not thread-safe: one thread drives a chainstate (script checks run on
 * the chainstate's own worker pool). */

#include <stddef.h>
#include <stdint.h>

#include "sato/block.h"
#include "sato/blockindex.h"
#include "sato/chainparams.h"
#include "sato/coins.h"
#include "sato/store.h"
#include "sato/validation.h"

typedef struct sato_chainstate sato_chainstate_t;

typedef struct {
    const sato_chainparams_t *params;
    const char *datadir;     /* holds blocks/ and chainstate/ */
    size_t dbcache_bytes;    /* 0: 450 MiB (Core's -dbcache default) */
    unsigned script_threads; /* threads checking scripts, the caller included; 0: one per core */
    int reindex;             /* wipe the chainstate and rebuild it from the blk files */
    unsigned check_blocks;   /* blocks verified at start (Core's -checkblocks); 0: 6 */
    int no_check_blocks;     /* 1: skip the start-up check */
    uint32_t max_file_size;  /* blk/rev file size limit; 0: 128 MiB */
    unsigned flush_every;    /* also flush after this many connected blocks; 0: never for
                                that reason */
    unsigned flush_interval_s; /* and when this long has passed since the last flush
                                  (Core: about an hour); 0: 3600 */
    int64_t min_free_bytes;  /* refuse to write (SATO_ENOSPC) below this much free disk
                                space, as Core's 50 MiB check; 0: 50 MiB; < 0: no check */
    int64_t (*now)(void *ctx); /* the clock for "time-too-new"; NULL: time(NULL) */
    void *now_ctx;
    char *error;             /* if set, receives why open failed (chainstate is gone then) */
    size_t error_len;
    /* Set (atomically, from any thread) to stop a long start-up or
     * activation between blocks: open then fails with SATO_EINTR while it
     * is still reading the block files (nothing is recorded; the next start
     * reads them again), and otherwise returns what it connected so far,
     * flushed. NULL: never. */
    const int *interrupt;
    /* Core's -assumevalid: the hash (internal byte order) of a block whose
     * ancestors' scripts need not be checked, under Core's conditions
     * (the block is on the best header chain, that chain has the minimum
     * chain work, and the block connected lies more than two weeks of
     * equivalent work below the best header). NULL: check every script. */
    const unsigned char *assume_valid;
    /* Called with Core's init messages ("Loading block index…",
     * "Verifying blocks…") as open moves on, e.g. for RPC's warm-up
     * answer. May be NULL. */
    void (*on_status)(void *ctx, const char *status);
    void *status_ctx;
} sato_chainstate_opts_t;

void sato_chainstate_opts_init(sato_chainstate_opts_t *o, const sato_chainparams_t *params,
                               const char *datadir);

/* Opens (creating on first use, with the genesis block) the chain state,
 * accepts blocks stored after the last flush, checks the last blocks, and
 * reconnects stored blocks that have more work than the flushed tip. */
SATO_NODISCARD sato_err_t sato_chainstate_open(sato_chainstate_t **out, const sato_chainstate_opts_t *opts);
/* Flushes, then closes. Returns the flush's result. */
SATO_NODISCARD sato_err_t sato_chainstate_close(sato_chainstate_t *cs);
/* Closes without flushing (what a crash leaves behind). NULL: no-op. */
void sato_chainstate_destroy(sato_chainstate_t *cs);

/* A description of the last storage error ("" if none). */
const char *sato_chainstate_error(const sato_chainstate_t *cs);

/* Accepts a block (Core's ProcessNewBlock): header checks, CheckBlock and
 * ContextualCheckBlock, storage in a blk file, then the best chain is
 * activated. force (a block that was asked for, or submitblock) stores it
 * even with no more work than the tip. *is_new (may be NULL) is set if
 * the block was stored now. st says whether this block (or one connected
 * while activating) was rejected. */
SATO_NODISCARD sato_err_t sato_chainstate_process_block(sato_chainstate_t *cs, sato_block_state_t *st,
                                         const sato_block_t *block, int force, int *is_new);

/* Stores headers (Core's ProcessNewBlockHeaders). They must connect to a
 * known header and to each other ("prev-blk-not-found",
 * "non-continuous-headers"); each is checked in context. Low-work header
 * spam (CVE-2019-25220): the batch is refused as a whole
 * (HEADER_LOW_WORK "too-little-chainwork") unless the chain it ends has at
 * least the anti-DoS threshold of work, max(the network's minimum chain
 * work, tip work - 144 blocks' work), as Core's GetAntiDoSWorkThreshold.
 * Core's net layer accumulates a low-work header chain with constant
 * memory (HeadersSyncState) before storing it; that belongs in the peer
 * code, which hands this function only chains that cleared the bar. */
SATO_NODISCARD sato_err_t sato_chainstate_process_headers(sato_chainstate_t *cs, sato_block_state_t *st,
                                           const sato_block_header_t *headers, size_t n);

/* The same for headers whose chain the peer layer has already shown to
 * carry enough work with constant memory (Core's HeadersSyncState, then
 * ProcessNewBlockHeaders with min_pow_checked): no low-work refusal, every
 * other check. */
SATO_NODISCARD sato_err_t sato_chainstate_process_presynced_headers(sato_chainstate_t *cs, sato_block_state_t *st,
                                                                    const sato_block_header_t *headers, size_t n);
/* The anti-DoS threshold a header chain must reach to be stored (Core's
 * GetAntiDoSWorkThreshold). */
void sato_chainstate_antidos_work(const sato_chainstate_t *cs, sato_u256_t *out);

/* Core's TestBlockValidity for a block on top of the active tip, proof of
 * work not checked: the header in context, CheckBlock, ContextualCheckBlock
 * and ConnectBlock into a scratch view that is thrown away. Changes
 * nothing; st says whether the block would be valid. A block that does
 * not build on the tip is "bad-prevblk". */
SATO_NODISCARD sato_err_t sato_chainstate_test_block(sato_chainstate_t *cs, sato_block_state_t *st,
                                      const sato_block_t *block);

/* Connects the most-work valid chain we have data for. */
SATO_NODISCARD sato_err_t sato_chainstate_activate(sato_chainstate_t *cs, sato_block_state_t *st);

/* Writes everything to disk (blk/rev fdatasync, then one LMDB commit). */
SATO_NODISCARD sato_err_t sato_chainstate_flush(sato_chainstate_t *cs);

/* Core's invalidateblock / reconsiderblock. Invalidate marks the block
 * failed, its descendants failed-parent, and moves the tip to the best
 * remaining chain. Reconsider clears the marks on the block, its
 * ancestors and descendants and activates again. SATO_ENOTFOUND for an
 * unknown hash. */
SATO_NODISCARD sato_err_t sato_chainstate_invalidate(sato_chainstate_t *cs, sato_block_state_t *st,
                                      const unsigned char hash[32]);
SATO_NODISCARD sato_err_t sato_chainstate_reconsider(sato_chainstate_t *cs, sato_block_state_t *st,
                                      const unsigned char hash[32]);

/* The active tip, a block of the active chain by height (NULL out of
 * range), and an entry by hash (NULL if unknown). */
const sato_blocknode_t *sato_chainstate_tip(const sato_chainstate_t *cs);
const sato_blocknode_t *sato_chainstate_at(const sato_chainstate_t *cs, int32_t height);
const sato_blocknode_t *sato_chainstate_lookup(const sato_chainstate_t *cs,
                                              const unsigned char hash[32]);
/* The header with the most work (possibly without data). */
const sato_blocknode_t *sato_chainstate_best_header(const sato_chainstate_t *cs);
size_t sato_chainstate_index_size(const sato_chainstate_t *cs);

/* An unspent output of the active chain's UTXO set (gettxout): SATO_OK
 * with *out filled (script borrowed until the next chainstate call),
 * SATO_ENOTFOUND, or a storage error. */
SATO_NODISCARD sato_err_t sato_chainstate_get_coin(sato_chainstate_t *cs, const sato_outpoint_t *op,
                                    sato_coin_t *out);

/* Reads a stored block back. */
SATO_NODISCARD sato_err_t sato_chainstate_read_block(sato_chainstate_t *cs, sato_block_t *out,
                                      const sato_blocknode_t *e);

/* Core's gettxoutsetinfo (hash_type hash_serialized_3): the double
 * SHA-256 over every coin in key order, serialized as outpoint,
 * height*2+coinbase (u32), value, script; with the count of outputs and
 * their total. Flushes first. */
typedef struct {
    unsigned char hash[32]; /* internal byte order, as Core's uint256 */
    uint64_t txouts;
    uint64_t transactions; /* distinct txids with unspent outputs */
    uint64_t bogosize;     /* Core's: 50 bytes plus the script per output */
    int64_t total_amount;
    int32_t height;
    unsigned char best_block[32];
} sato_utxo_stats_t;
SATO_NODISCARD sato_err_t sato_chainstate_utxo_stats(sato_chainstate_t *cs, sato_utxo_stats_t *out);

/* Core's VerifyDB over the last n blocks of the active chain: each is
 * re-read and re-checked, its undo data read back (checksum) and applied
 * in a scratch cache to check the block disconnects cleanly. SATO_ECORRUPT
 * if something does not match. */
SATO_NODISCARD sato_err_t sato_chainstate_verify(sato_chainstate_t *cs, unsigned n);

/* Memory held by the coins cache and the coins in it. */
size_t sato_chainstate_cache_memory(const sato_chainstate_t *cs);
size_t sato_chainstate_cache_count(const sato_chainstate_t *cs);

#endif
