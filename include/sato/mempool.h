#ifndef SATO_MEMPOOL_H
#define SATO_MEMPOOL_H

/* The transaction memory pool (Bitcoin Core's CTxMemPool): unconfirmed
 * transactions that would be valid in the next block, found by txid and
 * by wtxid, with the outpoints they spend, their in-pool parents and
 * children, and the clusters (connected components) Core 31 bounds.
 *
 * Locking: the pool has no lock of its own. Every use, reads included,
 * happens under the chain lock (sato_chainctl_lock, Core's cs_main),
 * because acceptance reads the chain's UTXO view and tip and the chain's
 * tip events change the pool: one lock makes both consistent. */

#include <stddef.h>
#include <stdint.h>

#include "sato/block.h"
#include "sato/coins.h"
#include "sato/policy.h"
#include "sato/tx.h"

/* The height a coin created by a pool transaction reads as (Core's
 * MEMPOOL_HEIGHT). */
#define SATO_MEMPOOL_HEIGHT 0x7fffffff
/* Core's -maxmempool default, in bytes. */
#define SATO_MEMPOOL_MAX_BYTES (300u * 1000u * 1000u)

typedef struct sato_mempool_entry {
    sato_tx_t tx;
    unsigned char txid[32];
    unsigned char wtxid[32];
    int64_t fee;
    int64_t weight;
    int64_t sigop_cost;
    int64_t vsize;      /* sigop-adjusted (Core's GetTxSize) */
    int64_t time;       /* when it entered, seconds since the epoch */
    int32_t height;     /* the tip's height then */
    uint64_t sequence;  /* entry order */
    int spends_coinbase;
    struct sato_mempool_entry **parents; /* in-pool transactions it spends, each once */
    size_t n_parents;
    struct sato_mempool_entry **children;
    size_t n_children;
    /* Internal. */
    size_t slot;
    uint64_t mark;
    size_t usage;
} sato_mempool_entry_t;

typedef struct sato_mempool sato_mempool_t;

sato_mempool_t *sato_mempool_create(void);
void sato_mempool_destroy(sato_mempool_t *pool); /* NULL: no-op */

/* The settings acceptance applies (Core's defaults after create). */
sato_policy_t *sato_mempool_policy(sato_mempool_t *pool);

size_t sato_mempool_size(const sato_mempool_t *pool);
/* Sum of the entries' vsizes (getmempoolinfo's bytes). */
int64_t sato_mempool_total_vsize(const sato_mempool_t *pool);
int64_t sato_mempool_total_fee(const sato_mempool_t *pool);
/* Estimated heap bytes held (getmempoolinfo's usage). */
size_t sato_mempool_usage(const sato_mempool_t *pool);
/* The i-th entry (no particular order; changes with every add/remove). */
sato_mempool_entry_t *sato_mempool_at(const sato_mempool_t *pool, size_t i);
/* Bumped by every addition and removal (Core's mempool_sequence). */
uint64_t sato_mempool_sequence(const sato_mempool_t *pool);

sato_mempool_entry_t *sato_mempool_get(const sato_mempool_t *pool, const unsigned char txid[32]);
sato_mempool_entry_t *sato_mempool_get_wtxid(const sato_mempool_t *pool, const unsigned char wtxid[32]);
/* The pool transaction spending op, or NULL. */
sato_mempool_entry_t *sato_mempool_spender(const sato_mempool_t *pool, const sato_outpoint_t *op);
/* The output op names if a pool transaction created it, else NULL. */
const sato_txout_t *sato_mempool_output(const sato_mempool_t *pool, const sato_outpoint_t *op);

/* Adds tx (copied) with what acceptance computed; links it to the in-pool
 * parents and records its spent outpoints. The caller has checked it
 * conflicts with nothing in the pool. Returns the entry. */
sato_mempool_entry_t *sato_mempool_add(sato_mempool_t *pool, const sato_tx_t *tx, int64_t fee, int64_t sigop_cost,
                                       int64_t time, int32_t height, int spends_coinbase);

/* Removes e alone (its children lose it as a parent: they now spend a
 * confirmed output) and frees it. */
void sato_mempool_remove(sato_mempool_t *pool, sato_mempool_entry_t *e);
/* Removes e and every descendant. Returns how many went. */
size_t sato_mempool_remove_recursive(sato_mempool_t *pool, sato_mempool_entry_t *e);
/* Core's removeForBlock: every transaction of the block leaves the pool,
 * and so does anything else spending one of its inputs (a conflict),
 * with its descendants. */
void sato_mempool_remove_for_block(sato_mempool_t *pool, const sato_block_t *block);
/* Removes everything. */
void sato_mempool_clear(sato_mempool_t *pool);

/* Ancestors or descendants of e, e excluded, into a sato_malloc'd array
 * (*n of them; the caller frees it). */
sato_mempool_entry_t **sato_mempool_ancestors(sato_mempool_t *pool, const sato_mempool_entry_t *e, size_t *n);
sato_mempool_entry_t **sato_mempool_descendants(sato_mempool_t *pool, const sato_mempool_entry_t *e, size_t *n);
/* Count, vsize and fee of e and its ancestors / descendants. */
typedef struct {
    size_t count;
    int64_t vsize;
    int64_t fee;
} sato_mempool_sum_t;
void sato_mempool_ancestor_sum(sato_mempool_t *pool, const sato_mempool_entry_t *e, sato_mempool_sum_t *out);
void sato_mempool_descendant_sum(sato_mempool_t *pool, const sato_mempool_entry_t *e, sato_mempool_sum_t *out);

/* The cluster (connected component) of e, e included. */
sato_mempool_entry_t **sato_mempool_cluster(sato_mempool_t *pool, const sato_mempool_entry_t *e, size_t *n);
/* Count and vsize of the cluster a new transaction spending tx's
 * in-pool parents would make (itself included, vsize given). */
void sato_mempool_cluster_with(sato_mempool_t *pool, const sato_tx_t *tx, int64_t vsize, size_t *count,
                               int64_t *cluster_vsize);

/* Core's chunk of e: its cluster is ordered by repeatedly taking the
 * ancestor set (within what is left) of highest feerate, then merged into
 * chunks of falling feerate. Fee and sigop-adjusted weight of e's chunk. */
void sato_mempool_chunk(sato_mempool_t *pool, const sato_mempool_entry_t *e, int64_t *fee, int64_t *weight);

/* Every entry in an order a block may hold them (parents first, the
 * highest feerate chunks first, as above); *n entries, caller frees. */
sato_mempool_entry_t **sato_mempool_mining_order(sato_mempool_t *pool, size_t *n);

/* What a block may take from the pool (Core's BlockAssembler, simplest
 * form): entries in mining order, each only after all its in-pool
 * parents, while the block's weight and sigop cost stay within the
 * limits given (the coinbase's share already taken off). *n entries,
 * *fees their total fee; caller frees the array. */
sato_mempool_entry_t **sato_mempool_select(sato_mempool_t *pool, int64_t max_weight, int64_t max_sigop_cost,
                                           size_t *n, int64_t *fees);

#endif
