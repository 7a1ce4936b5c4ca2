#ifndef SATO_CHAIN_INTERNAL_H
#define SATO_CHAIN_INTERNAL_H

/* What the files of src/chain share about a chainstate. */

#include "sato/blockfile.h"
#include "sato/blockindex.h"
#include "sato/chainstate.h"
#include "sato/coinscache.h"
#include "sato/db.h"
#include "sato/scriptpool.h"

enum { T_COINS = 0, T_INDEX = 1, T_META = 2 };

/* Keys of the meta table (4 bytes each). */
#define CHAIN_KEY_BEST ((const unsigned char *)"best")
#define CHAIN_KEY_ENDS ((const unsigned char *)"ends")
#define CHAIN_KEY_REINDEX ((const unsigned char *)"rind")

struct sato_chainstate {
    sato_chainstate_opts_t opts;
    const sato_chainparams_t *params;
    sato_u256_t min_work;
    sato_db_t *db;
    sato_blockstore_t *bs;
    sato_blockindex_t *index;
    sato_blocknode_t **chain; /* the active chain by height */
    size_t chain_cap;
    int32_t height; /* of the tip; -1 before genesis */
    sato_coins_t *coins;
    sato_blocknode_t **cand; /* blocks that could become the tip */
    size_t n_cand, cap_cand;
    sato_blocknode_t **dirty; /* index entries to write at the next flush */
    size_t n_dirty, cap_dirty;
    sato_blocknode_t *best_header;
    uint64_t next_seq;
    sato_scriptpool_t *pool;
    unsigned since_flush;
    int64_t last_flush; /* time(NULL) of the last flush */
    /* The block being processed, so that connecting it needs no read. */
    const sato_block_t *mem_block;
    sato_blocknode_t *mem_idx;
    int reindexing;         /* the start-up is rebuilding from the blk files */
    int clear_reindex_flag; /* the next flush removes CHAIN_KEY_REINDEX */
    unsigned char assume_valid[32];
    int have_assume_valid;
    char errmsg[320];
};

/* Records the failure (its message) and returns err, for `return chain_fail(...)`. */
SATO_NODISCARD sato_err_t chain_fail(sato_chainstate_t *cs, sato_err_t err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* SATO_ENOSPC (with the message set) if the disk has less free space than
 * opts.min_free_bytes. */
SATO_NODISCARD sato_err_t chain_check_disk_space(sato_chainstate_t *cs);
/* 0 when the scripts of e may go unchecked (assumevalid), else 1. */
int chain_scripts_needed(const sato_chainstate_t *cs, const sato_blocknode_t *e);
/* 1 once opts.interrupt is set. */
int chain_interrupted(const sato_chainstate_t *cs);
void chain_mark_dirty(sato_chainstate_t *cs, sato_blocknode_t *e);
void chain_mark_invalid(sato_chainstate_t *cs, sato_blocknode_t *e);
sato_blocknode_t *chain_tip(const sato_chainstate_t *cs);
int chain_contains(const sato_chainstate_t *cs, const sato_blocknode_t *e);
void chain_add_candidate(sato_chainstate_t *cs, sato_blocknode_t *e);
void chain_rebuild_candidates(sato_chainstate_t *cs);
void chain_receive_data(sato_chainstate_t *cs, sato_blocknode_t *e);
/* CheckBlock and ContextualCheckBlock of block b at entry e. */
int chain_check_block(sato_chainstate_t *cs, sato_block_state_t *st, const sato_block_t *b,
                      sato_blocknode_t *e);
SATO_NODISCARD sato_err_t chain_store_block(sato_chainstate_t *cs, sato_blocknode_t *e, const sato_block_t *b,
                             const sato_filepos_t *known_pos);
/* Core's AcceptBlock; checked: CheckBlock already passed (only the
 * contextual checks remain). */
SATO_NODISCARD sato_err_t chain_accept_block(sato_chainstate_t *cs, sato_block_state_t *st,
                                             const sato_block_t *b, int force, int checked,
                                             const sato_filepos_t *known_pos, sato_blocknode_t **out);

/* ConnectBlock into view (a child of cs->coins), the undo data appended
 * to undo. An invalid block leaves st invalid and returns SATO_OK; view
 * is then to be thrown away. */
SATO_NODISCARD sato_err_t chain_connect_block(sato_chainstate_t *cs, sato_block_state_t *st, sato_blocknode_t *e,
                               const sato_block_t *b, sato_coins_t *view, sato_buf_t *undo);
/* DisconnectBlock of e (read from disk with its undo data) into view.
 * SATO_ECORRUPT if the undo data does not fit the UTXO set. */
SATO_NODISCARD sato_err_t chain_disconnect_block(sato_chainstate_t *cs, sato_blocknode_t *e, sato_coins_t *view);

/* One undo coin (height*2+coinbase u32, value u64, script), the script
 * borrowed from the reader's buffer. */
int chain_read_undo_coin(sato_reader_t *r, sato_coin_t *c);

#endif
