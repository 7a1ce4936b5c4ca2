#ifndef SATO_SCRIPTPOOL_H
#define SATO_SCRIPTPOOL_H

/* Worker threads for a block's script checks (Core's CCheckQueue). The
 * calling thread takes part, so `threads` counts it: 1 runs everything in
 * the caller. The verdict never depends on the thread count: the result
 * is the lowest-numbered failing check, the same one a serial run finds. */

#include <stddef.h>

#include "sato/tx_verify.h"

typedef struct sato_scriptpool sato_scriptpool_t;

/* threads 0: one per online core. */
sato_scriptpool_t *sato_scriptpool_create(unsigned threads);
void sato_scriptpool_destroy(sato_scriptpool_t *pool);
unsigned sato_scriptpool_threads(const sato_scriptpool_t *pool);

/* Runs checks[0..n). Returns n if all pass, else the index of the first
 * failing check with *err (may be NULL) set to its script error. */
size_t sato_scriptpool_run(sato_scriptpool_t *pool, const sato_script_check_t *checks, size_t n,
                           sato_script_error_t *err);

#endif
