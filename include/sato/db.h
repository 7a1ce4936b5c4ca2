#ifndef SATO_DB_H
#define SATO_DB_H

/* A thin LMDB wrapper: one environment in a directory with named tables
 * (LMDB sub-databases), short read transactions that copy data out, and
 * write transactions whose commit is atomic and durable (default LMDB
 * flags: no MDB_NOSYNC, no MDB_WRITEMAP; a commit survives kill -9 and
 * power loss without any recovery step).
 *
 * The map grows by itself. When a write hits MDB_MAP_FULL, the
 * transaction is aborted, the map doubled (mdb_env_set_mapsize) and every
 * put/del of the transaction replayed from a log it keeps, so callers never
 * see a full map below opts.max_mapsize. LMDB allows resizing only while no
 * transaction of this process is open, hence the rules:
 *   - keep read transactions short (copy out and end them): growth waits
 *     for every open transaction to end;
 *   - one transaction per environment and thread at a time (a second
 *     begin in the same thread fails with SATO_EINVAL instead of
 *     deadlocking the growth); different environments may overlap.
 * The replay log costs a copy of everything a write transaction writes.
 *
 * Storage limits (full map at max_mapsize, MDB_TXN_FULL: too many dirty
 * pages in one transaction, reader table full) are SATO_EFULL and a full
 * disk SATO_ENOSPC: reasons to stop, never verdicts on data (BIP50). After
 * any error except SATO_ENOTFOUND a write transaction is dead: every later
 * call on it returns the same error and commit aborts it. */

#include <stddef.h>
#include <stdint.h>

#include "sato/buf.h"
#include "sato/store.h"

#define SATO_DB_MAX_KEY 511 /* LMDB's default key size limit */

typedef struct sato_db sato_db_t;
typedef struct sato_db_txn sato_db_txn_t;
typedef struct sato_db_iter sato_db_iter_t;

typedef struct {
    size_t initial_mapsize; /* 0: 64 MiB; the map never starts below the data */
    size_t max_mapsize;     /* 0: no limit but the address space */
    unsigned max_readers;   /* 0: LMDB's default (126) */
} sato_db_opts_t;

/* Opens (creating if needed) the environment in directory dir with the
 * tables named tables[0..n_tables), which callers then address by index.
 * Stale reader slots left by crashed processes are cleared
 * (mdb_reader_check) so they cannot pin old pages forever; their number goes
 * to *stale_readers when it is not NULL. opts may be NULL. The same
 * environment must not be opened twice in one process (LMDB's locks are
 * per process). */
SATO_NODISCARD sato_err_t sato_db_open(sato_db_t **out, const char *dir, const char *const *tables,
                        size_t n_tables, const sato_db_opts_t *opts, int *stale_readers);
/* Closes the environment; every transaction must have ended. NULL: no-op. */
void sato_db_destroy(sato_db_t *db);
/* Bytes of the environment's data file on disk (Core's disk_size of the
 * chainstate); 0 if it cannot be read. */
uint64_t sato_db_disk_size(sato_db_t *db);
/* Deletes the environment's files in dir (it must not be open), durably,
 * so that the next sato_db_open starts empty. A missing file is fine. */
SATO_NODISCARD sato_err_t sato_db_wipe(const char *dir);

/* Current map size in bytes (grows as data is written). */
size_t sato_db_mapsize(sato_db_t *db);

/* Clears reader slots of dead processes; *dead receives their number. */
SATO_NODISCARD sato_err_t sato_db_reader_check(sato_db_t *db, int *dead);

SATO_NODISCARD sato_err_t sato_db_begin_read(sato_db_t *db, sato_db_txn_t **out);
SATO_NODISCARD sato_err_t sato_db_begin_write(sato_db_t *db, sato_db_txn_t **out);

/* Copies the value of key into val (replacing its contents). */
SATO_NODISCARD sato_err_t sato_db_get(sato_db_txn_t *txn, sato_buf_t *val, unsigned table,
                       const unsigned char *key, size_t key_len);
/* Keys are 1..SATO_DB_MAX_KEY bytes (SATO_EINVAL otherwise). */
SATO_NODISCARD sato_err_t sato_db_put(sato_db_txn_t *txn, unsigned table, const unsigned char *key,
                       size_t key_len, const unsigned char *val, size_t val_len);
/* SATO_ENOTFOUND if the key was absent (the transaction stays usable). */
SATO_NODISCARD sato_err_t sato_db_del(sato_db_txn_t *txn, unsigned table, const unsigned char *key,
                       size_t key_len);

/* Ends the transaction: a write transaction is committed atomically (all
 * or nothing), a read transaction just released. txn is freed either way. */
SATO_NODISCARD sato_err_t sato_db_commit(sato_db_txn_t *txn);
/* Ends the transaction discarding its writes. NULL: no-op. */
void sato_db_abort(sato_db_txn_t *txn);

/* Iteration in key order (bytewise). An iterator must be destroyed before
 * its transaction ends. seek goes to the first key >= key (key_len 0: the
 * first key); next moves on. Both return SATO_ENOTFOUND past the end. The
 * pointers from key/value stay valid until the next call on this
 * transaction; copy what you keep. Puts and dels may be mixed with
 * iteration in a write transaction. */
SATO_NODISCARD sato_err_t sato_db_iter_create(sato_db_iter_t **out, sato_db_txn_t *txn, unsigned table);
SATO_NODISCARD sato_err_t sato_db_iter_seek(sato_db_iter_t *it, const unsigned char *key, size_t key_len);
SATO_NODISCARD sato_err_t sato_db_iter_next(sato_db_iter_t *it);
void sato_db_iter_key(const sato_db_iter_t *it, const unsigned char **key, size_t *key_len);
void sato_db_iter_value(const sato_db_iter_t *it, const unsigned char **val, size_t *val_len);
void sato_db_iter_destroy(sato_db_iter_t *it);

#endif
