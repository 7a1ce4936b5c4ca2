#ifndef SATO_FAULT_H
#define SATO_FAULT_H

/* Fault injection for crash and disk-error tests (reliability.md 5.2).
 *
 * Compiled in only when SATO_FAULT_INJECT is defined (CMake option of the
 * same name, ON in `make test`); otherwise every hook is a constant the
 * compiler removes. Faults are chosen by environment variables, read at the
 * first hook (and again by sato_fault_reload):
 *
 *   FI_EXIT_AT=<site>:<n>   _exit(137) the n-th time (from 1) <site> is
 *                           reached, like a kill -9 at that point
 *   FI_EIO_ON=<site>[,...]  the operation at <site> fails with EIO (except
 *                           at the exit-only sites marked below)
 *   FI_ENOSPC_AFTER=<bytes> block/undo file writes and LMDB puts fail with
 *                           ENOSPC once that many bytes were written (a
 *                           write that crosses the limit is cut short, so
 *                           a torn record is left behind as on a full disk)
 *
 * Sites of src/store, in the order a flush reaches them:
 *   blk.create, rev.create   a new block/undo file is being created
 *   blk.write, rev.write     a record is about to be written
 *   blk.torn, rev.torn       half a record is written (exit only)
 *   blk.appended, rev.appended  a record is written, not yet synced
 *                            (exit only)
 *   blk.fsync, rev.fsync     a file is about to be fdatasync'ed
 *   store.flushed            blk and rev files are durable; the LMDB
 *                            commit that points at them comes next (exit
 *                            only)
 *   db.put, db.del           an LMDB write inside a transaction
 *   db.commit                about to call mdb_txn_commit
 *   db.committed             the LMDB commit returned successfully (exit
 *                            only)
 * Layers above may add their own sites with sato_fault_point. */

#include <stddef.h>

#ifdef SATO_FAULT_INJECT
/* Counts one visit of site; exits the process or returns EIO if the
 * environment says so, otherwise returns 0. */
int sato_fault_point(const char *site);
/* How many of n bytes may still be written before the ENOSPC limit; each
 * call consumes what it allows. */
size_t sato_fault_write_allow(size_t n);
/* Re-reads the environment and resets all counters (for in-process
 * tests that change the variables with setenv). */
void sato_fault_reload(void);
#else
/* Inline no-ops (functions, not macros, so no self-comparison warnings at
 * the call sites); the optimizer removes them. */
static inline int sato_fault_point(const char *site) {
    (void)site;
    return 0;
}
static inline size_t sato_fault_write_allow(size_t n) {
    return n;
}
static inline void sato_fault_reload(void) {
}
#endif

#endif
