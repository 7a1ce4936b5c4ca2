#ifndef SATO_STORE_DB_IMPL_H
#define SATO_STORE_DB_IMPL_H

/* Internals shared by db.c and db_iter.c. */

#include <lmdb.h>
#include <pthread.h>
#include <stddef.h>

#include "sato/db.h"

struct sato_db {
    MDB_env *env;
    MDB_dbi *dbi;
    size_t n_tables;
    /* Atomic so sato_db_mapsize needs no lock (a thread holding a
     * transaction must never take map_lock again). */
    _Atomic size_t mapsize;
    size_t max_mapsize;
    /* Held shared by every open transaction and exclusively while the map
     * is resized, which LMDB allows only with no transaction open.
     * Writer-preferring, so a stream of readers cannot starve growth. */
    pthread_rwlock_t map_lock;
};

struct sato_db_txn {
    sato_db_t *db;
    MDB_txn *txn;     /* NULL only briefly while the map grows */
    int write;
    sato_err_t failed; /* latched error of a write transaction */
    sato_buf_t log;   /* every put/del, to replay after growth */
    unsigned gen;     /* bumped when the LMDB transaction is replaced */
};

/* Maps an LMDB return code to an error and records the detail. */
SATO_NODISCARD sato_err_t db_map_rc(int rc, const char *what);

#endif
