#ifndef SATO_STORE_H
#define SATO_STORE_H

/* Errors of the storage layer (src/store), shared by every layer above it.
 *
 * None of these ever means "the data is invalid" in the consensus sense: a
 * full disk, a full LMDB map or a failing sector is a reason to stop the node
 * with a clear message, never a reason to mark a block or transaction
 * invalid (BIP50, bitcoin/bitcoin#26112). */

#include "sato/error.h"

/* A short constant description of err ("I/O error", ...). */
const char *sato_err_str(sato_err_t err);

/* Details of the last error this thread got from the storage layer: the
 * file or operation and the system's message, e.g.
 * "blocks/blk00003.dat: write: No space left on device". Empty when there
 * is none. Valid until the next storage call in this thread. */
const char *sato_err_detail(void);

#endif
