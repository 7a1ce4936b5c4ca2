#ifndef SATO_MEMPOOL_HASHMAP_H
#define SATO_MEMPOOL_HASHMAP_H

/* A small open-addressing map from (32-byte hash, u32) to a pointer, for
 * the pool's txid, wtxid and outpoint look-ups. Keys are borrowed: the
 * 32 bytes must stay put while the key is in the map (they live in the
 * entry the value points at). SipHash with a random key, so that peers
 * cannot aim transactions at one slot. */

#include <stddef.h>
#include <stdint.h>

typedef struct {
    const unsigned char *hash; /* NULL: empty slot */
    uint32_t n;
    void *val;
} sato_hmap_slot_t;

typedef struct {
    sato_hmap_slot_t *slots;
    size_t cap; /* a power of two, or 0 */
    size_t len;
    uint64_t k0, k1;
} sato_hmap_t;

void sato_hmap_init(sato_hmap_t *m);
void sato_hmap_clear(sato_hmap_t *m);
void *sato_hmap_get(const sato_hmap_t *m, const unsigned char hash[32], uint32_t n);
/* Inserts or replaces. */
void sato_hmap_put(sato_hmap_t *m, const unsigned char *hash, uint32_t n, void *val);
/* Removes the key if present. */
void sato_hmap_del(sato_hmap_t *m, const unsigned char hash[32], uint32_t n);

#endif
