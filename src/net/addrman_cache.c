/* The getaddr answer cache: Core's CConnman::GetAddresses (net.cpp),
 * with a fixed number of network keys. */
#include <stdlib.h>
#include <string.h>

#include "net/addrman_impl.h"
#include "sato/mem.h"

#define CACHE_LIFE (21 * 3600)   /* 21 hours ... */
#define CACHE_JITTER (6 * 3600)  /* ... plus up to 6 more */

typedef struct {
    int used;
    uint64_t network_key;
    int64_t expires; /* the entry is rebuilt once now reaches it */
    sato_addr_entry_t *addrs;
    size_t n;
} cache_slot_t;

struct sato_addrcache {
    size_t max_addresses, max_pct;
    sato_addrcache_keep_fn keep;
    void *keep_ctx;
    cache_slot_t slots[SATO_ADDRCACHE_KEYS];
};

sato_addrcache_t *sato_addrcache_create(size_t max_addresses, size_t max_pct, sato_addrcache_keep_fn keep,
                                        void *keep_ctx) {
    sato_addrcache_t *c = sato_calloc(1, sizeof(*c));
    /* A response is bounded either way: by max_addresses, or by the
     * table's size. */
    c->max_addresses = max_addresses;
    c->max_pct = max_pct > 100 ? 100 : max_pct;
    c->keep = keep;
    c->keep_ctx = keep_ctx;
    return c;
}

void sato_addrcache_destroy(sato_addrcache_t *c) {
    size_t i;
    if (c == NULL) return;
    for (i = 0; i < SATO_ADDRCACHE_KEYS; i++) free(c->slots[i].addrs);
    free(c);
}

size_t sato_addrcache_get(sato_addrcache_t *c, sato_addrman_t *am, uint64_t network_key, int64_t now,
                          const sato_addr_entry_t **out) {
    cache_slot_t *s = NULL;
    size_t i, cap, kept;
    for (i = 0; i < SATO_ADDRCACHE_KEYS && s == NULL; i++)
        if (c->slots[i].used && c->slots[i].network_key == network_key) s = &c->slots[i];
    if (s == NULL) {
        /* A free slot, else the one that expires first. */
        for (i = 0; i < SATO_ADDRCACHE_KEYS; i++) {
            cache_slot_t *t = &c->slots[i];
            if (!t->used) {
                s = t;
                break;
            }
            if (s == NULL || t->expires < s->expires) s = t;
        }
        s->used = 1;
        s->network_key = network_key;
        s->expires = -1; /* rebuilt below */
    }
    if (s->expires < now) { /* Core: rebuilt once the expiry is passed */
        cap = c->max_addresses != 0 ? c->max_addresses : sato_addrman_size(am, 0, SATO_ADDRMAN_BOTH);
        free(s->addrs);
        s->addrs = sato_malloc((cap ? cap : 1) * sizeof(*s->addrs));
        s->n = sato_addrman_get_addr(am, s->addrs, c->max_addresses, c->max_pct, 0, 1, now);
        for (i = 0, kept = 0; i < s->n; i++)
            if (c->keep == NULL || c->keep(c->keep_ctx, &s->addrs[i].addr)) s->addrs[kept++] = s->addrs[i];
        s->n = kept;
        s->expires = now + CACHE_LIFE + (int64_t)am_rand_range(am, CACHE_JITTER);
    }
    *out = s->addrs;
    return s->n;
}
