/* Inbound eviction (Core's SelectNodeToEvict): when every inbound slot is
 * taken, a newcomer may replace a peer that none of the protections
 * cover, so an attacker filling the slots cannot keep out the peers that
 * are diverse, fast or useful. With the lock. */
#include <stdlib.h>
#include <string.h>

#include "net_internal.h"

typedef struct {
    sato_peer_t *p;
    uint64_t group;
    double min_ping; /* seconds; 1e9 when never measured */
    int64_t last_block_ms;
    int block_relay_only;
    uint64_t id;
    int discouraged;
} cand_t;

static void drop(cand_t *c, size_t *n, size_t i) {
    c[i] = c[--*n];
}

/* Removes up to k candidates that sort last by cmp (the most deserving). */
static void protect(cand_t *c, size_t *n, size_t k, int (*cmp)(const void *, const void *),
                    int (*eligible)(const cand_t *)) {
    size_t done = 0;
    qsort(c, *n, sizeof(*c), cmp);
    while (done < k && *n > 0) {
        size_t i = *n;
        int found = 0;
        while (i-- > 0) {
            if (eligible == NULL || eligible(&c[i])) {
                drop(c, n, i);
                found = 1;
                break;
            }
        }
        if (!found) break;
        done++;
        qsort(c, *n, sizeof(*c), cmp);
    }
}

static int by_group(const void *a, const void *b) {
    const cand_t *x = a, *y = b;
    return (x->group > y->group) - (x->group < y->group);
}

/* Lower ping is better, so it sorts last. */
static int by_ping(const void *a, const void *b) {
    const cand_t *x = a, *y = b;
    return (x->min_ping < y->min_ping) - (x->min_ping > y->min_ping);
}

static int by_block(const void *a, const void *b) {
    const cand_t *x = a, *y = b;
    if (x->last_block_ms != y->last_block_ms) return (x->last_block_ms > y->last_block_ms) - (x->last_block_ms < y->last_block_ms);
    return (x->id < y->id) - (x->id > y->id);
}

/* Older (lower id) is better. */
static int by_uptime(const void *a, const void *b) {
    const cand_t *x = a, *y = b;
    return (x->id < y->id) - (x->id > y->id);
}

static int is_block_relay_only(const cand_t *c) {
    return c->block_relay_only;
}

sato_peer_t *net_select_eviction(sato_net_t *net) {
    cand_t *c;
    size_t n = 0, i;
    sato_peer_t *p, *victim = NULL;
    for (p = net->peers; p != NULL; p = p->next) n++;
    c = calloc(n + 1, sizeof(*c));
    if (c == NULL) return NULL;
    n = 0;
    for (p = net->peers; p != NULL; p = p->next) {
        if (!p->inbound || p->noban || p->disconnect) continue;
        c[n].p = p;
        c[n].group = p->keyed_group;
        c[n].min_ping = p->min_ping >= 0 ? p->min_ping : 1e9;
        c[n].last_block_ms = p->last_block_ms;
        c[n].block_relay_only = !p->relay;
        c[n].id = p->id;
        c[n].discouraged = p->prefer_evict;
        n++;
    }
    /* Core's protections, in its order: distinct network groups (keyed,
     * so an attacker cannot aim at them), the fastest pings, peers that
     * relayed novel blocks (first those that relay no transactions),
     * then half of the rest by uptime. Transaction relay (Core's 4 by
     * recent novel transactions) waits for the mempool. */
    protect(c, &n, 4, by_group, NULL);
    protect(c, &n, 8, by_ping, NULL);
    protect(c, &n, 8, by_block, is_block_relay_only);
    protect(c, &n, 4, by_block, NULL);
    protect(c, &n, n / 2, by_uptime, NULL);
    if (n > 0) {
        /* Discouraged peers first, if there are any. */
        size_t k = 0;
        for (i = 0; i < n; i++)
            if (c[i].discouraged) c[k++] = c[i];
        if (k > 0) n = k;
    }
    if (n > 0) {
        /* The youngest peer of the group with the most peers (ties: the
         * group with the youngest peer). */
        uint64_t best_group = 0;
        size_t best_count = 0;
        uint64_t best_young = 0;
        for (i = 0; i < n; i++) {
            size_t j, count = 0;
            uint64_t young = 0;
            for (j = 0; j < n; j++) {
                if (c[j].group != c[i].group) continue;
                count++;
                if (c[j].id > young) young = c[j].id;
            }
            if (count > best_count || (count == best_count && young > best_young)) {
                best_count = count;
                best_group = c[i].group;
                best_young = young;
            }
        }
        for (i = 0; i < n; i++)
            if (c[i].group == best_group && c[i].id == best_young) victim = c[i].p;
    }
    free(c);
    return victim;
}
