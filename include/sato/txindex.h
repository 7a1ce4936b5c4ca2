#ifndef SATO_TXINDEX_H
#define SATO_TXINDEX_H

/* The transaction index (-txindex): txid -> the block holding it and the
 * transaction's position there, in its own LMDB environment
 * (<chain datadir>/indexes/txindex). It follows the active chain from the
 * outside: sato_txindex_sync walks from the index's own best block back
 * to the active chain (undoing the blocks a reorg left) and forward to the
 * tip, so the chain code needs no hook. Every commit records the best
 * block with the entries it covers, so a crash leaves a consistent index
 * that the next sync continues. */

#include <stdint.h>

#include "sato/chainstate.h"
#include "sato/store.h"

typedef struct sato_txindex sato_txindex_t;

/* Opens (creating) the index in dir; wipe (-reindex) empties it first. */
SATO_NODISCARD sato_err_t sato_txindex_open(sato_txindex_t **out, const char *dir, int wipe);
/* NULL: no-op. */
void sato_txindex_destroy(sato_txindex_t *ti);

/* Brings the index to the active tip of cs (whose lock the caller holds). */
SATO_NODISCARD sato_err_t sato_txindex_sync(sato_txindex_t *ti, sato_chainstate_t *cs);

/* The block (hash, internal order) that holds txid and the transaction's
 * position in it. SATO_ENOTFOUND if the index does not know txid. */
SATO_NODISCARD sato_err_t sato_txindex_find(sato_txindex_t *ti, unsigned char block_hash[32], uint32_t *pos,
                             const unsigned char txid[32]);

/* The height of the index's best block (-1 before the first sync). */
int32_t sato_txindex_height(const sato_txindex_t *ti);

#endif
