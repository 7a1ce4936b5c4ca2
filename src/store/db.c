/* LMDB wrapper: environment, transactions, automatic map growth (see
 * include/sato/db.h; iterators are in db_iter.c). */
#define _GNU_SOURCE /* pthread_rwlockattr_setkind_np */
#include <errno.h>
#include <lmdb.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db_impl.h"
#include "error.h"
#include "fsutil.h"
#include "sato/db.h"
#include "sato/fault.h"
#include "sato/mem.h"

#define DEFAULT_MAPSIZE ((size_t)64 << 20)

/* Log record: op (1), table (4), key length (4), key, [value length (4),
 * value]. */
enum { LOG_PUT = 1, LOG_DEL = 2 };

/* The environments in which this thread holds a transaction: one per
 * environment at a time, as a nested one would deadlock map growth (and
 * a second read lock behind a waiting grower). Transactions in different
 * environments may overlap. */
#define MAX_HELD 8
static _Thread_local const sato_db_t *held[MAX_HELD];

static int held_find(const sato_db_t *db) {
    int i;
    for (i = 0; i < MAX_HELD; i++) {
        if (held[i] == db) return i;
    }
    return -1;
}

sato_err_t db_map_rc(int rc, const char *what) {
    sato_err_t err;
    switch (rc) {
    case MDB_SUCCESS: return SATO_OK;
    case MDB_NOTFOUND: return SATO_ENOTFOUND;
    case MDB_MAP_FULL:
    case MDB_TXN_FULL:
    case MDB_READERS_FULL:
    case MDB_DBS_FULL:
    case MDB_TLS_FULL:
    case MDB_CURSOR_FULL:
    case MDB_PAGE_FULL:
    case MDB_MAP_RESIZED: err = SATO_EFULL; break;
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_VERSION_MISMATCH: err = SATO_ECORRUPT; break;
    case MDB_BAD_VALSIZE:
    case MDB_BAD_DBI:
    case MDB_BAD_TXN:
    case MDB_INCOMPATIBLE: err = SATO_EINVAL; break;
    default: err = store_errno(rc); break;
    }
    return store_fail(err, "lmdb: %s: %s", what, mdb_strerror(rc));
}

static int key_ok(const sato_db_t *db, unsigned table, size_t key_len) {
    return table < db->n_tables && key_len >= 1 && key_len <= SATO_DB_MAX_KEY;
}

sato_err_t sato_db_open(sato_db_t **out, const char *dir, const char *const *tables,
                        size_t n_tables, const sato_db_opts_t *opts, int *stale_readers) {
    sato_db_t *db = NULL;
    MDB_txn *txn = NULL;
    MDB_envinfo info;
    pthread_rwlockattr_t attr;
    long page = sysconf(_SC_PAGESIZE);
    size_t initial = opts && opts->initial_mapsize ? opts->initial_mapsize : DEFAULT_MAPSIZE;
    int rc, dead = 0;
    size_t i;
    sato_err_t err;

    *out = NULL;
    if (stale_readers) *stale_readers = 0;
    store_clear_detail();
    if (n_tables == 0 || n_tables > 1000) return store_fail(SATO_EINVAL, "lmdb: bad table count");
    if (page <= 0) page = 4096;
    initial = (initial + (size_t)page - 1) / (size_t)page * (size_t)page;
    if ((err = store_mkdir(dir)) != SATO_OK) return err;
    db = sato_calloc(1, sizeof(*db));
    db->n_tables = n_tables;
    db->dbi = sato_calloc(n_tables, sizeof(*db->dbi));
    db->max_mapsize = opts && opts->max_mapsize ? opts->max_mapsize : SIZE_MAX;
    pthread_rwlockattr_init(&attr);
    pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
    pthread_rwlock_init(&db->map_lock, &attr);
    pthread_rwlockattr_destroy(&attr);

    if ((rc = mdb_env_create(&db->env)) != 0) {
        db->env = NULL;
        err = db_map_rc(rc, "env_create");
        goto out;
    }
    if ((rc = mdb_env_set_maxdbs(db->env, (MDB_dbi)n_tables)) != 0 ||
        (rc = mdb_env_set_mapsize(db->env, initial)) != 0 ||
        (opts && opts->max_readers && (rc = mdb_env_set_maxreaders(db->env, opts->max_readers)) != 0)) {
        err = db_map_rc(rc, "env_set");
        goto out;
    }
    /* MDB_NOTLS: reader slots belong to transactions, not threads, so a
     * worker pool may begin and end them anywhere. No NOSYNC/WRITEMAP:
     * every commit is durable. */
    if ((rc = mdb_env_open(db->env, dir, MDB_NOTLS, 0644)) != 0) {
        err = db_map_rc(rc, dir);
        goto out;
    }
    if ((rc = mdb_reader_check(db->env, &dead)) != 0) {
        err = db_map_rc(rc, "reader_check");
        goto out;
    }
    if ((rc = mdb_txn_begin(db->env, NULL, 0, &txn)) != 0) {
        err = db_map_rc(rc, "txn_begin");
        goto out;
    }
    for (i = 0; i < n_tables; i++) {
        if ((rc = mdb_dbi_open(txn, tables[i], MDB_CREATE, &db->dbi[i])) != 0) {
            err = db_map_rc(rc, tables[i]);
            goto out;
        }
    }
    rc = mdb_txn_commit(txn);
    txn = NULL;
    if (rc != 0) {
        err = db_map_rc(rc, "txn_commit");
        goto out;
    }
    /* An existing environment may already be larger than `initial`. */
    mdb_env_info(db->env, &info);
    db->mapsize = info.me_mapsize;
    if (stale_readers) *stale_readers = dead;
    *out = db;
    db = NULL;
    err = SATO_OK;
out:
    if (txn) mdb_txn_abort(txn);
    sato_db_destroy(db);
    return err;
}

void sato_db_destroy(sato_db_t *db) {
    if (db == NULL) return;
    if (db->env) mdb_env_close(db->env);
    pthread_rwlock_destroy(&db->map_lock);
    free(db->dbi);
    free(db);
}

uint64_t sato_db_disk_size(sato_db_t *db) {
    const char *dir = NULL;
    char path[4096];
    struct stat st;
    if (mdb_env_get_path(db->env, &dir) != 0 || dir == NULL) return 0;
    snprintf(path, sizeof(path), "%s/data.mdb", dir);
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

sato_err_t sato_db_wipe(const char *dir) {
    static const char *const files[] = {"data.mdb", "lock.mdb"};
    char path[4096];
    size_t i;
    store_clear_detail();
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
        if (unlink(path) != 0 && errno != ENOENT)
            return store_fail(store_errno(errno), "%s: unlink: %s", path, strerror(errno));
    }
    return access(dir, F_OK) == 0 ? store_sync_dir(dir) : SATO_OK;
}

size_t sato_db_mapsize(sato_db_t *db) {
    return db->mapsize;
}

sato_err_t sato_db_reader_check(sato_db_t *db, int *dead) {
    int rc;
    *dead = 0;
    store_clear_detail();
    rc = mdb_reader_check(db->env, dead);
    return rc ? db_map_rc(rc, "reader_check") : SATO_OK;
}

/* Resizes the map with every transaction of this process ended. `seen`
 * is the size the caller failed with: if another writer grew the map in
 * the meantime, that is enough. `adopt` takes the size another process
 * set (MDB_MAP_RESIZED) instead of doubling. */
static sato_err_t grow_map(sato_db_t *db, size_t seen, int adopt) {
    MDB_envinfo info;
    sato_err_t err = SATO_OK;
    int rc;
    pthread_rwlock_wrlock(&db->map_lock);
    if (adopt) {
        if ((rc = mdb_env_set_mapsize(db->env, 0)) != 0) err = db_map_rc(rc, "set_mapsize");
    } else if (db->mapsize == seen) {
        size_t next = seen > db->max_mapsize / 2 ? db->max_mapsize : seen * 2;
        if (next <= seen) {
            err = store_fail(SATO_EFULL, "lmdb: map full at its limit of %zu bytes", seen);
        } else if ((rc = mdb_env_set_mapsize(db->env, next)) != 0) {
            err = db_map_rc(rc, "set_mapsize");
        }
    }
    mdb_env_info(db->env, &info);
    db->mapsize = info.me_mapsize;
    pthread_rwlock_unlock(&db->map_lock);
    return err;
}

/* Only called when held_find(db) < 0 and a free slot exists. */
static void lock_shared(sato_db_t *db) {
    pthread_rwlock_rdlock(&db->map_lock);
    held[held_find(NULL)] = db;
}

static void unlock_shared(sato_db_t *db) {
    held[held_find(db)] = NULL;
    pthread_rwlock_unlock(&db->map_lock);
}

static sato_err_t begin(sato_db_t *db, sato_db_txn_t **out, int write) {
    sato_db_txn_t *t;
    int rc;
    *out = NULL;
    store_clear_detail();
    if (held_find(db) >= 0) {
        return store_fail(SATO_EINVAL, "lmdb: this thread already holds a transaction");
    }
    if (held_find(NULL) < 0) {
        return store_fail(SATO_EINVAL, "lmdb: this thread holds too many transactions");
    }
    for (;;) {
        size_t seen;
        MDB_txn *txn;
        lock_shared(db);
        seen = db->mapsize;
        rc = mdb_txn_begin(db->env, NULL, write ? 0 : MDB_RDONLY, &txn);
        if (rc == 0) {
            t = sato_calloc(1, sizeof(*t));
            t->db = db;
            t->txn = txn;
            t->write = write;
            sato_buf_init(&t->log);
            *out = t;
            return SATO_OK;
        }
        unlock_shared(db);
        if (rc != MDB_MAP_RESIZED) return db_map_rc(rc, "txn_begin");
        /* Another process grew the map: adopt its size and retry. */
        if (grow_map(db, seen, 1) != SATO_OK) return db_map_rc(rc, "txn_begin");
    }
}

sato_err_t sato_db_begin_read(sato_db_t *db, sato_db_txn_t **out) {
    return begin(db, out, 0);
}

sato_err_t sato_db_begin_write(sato_db_t *db, sato_db_txn_t **out) {
    return begin(db, out, 1);
}

/* Applies one logged operation to t->txn; a missing key for a del is fine
 * (the caller already got SATO_ENOTFOUND the first time). Returns the
 * LMDB code. */
static int apply(sato_db_txn_t *t, int op, unsigned table, MDB_val *k, MDB_val *v) {
    int rc;
    if (op == LOG_PUT) return mdb_put(t->txn, t->db->dbi[table], k, v, 0);
    rc = mdb_del(t->txn, t->db->dbi[table], k, NULL);
    return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Replays the whole log into t->txn. */
static int replay(sato_db_txn_t *t) {
    sato_reader_t r;
    sato_reader_init(&r, t->log.data, t->log.len);
    while (sato_reader_left(&r) > 0) {
        uint8_t op;
        uint32_t table, klen, vlen = 0;
        const unsigned char *kp = NULL, *vp = NULL;
        MDB_val k, v;
        int rc;
        sato_read_u8(&r, &op);
        sato_read_u32(&r, &table);
        sato_read_u32(&r, &klen);
        sato_read_span(&r, &kp, klen);
        if (op == LOG_PUT) {
            sato_read_u32(&r, &vlen);
            sato_read_span(&r, &vp, vlen);
        }
        if (r.failed) abort(); /* our own log: cannot happen */
        k.mv_data = (void *)kp;
        k.mv_size = klen;
        v.mv_data = (void *)vp;
        v.mv_size = vlen;
        if ((rc = apply(t, op, table, &k, &v)) != 0) return rc;
    }
    return 0;
}

/* Handles MDB_MAP_FULL from the last write or the commit: the LMDB
 * transaction is gone (or must go), so end it, grow the map with nothing
 * open, begin again and replay the log. Loops until the log fits or the
 * map reaches its limit. `commit` also commits at the end. If another
 * thread committed a write in the gap, the replay lands on top of it, as
 * if this transaction had begun later; a node has one writer, so this is
 * only a note. */
static sato_err_t grow_and_replay(sato_db_txn_t *t, int commit) {
    sato_db_t *db = t->db;
    for (;;) {
        size_t seen = db->mapsize;
        sato_err_t err;
        int rc;
        if (t->txn) mdb_txn_abort(t->txn);
        t->txn = NULL;
        t->gen++;
        unlock_shared(db);
        err = grow_map(db, seen, 0);
        lock_shared(db);
        if (err != SATO_OK) return err;
        if ((rc = mdb_txn_begin(db->env, NULL, 0, &t->txn)) != 0) {
            t->txn = NULL;
            return db_map_rc(rc, "txn_begin");
        }
        rc = replay(t);
        if (rc == 0 && commit) {
            int ok;
            if ((ok = sato_fault_point("db.commit")) != 0) return db_map_rc(ok, "commit");
            rc = mdb_txn_commit(t->txn);
            t->txn = NULL; /* freed by LMDB whatever the outcome */
        }
        if (rc == 0) return SATO_OK;
        if (rc != MDB_MAP_FULL) return db_map_rc(rc, commit ? "commit" : "put");
    }
}

/* Runs one put or del: log it, apply it, grow on a full map. */
static sato_err_t write_op(sato_db_txn_t *t, int op, unsigned table, const unsigned char *key,
                           size_t key_len, const unsigned char *val, size_t val_len) {
    MDB_val k, v;
    int rc;
    size_t n = key_len + (op == LOG_PUT ? val_len : 0);
    if ((rc = sato_fault_point(op == LOG_PUT ? "db.put" : "db.del")) != 0) {
        return t->failed = db_map_rc(rc, op == LOG_PUT ? "put" : "del");
    }
    if (sato_fault_write_allow(n) < n) return t->failed = db_map_rc(ENOSPC, "put");
    sato_buf_write_u8(&t->log, (uint8_t)op);
    sato_buf_write_u32(&t->log, table);
    sato_buf_write_u32(&t->log, (uint32_t)key_len);
    sato_buf_write(&t->log, key, key_len);
    if (op == LOG_PUT) {
        sato_buf_write_u32(&t->log, (uint32_t)val_len);
        sato_buf_write(&t->log, val, val_len);
    }
    k.mv_data = (void *)key;
    k.mv_size = key_len;
    v.mv_data = (void *)val;
    v.mv_size = val_len;
    if (op == LOG_PUT) {
        rc = mdb_put(t->txn, t->db->dbi[table], &k, &v, 0);
    } else {
        rc = mdb_del(t->txn, t->db->dbi[table], &k, NULL);
        if (rc == MDB_NOTFOUND) return SATO_ENOTFOUND;
    }
    if (rc == 0) return SATO_OK;
    if (rc == MDB_MAP_FULL) return t->failed = grow_and_replay(t, 0);
    return t->failed = db_map_rc(rc, op == LOG_PUT ? "put" : "del");
}

sato_err_t sato_db_put(sato_db_txn_t *txn, unsigned table, const unsigned char *key,
                       size_t key_len, const unsigned char *val, size_t val_len) {
    store_clear_detail();
    if (!txn->write) return store_fail(SATO_EINVAL, "lmdb: put in a read transaction");
    if (txn->failed) return txn->failed;
    if (!key_ok(txn->db, table, key_len) || val_len > UINT32_MAX) {
        return store_fail(SATO_EINVAL, "lmdb: bad table or key size %zu", key_len);
    }
    return write_op(txn, LOG_PUT, table, key, key_len, val, val_len);
}

sato_err_t sato_db_del(sato_db_txn_t *txn, unsigned table, const unsigned char *key,
                       size_t key_len) {
    store_clear_detail();
    if (!txn->write) return store_fail(SATO_EINVAL, "lmdb: del in a read transaction");
    if (txn->failed) return txn->failed;
    if (!key_ok(txn->db, table, key_len)) {
        return store_fail(SATO_EINVAL, "lmdb: bad table or key size %zu", key_len);
    }
    return write_op(txn, LOG_DEL, table, key, key_len, NULL, 0);
}

sato_err_t sato_db_get(sato_db_txn_t *txn, sato_buf_t *val, unsigned table,
                       const unsigned char *key, size_t key_len) {
    MDB_val k, v;
    int rc;
    val->len = 0;
    store_clear_detail();
    if (txn->failed) return txn->failed;
    if (!key_ok(txn->db, table, key_len)) {
        return store_fail(SATO_EINVAL, "lmdb: bad table or key size %zu", key_len);
    }
    k.mv_data = (void *)key;
    k.mv_size = key_len;
    rc = mdb_get(txn->txn, txn->db->dbi[table], &k, &v);
    if (rc != 0) return db_map_rc(rc, "get");
    /* Copied: v points into the map and dies with the transaction. */
    sato_buf_write(val, v.mv_data, v.mv_size);
    return SATO_OK;
}

static void txn_free(sato_db_txn_t *t) {
    if (t->txn) mdb_txn_abort(t->txn);
    unlock_shared(t->db);
    sato_buf_clear(&t->log);
    free(t);
}

sato_err_t sato_db_commit(sato_db_txn_t *txn) {
    sato_err_t err = SATO_OK;
    int rc;
    store_clear_detail();
    if (!txn->write) {
        txn_free(txn);
        return SATO_OK;
    }
    if (txn->failed) {
        err = txn->failed;
        goto out;
    }
    if ((rc = sato_fault_point("db.commit")) != 0) {
        err = db_map_rc(rc, "commit");
        goto out;
    }
    rc = mdb_txn_commit(txn->txn);
    txn->txn = NULL; /* LMDB frees it even when the commit fails */
    if (rc == MDB_MAP_FULL) {
        err = grow_and_replay(txn, 1);
    } else if (rc != 0) {
        err = db_map_rc(rc, "commit");
    }
    if (err == SATO_OK) sato_fault_point("db.committed"); /* exit-only */
out:
    txn_free(txn);
    return err;
}

void sato_db_abort(sato_db_txn_t *txn) {
    if (txn == NULL) return;
    txn_free(txn);
}
