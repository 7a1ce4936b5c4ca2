/* Automatic outbound connections, as Core's ThreadOpenConnections: one
 * round per half second picks at most one address from the address
 * manager (anchors first, then full-relay slots, then block-relay-only
 * ones, then an extra full-relay peer while the tip looks stale or an
 * extra block-relay-only one every five minutes on average once synced,
 * then a feeler every two minutes on average), one peer per network
 * group; -seednode addr-fetch connections while peers are few; anchors.dat
 * across clean restarts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"
#include "sato/addrman.h"
#include "sato/hash.h"
#include "sato/log.h"
#include "sato/mem.h"
#include "sato/random.h"

#define MAX_GROUPS 160
#define EXTRA_BLOCK_RELAY_INTERVAL_MS (5 * 60 * 1000)

const char *net_conn_type_name(conn_type_t t) {
    switch (t) {
    case CONN_INBOUND: return "inbound";
    case CONN_OUTBOUND_FULL_RELAY: return "outbound-full-relay";
    case CONN_MANUAL: return "manual";
    case CONN_FEELER: return "feeler";
    case CONN_BLOCK_RELAY: return "block-relay-only";
    case CONN_ADDR_FETCH: return "addr-fetch";
    }
    return "unknown";
}

/* Ports of other services that a node must not be made to hammer (Core's
 * IsBadPort list). */
static int bad_port(uint16_t port) {
    static const uint16_t bad[] = {1,    7,    9,    11,   13,   15,   17,   19,   20,   21,   22,   23,   25,
                                   37,   42,   43,   53,   69,   77,   79,   87,   95,   101,  102,  103,  104,
                                   109,  110,  111,  113,  115,  117,  119,  123,  135,  137,  139,  143,  161,
                                   179,  389,  427,  465,  512,  513,  514,  515,  526,  530,  531,  532,  540,
                                   548,  554,  556,  563,  587,  601,  636,  989,  990,  993,  995,  1719, 1720,
                                   1723, 2049, 3306, 3389, 3659, 4045, 5060, 5061, 5432, 5900, 6000, 6566, 6665,
                                   6666, 6667, 6668, 6669, 6697, 10080, 27017};
    size_t i;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        if (bad[i] == port) return 1;
    return 0;
}

/* Core's AlreadyConnectedToAddress: any peer at that IP. */
static int connected_to(const sato_net_t *net, const sato_netaddr_t *a) {
    const sato_peer_t *p;
    for (p = net->peers; p != NULL; p = p->next)
        if (!p->disconnect && sato_netaddr_same_ip(&p->addr, a)) return 1;
    return 0;
}

static int added_node(const sato_net_t *net, const sato_netaddr_t *a) {
    size_t i;
    for (i = 0; i < MAX_TARGETS; i++)
        if (net->targets[i].used && sato_netaddr_equal(&net->targets[i].addr, a)) return 1;
    return 0;
}

typedef struct {
    unsigned char g[MAX_GROUPS][17];
    size_t len[MAX_GROUPS];
    size_t n;
} groups_t;

static int groups_has(const groups_t *s, const unsigned char *g, size_t len) {
    size_t i;
    for (i = 0; i < s->n; i++)
        if (s->len[i] == len && memcmp(s->g[i], g, len) == 0) return 1;
    return 0;
}

static int group_taken(const sato_net_t *net, const groups_t *s, const sato_netaddr_t *a) {
    unsigned char g[17];
    size_t len = net_group(net, g, a);
    return groups_has(s, g, len);
}

/* Core's HasAllDesirableServiceFlags, taking the full-history form. */
static int desirable(uint64_t services) {
    return (services & SATO_NODE_NETWORK) && (services & SATO_NODE_WITNESS);
}

static int is_ipv46(const sato_netaddr_t *a) {
    return a->net == SATO_NET_IPV4 || a->net == SATO_NET_IPV6;
}

static void start_addr_fetch(sato_net_t *net) {
    sato_netaddr_t a;
    char text[SATO_NETADDR_STRLEN];
    if (net->n_addr_fetch == 0) return;
    a = net->addr_fetch[--net->n_addr_fetch];
    sato_netaddr_format(text, &a);
    if (sato_addrman_size(net->addrman, 0, SATO_ADDRMAN_BOTH) == 0)
        sato_log_printf("Empty addrman, adding seednode (%s) to addrfetch", text);
    else
        sato_log_printf("Couldn't connect to peers from addrman after 10 seconds. Adding seednode (%s) to addrfetch",
                        text);
    if (!connected_to(net, &a)) net_dial(net, &a, CONN_ADDR_FETCH, 0);
}

void net_open_connections(sato_net_t *net) {
    int64_t now_ms = net_now_ms(net), now = net_now(net);
    int max_full, max_block, max_auto, full = 0, block = 0, autos = 0, privacy = 0, tries = 0, anchor = 0;
    conn_type_t type;
    groups_t groups_buf, *groups = &groups_buf;
    sato_addr_entry_t pick;
    int have_pick = 0;
    const sato_peer_t *p;

    if (!net->active || net->stopping || !net->cfg.automatic_outbound) return;
    if (net->add_addr_fetch) {
        net->add_addr_fetch = 0;
        start_addr_fetch(net);
    }
    net_outbound_limits(net, &max_full, &max_block);
    if (net->next_extra_block_relay_ms == 0) net->next_extra_block_relay_ms = now_ms + sato_random_exp_ms(EXTRA_BLOCK_RELAY_INTERVAL_MS);
    max_auto = max_full + max_block + MAX_FEELERS;
    if (max_auto > net->cfg.max_connections) max_auto = net->cfg.max_connections;

    groups->n = 0;
    for (p = net->peers; p != NULL; p = p->next) {
        if (p->disconnect) continue;
        if (p->conn_type == CONN_OUTBOUND_FULL_RELAY) full++;
        if (p->conn_type == CONN_BLOCK_RELAY) block++;
        if (p->conn_type != CONN_INBOUND && p->conn_type != CONN_MANUAL) autos++;
        /* Short-lived and inbound connections do not shape the choice:
         * inbound ones are free for an attacker to make. */
        if (p->conn_type == CONN_MANUAL || p->conn_type == CONN_OUTBOUND_FULL_RELAY || p->conn_type == CONN_BLOCK_RELAY) {
            if (!is_ipv46(&p->addr)) {
                privacy++;
            } else if (groups->n < MAX_GROUPS) {
                groups->len[groups->n] = net_group(net, groups->g[groups->n], &p->addr);
                groups->n++;
            }
        }
    }
    if (net->n_addr_fetch > 0 && full < SEED_OUTBOUND_THRESHOLD && now_ms - net->seednode_timer_ms > 10000) {
        net->seednode_timer_ms = now_ms;
        net->add_addr_fetch = 1;
    }
    if (autos >= max_auto) return; /* Core's outbound semaphore */

    if (net->n_anchors > 0 && block < max_block) {
        type = CONN_BLOCK_RELAY;
        anchor = 1;
    } else if (full < max_full) {
        type = CONN_OUTBOUND_FULL_RELAY;
    } else if (block < max_block) {
        type = CONN_BLOCK_RELAY;
    } else if (net->try_new_outbound) {
        type = CONN_OUTBOUND_FULL_RELAY; /* the tip looks stale: one more (outpeers.c) */
    } else if (now_ms > net->next_extra_block_relay_ms && net->extra_block_relay_started) {
        /* A peer we keep only long enough to learn its headers, so that
         * an eclipse has to hold every peer we try (outpeers.c lets the
         * surplus go). */
        net->next_extra_block_relay_ms = now_ms + sato_random_exp_ms(EXTRA_BLOCK_RELAY_INTERVAL_MS);
        type = CONN_BLOCK_RELAY;
    } else if (now_ms > net->next_feeler_ms) {
        net->next_feeler_ms = now_ms + sato_random_exp_ms(FEELER_INTERVAL_MS);
        type = CONN_FEELER;
    } else {
        return;
    }

    sato_addrman_resolve_collisions(net->addrman, now);
    while (!net->stopping) {
        sato_addr_entry_t e;
        int64_t last_try = 0;
        if (anchor && net->n_anchors > 0) {
            e = net->anchors[--net->n_anchors];
            if (!sato_netaddr_is_valid(&e.addr) || !is_ipv46(&e.addr) || !desirable(e.services) ||
                group_taken(net, groups, &e.addr))
                continue;
            if (sato_log_categories() & SATO_LOG_NET) {
                char text[SATO_NETADDR_STRLEN];
                sato_netaddr_format(text, &e.addr);
                sato_log_debug(SATO_LOG_NET, "Trying to make an anchor connection to %s", text);
            }
            pick = e;
            have_pick = 1;
            break;
        }
        if (++tries > 100) break;
        if (type == CONN_FEELER) {
            if (!sato_addrman_select_tried_collision(net->addrman, &e, &last_try)) {
                if (!sato_addrman_select(net->addrman, 1, ~0u, now, &e, &last_try)) break;
            } else if (connected_to(net, &e.addr)) {
                /* Test-before-evict would evict a peer we are talking to. */
                sato_addrman_good(net->addrman, &e.addr, now);
                if (!sato_addrman_select(net->addrman, 1, ~0u, now, &e, &last_try)) break;
            }
        } else if (!sato_addrman_select(net->addrman, 0, ~0u, now, &e, &last_try)) {
            break;
        }
        if (type != CONN_FEELER && group_taken(net, groups, &e.addr)) continue;
        if (!sato_netaddr_is_valid(&e.addr)) break;
        if (!is_ipv46(&e.addr)) continue; /* the networks Sato reaches */
        if (now - last_try < 600 && tries < 30) continue;
        if (type != CONN_FEELER && !desirable(e.services)) continue;
        if (type == CONN_FEELER && !(e.services & (SATO_NODE_NETWORK | SATO_NODE_NETWORK_LIMITED))) continue;
        if (tries < 50 && bad_port(e.addr.port)) continue;
        if (added_node(net, &e.addr)) {
            SATO_DEBUG(SATO_LOG_NET, "Not making automatic %s connection to %s peer selected for manual (addnode) connection",
                       net_conn_type_name(type), sato_netaddr_network_name(e.addr.net));
            continue;
        }
        pick = e;
        have_pick = 1;
        break;
    }
    if (have_pick && !connected_to(net, &pick.addr) && !net_is_banned(net, &pick.addr, now)) {
        /* Failures count once we reach two groups: offline, every
         * attempt would fail and poison the tables. */
        int count_failures = (int)groups->n + privacy >= (max_auto - 1 < 2 ? max_auto - 1 : 2);
        char text[SATO_NETADDR_STRLEN];
        sato_netaddr_format(text, &pick.addr);
        if (type == CONN_FEELER) SATO_DEBUG(SATO_LOG_NET, "Making feeler connection to %s", text);
        else SATO_DEBUG(SATO_LOG_NET, "Making %s connection to %s", net_conn_type_name(type), text);
        sato_addrman_attempt(net->addrman, &pick.addr, count_failures, now);
        net_dial(net, &pick.addr, type, 0);
    }
}

/* ---- anchors.dat ----------------------------------------------------- */

/* network magic, "satoanch", a version, the count, the entries (BIP155
 * address, services), then SHA256d of everything before. */
static const unsigned char ANCHORS_MAGIC[8] = {'s', 'a', 't', 'o', 'a', 'n', 'c', 'h'};
#define ANCHORS_VERSION 1
#define ANCHORS_FILE_MAX 4096

void net_save_anchors(sato_net_t *net) {
    sato_buf_t b;
    unsigned char sum[32];
    const sato_peer_t *p;
    sato_netaddr_t keep[MAX_ANCHORS];
    uint64_t services[MAX_ANCHORS];
    size_t n = 0, i;
    char msg[256];
    if (net->cfg.anchors_path == NULL || !net->cfg.automatic_outbound) return;
    pthread_mutex_lock(&net->lock);
    for (p = net->peers; p != NULL && n < MAX_ANCHORS; p = p->next) {
        if (p->conn_type != CONN_BLOCK_RELAY) continue;
        keep[n] = p->addr;
        services[n++] = p->services ? p->services : SATO_NODE_NETWORK | SATO_NODE_WITNESS;
    }
    pthread_mutex_unlock(&net->lock);
    sato_buf_init(&b);
    sato_buf_write(&b, net->cfg.params->magic, 4);
    sato_buf_write(&b, ANCHORS_MAGIC, sizeof(ANCHORS_MAGIC));
    sato_buf_write_u8(&b, ANCHORS_VERSION);
    sato_buf_write_compactsize(&b, n);
    for (i = 0; i < n; i++) {
        sato_netaddr_write_v2(&b, &keep[i]);
        sato_buf_write_u64(&b, services[i]);
    }
    sato_sha256d(sum, b.data, b.len);
    sato_buf_write(&b, sum, 32);
    sato_log_printf("Flush %zu outbound block-relay-only peer addresses to anchors.dat", n);
    if (sato_addrman_write_image(net->cfg.anchors_path, b.data, b.len, msg, sizeof(msg)) != SATO_OK)
        sato_log_printf("Warning: %s", msg);
    sato_buf_clear(&b);
}

/* Reads anchors.dat and removes it, so that a crash after the start
 * does not bring the same anchors back (Core's ReadAnchors). */
void net_load_anchors(sato_net_t *net) {
    unsigned char *data = NULL, sum[32];
    size_t len = 0;
    FILE *f;
    sato_reader_t r;
    uint64_t n = 0, i;
    uint8_t version;
    const unsigned char *span;
    if (net->cfg.anchors_path == NULL || !net->cfg.automatic_outbound) return;
    f = fopen(net->cfg.anchors_path, "rb");
    if (f == NULL) goto done;
    data = sato_malloc(ANCHORS_FILE_MAX + 1);
    len = fread(data, 1, ANCHORS_FILE_MAX + 1, f);
    fclose(f);
    if (len > ANCHORS_FILE_MAX || len < 4 + sizeof(ANCHORS_MAGIC) + 1 + 1 + 32) goto bad;
    sato_sha256d(sum, data, len - 32);
    if (memcmp(sum, data + len - 32, 32) != 0 || memcmp(data, net->cfg.params->magic, 4) != 0 ||
        memcmp(data + 4, ANCHORS_MAGIC, sizeof(ANCHORS_MAGIC)) != 0)
        goto bad;
    sato_reader_init(&r, data + 12, len - 12 - 32);
    if (!sato_read_u8(&r, &version) || version != ANCHORS_VERSION || !sato_read_compactsize(&r, &n) || n > 1000)
        goto bad;
    for (i = 0; i < n; i++) {
        sato_addr_entry_t e;
        memset(&e, 0, sizeof(e));
        int rc = sato_netaddr_read_v2(&r, &e.addr);
        if (rc == 0 || !sato_read_u64(&r, &e.services)) goto bad;
        if (rc == 1 && net->n_anchors < MAX_ANCHORS) net->anchors[net->n_anchors++] = e;
    }
    if (sato_read_span(&r, &span, 1)) goto bad; /* trailing bytes */
    sato_log_printf("Loaded %zu addresses from \"anchors.dat\"", (size_t)n);
    goto done;
bad:
    net->n_anchors = 0;
    sato_log_printf("Warning: anchors.dat is unreadable or not this network's; ignored");
done:
    free(data);
    remove(net->cfg.anchors_path);
    sato_log_printf("%zu block-relay-only anchors will be tried for connections.", net->n_anchors);
}
