/* Opening a chainstate: recovery to the last flush, loading the block
 * index, the start-up check of the last blocks, and -reindex. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "chain_internal.h"
#include "sato/block_check.h"
#include "sato/fault.h"
#include "sato/log.h"
#include "sato/mem.h"

static const char *const TABLES[] = {"coins", "index", "meta"};
#define DEFAULT_DBCACHE ((size_t)450 << 20)

void sato_chainstate_opts_init(sato_chainstate_opts_t *o, const sato_chainparams_t *params,
                               const char *datadir) {
    memset(o, 0, sizeof(*o));
    o->params = params;
    o->datadir = datadir;
}

static sato_err_t make_dir(sato_chainstate_t *cs, const char *path) {
    if (mkdir(path, 0700) != 0 && errno != EEXIST)
        return chain_fail(cs, errno == ENOSPC ? SATO_ENOSPC : SATO_EIO, "mkdir %s", path);
    return SATO_OK;
}

static int cmp_height(const void *a, const void *b) {
    const unsigned char *x = a, *y = b;
    int32_t hx = (int32_t)sato_le32(x + 32 + 80), hy = (int32_t)sato_le32(y + 32 + 80);
    return (hx > hy) - (hx < hy);
}

/* Reads every index record, parents before children. */
static sato_err_t load_index(sato_chainstate_t *cs) {
    sato_db_txn_t *txn = NULL;
    sato_db_iter_t *it = NULL;
    unsigned char *recs = NULL;
    size_t n = 0, cap = 0, i;
    const size_t rsz = 32 + SATO_BLOCKNODE_RECORD_SIZE;
    sato_err_t err;
    if ((err = sato_db_begin_read(cs->db, &txn)) != SATO_OK) goto out;
    if ((err = sato_db_iter_create(&it, txn, T_INDEX)) != SATO_OK) goto out;
    for (err = sato_db_iter_seek(it, NULL, 0); err == SATO_OK; err = sato_db_iter_next(it)) {
        const unsigned char *k, *v;
        size_t kl, vl;
        sato_db_iter_key(it, &k, &kl);
        sato_db_iter_value(it, &v, &vl);
        if (kl != 32 || vl != SATO_BLOCKNODE_RECORD_SIZE) {
            err = SATO_ECORRUPT;
            goto out;
        }
        if (n == cap) recs = sato_realloc(recs, (cap = cap ? cap * 2 : 1024) * rsz);
        memcpy(recs + n * rsz, k, 32);
        memcpy(recs + n * rsz + 32, v, vl);
        n++;
    }
    if (err != SATO_ENOTFOUND) goto out;
    err = SATO_OK;
    sato_db_iter_destroy(it);
    it = NULL;
    sato_db_abort(txn);
    txn = NULL;
    if (n > 0) qsort(recs, n, rsz, cmp_height);
    for (i = 0; i < n; i++) {
        const unsigned char *r = recs + i * rsz, *v = r + 32;
        sato_block_header_t h;
        sato_blocknode_t *prev = NULL, *e;
        int32_t height = (int32_t)sato_le32(v + 80);
        sato_block_header_parse(&h, v);
        if (height > 0) {
            prev = sato_blockindex_find(cs->index, h.prev_hash);
            if (prev == NULL || prev->height + 1 != height) {
                err = SATO_ECORRUPT;
                goto out;
            }
        }
        if (sato_blockindex_find(cs->index, r) != NULL) {
            err = SATO_ECORRUPT;
            goto out;
        }
        e = sato_blockindex_add(cs->index, r, &h, prev);
        e->status = sato_le32(v + 84);
        e->n_tx = sato_le32(v + 88);
        e->data_pos.file = sato_le32(v + 92);
        e->data_pos.offset = sato_le32(v + 96);
        e->undo_pos.file = sato_le32(v + 100);
        e->undo_pos.offset = sato_le32(v + 104);
        e->seq = sato_le64(v + 108);
        if (e->seq >= cs->next_seq) cs->next_seq = e->seq + 1;
        e->chain_available = (e->status & SATO_BLOCKNODE_HAVE_DATA) &&
                             (prev == NULL || prev->chain_available);
    }
out:
    sato_db_iter_destroy(it);
    sato_db_abort(txn);
    free(recs);
    if (err != SATO_OK) return chain_fail(cs, err, "loading the block index");
    return SATO_OK;
}

/* Adds and stores the genesis block of a new chain. */
static sato_err_t init_genesis(sato_chainstate_t *cs, const sato_filepos_t *known_pos) {
    sato_block_t g;
    unsigned char hash[32];
    sato_blocknode_t *e;
    sato_err_t err;
    sato_chainparams_genesis(&g, cs->params);
    sato_block_header_hash(hash, &g.header);
    e = sato_blockindex_add(cs->index, hash, &g.header, NULL);
    e->status = SATO_BLOCKNODE_HEADER_OK;
    cs->best_header = e;
    err = chain_store_block(cs, e, &g, known_pos);
    sato_block_clear(&g);
    if (err != SATO_OK) return err;
    e->status |= SATO_BLOCKNODE_SCRIPTS_OK;
    cs->chain = sato_realloc(cs->chain, 16 * sizeof(*cs->chain));
    cs->chain_cap = 16;
    cs->chain[0] = e;
    cs->height = 0;
    return SATO_OK;
}

/* ---- recovery: blocks on disk that the database does not know ---- */

/* Blocks are appended to the blk files as they arrive and recorded in the
 * database only at the next flush, so after a crash (or with a wiped
 * database: -reindex) the files hold blocks past the recorded end. They
 * are the user's data: start-up reads them back and accepts them again,
 * instead of cutting them off. */
typedef struct {
    sato_chainstate_t *cs;
    sato_err_t err;
    /* Blocks whose parent was not seen yet (Core's mapBlocksUnknownParent). */
    struct pending {
        sato_filepos_t pos;
        unsigned char *data;
        size_t len;
    } *pend;
    size_t n_pend, cap_pend;
    size_t accepted;
    uint32_t file; /* the file being read, for the progress line */
    int logged_file;
} recover_t;

/* 1 if accepted, known or rejected for good; 0 if its parent is unknown;
 * -1 if the bytes are not a block. */
static int recover_one(recover_t *rx, sato_filepos_t pos, const unsigned char *data, size_t len) {
    sato_chainstate_t *cs = rx->cs;
    sato_block_t b;
    sato_block_state_t st;
    sato_blocknode_t *e;
    unsigned char hash[32], genesis[32];
    if (!sato_block_parse(&b, data, len)) return -1;
    sato_block_header_hash(hash, &b.header);
    sato_chainparams_genesis_hash(genesis, cs->params);
    if (memcmp(hash, genesis, 32) == 0) {
        if (cs->height < 0) {
            rx->err = init_genesis(cs, &pos);
            rx->accepted++;
        }
        sato_block_clear(&b);
        return 1;
    }
    if (cs->height < 0 || sato_blockindex_find(cs->index, b.header.prev_hash) == NULL) {
        sato_block_clear(&b);
        return 0;
    }
    sato_validation_state_init(&st);
    rx->err = chain_accept_block(cs, &st, &b, 1, 0, &pos, &e);
    if (e != NULL) rx->accepted++;
    sato_block_clear(&b);
    return 1;
}

static void hold_back(recover_t *rx, sato_filepos_t pos, const unsigned char *data, size_t len) {
    struct pending *p;
    if (rx->n_pend == rx->cap_pend)
        rx->pend = sato_realloc(rx->pend, (rx->cap_pend = rx->cap_pend ? rx->cap_pend * 2 : 16) *
                                              sizeof(*rx->pend));
    p = &rx->pend[rx->n_pend++];
    p->pos = pos;
    p->data = sato_malloc(len);
    memcpy(p->data, data, len);
    p->len = len;
}

static int recover_cb(void *arg, sato_filepos_t pos, const unsigned char *data, size_t len) {
    recover_t *rx = arg;
    int progress, rc;
    if (chain_interrupted(rx->cs)) {
        rx->err = SATO_EINTR;
        return 1;
    }
    if (sato_fault_point("chain.recover.block") != 0) {
        rx->err = chain_fail(rx->cs, SATO_EIO, "reading blk%05u.dat", pos.file);
        return 1;
    }
    if (rx->cs->reindexing && (!rx->logged_file || pos.file != rx->file)) {
        sato_log_printf("Reindexing block file blk%05u.dat...", pos.file);
        rx->file = pos.file;
        rx->logged_file = 1;
    }
    rc = recover_one(rx, pos, data, len);
    if (rc < 0) return -1;
    if (rc == 0) {
        hold_back(rx, pos, data, len);
        return rx->err != SATO_OK;
    }
    /* A new block may be the missing parent of held-back ones. */
    do {
        size_t i;
        progress = 0;
        for (i = 0; i < rx->n_pend && rx->err == SATO_OK; i++) {
            if (recover_one(rx, rx->pend[i].pos, rx->pend[i].data, rx->pend[i].len) != 0) {
                free(rx->pend[i].data);
                rx->pend[i] = rx->pend[--rx->n_pend];
                progress = 1;
                i--;
            }
        }
    } while (progress && rx->err == SATO_OK);
    return rx->err != SATO_OK;
}

/* Accepts every block stored after the recorded end of the blk files,
 * then makes the end of the last one (and the recorded rev end: undo data
 * is rebuilt by connecting again) the append positions. */
static sato_err_t recover_blocks(sato_chainstate_t *cs, const sato_blockstore_ends_t *recorded) {
    recover_t rx;
    sato_blockstore_ends_t ends = *recorded;
    sato_err_t err;
    size_t i;
    memset(&rx, 0, sizeof(rx));
    rx.cs = cs;
    err = sato_blockstore_scan_from(cs->bs, recorded->blk, recover_cb, &rx, &ends.blk);
    for (i = 0; i < rx.n_pend; i++) free(rx.pend[i].data);
    free(rx.pend);
    if (err != SATO_OK) return chain_fail(cs, err, "reading the block files");
    if (rx.err != SATO_OK) return rx.err;
    if (rx.n_pend > 0)
        sato_log_printf("%zu stored blocks have no known parent; they are ignored", rx.n_pend);
    if (cs->reindexing) {
        sato_log_printf("Reindexing finished: %zu blocks read from the block files", rx.accepted);
    } else if (rx.accepted > 0) {
        sato_log_printf("Recovered %zu blocks written after the last flush", rx.accepted);
    }
    if ((err = sato_blockstore_truncate(cs->bs, &ends)) != SATO_OK)
        return chain_fail(cs, err, "recovering block files");
    if (cs->height < 0) return init_genesis(cs, NULL);
    return SATO_OK;
}

/* Records that a reindex is under way before anything is rebuilt, so the
 * next start knows (Core's DB_REINDEX_FLAG); the flush that ends the
 * start-up removes it. */
static sato_err_t mark_reindexing(sato_chainstate_t *cs) {
    sato_db_txn_t *txn = NULL;
    sato_err_t err = sato_db_begin_write(cs->db, &txn);
    if (err == SATO_OK) err = sato_db_put(txn, T_META, CHAIN_KEY_REINDEX, 4, (const unsigned char *)"1", 1);
    if (err == SATO_OK) {
        err = sato_db_commit(txn);
    } else {
        sato_db_abort(txn);
    }
    if (err != SATO_OK) return chain_fail(cs, err, "writing the chainstate database");
    cs->reindexing = 1;
    return SATO_OK;
}

/* ---- open / close ---- */

static void set_status(const sato_chainstate_t *cs, const char *status) {
    if (cs->opts.on_status != NULL) cs->opts.on_status(cs->opts.status_ctx, status);
}

/* What the last flush recorded: the blk/rev ends, the best block and
 * whether a reindex was under way. A fresh database has none of them. */
static sato_err_t read_meta(sato_chainstate_t *cs, sato_blockstore_ends_t *ends,
                            unsigned char best[32], int *have_best, int *reindexing) {
    sato_db_txn_t *txn = NULL;
    sato_buf_t val;
    sato_err_t err;
    memset(ends, 0, sizeof(*ends));
    *have_best = *reindexing = 0;
    sato_buf_init(&val);
    err = sato_db_begin_read(cs->db, &txn);
    if (err == SATO_OK) err = sato_db_get(txn, &val, T_META, CHAIN_KEY_ENDS, 4);
    if (err == SATO_OK && val.len == SATO_BLOCKSTORE_ENDS_SIZE)
        sato_blockstore_ends_read(ends, val.data);
    else if (err == SATO_OK) err = SATO_ECORRUPT;
    if (err == SATO_OK || err == SATO_ENOTFOUND)
        err = sato_db_get(txn, &val, T_META, CHAIN_KEY_BEST, 4);
    if (err == SATO_OK && val.len == 32) {
        memcpy(best, val.data, 32);
        *have_best = 1;
    } else if (err == SATO_OK) {
        err = SATO_ECORRUPT;
    }
    if (err == SATO_OK || err == SATO_ENOTFOUND) {
        err = sato_db_get(txn, &val, T_META, CHAIN_KEY_REINDEX, 4);
        *reindexing = err == SATO_OK;
        if (err == SATO_ENOTFOUND) err = SATO_OK;
    }
    sato_db_abort(txn);
    sato_buf_clear(&val);
    if (err != SATO_OK) return chain_fail(cs, err, "reading the chainstate database");
    return SATO_OK;
}

/* The active chain as the last flush left it. */
static sato_err_t load_chain(sato_chainstate_t *cs, const unsigned char best[32]) {
    sato_blocknode_t *tip = sato_blockindex_find(cs->index, best), *e;
    if (tip == NULL) return chain_fail(cs, SATO_ECORRUPT, "best block not in the block index");
    cs->chain_cap = (size_t)tip->height + 16;
    cs->chain = sato_calloc(cs->chain_cap, sizeof(*cs->chain));
    for (e = tip; e != NULL; e = e->prev) cs->chain[e->height] = e;
    cs->height = tip->height;
    return SATO_OK;
}

sato_err_t sato_chainstate_open(sato_chainstate_t **out, const sato_chainstate_opts_t *opts) {
    sato_chainstate_t *cs = sato_calloc(1, sizeof(*cs));
    sato_blockstore_opts_t bopts;
    sato_blockstore_ends_t ends;
    char path[4096];
    unsigned char best[32];
    int have_best = 0, was_reindexing = 0;
    sato_err_t err;
    *out = NULL;
    cs->opts = *opts;
    if (cs->opts.dbcache_bytes == 0) cs->opts.dbcache_bytes = DEFAULT_DBCACHE;
    if (cs->opts.check_blocks == 0) cs->opts.check_blocks = 6;
    if (cs->opts.flush_interval_s == 0) cs->opts.flush_interval_s = 3600;
    if (cs->opts.min_free_bytes == 0) cs->opts.min_free_bytes = (int64_t)50 << 20;
    cs->last_flush = (int64_t)time(NULL);
    cs->params = opts->params;
    sato_u256_from_hex(&cs->min_work, cs->params->minimum_chain_work_hex);
    cs->height = -1;
    cs->index = sato_blockindex_create();
    cs->pool = sato_scriptpool_create(opts->script_threads);
    if (opts->assume_valid != NULL) {
        static const unsigned char zero[32] = {0};
        memcpy(cs->assume_valid, opts->assume_valid, 32);
        cs->have_assume_valid = memcmp(opts->assume_valid, zero, 32) != 0;
    }
    set_status(cs, "Loading block index\u2026");
    if ((err = make_dir(cs, opts->datadir)) != SATO_OK) goto fail;
    snprintf(path, sizeof(path), "%s/chainstate", opts->datadir);
    if ((err = make_dir(cs, path)) != SATO_OK) goto fail;
    if (opts->reindex && (err = sato_db_wipe(path)) != SATO_OK) {
        err = chain_fail(cs, err, "wiping %s", path);
        goto fail;
    }
    err = sato_db_open(&cs->db, path, TABLES, 3, NULL, NULL);
    if (err != SATO_OK) {
        err = chain_fail(cs, err, "opening %s", path);
        goto fail;
    }
    cs->coins = sato_coins_create(cs->db, T_COINS, NULL);
    if (opts->reindex && (err = mark_reindexing(cs)) != SATO_OK) goto fail;
    memset(&bopts, 0, sizeof(bopts));
    memcpy(bopts.magic, cs->params->magic, 4);
    bopts.max_file_size = opts->max_file_size;
    snprintf(path, sizeof(path), "%s/blocks", opts->datadir);
    if ((err = sato_blockstore_open(&cs->bs, path, &bopts)) != SATO_OK) {
        err = chain_fail(cs, err, "opening %s", path);
        goto fail;
    }
    if ((err = read_meta(cs, &ends, best, &have_best, &was_reindexing)) != SATO_OK) goto fail;
    if (was_reindexing && !opts->reindex) {
        sato_log_printf("A reindex was interrupted; resuming it");
        cs->reindexing = 1;
    }
    if ((err = load_index(cs)) != SATO_OK) goto fail;
    if (have_best) {
        if ((err = load_chain(cs, best)) != SATO_OK) goto fail;
    } else if (sato_blockindex_size(cs->index) != 0) {
        err = chain_fail(cs, SATO_ECORRUPT, "block index without a best block");
        goto fail;
    }
    if ((err = recover_blocks(cs, &ends)) != SATO_OK) goto fail;
    chain_rebuild_candidates(cs);
    if (!cs->reindexing && !opts->no_check_blocks && have_best) {
        set_status(cs, "Verifying blocks\u2026");
        if ((err = sato_chainstate_verify(cs, cs->opts.check_blocks)) != SATO_OK) goto fail;
    }
    {
        sato_block_state_t st;
        sato_validation_state_init(&st);
        if ((err = sato_chainstate_activate(cs, &st)) != SATO_OK) goto fail;
    }
    /* Every stored block is in the index now, so the reindex is over (as
     * Core clears its flag once the files are imported); an interrupted
     * activation still flushes what it connected, and the next start goes
     * on from there. */
    cs->clear_reindex_flag = cs->reindexing;
    if ((err = sato_chainstate_flush(cs)) != SATO_OK) goto fail;
    cs->reindexing = 0;
    *out = cs;
    return SATO_OK;
fail:
    /* The message outlives the chainstate only in the caller's buffer. */
    if (err == SATO_EINTR && cs->errmsg[0] == '\0') err = chain_fail(cs, err, "start-up");
    if (opts->error && opts->error_len) snprintf(opts->error, opts->error_len, "%s", cs->errmsg);
    sato_chainstate_destroy(cs);
    return err;
}

void sato_chainstate_destroy(sato_chainstate_t *cs) {
    if (cs == NULL) return;
    sato_scriptpool_destroy(cs->pool);
    sato_coins_destroy(cs->coins);
    sato_blockstore_destroy(cs->bs);
    sato_db_destroy(cs->db);
    sato_blockindex_destroy(cs->index);
    free(cs->chain);
    free(cs->cand);
    free(cs->dirty);
    free(cs);
}

sato_err_t sato_chainstate_close(sato_chainstate_t *cs) {
    sato_err_t err;
    if (cs == NULL) return SATO_OK;
    err = sato_chainstate_flush(cs);
    sato_chainstate_destroy(cs);
    return err;
}

/* ---- start-up check ---- */

sato_err_t sato_chainstate_verify(sato_chainstate_t *cs, unsigned n) {
    sato_coins_t *view = sato_coins_create(NULL, 0, cs->coins);
    sato_err_t err = SATO_OK;
    int32_t h;
    unsigned done = 0;
    for (h = cs->height; h > 0 && done < n; h--, done++) {
        sato_blocknode_t *e = cs->chain[h];
        sato_block_t b;
        sato_block_state_t st;
        if ((err = sato_chainstate_read_block(cs, &b, e)) != SATO_OK) break;
        sato_validation_state_init(&st);
        if (!chain_check_block(cs, &st, &b, e)) {
            sato_block_clear(&b);
            err = chain_fail(cs, SATO_ECORRUPT, "corrupt block found at height %d (%s)", h,
                             st.reason);
            break;
        }
        sato_block_clear(&b);
        /* Undo data reads back (checksum) and applies cleanly, in a
         * scratch cache that is thrown away. */
        if ((err = chain_disconnect_block(cs, e, view)) != SATO_OK) break;
    }
    sato_coins_destroy(view);
    return err;
}
