/* The chain state: block acceptance, most-work chain selection, connect
 * and disconnect with undo data, flushes, start-up and reindex. */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "chain_internal.h"
#include "sato/block_check.h"
#include "sato/clock.h"
#include "sato/fault.h"
#include "sato/hex.h"
#include "sato/log.h"
#include "sato/mem.h"
#include "sato/merkle.h"
#include "sato/pow.h"
#include "sato/sha256.h"


/* ---- errors ---- */

sato_err_t chain_fail(sato_chainstate_t *cs, sato_err_t err, const char *fmt, ...) {
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof(what), fmt, ap);
    va_end(ap);
    snprintf(cs->errmsg, sizeof(cs->errmsg), "%s: %s%s%s", what, sato_err_str(err),
             *sato_err_detail() ? " (" : "", *sato_err_detail() ? sato_err_detail() : "");
    if (*sato_err_detail()) strncat(cs->errmsg, ")", sizeof(cs->errmsg) - strlen(cs->errmsg) - 1);
    return err;
}

const char *sato_chainstate_error(const sato_chainstate_t *cs) {
    return cs->errmsg;
}

/* ---- small helpers ---- */

int chain_scripts_needed(const sato_chainstate_t *cs, const sato_blocknode_t *e) {
    const sato_blocknode_t *av, *best = cs->best_header;
    sato_u256_t diff, per, blocks, limit;
    if (!cs->have_assume_valid || best == NULL) return 1;
    if ((av = sato_blockindex_find(cs->index, cs->assume_valid)) == NULL) return 1;
    if (sato_blocknode_ancestor(av, e->height) != e || sato_blocknode_ancestor(best, e->height) != e) return 1;
    if (sato_u256_cmp(&best->chain_work, &cs->min_work) < 0) return 1;
    /* Core's GetBlockProofEquivalentTime(best, e, best) <= two weeks. */
    sato_u256_sub(&diff, &best->chain_work, &e->chain_work);
    sato_pow_block_proof(&per, best->header.bits);
    if (!sato_u256_div(&blocks, &diff, &per)) return 1;
    sato_u256_set_u64(&limit, (uint64_t)(14 * 24 * 60 * 60 / cs->params->pow_target_spacing));
    return sato_u256_cmp(&blocks, &limit) <= 0;
}

int chain_interrupted(const sato_chainstate_t *cs) {
    return cs->opts.interrupt != NULL && __atomic_load_n(cs->opts.interrupt, __ATOMIC_RELAXED);
}

static void log_block(const char *what, const sato_blocknode_t *e) {
    char hex[65], date[32];
    time_t t = (time_t)e->header.time;
    struct tm tm;
    double work = sato_u256_to_double(&e->chain_work);
    sato_hex_encode_rev(hex, e->hash, 32);
    gmtime_r(&t, &tm);
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
    sato_log_printf("InvalidChainFound: %s=%s height=%d log2_work=%f date=%s", what, hex,
                    (int)e->height, work > 0 ? log2(work) : 0.0, date);
}

/* Core's InvalidChainFound lines: the failed block and the tip we keep. */
static void log_invalid_chain(const sato_chainstate_t *cs, const sato_blocknode_t *e) {
    log_block("invalid block", e);
    log_block("current best", chain_tip(cs));
}

sato_err_t chain_check_disk_space(sato_chainstate_t *cs) {
    struct statvfs sv;
    if (cs->opts.min_free_bytes < 0) return SATO_OK;
    if (statvfs(cs->opts.datadir, &sv) != 0) return SATO_OK; /* the writes will tell */
    if ((uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize < (uint64_t)cs->opts.min_free_bytes)
        return chain_fail(cs, SATO_ENOSPC, "disk space is too low (under %lld MiB free in %s)",
                          (long long)(cs->opts.min_free_bytes >> 20), cs->opts.datadir);
    return SATO_OK;
}

void chain_mark_dirty(sato_chainstate_t *cs, sato_blocknode_t *e) {
    if (e->dirty) return;
    e->dirty = 1;
    if (cs->n_dirty == cs->cap_dirty) {
        cs->cap_dirty = cs->cap_dirty ? cs->cap_dirty * 2 : 256;
        cs->dirty = sato_realloc(cs->dirty, cs->cap_dirty * sizeof(*cs->dirty));
    }
    cs->dirty[cs->n_dirty++] = e;
}

sato_blocknode_t *chain_tip(const sato_chainstate_t *cs) {
    return cs->height >= 0 ? cs->chain[cs->height] : NULL;
}

int chain_contains(const sato_chainstate_t *cs, const sato_blocknode_t *e) {
    return e->height <= cs->height && cs->chain[e->height] == e;
}

static void chain_push(sato_chainstate_t *cs, sato_blocknode_t *e) {
    if ((size_t)(e->height + 1) > cs->chain_cap) {
        cs->chain_cap = (size_t)(e->height + 1) * 2;
        cs->chain = sato_realloc(cs->chain, cs->chain_cap * sizeof(*cs->chain));
    }
    cs->chain[e->height] = e;
    cs->height = e->height;
}

void chain_add_candidate(sato_chainstate_t *cs, sato_blocknode_t *e) {
    size_t i;
    for (i = 0; i < cs->n_cand; i++) {
        if (cs->cand[i] == e) return;
    }
    if (cs->n_cand == cs->cap_cand) {
        cs->cap_cand = cs->cap_cand ? cs->cap_cand * 2 : 64;
        cs->cand = sato_realloc(cs->cand, cs->cap_cand * sizeof(*cs->cand));
    }
    cs->cand[cs->n_cand++] = e;
}

static int64_t now_seconds(const sato_chainstate_t *cs) {
    if (cs->opts.now != NULL) return cs->opts.now(cs->opts.now_ctx);
    return sato_clock_now();
}

/* ---- failure marks ---- */

/* Marks every descendant of e as failed-parent. */
static void mark_descendants_failed(sato_chainstate_t *cs, sato_blocknode_t *e) {
    sato_blocknode_t **stack = NULL;
    size_t n = 0, cap = 0;
    sato_blocknode_t *c;
    for (c = e->first_child; c != NULL; c = c->next_sibling) {
        if (n == cap) stack = sato_realloc(stack, (cap = cap ? cap * 2 : 64) * sizeof(*stack));
        stack[n++] = c;
    }
    while (n > 0) {
        sato_blocknode_t *x = stack[--n];
        if (!(x->status & SATO_BLOCKNODE_FAILED_PARENT)) {
            x->status |= SATO_BLOCKNODE_FAILED_PARENT;
            chain_mark_dirty(cs, x);
        }
        for (c = x->first_child; c != NULL; c = c->next_sibling) {
            if (n == cap) stack = sato_realloc(stack, (cap = cap ? cap * 2 : 64) * sizeof(*stack));
            stack[n++] = c;
        }
    }
    free(stack);
}

void chain_mark_invalid(sato_chainstate_t *cs, sato_blocknode_t *e) {
    e->status |= SATO_BLOCKNODE_FAILED;
    chain_mark_dirty(cs, e);
    mark_descendants_failed(cs, e);
}

static void update_best_header(sato_chainstate_t *cs, sato_blocknode_t *e) {
    if (e->status & SATO_BLOCKNODE_FAILED_MASK) return;
    if (cs->best_header == NULL || sato_u256_cmp(&e->chain_work, &cs->best_header->chain_work) > 0)
        cs->best_header = e;
}

static void recompute_best_header(void *arg, sato_blocknode_t *e) {
    update_best_header(arg, e);
}

static void rebuild_candidate(void *arg, sato_blocknode_t *e) {
    sato_chainstate_t *cs = arg;
    if (e->chain_available && !(e->status & SATO_BLOCKNODE_FAILED_MASK) &&
        sato_u256_cmp(&e->chain_work, &chain_tip(cs)->chain_work) >= 0)
        chain_add_candidate(cs, e);
}

void chain_rebuild_candidates(sato_chainstate_t *cs) {
    cs->n_cand = 0;
    sato_blockindex_foreach(cs->index, rebuild_candidate, cs);
    cs->best_header = NULL;
    sato_blockindex_foreach(cs->index, recompute_best_header, cs);
}

/* ---- headers ---- */

static void anti_dos_threshold(const sato_chainstate_t *cs, sato_u256_t *out) {
    const sato_blocknode_t *tip = chain_tip(cs);
    sato_u256_t proof, near;
    sato_pow_block_proof(&proof, tip->header.bits);
    sato_u256_mul_u32(&proof, &proof, 144);
    if (sato_u256_cmp(&proof, &tip->chain_work) > 0) proof = tip->chain_work;
    sato_u256_sub(&near, &tip->chain_work, &proof);
    *out = sato_u256_cmp(&near, &cs->min_work) > 0 ? near : cs->min_work;
}

/* Core's AcceptBlockHeader. *out is the entry (new or known) when the
 * header is acceptable; NULL with st invalid otherwise. */
static void accept_header(sato_chainstate_t *cs, sato_block_state_t *st,
                          const sato_block_header_t *h, const unsigned char hash[32],
                          sato_blocknode_t **out) {
    sato_blocknode_t *e = sato_blockindex_find(cs->index, hash), *prev;
    sato_chain_view_t view;
    *out = NULL;
    if (e != NULL) {
        if (e->status & SATO_BLOCKNODE_FAILED_MASK) {
            sato_validation_invalid(st, SATO_BLOCK_CACHED_INVALID, "duplicate-invalid", NULL);
            return;
        }
        *out = e;
        return;
    }
    if (!sato_block_check_header(st, h, cs->params)) return;
    prev = sato_blockindex_find(cs->index, h->prev_hash);
    if (prev == NULL) {
        sato_validation_invalid(st, SATO_BLOCK_MISSING_PREV, "prev-blk-not-found", NULL);
        return;
    }
    if (prev->status & SATO_BLOCKNODE_FAILED_MASK) {
        sato_validation_invalid(st, SATO_BLOCK_INVALID_PREV, "bad-prevblk", NULL);
        return;
    }
    sato_blocknode_chain_view(&view, prev);
    if (!sato_block_verify_header(st, h, &view, now_seconds(cs), cs->params)) return;
    e = sato_blockindex_add(cs->index, hash, h, prev);
    e->status = SATO_BLOCKNODE_HEADER_OK;
    chain_mark_dirty(cs, e);
    update_best_header(cs, e);
    *out = e;
}

static sato_err_t process_headers(sato_chainstate_t *cs, sato_block_state_t *st,
                                  const sato_block_header_t *headers, size_t n, int work_checked) {
    sato_blocknode_t *prev, *e = NULL;
    sato_u256_t work, proof, threshold;
    unsigned char hash[32], last[32];
    size_t i;
    sato_validation_state_init(st);
    if (n == 0) return SATO_OK;
    prev = sato_blockindex_find(cs->index, headers[0].prev_hash);
    if (prev == NULL) {
        sato_validation_invalid(st, SATO_BLOCK_MISSING_PREV, "prev-blk-not-found", NULL);
        return SATO_OK;
    }
    work = prev->chain_work;
    for (i = 0; i < n; i++) {
        if (i > 0 && memcmp(headers[i].prev_hash, last, 32) != 0) {
            sato_validation_invalid(st, SATO_BLOCK_CONSENSUS, "non-continuous-headers", NULL);
            return SATO_OK;
        }
        sato_block_header_hash(last, &headers[i]);
        sato_pow_block_proof(&proof, headers[i].bits);
        sato_u256_add(&work, &work, &proof);
    }
    anti_dos_threshold(cs, &threshold);
    if (!work_checked && sato_u256_cmp(&work, &threshold) < 0) {
        sato_validation_invalid(st, SATO_BLOCK_HEADER_LOW_WORK, "too-little-chainwork", NULL);
        return SATO_OK;
    }
    for (i = 0; i < n; i++) {
        sato_block_header_hash(hash, &headers[i]);
        accept_header(cs, st, &headers[i], hash, &e);
        if (e == NULL) return SATO_OK;
    }
    return SATO_OK;
}

sato_err_t sato_chainstate_process_headers(sato_chainstate_t *cs, sato_block_state_t *st,
                                           const sato_block_header_t *headers, size_t n) {
    return process_headers(cs, st, headers, n, 0);
}

sato_err_t sato_chainstate_process_presynced_headers(sato_chainstate_t *cs, sato_block_state_t *st,
                                                     const sato_block_header_t *headers, size_t n) {
    return process_headers(cs, st, headers, n, 1);
}

void sato_chainstate_antidos_work(const sato_chainstate_t *cs, sato_u256_t *out) {
    anti_dos_threshold(cs, out);
}

/* ---- blocks ---- */

/* A block's data arrived: it and its descendants with data may now have
 * a complete chain of data back to genesis. */
void chain_receive_data(sato_chainstate_t *cs, sato_blocknode_t *e) {
    sato_blocknode_t **stack, *c;
    size_t n = 0, cap = 16;
    if (e->prev != NULL && !e->prev->chain_available) return;
    stack = sato_malloc(cap * sizeof(*stack));
    stack[n++] = e;
    while (n > 0) {
        sato_blocknode_t *x = stack[--n];
        x->chain_available = 1;
        if (!(x->status & SATO_BLOCKNODE_FAILED_MASK) &&
            (chain_tip(cs) == NULL ||
             sato_u256_cmp(&x->chain_work, &chain_tip(cs)->chain_work) >= 0))
            chain_add_candidate(cs, x);
        for (c = x->first_child; c != NULL; c = c->next_sibling) {
            if ((c->status & SATO_BLOCKNODE_HAVE_DATA) && !c->chain_available) {
                if (n == cap) stack = sato_realloc(stack, (cap *= 2) * sizeof(*stack));
                stack[n++] = c;
            }
        }
    }
    free(stack);
}

/* CheckBlock + ContextualCheckBlock for the block of entry e. */
int chain_check_block(sato_chainstate_t *cs, sato_block_state_t *st, const sato_block_t *b,
                       sato_blocknode_t *e) {
    int64_t prev_mtp = e->prev != NULL ? sato_blocknode_median_time_past(e->prev) : 0;
    return sato_block_check(st, b, cs->params, 1, 1) &&
           sato_block_verify(st, b, e->height, prev_mtp, cs->params);
}

sato_err_t sato_chainstate_test_block(sato_chainstate_t *cs, sato_block_state_t *st,
                                      const sato_block_t *b) {
    sato_blocknode_t *tip = chain_tip(cs), probe;
    sato_chain_view_t view;
    sato_coins_t *scratch;
    sato_buf_t undo;
    sato_err_t err;
    sato_validation_state_init(st);
    if (memcmp(b->header.prev_hash, tip->hash, 32) != 0) {
        sato_validation_invalid(st, SATO_BLOCK_INVALID_PREV, "bad-prevblk", "does not build on the tip");
        return SATO_OK;
    }
    sato_blocknode_chain_view(&view, tip);
    if (!sato_block_verify_header(st, &b->header, &view, now_seconds(cs), cs->params) ||
        !sato_block_check(st, b, cs->params, 0, 1) ||
        !sato_block_verify(st, b, tip->height + 1, sato_blocknode_median_time_past(tip), cs->params))
        return SATO_OK;
    /* A stand-in index entry that nothing else can see. */
    memset(&probe, 0, sizeof(probe));
    sato_block_hash(probe.hash, b);
    probe.header = b->header;
    probe.prev = tip;
    probe.skip = tip;
    probe.height = tip->height + 1;
    scratch = sato_coins_create(NULL, 0, cs->coins);
    sato_buf_init(&undo);
    err = chain_connect_block(cs, st, &probe, b, scratch, &undo);
    sato_buf_clear(&undo);
    sato_coins_destroy(scratch);
    return err;
}

/* Stores block b as the data of e (pos given: already in a blk file, as
 * in a reindex). */
sato_err_t chain_store_block(sato_chainstate_t *cs, sato_blocknode_t *e, const sato_block_t *b,
                             const sato_filepos_t *known_pos) {
    sato_filepos_t pos;
    if (known_pos != NULL) {
        pos = *known_pos;
    } else {
        sato_buf_t buf;
        sato_err_t err;
        if ((err = chain_check_disk_space(cs)) != SATO_OK) return err;
        sato_buf_init(&buf);
        sato_block_write(&buf, b, 1);
        err = sato_blockstore_append_block(cs->bs, &pos, buf.data, buf.len);
        sato_buf_clear(&buf);
        if (err != SATO_OK) return chain_fail(cs, err, "writing block at height %d", e->height);
    }
    e->data_pos = pos;
    e->n_tx = (uint32_t)b->txs_len;
    e->status |= SATO_BLOCKNODE_HAVE_DATA | SATO_BLOCKNODE_TXS_OK;
    e->seq = cs->next_seq++;
    chain_mark_dirty(cs, e);
    chain_receive_data(cs, e);
    return SATO_OK;
}

/* Core's AcceptBlock. *out is set if the block's data was stored. */
sato_err_t chain_accept_block(sato_chainstate_t *cs, sato_block_state_t *st,
                              const sato_block_t *b, int force, int checked,
                              const sato_filepos_t *known_pos, sato_blocknode_t **out) {
    unsigned char hash[32];
    sato_blocknode_t *e, *prev;
    *out = NULL;
    sato_block_header_hash(hash, &b->header);
    e = sato_blockindex_find(cs->index, hash);
    if (e != NULL && (e->status & SATO_BLOCKNODE_FAILED_MASK)) {
        sato_validation_invalid(st, SATO_BLOCK_CACHED_INVALID, "duplicate-invalid", NULL);
        return SATO_OK;
    }
    if (e != NULL && (e->status & SATO_BLOCKNODE_HAVE_DATA)) return SATO_OK;
    if (e == NULL && !force) {
        /* An unrequested block must clear the low-work bar before even
         * its header is kept (Core's min_pow_checked). */
        prev = sato_blockindex_find(cs->index, b->header.prev_hash);
        if (prev != NULL) {
            sato_u256_t work, threshold;
            sato_pow_block_proof(&work, b->header.bits);
            sato_u256_add(&work, &work, &prev->chain_work);
            anti_dos_threshold(cs, &threshold);
            if (sato_u256_cmp(&work, &threshold) < 0) {
                sato_validation_invalid(st, SATO_BLOCK_HEADER_LOW_WORK, "too-little-chainwork",
                                        NULL);
                return SATO_OK;
            }
        }
    }
    accept_header(cs, st, &b->header, hash, &e);
    if (e == NULL) return SATO_OK;
    if (!force) {
        /* Unrequested: only a block that could become the tip, and not
         * too far ahead of it. */
        sato_blocknode_t *tip = chain_tip(cs);
        if (sato_u256_cmp(&e->chain_work, &tip->chain_work) < 0) return SATO_OK;
        if (e->height > tip->height + 288) return SATO_OK;
    }
    if (!(checked ? sato_block_verify(st, b, e->height,
                                      e->prev != NULL ? sato_blocknode_median_time_past(e->prev) : 0,
                                      cs->params)
                  : chain_check_block(cs, st, b, e))) {
        char why[400];
        if (sato_block_state_cacheable(st)) {
            chain_mark_invalid(cs, e);
            log_invalid_chain(cs, e);
            if (cs->best_header == e) chain_rebuild_candidates(cs);
        }
        sato_validation_state_string(why, sizeof(why), st);
        sato_log_printf("[error] AcceptBlock: %s", why);
        return SATO_OK;
    }
    *out = e;
    return chain_store_block(cs, e, b, known_pos);
}

sato_err_t sato_chainstate_process_block(sato_chainstate_t *cs, sato_block_state_t *st,
                                         const sato_block_t *block, int force, int *is_new) {
    sato_blocknode_t *e = NULL;
    sato_err_t err;
    sato_validation_state_init(st);
    if (is_new != NULL) *is_new = 0;
    /* Core's ProcessNewBlock runs CheckBlock before anything is looked up
     * by hash: a tampered copy of a known block gets CheckBlock's reason
     * (never remembered: the bytes are not the block), not "duplicate". */
    if (sato_block_check(st, block, cs->params, 1, 1))
        err = chain_accept_block(cs, st, block, force, 1, NULL, &e);
    else
        err = SATO_OK;
    if (err == SATO_OK && !sato_validation_is_valid(st)) {
        char why[400];
        sato_validation_state_string(why, sizeof(why), st);
        sato_log_printf("[error] ProcessNewBlock: AcceptBlock FAILED (%s)", why);
    }
    if (err != SATO_OK || e == NULL) return err;
    if (is_new != NULL) *is_new = 1;
    cs->mem_block = block;
    cs->mem_idx = e;
    err = sato_chainstate_activate(cs, st);
    cs->mem_block = NULL;
    cs->mem_idx = NULL;
    return err;
}

sato_err_t sato_chainstate_read_block(sato_chainstate_t *cs, sato_block_t *out,
                                      const sato_blocknode_t *e) {
    sato_buf_t buf;
    sato_err_t err;
    unsigned char hash[32];
    sato_block_init(out);
    if (!(e->status & SATO_BLOCKNODE_HAVE_DATA)) return SATO_ENOTFOUND;
    sato_buf_init(&buf);
    err = sato_blockstore_read_block(cs->bs, &buf, e->data_pos);
    if (err == SATO_OK && !sato_block_parse(out, buf.data, buf.len)) err = SATO_ECORRUPT;
    sato_buf_clear(&buf);
    if (err != SATO_OK)
        return chain_fail(cs, err, "reading block at height %d (blk%05u.dat:%u)", e->height,
                          e->data_pos.file, e->data_pos.offset);
    sato_block_header_hash(hash, &out->header);
    if (memcmp(hash, e->hash, 32) != 0) {
        sato_block_clear(out);
        return chain_fail(cs, SATO_ECORRUPT, "block at height %d: hash mismatch", e->height);
    }
    return SATO_OK;
}

/* ---- chain selection ---- */

/* The candidate with the most work (earliest arrival on ties) whose whole
 * branch is not known invalid; drops candidates that cannot win. */
static sato_blocknode_t *pick_best(sato_chainstate_t *cs) {
    for (;;) {
        sato_blocknode_t *best = NULL, *tip = chain_tip(cs), *x;
        size_t i = 0;
        int failed = 0;
        while (i < cs->n_cand) {
            sato_blocknode_t *c = cs->cand[i];
            if ((c->status & SATO_BLOCKNODE_FAILED_MASK) ||
                sato_u256_cmp(&c->chain_work, &tip->chain_work) < 0) {
                cs->cand[i] = cs->cand[--cs->n_cand];
                continue;
            }
            if (best == NULL) {
                best = c;
            } else {
                int cmp = sato_u256_cmp(&c->chain_work, &best->chain_work);
                if (cmp > 0 || (cmp == 0 && c->seq < best->seq)) best = c;
            }
            i++;
        }
        if (best == NULL) return NULL;
        for (x = best; x != NULL && !chain_contains(cs, x); x = x->prev) {
            if (x->status & SATO_BLOCKNODE_FAILED_MASK) {
                failed = 1;
                break;
            }
        }
        if (!failed) return best;
        mark_descendants_failed(cs, x);
    }
}

static sato_err_t disconnect_tip(sato_chainstate_t *cs) {
    sato_blocknode_t *tip = chain_tip(cs);
    sato_coins_t *view;
    sato_err_t err;
    if (sato_fault_point("chain.disconnect") != 0)
        return chain_fail(cs, SATO_EIO, "disconnecting block at height %d", tip->height);
    view = sato_coins_create(NULL, 0, cs->coins);
    err = chain_disconnect_block(cs, tip, view);
    if (err == SATO_OK) {
        sato_coins_merge(view);
        cs->height--;
        cs->since_flush++;
        chain_add_candidate(cs, tip);
    }
    sato_coins_destroy(view);
    return err;
}

static sato_err_t connect_tip(sato_chainstate_t *cs, sato_block_state_t *st, sato_blocknode_t *e) {
    sato_block_t disk;
    const sato_block_t *b;
    sato_coins_t *view = NULL;
    sato_buf_t undo;
    sato_err_t err = SATO_OK;
    sato_block_init(&disk);
    sato_buf_init(&undo);
    if (cs->mem_idx == e) {
        b = cs->mem_block;
    } else {
        sato_block_state_t cst;
        err = sato_chainstate_read_block(cs, &disk, e);
        if (err != SATO_OK) goto out;
        /* It passed these checks when stored: failing now is damage. */
        sato_validation_state_init(&cst);
        if (!chain_check_block(cs, &cst, &disk, e)) {
            err = chain_fail(cs, SATO_ECORRUPT, "corrupt block found at height %d (%s)", e->height,
                             cst.reason);
            goto out;
        }
        b = &disk;
    }
    view = sato_coins_create(NULL, 0, cs->coins);
    err = chain_connect_block(cs, st, e, b, view, &undo);
    if (err != SATO_OK || !sato_validation_is_valid(st)) goto out;
    if (e->height > 0) {
        sato_filepos_t pos;
        if (sato_fault_point("chain.undo") != 0) err = SATO_EIO;
        else err = sato_blockstore_append_undo(cs->bs, &pos, e->hash, undo.data, undo.len);
        if (err != SATO_OK) {
            err = chain_fail(cs, err, "writing undo data at height %d", e->height);
            goto out;
        }
        e->undo_pos = pos;
        e->status |= SATO_BLOCKNODE_HAVE_UNDO;
    }
    e->status |= SATO_BLOCKNODE_SCRIPTS_OK;
    chain_mark_dirty(cs, e);
    sato_coins_merge(view);
    chain_push(cs, e);
    cs->since_flush++;
out:
    sato_coins_destroy(view);
    sato_buf_clear(&undo);
    sato_block_clear(&disk);
    return err;
}

static sato_err_t maybe_flush(sato_chainstate_t *cs) {
    if (sato_coins_memory(cs->coins) > cs->opts.dbcache_bytes ||
        (cs->opts.flush_every != 0 && cs->since_flush >= cs->opts.flush_every) ||
        (int64_t)time(NULL) - cs->last_flush >= (int64_t)cs->opts.flush_interval_s)
        return sato_chainstate_flush(cs);
    return SATO_OK;
}

sato_err_t sato_chainstate_activate(sato_chainstate_t *cs, sato_block_state_t *st) {
    while (!chain_interrupted(cs)) {
        sato_blocknode_t *best = pick_best(cs), *tip = chain_tip(cs), **path;
        const sato_blocknode_t *fork;
        sato_err_t err = SATO_OK;
        int32_t n, i;
        if (best == NULL || sato_u256_cmp(&best->chain_work, &tip->chain_work) <= 0) break;
        fork = sato_blocknode_fork(tip, best);
        while (chain_tip(cs) != fork) {
            if ((err = disconnect_tip(cs)) != SATO_OK) return err;
            if ((err = maybe_flush(cs)) != SATO_OK) return err;
        }
        n = best->height - fork->height;
        path = sato_malloc((size_t)n * sizeof(*path));
        for (i = n - 1, tip = best; i >= 0; i--, tip = tip->prev) path[i] = tip;
        for (i = 0; i < n && !chain_interrupted(cs); i++) {
            sato_block_state_t cst;
            sato_validation_state_init(&cst);
            err = connect_tip(cs, &cst, path[i]);
            if (err != SATO_OK) break;
            if (!sato_validation_is_valid(&cst)) {
                char why[400], hex[65];
                if (sato_validation_is_valid(st)) *st = cst;
                if (sato_block_state_cacheable(&cst)) {
                    chain_mark_invalid(cs, path[i]);
                    log_invalid_chain(cs, path[i]);
                }
                sato_validation_state_string(why, sizeof(why), &cst);
                sato_hex_encode_rev(hex, path[i]->hash, 32);
                sato_log_printf("[error] ConnectTip: ConnectBlock %s failed, %s", hex, why);
                if (!sato_block_state_cacheable(&cst)) {
                    /* A block that cannot be connected and yet is not
                     * invalid (an error state): stop here. */
                    free(path);
                    return chain_fail(cs, SATO_ECORRUPT, "cannot connect block at height %d: %s",
                                      path[i]->height, cst.reason);
                }
                chain_rebuild_candidates(cs);
                break;
            }
            if ((err = maybe_flush(cs)) != SATO_OK) break;
        }
        free(path);
        if (err != SATO_OK) return err;
    }
    return SATO_OK;
}

/* ---- flush ---- */

sato_err_t sato_chainstate_flush(sato_chainstate_t *cs) {
    sato_db_txn_t *txn = NULL;
    sato_blockstore_ends_t ends;
    unsigned char ends_raw[SATO_BLOCKSTORE_ENDS_SIZE], rec[SATO_BLOCKNODE_RECORD_SIZE];
    sato_err_t err;
    size_t i;
    if ((err = chain_check_disk_space(cs)) != SATO_OK) return err;
    if ((err = sato_blockstore_flush(cs->bs)) != SATO_OK)
        return chain_fail(cs, err, "syncing block files");
    if (sato_fault_point("chain.flush.synced") != 0) return chain_fail(cs, SATO_EIO, "flush");
    sato_blockstore_ends(cs->bs, &ends);
    sato_blockstore_ends_write(ends_raw, &ends);
    if ((err = sato_db_begin_write(cs->db, &txn)) != SATO_OK) goto fail;
    for (i = 0; i < cs->n_dirty && err == SATO_OK; i++) {
        sato_blocknode_record_write(rec, cs->dirty[i]);
        err = sato_db_put(txn, T_INDEX, cs->dirty[i]->hash, 32, rec, sizeof(rec));
    }
    if (err == SATO_OK) err = sato_coins_write(cs->coins, txn);
    if (err == SATO_OK) err = sato_db_put(txn, T_META, CHAIN_KEY_BEST, 4, chain_tip(cs)->hash, 32);
    if (err == SATO_OK) err = sato_db_put(txn, T_META, CHAIN_KEY_ENDS, 4, ends_raw, sizeof(ends_raw));
    if (err == SATO_OK && cs->clear_reindex_flag) {
        err = sato_db_del(txn, T_META, CHAIN_KEY_REINDEX, 4);
        if (err == SATO_ENOTFOUND) err = SATO_OK;
    }
    if (err != SATO_OK) {
        sato_db_abort(txn);
        goto fail;
    }
    if ((err = sato_db_commit(txn)) != SATO_OK) goto fail;
    sato_coins_written(cs->coins, sato_coins_memory(cs->coins) > cs->opts.dbcache_bytes);
    for (i = 0; i < cs->n_dirty; i++) cs->dirty[i]->dirty = 0;
    cs->n_dirty = 0;
    cs->clear_reindex_flag = 0;
    cs->since_flush = 0;
    cs->last_flush = (int64_t)time(NULL);
    return SATO_OK;
fail:
    return chain_fail(cs, err, "writing the chainstate database");
}

/* ---- queries ---- */

const sato_blocknode_t *sato_chainstate_tip(const sato_chainstate_t *cs) {
    return chain_tip(cs);
}

const sato_blocknode_t *sato_chainstate_at(const sato_chainstate_t *cs, int32_t height) {
    if (height < 0 || height > cs->height) return NULL;
    return cs->chain[height];
}

const sato_blocknode_t *sato_chainstate_lookup(const sato_chainstate_t *cs,
                                              const unsigned char hash[32]) {
    return sato_blockindex_find(cs->index, hash);
}

const sato_blocknode_t *sato_chainstate_best_header(const sato_chainstate_t *cs) {
    return cs->best_header;
}

size_t sato_chainstate_index_size(const sato_chainstate_t *cs) {
    return sato_blockindex_size(cs->index);
}

sato_err_t sato_chainstate_get_coin(sato_chainstate_t *cs, const sato_outpoint_t *op,
                                    sato_coin_t *out) {
    sato_err_t err = sato_coins_get(cs->coins, op, out);
    if (err != SATO_OK && err != SATO_ENOTFOUND) return chain_fail(cs, err, "reading coins");
    return err;
}

size_t sato_chainstate_cache_memory(const sato_chainstate_t *cs) {
    return sato_coins_memory(cs->coins);
}

size_t sato_chainstate_cache_count(const sato_chainstate_t *cs) {
    return sato_coins_count(cs->coins);
}

/* ---- invalidate / reconsider ---- */

sato_err_t sato_chainstate_invalidate(sato_chainstate_t *cs, sato_block_state_t *st,
                                      const unsigned char hash[32]) {
    sato_blocknode_t *e = sato_blockindex_find(cs->index, hash);
    sato_err_t err;
    sato_validation_state_init(st);
    if (e == NULL) return SATO_ENOTFOUND;
    if (e->height == 0) {
        sato_validation_invalid(st, SATO_BLOCK_CONSENSUS, "genesis", "cannot invalidate genesis");
        return SATO_OK;
    }
    chain_mark_invalid(cs, e);
    while (chain_contains(cs, e)) {
        if ((err = disconnect_tip(cs)) != SATO_OK) return err;
    }
    chain_rebuild_candidates(cs);
    return sato_chainstate_activate(cs, st);
}

static void clear_failed(sato_chainstate_t *cs, sato_blocknode_t *e) {
    if (e->status & SATO_BLOCKNODE_FAILED_MASK) {
        e->status &= ~SATO_BLOCKNODE_FAILED_MASK;
        chain_mark_dirty(cs, e);
    }
}

sato_err_t sato_chainstate_reconsider(sato_chainstate_t *cs, sato_block_state_t *st,
                                      const unsigned char hash[32]) {
    sato_blocknode_t *e = sato_blockindex_find(cs->index, hash), *x, **stack;
    size_t n = 0, cap = 64;
    sato_validation_state_init(st);
    if (e == NULL) return SATO_ENOTFOUND;
    for (x = e; x != NULL; x = x->prev) clear_failed(cs, x);
    stack = sato_malloc(cap * sizeof(*stack));
    for (x = e->first_child; x != NULL; x = x->next_sibling) {
        if (n == cap) stack = sato_realloc(stack, (cap *= 2) * sizeof(*stack));
        stack[n++] = x;
    }
    while (n > 0) {
        sato_blocknode_t *y = stack[--n];
        clear_failed(cs, y);
        for (x = y->first_child; x != NULL; x = x->next_sibling) {
            if (n == cap) stack = sato_realloc(stack, (cap *= 2) * sizeof(*stack));
            stack[n++] = x;
        }
    }
    free(stack);
    chain_rebuild_candidates(cs);
    return sato_chainstate_activate(cs, st);
}

/* ---- UTXO set hash ---- */

sato_err_t sato_chainstate_utxo_stats(sato_chainstate_t *cs, sato_utxo_stats_t *out) {
    sato_db_txn_t *txn = NULL;
    sato_db_iter_t *it = NULL;
    sato_sha256_t h;
    sato_buf_t ser;
    sato_err_t err;
    unsigned char first[32], last_txid[32];
    int have_last = 0;
    memset(out, 0, sizeof(*out));
    if ((err = sato_chainstate_flush(cs)) != SATO_OK) return err;
    sato_buf_init(&ser);
    sato_sha256_init(&h);
    if ((err = sato_db_begin_read(cs->db, &txn)) != SATO_OK) goto out;
    if ((err = sato_db_iter_create(&it, txn, T_COINS)) != SATO_OK) goto out;
    for (err = sato_db_iter_seek(it, NULL, 0); err == SATO_OK; err = sato_db_iter_next(it)) {
        const unsigned char *k, *v;
        size_t klen, vlen;
        sato_coin_t coin;
        sato_db_iter_key(it, &k, &klen);
        sato_db_iter_value(it, &v, &vlen);
        if (klen != SATO_COIN_KEY_SIZE || !sato_coin_value_read(&coin, v, vlen)) {
            err = SATO_ECORRUPT;
            break;
        }
        ser.len = 0;
        sato_buf_write(&ser, k, 32);
        sato_buf_write_u32(&ser, sato_be32(k + 32));
        sato_buf_write_u32(&ser, (uint32_t)coin.height * 2u + (uint32_t)coin.is_coinbase);
        sato_buf_write_u64(&ser, (uint64_t)coin.out.value);
        sato_buf_write_varbytes(&ser, coin.out.script_pubkey.data, coin.out.script_pubkey.len);
        sato_sha256_write(&h, ser.data, ser.len);
        out->txouts++;
        out->total_amount += coin.out.value;
        /* Keys sort by txid first, so a transaction's outputs are adjacent. */
        if (!have_last || memcmp(last_txid, k, 32) != 0) out->transactions++;
        memcpy(last_txid, k, 32);
        have_last = 1;
        out->bogosize += 50 + coin.out.script_pubkey.len;
    }
    if (err == SATO_ENOTFOUND) err = SATO_OK;
out:
    sato_db_iter_destroy(it);
    sato_db_abort(txn);
    sato_buf_clear(&ser);
    if (err != SATO_OK) {
        memset(out, 0, sizeof(*out));
        return chain_fail(cs, err, "reading the UTXO set");
    }
    sato_sha256_finalize(&h, first);
    sato_sha256(out->hash, first, 32);
    out->height = cs->height;
    memcpy(out->best_block, chain_tip(cs)->hash, 32);
    return SATO_OK;
}
