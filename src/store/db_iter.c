/* Iteration over an LMDB table, surviving map growth inside a write
 * transaction (see include/sato/db.h). */
#include <stdlib.h>
#include <string.h>

#include "db_impl.h"
#include "error.h"
#include "sato/mem.h"

struct sato_db_iter {
    sato_db_txn_t *txn;
    unsigned table;
    MDB_cursor *cur;
    unsigned gen;     /* txn->gen the cursor belongs to */
    int valid;        /* positioned on a key */
    int sought;       /* seek was called: next is meaningful */
    int ahead;        /* after a replay the cursor already sits past key */
    sato_buf_t key;   /* copy of the current key, to find it again */
    MDB_val k, v;
};

sato_err_t sato_db_iter_create(sato_db_iter_t **out, sato_db_txn_t *txn, unsigned table) {
    sato_db_iter_t *it;
    int rc;
    MDB_cursor *cur;
    *out = NULL;
    store_clear_detail();
    if (txn->failed) return txn->failed;
    if (table >= txn->db->n_tables) return store_fail(SATO_EINVAL, "lmdb: bad table");
    if ((rc = mdb_cursor_open(txn->txn, txn->db->dbi[table], &cur)) != 0) {
        return db_map_rc(rc, "cursor_open");
    }
    it = sato_calloc(1, sizeof(*it));
    it->txn = txn;
    it->table = table;
    it->cur = cur;
    it->gen = txn->gen;
    sato_buf_init(&it->key);
    *out = it;
    return SATO_OK;
}

/* Records the cursor's position (k, v) and a copy of the key. */
static sato_err_t iter_land(sato_db_iter_t *it, int rc) {
    it->valid = 0;
    if (rc != 0) return db_map_rc(rc, "cursor");
    it->key.len = 0;
    sato_buf_write(&it->key, it->k.mv_data, it->k.mv_size);
    it->valid = 1;
    return SATO_OK;
}

/* After growth replaced the LMDB transaction (whose end freed the old
 * cursor), opens a new cursor at the saved key or, if that key was
 * deleted since, just after it. */
static sato_err_t iter_renew(sato_db_iter_t *it) {
    sato_db_txn_t *t = it->txn;
    int rc;
    if (it->gen == t->gen) return SATO_OK;
    if (t->failed) return t->failed;
    if ((rc = mdb_cursor_open(t->txn, t->db->dbi[it->table], &it->cur)) != 0) {
        it->cur = NULL;
        return db_map_rc(rc, "cursor_open");
    }
    it->gen = t->gen;
    if (it->valid) {
        it->k.mv_data = it->key.data;
        it->k.mv_size = it->key.len;
        rc = mdb_cursor_get(it->cur, &it->k, &it->v, MDB_SET_RANGE);
        if (rc == MDB_NOTFOUND) {
            it->valid = 0;
            return SATO_OK;
        }
        if (rc != 0) return db_map_rc(rc, "cursor");
        it->ahead = it->k.mv_size != it->key.len ||
                    memcmp(it->k.mv_data, it->key.data, it->key.len) != 0;
        return iter_land(it, 0);
    }
    return SATO_OK;
}

sato_err_t sato_db_iter_seek(sato_db_iter_t *it, const unsigned char *key, size_t key_len) {
    sato_err_t err;
    store_clear_detail();
    if (key_len > SATO_DB_MAX_KEY) return store_fail(SATO_EINVAL, "lmdb: key too long");
    if ((err = iter_renew(it)) != SATO_OK) return err;
    it->ahead = 0;
    it->sought = 1;
    if (key_len == 0) return iter_land(it, mdb_cursor_get(it->cur, &it->k, &it->v, MDB_FIRST));
    it->k.mv_data = (void *)key;
    it->k.mv_size = key_len;
    return iter_land(it, mdb_cursor_get(it->cur, &it->k, &it->v, MDB_SET_RANGE));
}

sato_err_t sato_db_iter_next(sato_db_iter_t *it) {
    sato_err_t err;
    store_clear_detail();
    if (!it->sought) return store_fail(SATO_EINVAL, "lmdb: next before seek");
    if ((err = iter_renew(it)) != SATO_OK) return err;
    if (!it->valid) return SATO_ENOTFOUND;
    if (it->ahead) {
        it->ahead = 0;
        return SATO_OK;
    }
    return iter_land(it, mdb_cursor_get(it->cur, &it->k, &it->v, MDB_NEXT));
}

void sato_db_iter_key(const sato_db_iter_t *it, const unsigned char **key, size_t *key_len) {
    *key = it->valid ? it->k.mv_data : NULL;
    *key_len = it->valid ? it->k.mv_size : 0;
}

void sato_db_iter_value(const sato_db_iter_t *it, const unsigned char **val, size_t *val_len) {
    *val = it->valid ? it->v.mv_data : NULL;
    *val_len = it->valid ? it->v.mv_size : 0;
}

void sato_db_iter_destroy(sato_db_iter_t *it) {
    if (it == NULL) return;
    /* A write transaction's cursor dies with the LMDB transaction it was
     * opened in; close it only if that one is still current. */
    if (it->cur && (!it->txn->write || it->gen == it->txn->gen)) mdb_cursor_close(it->cur);
    sato_buf_clear(&it->key);
    free(it);
}
