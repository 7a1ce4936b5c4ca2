/* Upkeep of outbound peers, as Core's ConsiderEviction and
 * CheckForStaleTipAndEvictPeers: an outbound peer whose chain stays behind
 * ours for 20 minutes is asked once more for headers and dropped 2
 * minutes later if still behind (4 full-relay peers that once had our
 * tip are spared, so an attacker cannot empty our outbound slots by
 * mining a little faster); a tip unchanged for three block intervals
 * buys one extra full-relay peer, and every 45 seconds a surplus peer
 * (the one that least recently told us of a new block) is let go; after
 * the initial sync an extra block-relay-only peer is tried every five
 * minutes or so, and the younger one that gave us no newer block leaves. */
#include <stdint.h>
#include <string.h>

#include "net_internal.h"
#include "sato/chainstate.h"
#include "sato/hex.h"
#include "sato/log.h"

#define CHAIN_SYNC_TIMEOUT_S (20 * 60)
#define HEADERS_RESPONSE_TIME_S (2 * 60)
#define MAX_PROTECTED_OUTBOUND 4
#define STALE_CHECK_INTERVAL_S (10 * 60)
#define EXTRA_PEER_CHECK_INTERVAL_MS (45 * 1000)
#define MINIMUM_CONNECT_TIME_S 30

void net_outbound_limits(const sato_net_t *net, int *max_full, int *max_block) {
    int n = net->cfg.max_connections;
    *max_full = n < MAX_OUTBOUND_FULL_RELAY ? n : MAX_OUTBOUND_FULL_RELAY;
    *max_block = n - *max_full < MAX_BLOCK_RELAY_ONLY ? n - *max_full : MAX_BLOCK_RELAY_ONLY;
}

/* Core's IsOutboundOrBlockRelayConn: the automatic peers whose chain we
 * depend on (manual ones are the user's choice). */
static int automatic_syncing(const sato_peer_t *p) {
    return p->conn_type == CONN_OUTBOUND_FULL_RELAY || p->conn_type == CONN_BLOCK_RELAY;
}

static const sato_blocknode_t *best_known(sato_chainstate_t *cs, const sato_peer_t *p) {
    return p->have_best_known ? sato_chainstate_lookup(cs, p->best_known) : NULL;
}

static void hash_text(char out[65], const sato_blocknode_t *e) {
    if (e == NULL) memcpy(out, "<none>", 7);
    else sato_hex_encode_rev(out, e->hash, 32);
}

void net_outbound_note_headers(sato_net_t *net, sato_chainctl_t *ctl, sato_peer_t *p, const sato_blocknode_t *last,
                               int new_header, int may_have_more) {
    sato_chainstate_t *cs = sato_chainctl_chainstate(ctl);
    const sato_blocknode_t *tip = sato_chainstate_tip(cs), *best;
    if (last == NULL) return;
    if (new_header && sato_u256_cmp(&last->chain_work, &tip->chain_work) > 0) p->last_block_announcement = net_now(net);
    best = best_known(cs, p);
    /* During initial download a peer that has given us its whole chain
     * and that chain cannot reach the minimum work is of no use. */
    if (!may_have_more && best != NULL && automatic_syncing(p) && sato_chainctl_ibd(ctl)) {
        sato_u256_t min_work;
        sato_u256_from_hex(&min_work, net->cfg.params->minimum_chain_work_hex);
        if (sato_u256_cmp(&best->chain_work, &min_work) < 0) {
            sato_log_printf("outbound peer headers chain has insufficient work, peer=%llu", (unsigned long long)p->id);
            net_disconnect(net, p, NULL);
            return;
        }
    }
    if (p->conn_type == CONN_OUTBOUND_FULL_RELAY && !p->disconnect && best != NULL && !p->chain_protect &&
        sato_u256_cmp(&best->chain_work, &tip->chain_work) >= 0) {
        const sato_peer_t *q;
        int protected_n = 0;
        for (q = net->peers; q != NULL; q = q->next)
            if (q->chain_protect && !q->disconnect) protected_n++;
        if (protected_n < MAX_PROTECTED_OUTBOUND) {
            SATO_DEBUG(SATO_LOG_NET, "Protecting outbound peer=%llu from eviction", (unsigned long long)p->id);
            p->chain_protect = 1;
        }
    }
}

/* Core's ConsiderEviction. */
static void consider_eviction(sato_net_t *net, sato_chainstate_t *cs, sato_peer_t *p, int64_t now) {
    const sato_blocknode_t *tip = sato_chainstate_tip(cs), *best = best_known(cs, p), *work;
    if (p->chain_protect || !automatic_syncing(p) || !p->sync_started || p->disconnect) return;
    work = p->have_work_header ? sato_chainstate_lookup(cs, p->work_header) : NULL;
    if (best != NULL && sato_u256_cmp(&best->chain_work, &tip->chain_work) >= 0) {
        /* Caught up: whatever was pending is over. */
        p->chain_sync_timeout = 0;
        p->have_work_header = 0;
        p->chain_sync_getheaders_sent = 0;
    } else if (p->chain_sync_timeout == 0 ||
               (work != NULL && best != NULL && sato_u256_cmp(&best->chain_work, &work->chain_work) >= 0)) {
        /* Behind, seen for the first time, or it reached the tip we
         * measured it by while ours moved on: measure it by today's. */
        p->chain_sync_timeout = now + CHAIN_SYNC_TIMEOUT_S;
        memcpy(p->work_header, tip->hash, 32);
        p->have_work_header = 1;
        p->chain_sync_getheaders_sent = 0;
    } else if (now > p->chain_sync_timeout) {
        char best_hex[65];
        hash_text(best_hex, best);
        if (p->chain_sync_getheaders_sent) {
            sato_log_printf("Outbound peer has old chain, best known block = %s, peer=%llu", best_hex,
                            (unsigned long long)p->id);
            net_disconnect(net, p, NULL);
        } else if (work != NULL) {
            char work_hex[65];
            /* One last chance: headers from just below the tip we want it
             * to have, so its answer shows whether it has it. */
            net_send_getheaders(net, p, work->prev != NULL ? work->prev : work, 0);
            hash_text(work_hex, work);
            SATO_DEBUG(SATO_LOG_NET,
                       "sending getheaders to outbound peer=%llu to verify chain work (current best known block:%s, "
                       "benchmark blockhash: %s)",
                       (unsigned long long)p->id, best_hex, work_hex);
            p->chain_sync_getheaders_sent = 1;
            p->chain_sync_timeout = now + HEADERS_RESPONSE_TIME_S;
        }
    }
}

static int connected_long_enough(const sato_peer_t *p, int64_t now) {
    return now - p->conn_time >= MINIMUM_CONNECT_TIME_S && p->n_inflight == 0;
}

/* Core's MultipleManualOrFullOutboundConns: the only such link to a
 * network is kept so that we keep reaching it. */
static int others_on_network(const sato_net_t *net, const sato_peer_t *p) {
    const sato_peer_t *q;
    int n = 0;
    for (q = net->peers; q != NULL; q = q->next)
        if (!q->disconnect && (q->conn_type == CONN_OUTBOUND_FULL_RELAY || q->conn_type == CONN_MANUAL) &&
            q->addr.net == p->addr.net)
            n++;
    return n > 1;
}

/* Core's EvictExtraOutboundPeers. */
static void evict_extra_outbound(sato_net_t *net, int64_t now) {
    int max_full, max_block, full = 0, block = 0;
    sato_peer_t *p, *youngest = NULL, *next_youngest = NULL, *worst = NULL;
    int64_t oldest_announcement = INT64_MAX;
    net_outbound_limits(net, &max_full, &max_block);
    for (p = net->peers; p != NULL; p = p->next) {
        if (!p->handshake_done || p->disconnect) continue;
        if (p->conn_type == CONN_OUTBOUND_FULL_RELAY) full++;
        if (p->conn_type == CONN_BLOCK_RELAY) block++;
    }
    if (block > max_block) {
        /* The youngest (highest id) is the extra one we tried, unless it
         * gave us a block more recently than the one before it. */
        for (p = net->peers; p != NULL; p = p->next) {
            if (p->conn_type != CONN_BLOCK_RELAY || p->disconnect) continue;
            if (youngest == NULL || p->id > youngest->id) {
                next_youngest = youngest;
                youngest = p;
            } else if (next_youngest == NULL || p->id > next_youngest->id) {
                next_youngest = p;
            }
        }
        p = youngest;
        if (youngest->last_block_ms > (next_youngest != NULL ? next_youngest->last_block_ms : 0)) p = next_youngest;
        if (p == NULL) {
            /* only one, and it gave us a block: kept */
        } else if (connected_long_enough(p, now)) {
            SATO_DEBUG(SATO_LOG_NET, "disconnecting extra block-relay-only peer=%llu (last block received at time %lld)",
                       (unsigned long long)p->id, (long long)(p->last_block_ms / 1000));
            net_disconnect(net, p, NULL);
        } else {
            SATO_DEBUG(SATO_LOG_NET,
                       "keeping block-relay-only peer=%llu chosen for eviction (connect time: %lld, blocks_in_flight: %d)",
                       (unsigned long long)p->id, (long long)p->conn_time, p->n_inflight);
        }
    }
    if (full <= max_full) return;
    /* The full-relay peer that least recently announced a new block;
     * the younger of a tie. */
    for (p = net->peers; p != NULL; p = p->next) {
        if (p->conn_type != CONN_OUTBOUND_FULL_RELAY || p->disconnect || p->chain_protect) continue;
        if (!others_on_network(net, p)) continue;
        if (p->last_block_announcement < oldest_announcement ||
            (p->last_block_announcement == oldest_announcement && worst != NULL && p->id > worst->id)) {
            worst = p;
            oldest_announcement = p->last_block_announcement;
        }
    }
    if (worst == NULL) return;
    if (now - worst->conn_time > MINIMUM_CONNECT_TIME_S && worst->n_inflight == 0) {
        SATO_DEBUG(SATO_LOG_NET, "disconnecting extra outbound peer=%llu (last block announcement received at time %lld)",
                   (unsigned long long)worst->id, (long long)oldest_announcement);
        net_disconnect(net, worst, NULL);
        /* We reached a new peer since the tip went stale: no more extra
         * ones until it is found stale again. */
        net->try_new_outbound = 0;
    } else {
        SATO_DEBUG(SATO_LOG_NET,
                   "keeping outbound peer=%llu chosen for eviction (connect time: %lld, blocks_in_flight: %d)",
                   (unsigned long long)worst->id, (long long)worst->conn_time, worst->n_inflight);
    }
}

/* Core's TipMayBeStale: no new tip for three block intervals and nothing
 * being downloaded. */
static int tip_may_be_stale(sato_net_t *net, int64_t now) {
    const sato_peer_t *p;
    if (net->last_tip_update == 0) net->last_tip_update = now;
    if (net->last_tip_update >= now - 3 * (int64_t)net->cfg.params->pow_target_spacing) return 0;
    for (p = net->peers; p != NULL; p = p->next)
        if (p->n_inflight > 0) return 0;
    return 1;
}

void net_outbound_tip_updated(sato_net_t *net) {
    net->last_tip_update = net_now(net);
}

void net_outbound_upkeep(sato_net_t *net, sato_chainctl_t *ctl) {
    sato_chainstate_t *cs = sato_chainctl_chainstate(ctl);
    int64_t now = net_now(net), now_ms = net_now_ms(net);
    sato_peer_t *p;
    for (p = net->peers; p != NULL; p = p->next)
        if (p->handshake_done) consider_eviction(net, cs, p, now);
    if (now_ms < net->next_upkeep_ms) return;
    net->next_upkeep_ms = now_ms + EXTRA_PEER_CHECK_INTERVAL_MS;
    evict_extra_outbound(net, now);
    if (now > net->stale_check_time) {
        if (net->active && net->cfg.automatic_outbound && tip_may_be_stale(net, now)) {
            sato_log_printf("Potential stale tip detected, will try using extra outbound peer (last tip update: %lld "
                            "seconds ago)",
                            (long long)(now - net->last_tip_update));
            net->try_new_outbound = 1;
        } else {
            net->try_new_outbound = 0;
        }
        net->stale_check_time = now + STALE_CHECK_INTERVAL_S;
    }
    /* Core's CanDirectFetch: a tip younger than 20 block intervals. */
    if (!net->extra_block_relay_started &&
        (int64_t)sato_chainstate_tip(cs)->header.time > now - 20 * (int64_t)net->cfg.params->pow_target_spacing)
        net->extra_block_relay_started = 1;
}
