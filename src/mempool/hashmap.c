/* Linear probing with backward-shift deletion (no tombstones). */
#include <stdlib.h>
#include <string.h>

#include "hashmap.h"
#include "sato/mem.h"
#include "sato/random.h"
#include "sato/siphash.h"

void sato_hmap_init(sato_hmap_t *m) {
    memset(m, 0, sizeof(*m));
    m->k0 = sato_random_u64();
    m->k1 = sato_random_u64();
}

void sato_hmap_clear(sato_hmap_t *m) {
    free(m->slots);
    m->slots = NULL;
    m->cap = m->len = 0;
}

static size_t home(const sato_hmap_t *m, const unsigned char *hash, uint32_t n) {
    return (size_t)sato_siphash_uint256_extra(m->k0, m->k1, hash, n) & (m->cap - 1);
}

static int same(const sato_hmap_slot_t *s, const unsigned char *hash, uint32_t n) {
    return s->n == n && memcmp(s->hash, hash, 32) == 0;
}

void *sato_hmap_get(const sato_hmap_t *m, const unsigned char hash[32], uint32_t n) {
    size_t i;
    if (m->cap == 0) return NULL;
    for (i = home(m, hash, n); m->slots[i].hash != NULL; i = (i + 1) & (m->cap - 1))
        if (same(&m->slots[i], hash, n)) return m->slots[i].val;
    return NULL;
}

static void grow(sato_hmap_t *m) {
    sato_hmap_slot_t *old = m->slots;
    size_t old_cap = m->cap, i;
    m->cap = old_cap ? old_cap * 2 : 64;
    m->slots = sato_calloc(m->cap, sizeof(*m->slots));
    m->len = 0;
    for (i = 0; i < old_cap; i++)
        if (old[i].hash != NULL) sato_hmap_put(m, old[i].hash, old[i].n, old[i].val);
    free(old);
}

void sato_hmap_put(sato_hmap_t *m, const unsigned char *hash, uint32_t n, void *val) {
    size_t i;
    if ((m->len + 1) * 2 > m->cap) grow(m); /* load at most one half */
    for (i = home(m, hash, n); m->slots[i].hash != NULL; i = (i + 1) & (m->cap - 1)) {
        if (same(&m->slots[i], hash, n)) {
            m->slots[i].hash = hash;
            m->slots[i].val = val;
            return;
        }
    }
    m->slots[i].hash = hash;
    m->slots[i].n = n;
    m->slots[i].val = val;
    m->len++;
}

void sato_hmap_del(sato_hmap_t *m, const unsigned char hash[32], uint32_t n) {
    size_t i, j, mask = m->cap - 1;
    if (m->cap == 0) return;
    for (i = home(m, hash, n); m->slots[i].hash != NULL; i = (i + 1) & mask)
        if (same(&m->slots[i], hash, n)) break;
    if (m->slots[i].hash == NULL) return;
    /* Shift back every later entry of the run that may move into the hole. */
    for (j = (i + 1) & mask; m->slots[j].hash != NULL; j = (j + 1) & mask) {
        size_t h = home(m, m->slots[j].hash, m->slots[j].n);
        /* j may move to i unless its home lies cyclically in (i, j]. */
        if ((j > i && (h <= i || h > j)) || (j < i && (h <= i && h > j))) {
            m->slots[i] = m->slots[j];
            i = j;
        }
    }
    m->slots[i].hash = NULL;
    m->len--;
}
