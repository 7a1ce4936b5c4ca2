/* Low-work header sync with constant memory (see headerssync.h), after
 * Core's headerssync.cpp. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/headerssync.h"
#include "sato/mem.h"
#include "sato/pow.h"
#include "sato/siphash.h"

#define MAX_FUTURE_BLOCK_TIME (2 * 60 * 60)

struct sato_headerssync {
    const sato_chainparams_t *params;
    sato_hss_start_t start;
    sato_u256_t min_work, pow_limit;
    unsigned period, buffer_size;
    uint64_t offset, k0, k1;
    sato_hss_phase_t phase;
    /* PRESYNC */
    sato_block_header_t last;
    unsigned char last_hash[32];
    int32_t height;
    sato_u256_t work;
    uint64_t max_commitments;
    unsigned char *bits; /* commitment bits, a queue */
    uint64_t bits_head, bits_len, bits_cap;
    /* REDOWNLOAD */
    sato_block_header_t *buf;
    size_t buf_head, buf_len, buf_cap;
    unsigned char re_last_hash[32];
    uint32_t re_last_bits;
    int32_t re_height;
    sato_u256_t re_work;
    int all_remaining;
};

void sato_headerssync_params(const sato_chainparams_t *p, unsigned *period, unsigned *buffer) {
    static const struct {
        const char *name;
        unsigned period, buffer;
    } t[] = {{"main", 641, 15218}, {"test", 673, 14460}, {"testnet4", 606, 16092},
             {"signet", 620, 15724}, {"regtest", 275, 7017}};
    size_t i;
    *period = 275;
    *buffer = 7017;
    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
        if (strcmp(p->name, t[i].name) == 0) {
            *period = t[i].period;
            *buffer = t[i].buffer;
        }
    }
}

sato_headerssync_t *sato_headerssync_create(const sato_chainparams_t *p, const sato_hss_start_t *start,
                                            const sato_u256_t *min_work, int64_t now, uint64_t offset, uint64_t k0,
                                            uint64_t k1) {
    sato_headerssync_t *h = sato_calloc(1, sizeof(*h));
    int64_t seconds = now - start->median_time_past + MAX_FUTURE_BLOCK_TIME;
    h->params = p;
    h->start = *start;
    h->min_work = *min_work;
    sato_chainparams_pow_limit(&h->pow_limit, p);
    sato_headerssync_params(p, &h->period, &h->buffer_size);
    h->offset = offset % h->period;
    h->k0 = k0;
    h->k1 = k1;
    h->phase = SATO_HSS_PRESYNC;
    memcpy(h->last_hash, start->hash, 32);
    h->last.bits = start->bits;
    h->height = start->height;
    h->work = start->chain_work;
    /* Core: at most 6 blocks a second since the fork point's MTP, so a
     * peer cannot make us keep more bits than a real chain could need. */
    h->max_commitments = seconds > 0 ? (uint64_t)(6 * seconds) / h->period : 0;
    return h;
}

void sato_headerssync_destroy(sato_headerssync_t *h) {
    if (h == NULL) return;
    free(h->bits);
    free(h->buf);
    free(h);
}

sato_hss_phase_t sato_headerssync_phase(const sato_headerssync_t *h) {
    return h->phase;
}

int32_t sato_headerssync_height(const sato_headerssync_t *h) {
    return h->height;
}

void sato_headerssync_next_from(const sato_headerssync_t *h, unsigned char out[32]) {
    memcpy(out, h->phase == SATO_HSS_REDOWNLOAD ? h->re_last_hash : h->last_hash, 32);
}

static int commitment_bit(const sato_headerssync_t *h, const unsigned char hash[32]) {
    return (int)(sato_siphash_uint256(h->k0, h->k1, hash) & 1);
}

static int permitted(const sato_headerssync_t *h, int64_t height, uint32_t old_bits, uint32_t new_bits) {
    if (h->params->pow_allow_min_difficulty_blocks) return 1;
    return sato_pow_permitted_transition(height, old_bits, new_bits,
                                         h->params->pow_target_timespan / h->params->pow_target_spacing,
                                         (uint32_t)h->params->pow_target_timespan, &h->pow_limit);
}

static int bit_get(const sato_headerssync_t *h, uint64_t i) {
    uint64_t k = (h->bits_head + i) % (h->bits_cap * 8);
    return h->bits[k / 8] >> (k % 8) & 1;
}

static void bit_push(sato_headerssync_t *h, int bit) {
    uint64_t k;
    if (h->bits_len == h->bits_cap * 8) {
        /* Grow, keeping the queue in order from index 0. */
        uint64_t cap = h->bits_cap ? h->bits_cap * 2 : 64, i;
        unsigned char *nb = sato_calloc((size_t)cap, 1);
        for (i = 0; i < h->bits_len; i++)
            if (bit_get(h, i)) nb[i / 8] |= (unsigned char)(1u << (i % 8));
        free(h->bits);
        h->bits = nb;
        h->bits_cap = cap;
        h->bits_head = 0;
    }
    k = (h->bits_head + h->bits_len) % (h->bits_cap * 8);
    if (bit) h->bits[k / 8] |= (unsigned char)(1u << (k % 8));
    else h->bits[k / 8] &= (unsigned char)~(1u << (k % 8));
    h->bits_len++;
}

static int bit_pop(sato_headerssync_t *h, int *bit) {
    if (h->bits_len == 0) return 0;
    *bit = bit_get(h, 0);
    h->bits_head = (h->bits_head + 1) % (h->bits_cap * 8);
    h->bits_len--;
    return 1;
}

static void fail(sato_headerssync_t *h, sato_hss_result_t *out, const char *why) {
    out->success = 0;
    out->request_more = 0;
    snprintf(out->why, sizeof(out->why), "%s", why);
    h->phase = SATO_HSS_FINAL;
}

static void start_redownload(sato_headerssync_t *h) {
    h->phase = SATO_HSS_REDOWNLOAD;
    memcpy(h->re_last_hash, h->start.hash, 32);
    h->re_last_bits = h->start.bits;
    h->re_height = h->start.height;
    h->re_work = h->start.chain_work;
    h->buf_head = h->buf_len = 0;
    h->all_remaining = 0;
}

static void presync(sato_headerssync_t *h, const sato_block_header_t *hs, size_t n, int full,
                    sato_hss_result_t *out) {
    size_t i;
    if (memcmp(hs[0].prev_hash, h->last_hash, 32) != 0) {
        fail(h, out, "presync: headers do not continue the chain");
        return;
    }
    for (i = 0; i < n; i++) {
        sato_u256_t proof;
        int64_t next = (int64_t)h->height + 1;
        if (i > 0 && memcmp(hs[i].prev_hash, h->last_hash, 32) != 0) {
            fail(h, out, "presync: non-continuous headers");
            return;
        }
        if (!permitted(h, next, h->last.bits, hs[i].bits)) {
            fail(h, out, "presync: invalid difficulty transition");
            return;
        }
        sato_block_header_hash(h->last_hash, &hs[i]);
        if ((uint64_t)next % h->period == h->offset) {
            bit_push(h, commitment_bit(h, h->last_hash));
            if (h->bits_len > h->max_commitments) {
                fail(h, out, "presync: more commitments than a real chain could have");
                return;
            }
        }
        sato_pow_block_proof(&proof, hs[i].bits);
        sato_u256_add(&h->work, &h->work, &proof);
        h->last = hs[i];
        h->height = (int32_t)next;
    }
    if (sato_u256_cmp(&h->work, &h->min_work) >= 0) {
        start_redownload(h);
        out->request_more = 1;
    } else if (full) {
        out->request_more = 1;
    } else {
        fail(h, out, "presync: the peer's chain ends with too little work");
    }
}

static void push_buffer(sato_headerssync_t *h, const sato_block_header_t *hdr) {
    if (h->buf_len == h->buf_cap) {
        size_t cap = h->buf_cap ? h->buf_cap * 2 : 1024, i;
        sato_block_header_t *nb = sato_malloc(cap * sizeof(*nb));
        for (i = 0; i < h->buf_len; i++) nb[i] = h->buf[(h->buf_head + i) % h->buf_cap];
        free(h->buf);
        h->buf = nb;
        h->buf_cap = cap;
        h->buf_head = 0;
    }
    h->buf[(h->buf_head + h->buf_len) % h->buf_cap] = *hdr;
    h->buf_len++;
}

static void redownload(sato_headerssync_t *h, const sato_block_header_t *hs, size_t n, int full,
                       sato_hss_result_t *out) {
    size_t i, nready = 0;
    for (i = 0; i < n; i++) {
        sato_u256_t proof;
        int64_t next = (int64_t)h->re_height + 1;
        unsigned char hash[32];
        if (memcmp(hs[i].prev_hash, h->re_last_hash, 32) != 0) {
            fail(h, out, "redownload: non-continuous headers");
            return;
        }
        if (!permitted(h, next, h->re_last_bits, hs[i].bits)) {
            fail(h, out, "redownload: invalid difficulty transition");
            return;
        }
        sato_block_header_hash(hash, &hs[i]);
        sato_pow_block_proof(&proof, hs[i].bits);
        sato_u256_add(&h->re_work, &h->re_work, &proof);
        if (sato_u256_cmp(&h->re_work, &h->min_work) >= 0) h->all_remaining = 1;
        if ((uint64_t)next % h->period == h->offset && !h->all_remaining) {
            int bit;
            if (!bit_pop(h, &bit) || bit != commitment_bit(h, hash)) {
                fail(h, out, "redownload: the chain differs from the one presynced");
                return;
            }
        }
        push_buffer(h, &hs[i]);
        memcpy(h->re_last_hash, hash, 32);
        h->re_last_bits = hs[i].bits;
        h->re_height = (int32_t)next;
    }
    /* Release what is buried deep enough (or everything, once the work is
     * reached): a swapped chain is caught before any of it is stored. */
    while (h->buf_len > 0 && (h->buf_len > h->buffer_size || h->all_remaining)) {
        if (out->ready == NULL) out->ready = sato_malloc((h->buf_len + 1) * sizeof(*out->ready));
        out->ready[nready++] = h->buf[h->buf_head];
        h->buf_head = (h->buf_head + 1) % h->buf_cap;
        h->buf_len--;
    }
    out->n_ready = nready;
    if (h->all_remaining && h->buf_len == 0) {
        h->phase = SATO_HSS_FINAL; /* the rest arrives as ordinary headers */
        out->request_more = full;
    } else if (full) {
        out->request_more = 1;
    } else {
        fail(h, out, "redownload: the peer's chain ends before the work presynced");
    }
}

void sato_headerssync_process(sato_headerssync_t *h, const sato_block_header_t *headers, size_t n, int full,
                              sato_hss_result_t *out) {
    memset(out, 0, sizeof(*out));
    out->success = 1;
    if (h->phase == SATO_HSS_FINAL || n == 0) {
        out->success = n == 0 ? 0 : 1;
        if (n == 0) snprintf(out->why, sizeof(out->why), "empty headers during sync");
        return;
    }
    if (h->phase == SATO_HSS_PRESYNC) presync(h, headers, n, full, out);
    else redownload(h, headers, n, full, out);
}
