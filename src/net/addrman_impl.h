#ifndef SATO_NET_ADDRMAN_IMPL_H
#define SATO_NET_ADDRMAN_IMPL_H

/* The address manager's insides, shared by the table logic (addrman.c),
 * its file format (addrman_file.c) and the getaddr cache
 * (addrman_cache.c). Nothing outside src/net includes this. */

#include <stdint.h>

#include "sato/addrman.h"

#define AM_NONE UINT32_MAX
/* Every live entry holds a new slot or a tried slot, and Add creates at
 * most one more before it decides: the pool can never need more. */
#define AM_POOL_MAX ((uint32_t)(SATO_ADDRMAN_MAX_NEW + SATO_ADDRMAN_MAX_TRIED + 1))
#define AM_MAP_BITS 18
#define AM_MAP_SIZE (1u << AM_MAP_BITS) /* load factor at most 0.32 */

typedef struct {
    sato_netaddr_t addr;
    sato_netaddr_t source; /* port 0 */
    uint64_t services;
    int64_t time;               /* nTime */
    int64_t last_try;           /* memory only */
    int64_t last_count_attempt; /* memory only */
    int64_t last_success;
    uint64_t serial;   /* 0: the slot is free; else unique for the lifetime of the addrman */
    int32_t attempts;
    uint32_t random_pos; /* index in am->random; next free slot while free */
    uint8_t refcount;    /* new-table references */
    uint8_t in_tried;
} am_entry_t;

/* An address with its services and time, as the tables keep it. */
typedef struct {
    sato_netaddr_t addr;
    uint64_t services;
    int64_t time;
} am_addr_t;

typedef struct {
    uint32_t idx;
    uint64_t serial;
} am_ref_t;

struct sato_addrman {
    unsigned char key[32];
    uint64_t map_k0, map_k1; /* SipHash key of the address map, from key */

    sato_addrman_rand_fn rand;
    void *rand_ctx;
    int allow_local; /* -test=localaddrs: local addresses kept, grouped as public */
    unsigned char rng_seed[32];
    uint64_t rng_counter;
    unsigned char rng_buf[32];
    unsigned rng_pos; /* bytes of rng_buf used */

    am_entry_t *pool;
    uint32_t pool_len, pool_cap, free_head;
    uint64_t next_serial;

    uint32_t *random; /* Core's vRandom: the live entries, in an order GetAddr shuffles */
    uint32_t n_random;

    uint32_t *map; /* open addressing, linear probing: address -> pool index */

    uint32_t new_table[SATO_ADDRMAN_NEW_BUCKETS][SATO_ADDRMAN_BUCKET_SIZE];
    uint32_t tried_table[SATO_ADDRMAN_TRIED_BUCKETS][SATO_ADDRMAN_BUCKET_SIZE];
    uint32_t n_new, n_tried;
    uint32_t net_new[8], net_tried[8]; /* by sato_net_id_t */

    int64_t last_good; /* memory only; starts at 1 so "never" is older */

    am_ref_t collisions[SATO_ADDRMAN_COLLISIONS_MAX]; /* ascending serial, as Core's std::set<nid> */
    uint32_t n_collisions;
};

/* Sets the key (and the map's hash key derived from it); the addrman
 * must be empty. */
void am_set_key(sato_addrman_t *am, const unsigned char key[32]);
uint64_t am_rand64(sato_addrman_t *am);
/* Uniform in [0, n), n > 0. */
uint64_t am_rand_range(sato_addrman_t *am, uint64_t n);

uint32_t am_find(const sato_addrman_t *am, const sato_netaddr_t *a);
/* Core's Create: a new-table entry with no reference yet (counted in
 * n_new). */
uint32_t am_create(sato_addrman_t *am, const am_addr_t *a, const sato_netaddr_t *source);
/* Core's Delete: the entry must be in no table. */
void am_delete(sato_addrman_t *am, uint32_t idx);
/* Copies an address with the bytes past its length zeroed and a mapped
 * IPv4 in IPv6 turned into IPv4; 0 if the length is impossible. */
int am_normalize(sato_netaddr_t *out, const sato_netaddr_t *in);

/* The tables' buckets for this manager's key and grouping. */
int am_tried_bucket(const sato_addrman_t *am, const sato_netaddr_t *a);
int am_new_bucket(const sato_addrman_t *am, const sato_netaddr_t *a, const sato_netaddr_t *src);

#endif
