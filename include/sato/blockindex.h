#ifndef SATO_BLOCKINDEX_H
#define SATO_BLOCKINDEX_H

/* The block index (sato_blockindex_t, Core's BlockMap): one node per
 * known header (sato_blocknode_t, Core's CBlockIndex), linked to its
 * parent, found by hash, with a skip pointer for O(log n) ancestor
 * lookups. Nodes never move or go away while the index lives. */

#include <stddef.h>
#include <stdint.h>

#include "sato/arith.h"
#include "sato/block.h"
#include "sato/blockfile.h"
#include "sato/difficulty.h"

/* Status bits (persisted). */
#define SATO_BLOCKNODE_HEADER_OK 0x01u   /* header checked in context */
#define SATO_BLOCKNODE_HAVE_DATA 0x02u   /* full block in a blk file */
#define SATO_BLOCKNODE_HAVE_UNDO 0x04u   /* undo data in a rev file */
#define SATO_BLOCKNODE_TXS_OK 0x08u      /* passed CheckBlock and ContextualCheckBlock */
#define SATO_BLOCKNODE_SCRIPTS_OK 0x10u  /* was connected (fully valid) */
#define SATO_BLOCKNODE_FAILED 0x20u      /* invalid itself */
#define SATO_BLOCKNODE_FAILED_PARENT 0x40u /* descends from an invalid block */
#define SATO_BLOCKNODE_FAILED_MASK (SATO_BLOCKNODE_FAILED | SATO_BLOCKNODE_FAILED_PARENT)

typedef struct sato_blocknode {
    unsigned char hash[32];
    sato_block_header_t header;
    struct sato_blocknode *prev;
    struct sato_blocknode *skip;
    struct sato_blocknode *first_child; /* children, newest first */
    struct sato_blocknode *next_sibling;
    int32_t height;
    uint32_t status;
    uint32_t n_tx;
    sato_u256_t chain_work; /* total work up to and including this block */
    sato_filepos_t data_pos;
    sato_filepos_t undo_pos;
    uint64_t seq;        /* arrival order, for tie-breaking equal work */
    int chain_available; /* this block and all its ancestors have data */
    int dirty;           /* changed since the last flush */
} sato_blocknode_t;

typedef struct sato_blockindex sato_blockindex_t;

sato_blockindex_t *sato_blockindex_create(void);
void sato_blockindex_destroy(sato_blockindex_t *bi);

sato_blocknode_t *sato_blockindex_find(const sato_blockindex_t *bi, const unsigned char hash[32]);

/* Adds an entry for header (hash given) with parent prev (NULL only for
 * genesis): height, chain work and skip pointer are filled in. The hash
 * must be new. */
sato_blocknode_t *sato_blockindex_add(sato_blockindex_t *bi, const unsigned char hash[32],
                                     const sato_block_header_t *header, sato_blocknode_t *prev);

size_t sato_blockindex_size(const sato_blockindex_t *bi);
/* Calls cb for every entry (in no particular order). */
void sato_blockindex_foreach(const sato_blockindex_t *bi,
                             void (*cb)(void *arg, sato_blocknode_t *e), void *arg);

/* The ancestor of e at height (NULL if height is out of [0, e->height]). */
const sato_blocknode_t *sato_blocknode_ancestor(const sato_blocknode_t *e, int32_t height);

/* The last common ancestor of a and b. */
const sato_blocknode_t *sato_blocknode_fork(const sato_blocknode_t *a, const sato_blocknode_t *b);

/* Serialized entry for the database: header, height, status, n_tx,
 * data_pos, undo_pos, seq (124 bytes). */
#define SATO_BLOCKNODE_RECORD_SIZE 124
void sato_blocknode_record_write(unsigned char out[SATO_BLOCKNODE_RECORD_SIZE],
                                const sato_blocknode_t *e);

/* The chain ending at prev as the difficulty and MTP code read it (time,
 * bits and hash by height, through ancestor lookups). prev may be NULL. */
void sato_blocknode_chain_view(sato_chain_view_t *v, const sato_blocknode_t *prev);

/* Core's GetMedianTimePast: the median time of e and up to ten
 * ancestors. */
int64_t sato_blocknode_median_time_past(const sato_blocknode_t *e);

#endif
