#ifndef SATO_CHAINSTATE_QUERY_H
#define SATO_CHAINSTATE_QUERY_H

/* Read-only questions the RPC layer asks of a chain state that the core
 * API (chainstate.h) does not answer: a coin of the tip's UTXO view
 * (gettxout), every block index entry (getchaintips), the median time past
 * of an entry, and the UTXO set figures gettxoutsetinfo reports besides
 * the hash. Not thread-safe: callers hold the lock that serializes every
 * use of the chain state. */

#include <stddef.h>
#include <stdint.h>

#include "sato/buf.h"
#include "sato/chainstate.h"
#include "sato/coins.h"

/* Calls cb for every block index entry, in no particular order. */
void sato_chainstate_foreach(const sato_chainstate_t *cs,
                             void (*cb)(void *arg, const sato_blocknode_t *e), void *arg);


/* Size of the chainstate database file (gettxoutsetinfo's disk_size). */
uint64_t sato_chainstate_coins_disk_size(const sato_chainstate_t *cs);

/* The coins a connected block's transactions spent (Core's CBlockUndo),
 * from its undo data: the inputs of transaction i (i >= 1) are
 * coins[first[i]] .. coins[first[i] + b->txs[i].vin_len - 1]. Scripts
 * point into raw. */
typedef struct {
    sato_coin_t *coins;
    size_t *first;
    size_t n_txs;
    sato_buf_t raw;
} sato_block_undo_t;

/* Reads the undo data of block e (whose transactions are b). SATO_OK,
 * SATO_ENOTFOUND if e has none (genesis, never connected), SATO_ECORRUPT
 * if it does not fit b, or a storage error. *out needs
 * sato_block_undo_clear either way. */
SATO_NODISCARD sato_err_t sato_chainstate_read_undo(sato_chainstate_t *cs, sato_block_undo_t *out,
                                     const sato_blocknode_t *e, const sato_block_t *b);
void sato_block_undo_clear(sato_block_undo_t *u);

/* Bytes used by the blk and rev files. */
uint64_t sato_chainstate_blocks_size(const sato_chainstate_t *cs);

#endif
