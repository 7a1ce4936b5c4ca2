/* Address relay, as Core's RelayAddress and MaybeSendAddr: a fresh
 * address from a small addr message (a node announcing itself, not an
 * answer to getaddr) goes on to two peers, the same two for a day per
 * address, so the network learns it without every node flooding it;
 * what a peer is sent waits in its queue and leaves about every 30
 * seconds, filtered by what the peer is known to know already. */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"
#include "sato/log.h"
#include "sato/mem.h"
#include "sato/random.h"
#include "sato/rollingbloom.h"
#include "sato/siphash.h"

#define ADDR_KNOWN_ITEMS 5000
#define ADDR_KNOWN_FP 0.001
#define MAX_ADDR_TO_SEND 1000
#define ADDR_BROADCAST_MEAN_MS 30000
#define ROTATE_RELAY_DEST_S (24 * 60 * 60)
#define RELAY_RANDOMIZER 0x61646472656c6179ULL /* "addrelay": this use of the net's key */

int net_addr_relay_setup(sato_peer_t *p) {
    /* No address traffic on block-relay-only links: it would let a spy
     * tell them apart and map the hidden part of the topology. */
    if (p->conn_type == CONN_BLOCK_RELAY) return 0;
    if (!p->addr_relay_on) {
        p->addr_relay_on = 1;
        p->addr_known = sato_rollingbloom_create(ADDR_KNOWN_ITEMS, ADDR_KNOWN_FP);
    }
    return 1;
}

void net_addr_known(sato_peer_t *p, const sato_netaddr_t *a) {
    unsigned char k[SATO_NETADDR_MAX + 2];
    if (p->addr_known != NULL) sato_rollingbloom_insert(p->addr_known, k, sato_netaddr_key(k, a));
}

int net_addr_compatible(const sato_peer_t *p, const sato_netaddr_t *a) {
    return p->addrv2 || a->net == SATO_NET_IPV4 || a->net == SATO_NET_IPV6;
}

void net_addr_push(sato_peer_t *p, const sato_addr_entry_t *e) {
    unsigned char k[SATO_NETADDR_MAX + 2];
    if (!p->addr_relay_on || !sato_netaddr_is_valid(&e->addr) || !net_addr_compatible(p, &e->addr)) return;
    if (sato_rollingbloom_contains(p->addr_known, k, sato_netaddr_key(k, &e->addr))) return;
    if (p->addrs_to_send == NULL) p->addrs_to_send = sato_malloc(MAX_ADDR_TO_SEND * sizeof(*p->addrs_to_send));
    if (p->n_addrs_to_send < MAX_ADDR_TO_SEND) {
        p->addrs_to_send[p->n_addrs_to_send++] = *e;
    } else {
        /* Full: a random one makes room, so a flood cannot pin the
         * queue to its own choice. */
        p->addrs_to_send[sato_random_u64() % MAX_ADDR_TO_SEND] = *e;
    }
}

void net_addr_relay(sato_net_t *net, const sato_peer_t *from, const sato_addr_entry_t *e) {
    unsigned char k[SATO_NETADDR_MAX + 2];
    size_t kl = sato_netaddr_key(k, &e->addr);
    sato_siphash_t h;
    uint64_t hash_addr, best_key[2] = {0, 0};
    sato_peer_t *best[2] = {NULL, NULL}, *p;
    int n_relay = e->addr.net == SATO_NET_IPV4 || e->addr.net == SATO_NET_IPV6 ? 2 : 1, i;
    sato_siphash_init(&h, 0, 0);
    sato_siphash_write(&h, k, kl);
    hash_addr = sato_siphash_finalize(&h);
    /* The destinations change once a day per address (offset by its
     * hash, so not all at once), and are secret: keyed by the node. */
    sato_siphash_init(&h, net->group_k0, net->group_k1);
    sato_siphash_write_u64(&h, RELAY_RANDOMIZER);
    sato_siphash_write_u64(&h, hash_addr);
    sato_siphash_write_u64(&h, ((uint64_t)net_now(net) + hash_addr) / ROTATE_RELAY_DEST_S);
    for (p = net->peers; p != NULL; p = p->next) {
        sato_siphash_t hp = h;
        uint64_t key;
        if (p == from || p->disconnect || !p->addr_relay_on) continue;
        sato_siphash_write_u64(&hp, p->id);
        key = sato_siphash_finalize(&hp);
        for (i = 0; i < n_relay; i++) {
            if (key > best_key[i]) {
                if (i == 0 && n_relay == 2) {
                    best_key[1] = best_key[0];
                    best[1] = best[0];
                }
                best_key[i] = key;
                best[i] = p;
                break;
            }
        }
    }
    for (i = 0; i < n_relay; i++)
        if (best[i] != NULL) net_addr_push(best[i], e);
}

void net_addr_send(sato_net_t *net, sato_peer_t *p, int64_t now_ms) {
    size_t i, kept = 0;
    sato_buf_t b;
    if (!p->addr_relay_on || !p->handshake_done || now_ms <= p->next_addr_send_ms) return;
    p->next_addr_send_ms = now_ms + sato_random_exp_ms(ADDR_BROADCAST_MEAN_MS);
    for (i = 0; i < p->n_addrs_to_send; i++) {
        unsigned char k[SATO_NETADDR_MAX + 2];
        size_t kl = sato_netaddr_key(k, &p->addrs_to_send[i].addr);
        if (sato_rollingbloom_contains(p->addr_known, k, kl)) continue;
        sato_rollingbloom_insert(p->addr_known, k, kl);
        p->addrs_to_send[kept++] = p->addrs_to_send[i];
    }
    p->n_addrs_to_send = 0;
    if (kept == 0) return;
    sato_buf_init(&b);
    sato_msg_addr_write(&b, p->addrs_to_send, kept, p->addrv2);
    net_send(net, p, p->addrv2 ? "addrv2" : "addr", b.data, b.len);
    sato_buf_clear(&b);
    SATO_DEBUG(SATO_LOG_NET, "sent %zu addresses to peer=%llu", kept, (unsigned long long)p->id);
}

void net_addr_relay_free(sato_peer_t *p) {
    sato_rollingbloom_free(p->addr_known);
    free(p->addrs_to_send);
    p->addr_known = NULL;
    p->addrs_to_send = NULL;
}
