#ifndef SATO_MEMPOOL_TRUC_H
#define SATO_MEMPOOL_TRUC_H

/* Topologically restricted until confirmation (BIP431, Core's
 * policy/truc_policy.cpp) for one transaction against the pool. */

#include <stddef.h>
#include <stdint.h>

#include "sato/mempool.h"

#define SATO_TRUC_VERSION 3
#define SATO_TRUC_MAX_VSIZE 10000
#define SATO_TRUC_CHILD_MAX_VSIZE 1000

/* Core's SingleTRUCChecks, without sibling eviction (no replacement
 * yet): 1, or 0 with Core's explanation in err (the debug message of a
 * "TRUC-violation"). */
int sato_mempool_truc_check(sato_mempool_t *pool, const sato_tx_t *tx, const unsigned char txid[32],
                            const unsigned char wtxid[32], int64_t vsize, char *err, size_t errlen);

#endif
