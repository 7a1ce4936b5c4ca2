#ifndef SATO_MEMPOOL_IMPL_H
#define SATO_MEMPOOL_IMPL_H

/* The pool's insides, shared by the files of src/mempool. */

#include "hashmap.h"
#include "sato/blockindex.h"
#include "sato/mempool.h"

struct sato_chainctl;

struct sato_mempool {
    sato_mempool_entry_t **entries;
    size_t len, cap;
    sato_hmap_t by_txid, by_wtxid, spent;
    int64_t total_vsize, total_fee;
    size_t usage;
    uint64_t next_entry, sequence, epoch;
    sato_policy_t policy;
    /* The chain it follows (events.c): the tip it last saw. */
    struct sato_chainctl *ctl;
    const sato_blocknode_t *tip;
};

#endif
