/* The transaction index: see txindex.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sato/buf.h"
#include "sato/db.h"
#include "sato/hash.h"
#include "sato/mem.h"
#include "sato/txindex.h"

enum { T_TX = 0, T_META = 1 };
static const char *const TABLES[] = {"tx", "meta"};
static const unsigned char KEY_BEST[] = "best";

/* Blocks written per LMDB transaction while catching up. */
#define SYNC_BATCH 64

struct sato_txindex {
    sato_db_t *db;
    unsigned char best[32];
    int have_best;
    int32_t height;
};

static sato_err_t make_dirs(const char *dir) {
    char path[4096];
    size_t i, n = strlen(dir);
    if (n == 0 || n >= sizeof(path)) return SATO_EINVAL;
    memcpy(path, dir, n + 1);
    for (i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0') continue;
        path[i] = '\0';
        if (mkdir(path, 0700) != 0 && errno != EEXIST) return SATO_EIO;
        if (i < n) path[i] = '/';
    }
    return SATO_OK;
}

static sato_err_t wipe(sato_txindex_t *ti);

sato_err_t sato_txindex_open(sato_txindex_t **out, const char *dir, int wipe_first) {
    sato_txindex_t *ti;
    sato_db_txn_t *txn = NULL;
    sato_buf_t val;
    sato_err_t err;
    *out = NULL;
    if ((err = make_dirs(dir)) != SATO_OK) return err;
    ti = sato_calloc(1, sizeof(*ti));
    ti->height = -1;
    sato_buf_init(&val);
    if ((err = sato_db_open(&ti->db, dir, TABLES, 2, NULL, NULL)) != SATO_OK) goto out;
    if ((err = sato_db_begin_read(ti->db, &txn)) != SATO_OK) goto out;
    err = sato_db_get(txn, &val, T_META, KEY_BEST, 4);
    if (err == SATO_OK && val.len == 32) {
        memcpy(ti->best, val.data, 32);
        ti->have_best = 1;
    } else if (err == SATO_OK) {
        err = SATO_ECORRUPT;
    } else if (err == SATO_ENOTFOUND) {
        err = SATO_OK;
    }
out:
    sato_db_abort(txn);
    sato_buf_clear(&val);
    if (err == SATO_OK && wipe_first) err = wipe(ti);
    if (err != SATO_OK) {
        sato_txindex_destroy(ti);
        return err;
    }
    *out = ti;
    return SATO_OK;
}

void sato_txindex_destroy(sato_txindex_t *ti) {
    if (ti == NULL) return;
    sato_db_destroy(ti->db);
    free(ti);
}

int32_t sato_txindex_height(const sato_txindex_t *ti) {
    return ti->height;
}

/* Deletes every entry (the index's best block is unknown to the chain,
 * e.g. after -reindex of a different chain). */
static sato_err_t wipe(sato_txindex_t *ti) {
    sato_db_txn_t *txn = NULL;
    sato_db_iter_t *it = NULL;
    unsigned char key[32];
    sato_err_t err;
    if ((err = sato_db_begin_write(ti->db, &txn)) != SATO_OK) return err;
    if ((err = sato_db_iter_create(&it, txn, T_TX)) != SATO_OK) goto out;
    while ((err = sato_db_iter_seek(it, NULL, 0)) == SATO_OK) {
        const unsigned char *k;
        size_t klen;
        sato_db_iter_key(it, &k, &klen);
        if (klen != 32) {
            err = SATO_ECORRUPT;
            break;
        }
        memcpy(key, k, 32);
        if ((err = sato_db_del(txn, T_TX, key, 32)) != SATO_OK) break;
    }
    if (err == SATO_ENOTFOUND) err = SATO_OK;
    if (err == SATO_OK) err = sato_db_del(txn, T_META, KEY_BEST, 4);
    if (err == SATO_ENOTFOUND) err = SATO_OK;
out:
    sato_db_iter_destroy(it);
    if (err != SATO_OK) {
        sato_db_abort(txn);
        return err;
    }
    if ((err = sato_db_commit(txn)) == SATO_OK) {
        ti->have_best = 0;
        ti->height = -1;
    }
    return err;
}

static void entry_value(unsigned char val[36], const unsigned char hash[32], uint32_t pos) {
    memcpy(val, hash, 32);
    sato_put_le32(val + 32, pos);
}

/* Adds (connect) or removes (disconnect) the transactions of block e. */
static sato_err_t apply_block(sato_db_txn_t *txn, sato_chainstate_t *cs, const sato_blocknode_t *e,
                              int connect) {
    sato_block_t b;
    sato_buf_t cur;
    size_t i;
    sato_err_t err;
    if ((err = sato_chainstate_read_block(cs, &b, e)) != SATO_OK) return err;
    sato_buf_init(&cur);
    for (i = 0; i < b.txs_len && err == SATO_OK; i++) {
        unsigned char txid[32], val[36];
        sato_tx_txid(txid, &b.txs[i]);
        if (connect) {
            entry_value(val, e->hash, (uint32_t)i);
            err = sato_db_put(txn, T_TX, txid, 32, val, sizeof(val));
            continue;
        }
        /* A txid repeated by a later block (BIP30's two exceptions) must
         * keep that block's entry. */
        err = sato_db_get(txn, &cur, T_TX, txid, 32);
        if (err == SATO_ENOTFOUND) {
            err = SATO_OK;
            continue;
        }
        if (err == SATO_OK && cur.len >= 32 && memcmp(cur.data, e->hash, 32) == 0)
            err = sato_db_del(txn, T_TX, txid, 32);
    }
    sato_buf_clear(&cur);
    sato_block_clear(&b);
    return err;
}

static sato_err_t commit_best(sato_txindex_t *ti, sato_db_txn_t *txn, const sato_blocknode_t *best) {
    sato_err_t err;
    if (best != NULL)
        err = sato_db_put(txn, T_META, KEY_BEST, 4, best->hash, 32);
    else
        err = sato_db_del(txn, T_META, KEY_BEST, 4);
    if (err == SATO_ENOTFOUND) err = SATO_OK;
    if (err != SATO_OK) {
        sato_db_abort(txn);
        return err;
    }
    if ((err = sato_db_commit(txn)) != SATO_OK) return err;
    if (best != NULL) {
        memcpy(ti->best, best->hash, 32);
        ti->height = best->height;
    }
    ti->have_best = best != NULL;
    if (best == NULL) ti->height = -1;
    return SATO_OK;
}

sato_err_t sato_txindex_sync(sato_txindex_t *ti, sato_chainstate_t *cs) {
    const sato_blocknode_t *e = NULL, *tip = sato_chainstate_tip(cs);
    sato_db_txn_t *txn = NULL;
    sato_err_t err;
    int32_t h;
    unsigned n = 0;
    if (ti->have_best) {
        e = sato_chainstate_lookup(cs, ti->best);
        if (e == NULL && (err = wipe(ti)) != SATO_OK) return err;
    }
    /* Back along prev pointers to the active chain. */
    while (e != NULL && sato_chainstate_at(cs, e->height) != e) {
        if ((err = sato_db_begin_write(ti->db, &txn)) != SATO_OK) return err;
        if ((err = apply_block(txn, cs, e, 0)) != SATO_OK) {
            sato_db_abort(txn);
            return err;
        }
        err = commit_best(ti, txn, e->prev);
        txn = NULL;
        if (err != SATO_OK) return err;
        e = e->prev;
    }
    if (tip == NULL) return SATO_OK;
    for (h = e ? e->height + 1 : 0; h <= tip->height; h++) {
        const sato_blocknode_t *b = sato_chainstate_at(cs, h);
        if (txn == NULL && (err = sato_db_begin_write(ti->db, &txn)) != SATO_OK) return err;
        if ((err = apply_block(txn, cs, b, 1)) != SATO_OK) {
            sato_db_abort(txn);
            return err;
        }
        if (++n % SYNC_BATCH == 0 || h == tip->height) {
            err = commit_best(ti, txn, b);
            txn = NULL;
            if (err != SATO_OK) return err;
        }
    }
    if (e != NULL && ti->height < 0) ti->height = e->height;
    return SATO_OK;
}

sato_err_t sato_txindex_find(sato_txindex_t *ti, unsigned char block_hash[32], uint32_t *pos,
                             const unsigned char txid[32]) {
    sato_db_txn_t *txn = NULL;
    sato_buf_t val;
    sato_err_t err;
    memset(block_hash, 0, 32);
    *pos = 0;
    if ((err = sato_db_begin_read(ti->db, &txn)) != SATO_OK) return err;
    sato_buf_init(&val);
    err = sato_db_get(txn, &val, T_TX, txid, 32);
    sato_db_abort(txn);
    if (err == SATO_OK && val.len != 36) err = SATO_ECORRUPT;
    if (err == SATO_OK) {
        memcpy(block_hash, val.data, 32);
        *pos = sato_le32(val.data + 32);
    }
    sato_buf_clear(&val);
    return err;
}
