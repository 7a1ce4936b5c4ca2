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

/* A job fed while it runs (Core's CCheckQueueControl), so that scripts
 * are checked while the caller is still reading coins: begin with the
 * array (which must not move), add(n) each time checks[0..n) are ready,
 * finish to wait for all of them. finish must be called before the array
 * is freed, whatever happens. Its result is as sato_scriptpool_run's over
 * the n of the last add. */
void sato_scriptpool_begin(sato_scriptpool_t *pool, const sato_script_check_t *checks);
void sato_scriptpool_add(sato_scriptpool_t *pool, size_t n);
size_t sato_scriptpool_finish(sato_scriptpool_t *pool, sato_script_error_t *err);

/* Runs checks[0..n). Returns n if all pass, else the index of the first
 * failing check with *err (may be NULL) set to its script error. */
size_t sato_scriptpool_run(sato_scriptpool_t *pool, const sato_script_check_t *checks, size_t n,
                           sato_script_error_t *err);

#endif
