/* The message thread (Core's ThreadMessageHandler for what needs the
 * chain): headers-first sync, parallel block download, serving headers
 * and blocks, and block announcements (see net.h). It takes the chain
 * lock first and the network's lock second, never the other way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "net_internal.h"
#include "sato/chainstate.h"
#include "sato/log.h"
#include "sato/mem.h"
#include "sato/headerssync.h"
#include "sato/hex.h"
#include "sato/pow.h"
#include "sato/random.h"

#define GETHEADERS_TIMEOUT_S 120 /* Core's HEADERS_RESPONSE_TIME */
#define MAX_BLOCKS_TO_ANNOUNCE 8
#define MAX_GETBLOCKS_RESULTS 500

/* Core's CChain::GetLocator: the last 10 blocks, then exponentially
 * sparser, always ending at genesis. With the chain lock. */
static size_t make_locator(const sato_blocknode_t *e, unsigned char (*out)[32], size_t max) {
    size_t n = 0;
    int32_t step = 1, h;
    if (e == NULL) return 0;
    h = e->height;
    while (n < max) {
        const sato_blocknode_t *a = sato_blocknode_ancestor(e, h);
        memcpy(out[n++], a->hash, 32);
        if (h == 0) break;
        if (n >= 10) step *= 2;
        h = h - step > 0 ? h - step : 0;
    }
    return n;
}

/* From our best header's parent at the start, as Core, so that the reply
 * is never empty. */
void net_send_getheaders(sato_net_t *net, sato_peer_t *p, const sato_blocknode_t *from, int force) {
    unsigned char loc[64][32], stop[32] = {0};
    sato_buf_t b;
    size_t n;
    int64_t now = net_now(net);
    if (!force && p->last_getheaders != 0 && now - p->last_getheaders < GETHEADERS_TIMEOUT_S) return;
    n = make_locator(from, loc, 64);
    sato_buf_init(&b);
    sato_msg_locator_write(&b, SATO_PROTOCOL_VERSION, (const unsigned char(*)[32])loc, n, stop);
    net_send(net, p, "getheaders", b.data, b.len);
    sato_buf_clear(&b);
    p->last_getheaders = now;
    SATO_DEBUG(SATO_LOG_NET, "getheaders (%d) to peer=%llu", from ? (int)from->height : -1,
               (unsigned long long)p->id);
}

static const sato_blocknode_t *sync_start(sato_chainstate_t *cs) {
    const sato_blocknode_t *best = sato_chainstate_best_header(cs);
    return best->prev != NULL ? best->prev : best;
}

/* The peer's best known block, if we know it. With the chain lock. */
static const sato_blocknode_t *peer_best(sato_chainstate_t *cs, const sato_peer_t *p) {
    return p->have_best_known ? sato_chainstate_lookup(cs, p->best_known) : NULL;
}

static void update_best_known(sato_chainstate_t *cs, sato_peer_t *p, const sato_blocknode_t *e) {
    const sato_blocknode_t *cur = peer_best(cs, p);
    if (e == NULL) return;
    if (cur == NULL || sato_u256_cmp(&e->chain_work, &cur->chain_work) > 0) {
        memcpy(p->best_known, e->hash, 32);
        p->have_best_known = 1;
        p->best_known_height = e->height;
    }
}

static int block_in_flight(const sato_net_t *net, const unsigned char hash[32], sato_peer_t **owner) {
    sato_peer_t *q;
    int k;
    for (q = net->peers; q != NULL; q = q->next) {
        if (q->disconnect) continue;
        for (k = 0; k < q->n_inflight; k++) {
            if (memcmp(q->inflight[k].hash, hash, 32) == 0) {
                if (owner) *owner = q;
                return 1;
            }
        }
    }
    return 0;
}

static int take_inflight(sato_peer_t *p, const unsigned char hash[32]) {
    int k;
    for (k = 0; k < p->n_inflight; k++) {
        if (memcmp(p->inflight[k].hash, hash, 32) == 0) {
            p->inflight[k] = p->inflight[--p->n_inflight];
            return 1;
        }
    }
    return 0;
}

/* Core's FindNextBlocksToDownload: the lowest missing blocks of the
 * peer's best chain inside the window past the last block we share,
 * each asked of one peer only. With both locks. */
static void request_blocks(sato_net_t *net, sato_chainstate_t *cs, sato_peer_t *p) {
    const sato_blocknode_t *best, *tip = sato_chainstate_tip(cs), *fork;
    sato_inv_t want[MAX_BLOCKS_IN_FLIGHT];
    sato_peer_t *staller = NULL;
    size_t n = 0;
    int32_t h, end;
    int64_t now_ms = net_now_ms(net);
    int cmp;
    if (!p->handshake_done || p->disconnect || !net_peer_syncs(p) || p->n_inflight >= MAX_BLOCKS_IN_FLIGHT) return;
    if (!(p->services & (SATO_NODE_NETWORK | SATO_NODE_NETWORK_LIMITED))) return;
    if ((best = peer_best(cs, p)) == NULL || (cmp = sato_u256_cmp(&best->chain_work, &tip->chain_work)) < 0) return;
    if (best->status & SATO_BLOCKNODE_FAILED_MASK) return;
    fork = sato_blocknode_fork(tip, best);
    /* As Core, the last common block also moves when the peer has no more
     * work than we do (its last block just connected): getpeerinfo's
     * synced_blocks would otherwise stay one short of synced_headers. */
    p->common_height = fork->height;
    if (cmp == 0) return;
    end = fork->height + BLOCK_DOWNLOAD_WINDOW;
    for (h = fork->height + 1; h <= best->height && p->n_inflight + (int)n < MAX_BLOCKS_IN_FLIGHT; h++) {
        const sato_blocknode_t *e = sato_blocknode_ancestor(best, h);
        sato_peer_t *owner = NULL;
        if (e->status & SATO_BLOCKNODE_FAILED_MASK) break;
        if (e->status & SATO_BLOCKNODE_HAVE_DATA) continue;
        if (h > end) {
            /* The window is full of blocks others are fetching: whoever
             * holds its first missing block is stalling us. */
            if (n == 0 && p->n_inflight == 0 && staller != NULL && staller != p && staller->stalling_since_ms == 0)
                staller->stalling_since_ms = now_ms;
            break;
        }
        if (block_in_flight(net, e->hash, &owner)) {
            if (staller == NULL) staller = owner;
            continue;
        }
        want[n].type = SATO_MSG_WITNESS_BLOCK;
        memcpy(want[n].hash, e->hash, 32);
        memcpy(p->inflight[p->n_inflight + (int)n].hash, e->hash, 32);
        p->inflight[p->n_inflight + (int)n].since_ms = now_ms;
        p->inflight[p->n_inflight + (int)n].height = h;
        n++;
        if (staller == NULL) staller = p;
    }
    if (n > 0) {
        sato_buf_t b;
        p->n_inflight += (int)n;
        sato_buf_init(&b);
        sato_msg_inv_write(&b, want, n);
        net_send(net, p, "getdata", b.data, b.len);
        sato_buf_clear(&b);
        SATO_DEBUG(SATO_LOG_NET, "requesting %zu block(s) from peer=%llu", n, (unsigned long long)p->id);
    }
}

/* Every peer gets the chance to ask for more blocks; then the upkeep of
 * outbound peers. */
static void schedule_all(sato_net_t *net) {
    sato_chainctl_t *ctl = net->cfg.chainctl;
    sato_peer_t *p;
    sato_chainctl_lock(ctl);
    if (!sato_chainctl_failed(ctl)) {
        pthread_mutex_lock(&net->lock);
        for (p = net->peers; p != NULL; p = p->next) request_blocks(net, sato_chainctl_chainstate(ctl), p);
        net_outbound_upkeep(net, ctl);
        pthread_mutex_unlock(&net->lock);
    }
    sato_chainctl_unlock(ctl);
}

/* ---- messages ---- */

/* After verack: sendheaders once our best header has the minimum work
 * (Core), then the first getheaders. */
static void on_sync(sato_net_t *net, sato_chainstate_t *cs, sato_peer_t *p) {
    const sato_blocknode_t *best = sato_chainstate_best_header(cs);
    sato_u256_t min_work;
    if (!net_peer_syncs(p)) return; /* there for addresses, or to be seen to answer */
    sato_u256_from_hex(&min_work, net->cfg.params->minimum_chain_work_hex);
    if (p->version >= SATO_SENDHEADERS_VERSION && sato_u256_cmp(&best->chain_work, &min_work) >= 0) {
        net_send(net, p, "sendheaders", NULL, 0);
        p->sent_sendheaders = 1;
    }
    if (p->services & (SATO_NODE_NETWORK | SATO_NODE_NETWORK_LIMITED)) {
        net_send_getheaders(net, p, sync_start(cs), 1);
        p->sync_started = 1;
    }
}

/* getheaders continuing a presync: its own position first, then the
 * locator of the block the peer's chain forks from. */
static void send_presync_getheaders(sato_net_t *net, sato_chainstate_t *cs, sato_peer_t *p) {
    unsigned char loc[65][32], stop[32] = {0};
    sato_buf_t b;
    size_t n;
    sato_headerssync_next_from(p->hss, loc[0]);
    n = 1 + make_locator(sato_chainstate_lookup(cs, p->hss_start), loc + 1, 64);
    sato_buf_init(&b);
    sato_msg_locator_write(&b, SATO_PROTOCOL_VERSION, (const unsigned char(*)[32])loc, n, stop);
    net_send(net, p, "getheaders", b.data, b.len);
    sato_buf_clear(&b);
    p->last_getheaders = net_now(net);
}

/* Stores headers; returns 0 on a storage error or an invalid header (the
 * peer was dealt with). */
static int store_headers(sato_net_t *net, sato_chainctl_t *ctl, sato_peer_t *p, const sato_block_header_t *h,
                         size_t n, int presynced) {
    sato_chainstate_t *cs = sato_chainctl_chainstate(ctl);
    sato_block_state_t st;
    sato_err_t err;
    unsigned char last[32];
    int new_header;
    const sato_blocknode_t *e;
    sato_block_header_hash(last, &h[n - 1]);
    new_header = sato_chainstate_lookup(cs, last) == NULL;
    sato_validation_state_init(&st);
    err = presynced ? sato_chainstate_process_presynced_headers(cs, &st, h, n)
                    : sato_chainstate_process_headers(cs, &st, h, n);
    if (err != SATO_OK) {
        (void)sato_chainctl_fatal(ctl, err, "Failed to store headers");
        return 0;
    }
    if (!sato_validation_is_valid(&st)) {
        char why[400];
        if (st.result == SATO_BLOCK_HEADER_LOW_WORK || st.result == SATO_BLOCK_TIME_FUTURE) return 0;
        sato_validation_state_string(why, sizeof(why), &st);
        net_misbehaving(net, p, why);
        return 0;
    }
    e = sato_chainstate_lookup(cs, last);
    update_best_known(cs, p, e);
    net_outbound_note_headers(net, ctl, p, e, new_header, n == SATO_MAX_HEADERS_RESULTS);
    return !p->disconnect;
}

/* A headers message while presyncing (Core's
 * IsContinuationOfLowWorkHeadersSync). */
static void continue_presync(sato_net_t *net, sato_chainctl_t *ctl, sato_peer_t *p, const sato_msg_headers_t *m) {
    sato_chainstate_t *cs = sato_chainctl_chainstate(ctl);
    sato_hss_result_t r;
    int full = m->n == SATO_MAX_HEADERS_RESULTS;
    sato_hss_phase_t before = sato_headerssync_phase(p->hss);
    sato_headerssync_process(p->hss, m->headers, m->n, full, &r);
    if (r.success && before == SATO_HSS_PRESYNC) {
        /* Core's line, with its estimate: the headers still to come are
         * the time since the last one at the target spacing. */
        int32_t height = sato_headerssync_height(p->hss);
        int64_t behind = net_now(net) - (int64_t)m->headers[m->n - 1].time;
        double left = behind > 0 ? (double)behind / (double)net->cfg.params->pow_target_spacing : 0;
        sato_log_printf("Pre-synchronizing blockheaders, height: %d (~%.2f%%)", (int)height,
                        100.0 * (double)height / ((double)height + left));
    }
    if (!r.success) sato_log_printf("Initial headers sync aborted with peer=%llu: %s", (unsigned long long)p->id, r.why);
    if (r.n_ready > 0 && !store_headers(net, ctl, p, r.ready, r.n_ready, 1)) {
        free(r.ready);
        sato_headerssync_destroy(p->hss);
        p->hss = NULL;
        return;
    }
    if (r.success && r.request_more && sato_headerssync_phase(p->hss) != SATO_HSS_FINAL) {
        send_presync_getheaders(net, cs, p);
    } else {
        int done = r.success && sato_headerssync_phase(p->hss) == SATO_HSS_FINAL;
        if (done)
            sato_log_printf("Initial headers sync complete with peer=%llu: releasing all at height=%d",
                            (unsigned long long)p->id, p->best_known_height);
        sato_headerssync_destroy(p->hss);
        p->hss = NULL;
        /* The rest of the chain, if any, comes as ordinary headers. */
        if (done && full && r.n_ready > 0) {
            unsigned char last[32];
            sato_block_header_hash(last, &r.ready[r.n_ready - 1]);
            net_send_getheaders(net, p, sato_chainstate_lookup(cs, last), 1);
        }
    }
    free(r.ready);
}

static void on_headers(sato_net_t *net, sato_chainctl_t *ctl, sato_peer_t *p, const unsigned char *d, size_t len) {
    sato_chainstate_t *cs = sato_chainctl_chainstate(ctl);
    sato_msg_headers_t m;
    sato_msg_result_t r = sato_msg_headers_read(&m, d, len);
    const sato_blocknode_t *prev;
    sato_u256_t limit, work, threshold;
    size_t i;
    if (r == SATO_MSG_OVERSIZED) {
        net_misbehaving(net, p, "headers message size too large");
        return;
    }
    if (r != SATO_MSG_OK) return;
    p->last_getheaders = 0; /* answered: the next may go at once */
    if (m.n == 0) goto out;
    /* Core's CheckHeadersPoW and continuity, before anything else. */
    sato_chainparams_pow_limit(&limit, net->cfg.params);
    for (i = 0; i < m.n; i++) {
        unsigned char h[32];
        sato_block_header_hash(h, &m.headers[i]);
        if (!sato_pow_check(h, m.headers[i].bits, &limit)) {
            net_misbehaving(net, p, "header with invalid proof of work");
            goto out;
        }
        if (i > 0) {
            unsigned char prev_hash[32];
            sato_block_header_hash(prev_hash, &m.headers[i - 1]);
            if (memcmp(m.headers[i].prev_hash, prev_hash, 32) != 0) {
                net_misbehaving(net, p, "non-continuous headers sequence");
                goto out;
            }
        }
    }
    if (p->hss != NULL) {
        continue_presync(net, ctl, p, &m);
        goto out;
    }
    if ((prev = sato_chainstate_lookup(cs, m.headers[0].prev_hash)) == NULL) {
        /* Does not connect: ask from our best header (not punished). */
        net_send_getheaders(net, p, sato_chainstate_best_header(cs), 1);
        goto out;
    }
    /* Core's TryLowWorkHeadersSync: a chain below the anti-DoS threshold
     * is presynced with constant memory when the peer has more (a full
     * message), and ignored otherwise. */
    work = prev->chain_work;
    for (i = 0; i < m.n; i++) {
        sato_u256_t proof;
        sato_pow_block_proof(&proof, m.headers[i].bits);
        sato_u256_add(&work, &work, &proof);
    }
    sato_chainstate_antidos_work(cs, &threshold);
    if (sato_u256_cmp(&work, &threshold) < 0) {
        unsigned char last[32];
        sato_block_header_hash(last, &m.headers[m.n - 1]);
        if (sato_chainstate_lookup(cs, last) != NULL) goto out; /* nothing new */
        if (m.n == SATO_MAX_HEADERS_RESULTS) {
            sato_hss_start_t start;
            unsigned char rnd[24];
            sato_random_bytes(rnd, sizeof(rnd));
            memcpy(start.hash, prev->hash, 32);
            start.height = prev->height;
            start.chain_work = prev->chain_work;
            start.bits = prev->header.bits;
            start.median_time_past = sato_blocknode_median_time_past(prev);
            memcpy(p->hss_start, prev->hash, 32);
            p->hss = sato_headerssync_create(net->cfg.params, &start, &threshold, net_now(net), sato_le64(rnd),
                                             sato_le64(rnd + 8), sato_le64(rnd + 16));
            sato_log_printf("Ignoring low-work chain (height=%d) from peer=%llu; presyncing it",
                            (int)(prev->height + (int32_t)m.n), (unsigned long long)p->id);
            continue_presync(net, ctl, p, &m);
        } else {
            SATO_DEBUG(SATO_LOG_NET, "Ignoring low-work chain (height=%d) from peer=%llu",
                       (int)(prev->height + (int32_t)m.n), (unsigned long long)p->id);
        }
        goto out;
    }
    if (!store_headers(net, ctl, p, m.headers, m.n, 0)) goto out;
    if (m.n == SATO_MAX_HEADERS_RESULTS) {
        unsigned char last[32];
        sato_block_header_hash(last, &m.headers[m.n - 1]);
        net_send_getheaders(net, p, sato_chainstate_lookup(cs, last), 1);
    }
    request_blocks(net, cs, p);
out:
    sato_msg_headers_clear(&m);
}

static void on_block(sato_net_t *net, sato_chainctl_t *ctl, sato_peer_t *p, const unsigned char *d, size_t len,
                     int *unlock_net_first) {
    sato_chainstate_t *cs = sato_chainctl_chainstate(ctl);
    sato_block_t b;
    sato_block_state_t st;
    unsigned char hash[32];
    int requested, is_new = 0;
    sato_err_t err;
    (void)unlock_net_first;
    sato_block_init(&b);
    if (sato_msg_block_read(&b, d, len) != SATO_MSG_OK) return;
    sato_block_header_hash(hash, &b.header);
    requested = take_inflight(p, hash);
    if (requested) p->stalling_since_ms = 0;
    /* Processing may take long: the network's lock is not held for it,
     * so the loop goes on answering pings. */
    pthread_mutex_unlock(&net->lock);
    err = sato_chainstate_process_block(cs, &st, &b, requested, &is_new);
    if (err == SATO_OK) err = sato_chainctl_tip_changed(ctl);
    pthread_mutex_lock(&net->lock);
    if (err != SATO_OK) {
        (void)sato_chainctl_fatal(ctl, err, "Failed to store a block from the network");
    } else if (!sato_validation_is_valid(&st)) {
        char why[400];
        /* Core's MaybePunishNodeForBlock: not for a block from the future
         * or a low-work one; mutated or invalid blocks are misbehaviour. */
        if (st.result != SATO_BLOCK_TIME_FUTURE && st.result != SATO_BLOCK_HEADER_LOW_WORK &&
            sato_validation_is_invalid(&st)) {
            sato_validation_state_string(why, sizeof(why), &st);
            net_misbehaving(net, p, why);
        }
    } else {
        update_best_known(cs, p, sato_chainstate_lookup(cs, hash));
        if (is_new) {
            p->last_block_ms = net_now_ms(net);
            net->stall_timeout_ms = net->stall_timeout_ms * 85 / 100;
            if (net->stall_timeout_ms < STALL_TIMEOUT_MIN_MS) net->stall_timeout_ms = STALL_TIMEOUT_MIN_MS;
        }
    }
    sato_block_clear(&b);
    request_blocks(net, cs, p);
}

/* The fork of the locator with our active chain (Core's
 * FindForkInGlobalIndex): the first locator entry on it, else genesis. */
static const sato_blocknode_t *locator_fork(sato_chainstate_t *cs, const sato_msg_locator_t *m) {
    size_t i;
    for (i = 0; i < m->n; i++) {
        const sato_blocknode_t *e = sato_chainstate_lookup(cs, m->locator[i]);
        if (e != NULL && sato_chainstate_at(cs, e->height) == e) return e;
    }
    return sato_chainstate_at(cs, 0);
}

static void on_getheaders(sato_net_t *net, sato_chainctl_t *ctl, sato_peer_t *p, const unsigned char *d, size_t len,
                          int blocks) {
    sato_chainstate_t *cs = sato_chainctl_chainstate(ctl);
    sato_msg_locator_t m;
    sato_msg_result_t r = sato_msg_locator_read(&m, d, len);
    const sato_blocknode_t *e;
    sato_buf_t b;
    size_t max = blocks ? MAX_GETBLOCKS_RESULTS : SATO_MAX_HEADERS_RESULTS, n = 0;
    static const unsigned char zero[32] = {0};
    if (r == SATO_MSG_OVERSIZED) {
        net_disconnect(net, p, "getheaders/getblocks locator size too large");
        return;
    }
    if (r != SATO_MSG_OK) return;
    /* Core (since 24.0) serves headers during initial download too; only
     * while the active chain has less than the minimum chain work does it
     * decline, and then with an empty headers message, so that the asker
     * does not wait for an answer: Core sends another getheaders to a
     * peer only once the last was answered or 2 minutes have passed, and
     * until then ignores the blocks that peer announces by inv. */
    if (!blocks && !p->noban) {
        sato_u256_t min_work;
        sato_u256_from_hex(&min_work, net->cfg.params->minimum_chain_work_hex);
        if (sato_u256_cmp(&sato_chainstate_tip(cs)->chain_work, &min_work) < 0) {
            SATO_DEBUG(SATO_LOG_NET,
                       "Ignoring getheaders from peer=%llu because active chain has too little work; "
                       "sending empty response",
                       (unsigned long long)p->id);
            sato_msg_locator_clear(&m);
            sato_buf_init(&b);
            sato_msg_headers_write(&b, NULL, 0);
            net_send(net, p, "headers", b.data, b.len);
            sato_buf_clear(&b);
            return;
        }
    }
    if (m.n == 0) {
        /* A bare hash: that one header, if we have it (Core). */
        e = sato_chainstate_lookup(cs, m.stop);
        if (e == NULL || blocks) {
            sato_msg_locator_clear(&m);
            return;
        }
    } else {
        e = locator_fork(cs, &m);
        e = sato_chainstate_at(cs, e->height + 1);
    }
    sato_buf_init(&b);
    if (blocks) {
        sato_inv_t inv[MAX_GETBLOCKS_RESULTS];
        for (; e != NULL && n < max; e = sato_chainstate_at(cs, e->height + 1)) {
            if (memcmp(e->hash, m.stop, 32) == 0) break; /* the stop block is not sent (Core) */
            inv[n].type = SATO_MSG_BLOCK;
            memcpy(inv[n++].hash, e->hash, 32);
            if (n == max) {
                memcpy(p->continuation, e->hash, 32);
                p->have_continuation = 1;
            }
        }
        if (n > 0) {
            sato_msg_inv_write(&b, inv, n);
            net_send(net, p, "inv", b.data, b.len);
        }
    } else {
        sato_block_header_t *hdrs = sato_malloc(max * sizeof(*hdrs));
        int bare = m.n == 0;
        for (; e != NULL && n < max; e = bare ? NULL : sato_chainstate_at(cs, e->height + 1)) {
            hdrs[n++] = e->header;
            if (memcmp(m.stop, zero, 32) != 0 && memcmp(e->hash, m.stop, 32) == 0) break;
        }
        sato_msg_headers_write(&b, hdrs, n);
        net_send(net, p, "headers", b.data, b.len);
        free(hdrs);
    }
    sato_buf_clear(&b);
    sato_msg_locator_clear(&m);
}

/* Serves what it can; the rest waits while the peer's send buffer is
 * full (requeued as a smaller getdata). */
static void on_getdata(sato_net_t *net, sato_chainctl_t *ctl, sato_peer_t *p, const unsigned char *d, size_t len) {
    sato_chainstate_t *cs = sato_chainctl_chainstate(ctl);
    sato_msg_inv_t m;
    sato_msg_result_t r = sato_msg_inv_read(&m, d, len);
    sato_inv_t *missing;
    size_t i, nmissing = 0;
    sato_buf_t b;
    if (r == SATO_MSG_OVERSIZED) {
        net_misbehaving(net, p, "getdata message size too large");
        return;
    }
    if (r != SATO_MSG_OK) return;
    missing = sato_malloc((m.n + 1) * sizeof(*missing));
    sato_buf_init(&b);
    for (i = 0; i < m.n && !p->disconnect; i++) {
        uint32_t type = m.items[i].type & ~SATO_MSG_WITNESS_FLAG;
        if (net_send_backlog(p) > SEND_BUFFER_MAX) {
            /* Back to the head of the queue for the rest. */
            qmsg_t *q;
            sato_buf_t rest;
            sato_buf_init(&rest);
            sato_msg_inv_write(&rest, m.items + i, m.n - i);
            q = sato_malloc(sizeof(*q) + rest.len);
            snprintf(q->command, sizeof(q->command), "getdata");
            q->len = rest.len;
            memcpy(q->payload, rest.data, rest.len);
            q->next = p->q_head;
            p->q_head = q;
            if (p->q_tail == NULL) p->q_tail = q;
            p->q_bytes += rest.len;
            sato_buf_clear(&rest);
            break;
        }
        if (type == SATO_MSG_BLOCK || type == SATO_MSG_FILTERED_BLOCK || type == SATO_MSG_CMPCT_BLOCK) {
            const sato_blocknode_t *e = sato_chainstate_lookup(cs, m.items[i].hash);
            sato_block_t blk;
            if (e == NULL || !(e->status & SATO_BLOCKNODE_HAVE_DATA)) {
                missing[nmissing++] = m.items[i];
                continue;
            }
            if (type != SATO_MSG_BLOCK) continue; /* no bloom filters, no compact blocks yet */
            if (sato_chainstate_read_block(cs, &blk, e) != SATO_OK) {
                missing[nmissing++] = m.items[i];
                continue;
            }
            b.len = 0;
            sato_block_write(&b, &blk, (m.items[i].type & SATO_MSG_WITNESS_FLAG) != 0);
            net_send(net, p, "block", b.data, b.len);
            sato_block_clear(&blk);
            if (p->have_continuation && memcmp(e->hash, p->continuation, 32) == 0) {
                /* Right after that block, even if the peer has our tip. */
                sato_inv_t tip;
                tip.type = SATO_MSG_BLOCK;
                memcpy(tip.hash, sato_chainstate_tip(cs)->hash, 32);
                b.len = 0;
                sato_msg_inv_write(&b, &tip, 1);
                net_send(net, p, "inv", b.data, b.len);
                p->have_continuation = 0;
            }
        } else if (type == SATO_MSG_TX || type == SATO_MSG_WTX) {
            missing[nmissing++] = m.items[i]; /* no mempool yet */
        }
        /* Unknown types are dropped (CVE-2024-52920 looped on them). */
    }
    if (nmissing > 0) {
        b.len = 0;
        sato_msg_inv_write(&b, missing, nmissing);
        net_send(net, p, "notfound", b.data, b.len);
    }
    sato_buf_clear(&b);
    free(missing);
    sato_msg_inv_clear(&m);
}

static void on_inv(sato_net_t *net, sato_chainctl_t *ctl, sato_peer_t *p, const unsigned char *d, size_t len) {
    sato_chainstate_t *cs = sato_chainctl_chainstate(ctl);
    sato_msg_inv_t m;
    sato_msg_result_t r = sato_msg_inv_read(&m, d, len);
    size_t i;
    int unknown = 0;
    if (r == SATO_MSG_OVERSIZED) {
        net_misbehaving(net, p, "inv message size too large");
        return;
    }
    if (r != SATO_MSG_OK) return;
    for (i = 0; i < m.n; i++) {
        uint32_t type = m.items[i].type & ~SATO_MSG_WITNESS_FLAG;
        if (type == SATO_MSG_TX || type == SATO_MSG_WTX) {
            /* We told a block-relay-only peer we want no transactions. */
            if (p->conn_type == CONN_BLOCK_RELAY) {
                char hex[65];
                sato_hex_encode_rev(hex, m.items[i].hash, 32);
                SATO_DEBUG(SATO_LOG_NET, "transaction (%s) inv sent in violation of protocol, disconnecting peer=%llu",
                           hex, (unsigned long long)p->id);
                net_disconnect(net, p, NULL);
                break;
            }
            continue; /* the mempool's, later */
        }
        if (type != SATO_MSG_BLOCK) continue;
        {
            const sato_blocknode_t *e = sato_chainstate_lookup(cs, m.items[i].hash);
            if (e != NULL) update_best_known(cs, p, e);
            else unknown = 1;
        }
    }
    /* One getheaders for all the unknown ones (CVE-2024-52915 sent one
     * per inv), at most one outstanding. */
    if (unknown) net_send_getheaders(net, p, sato_chainstate_best_header(cs), 0);
    request_blocks(net, cs, p);
    sato_msg_inv_clear(&m);
}

static void on_notfound(sato_net_t *net, sato_peer_t *p, const unsigned char *d, size_t len) {
    sato_msg_inv_t m;
    size_t i;
    (void)net;
    if (sato_msg_inv_read(&m, d, len) != SATO_MSG_OK) return;
    for (i = 0; i < m.n; i++) take_inflight(p, m.items[i].hash);
    sato_msg_inv_clear(&m);
}

/* One message: the chain lock, then the network's. */
static void process(sato_net_t *net, sato_peer_t *p, qmsg_t *q) {
    sato_chainctl_t *ctl = net->cfg.chainctl;
    int dummy = 0;
    sato_chainctl_lock(ctl);
    pthread_mutex_lock(&net->lock);
    if (!p->disconnect && !sato_chainctl_failed(ctl)) {
        const char *c = q->command;
        sato_chainstate_t *cs = sato_chainctl_chainstate(ctl);
        if (strcmp(c, "!sync") == 0) on_sync(net, cs, p);
        else if (strcmp(c, "headers") == 0) on_headers(net, ctl, p, q->payload, q->len);
        else if (strcmp(c, "block") == 0) on_block(net, ctl, p, q->payload, q->len, &dummy);
        else if (strcmp(c, "getheaders") == 0) on_getheaders(net, ctl, p, q->payload, q->len, 0);
        else if (strcmp(c, "getblocks") == 0) on_getheaders(net, ctl, p, q->payload, q->len, 1);
        else if (strcmp(c, "getdata") == 0) on_getdata(net, ctl, p, q->payload, q->len);
        else if (strcmp(c, "inv") == 0) on_inv(net, ctl, p, q->payload, q->len);
        else if (strcmp(c, "notfound") == 0) on_notfound(net, p, q->payload, q->len);
        else if (strcmp(c, "tx") == 0 && p->conn_type == CONN_BLOCK_RELAY) {
            SATO_DEBUG(SATO_LOG_NET, "transaction sent in violation of protocol, disconnecting peer=%llu",
                       (unsigned long long)p->id);
            net_disconnect(net, p, NULL);
        }
        /* Other transactions: no mempool yet. */
    }
    net_resume_reading(net, p);
    pthread_mutex_unlock(&net->lock);
    sato_chainctl_unlock(ctl);
}

static int64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The peer with a message waiting that was served longest ago: one
 * message per peer in turn, so a busy peer cannot starve the others
 * however often the list changes. A peer that does not read what it is
 * sent waits until its send buffer drains (Core's fPauseSend): else its
 * requests could make us queue answers without end. With the lock. */
static sato_peer_t *next_to_serve(sato_net_t *net) {
    sato_peer_t *p, *best = NULL;
    for (p = net->peers; p != NULL; p = p->next)
        if (p->q_head != NULL && !p->disconnect && net_send_backlog(p) <= SEND_BUFFER_MAX &&
            (best == NULL || p->served_seq < best->served_seq))
            best = p;
    return best;
}

void *netproc_main(void *arg) {
    sato_net_t *net = arg;
    int64_t last_schedule = 0;
    pthread_mutex_lock(&net->lock);
    while (!net->stopping) {
        sato_peer_t *p = next_to_serve(net);
        if (p != NULL) {
            qmsg_t *q = p->q_head;
            p->q_head = q->next;
            if (p->q_head == NULL) p->q_tail = NULL;
            p->q_bytes -= q->len;
            p->served_seq = ++net->serve_counter;
            p->refs++;
            pthread_mutex_unlock(&net->lock);
            process(net, p, q);
            free(q);
            pthread_mutex_lock(&net->lock);
            net_peer_release(net, p);
        }
        /* When idle, and at least once a second however busy: block
         * requests and the upkeep of outbound peers. */
        if (!net->stopping && (p == NULL || mono_ms() - last_schedule >= 1000)) {
            pthread_mutex_unlock(&net->lock);
            schedule_all(net);
            pthread_mutex_lock(&net->lock);
            last_schedule = mono_ms();
        }
        if (p == NULL && !net->stopping && next_to_serve(net) == NULL) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_nsec += 200 * 1000 * 1000;
            if (until.tv_nsec >= 1000000000) {
                until.tv_sec++;
                until.tv_nsec -= 1000000000;
            }
            pthread_cond_timedwait(&net->work, &net->lock, &until);
        }
    }
    pthread_mutex_unlock(&net->lock);
    return NULL;
}

/* New tip: tell the peers that do not have it (not during initial
 * download, as Core): headers to those who asked for them (BIP130) when
 * few blocks are new, inv otherwise. Under the chain lock. */
void netproc_tip_changed(void *arg, const sato_blocknode_t *fork, const sato_blocknode_t *tip) {
    sato_net_t *net = arg;
    sato_chainstate_t *cs = sato_chainctl_chainstate(net->cfg.chainctl);
    sato_peer_t *p;
    __atomic_store_n(&net->tip_height, tip->height, __ATOMIC_RELAXED);
    pthread_mutex_lock(&net->lock);
    net_outbound_tip_updated(net);
    if (sato_chainctl_ibd(net->cfg.chainctl)) {
        pthread_mutex_unlock(&net->lock);
        return;
    }
    for (p = net->peers; p != NULL; p = p->next) {
        const sato_blocknode_t *known;
        sato_buf_t b;
        if (!p->handshake_done || p->disconnect || !net_peer_syncs(p) || memcmp(p->announced, tip->hash, 32) == 0)
            continue;
        known = peer_best(cs, p);
        if (known != NULL && sato_blocknode_ancestor(known, tip->height) == tip) continue;
        sato_buf_init(&b);
        if (p->prefers_headers && fork != NULL && tip->height - fork->height <= MAX_BLOCKS_TO_ANNOUNCE) {
            sato_block_header_t hdrs[MAX_BLOCKS_TO_ANNOUNCE];
            int32_t h, n = 0;
            for (h = fork->height + 1; h <= tip->height; h++) hdrs[n++] = sato_blocknode_ancestor(tip, h)->header;
            sato_msg_headers_write(&b, hdrs, (size_t)n);
            net_send(net, p, "headers", b.data, b.len);
        } else {
            sato_inv_t inv;
            inv.type = SATO_MSG_BLOCK;
            memcpy(inv.hash, tip->hash, 32);
            sato_msg_inv_write(&b, &inv, 1);
            net_send(net, p, "inv", b.data, b.len);
        }
        memcpy(p->announced, tip->hash, 32);
        sato_buf_clear(&b);
    }
    pthread_mutex_unlock(&net->lock);
}
