/* The address manager's tables: Core's AddrManImpl (addrman.cpp) with
 * explicit time and randomness (see addrman.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "net/addrman_impl.h"
#include "sato/log.h"
#include "sato/mem.h"
#include "sato/random.h"
#include "sato/sha256.h"
#include "sato/siphash.h"

/* An invariant broke: a bug here, never something a peer can cause. */
#define AM_ASSERT(cond)    \
    do {                   \
        if (!(cond)) abort(); \
    } while (0)

#define TIME_MAX ((int64_t)1 << 40)

static int64_t clamp_time(int64_t t) {
    return t < 0 ? 0 : t > TIME_MAX ? TIME_MAX : t;
}

/* ---- placement hashes ---------------------------------------------- */

static uint64_t cheap_hash(const unsigned char *buf, size_t n) {
    unsigned char h[32];
    sato_sha256d(h, buf, n);
    return sato_le64(h);
}

/* Appends a byte string as Core serializes a std::vector: CompactSize
 * length (one byte here, all are shorter than 253) and the bytes. */
static size_t put_vec(unsigned char *p, const unsigned char *v, size_t n) {
    p[0] = (unsigned char)n;
    memcpy(p + 1, v, n);
    return n + 1;
}

/* local: local addresses grouped as public ones (-test=localaddrs). */
static int tried_bucket(const unsigned char key[32], const sato_netaddr_t *a, int local) {
    unsigned char buf[128], ak[SATO_NETADDR_MAX + 2], g[17];
    size_t n, akl = sato_netaddr_key(ak, a), gl = sato_netaddr_group_local(g, a, local);
    uint64_t h1, h2;
    memcpy(buf, key, 32);
    n = 32 + put_vec(buf + 32, ak, akl);
    h1 = cheap_hash(buf, n);
    n = 32 + put_vec(buf + 32, g, gl);
    sato_put_le64(buf + n, h1 % SATO_ADDRMAN_TRIED_BUCKETS_PER_GROUP);
    h2 = cheap_hash(buf, n + 8);
    return (int)(h2 % SATO_ADDRMAN_TRIED_BUCKETS);
}

static int new_bucket(const unsigned char key[32], const sato_netaddr_t *a, const sato_netaddr_t *src, int local) {
    unsigned char buf[128], ga[17], gs[17];
    size_t n, gal = sato_netaddr_group_local(ga, a, local), gsl = sato_netaddr_group_local(gs, src, local);
    uint64_t h1, h2;
    memcpy(buf, key, 32);
    n = 32 + put_vec(buf + 32, ga, gal);
    n += put_vec(buf + n, gs, gsl);
    h1 = cheap_hash(buf, n);
    n = 32 + put_vec(buf + 32, gs, gsl);
    sato_put_le64(buf + n, h1 % SATO_ADDRMAN_NEW_BUCKETS_PER_SOURCE_GROUP);
    h2 = cheap_hash(buf, n + 8);
    return (int)(h2 % SATO_ADDRMAN_NEW_BUCKETS);
}

int sato_addrman_tried_bucket(const unsigned char key[32], const sato_netaddr_t *a) {
    return tried_bucket(key, a, 0);
}

int sato_addrman_new_bucket(const unsigned char key[32], const sato_netaddr_t *a, const sato_netaddr_t *src) {
    return new_bucket(key, a, src, 0);
}

int am_tried_bucket(const sato_addrman_t *am, const sato_netaddr_t *a) {
    return tried_bucket(am->key, a, am->allow_local);
}

int am_new_bucket(const sato_addrman_t *am, const sato_netaddr_t *a, const sato_netaddr_t *src) {
    return new_bucket(am->key, a, src, am->allow_local);
}

int sato_addrman_bucket_position(const unsigned char key[32], int is_new, int bucket, const sato_netaddr_t *a) {
    unsigned char buf[128], ak[SATO_NETADDR_MAX + 2];
    size_t akl = sato_netaddr_key(ak, a), n;
    memcpy(buf, key, 32);
    buf[32] = is_new ? 'N' : 'K';
    sato_put_le32(buf + 33, (uint32_t)bucket);
    n = 37 + put_vec(buf + 37, ak, akl);
    return (int)(cheap_hash(buf, n) % SATO_ADDRMAN_BUCKET_SIZE);
}

int64_t sato_addrman_gossip_time(int64_t t, int64_t now) {
    if (t <= 100000000 || t > now + 10 * 60) return now - 5 * 86400;
    return t;
}

/* ---- randomness ----------------------------------------------------- */

uint64_t am_rand64(sato_addrman_t *am) {
    if (am->rand != NULL) return am->rand(am->rand_ctx);
    if (am->rng_pos + 8 > sizeof(am->rng_buf)) {
        unsigned char in[40];
        memcpy(in, am->rng_seed, 32);
        sato_put_le64(in + 32, am->rng_counter++);
        sato_sha256(am->rng_buf, in, sizeof(in));
        am->rng_pos = 0;
    }
    am->rng_pos += 8;
    return sato_le64(am->rng_buf + am->rng_pos - 8);
}

uint64_t am_rand_range(sato_addrman_t *am, uint64_t n) {
    uint64_t limit, r;
    if (n <= 1) return 0;
    if ((n & (n - 1)) == 0) return am_rand64(am) & (n - 1);
    limit = UINT64_MAX - UINT64_MAX % n; /* no modulo bias */
    do r = am_rand64(am);
    while (r >= limit);
    return r % n;
}

/* ---- the address map ------------------------------------------------ */

static uint32_t map_home(const sato_addrman_t *am, const sato_netaddr_t *a) {
    sato_siphash_t h;
    unsigned char head[2] = {a->net, a->len}, port[2] = {(unsigned char)(a->port >> 8), (unsigned char)a->port};
    sato_siphash_init(&h, am->map_k0, am->map_k1);
    sato_siphash_write(&h, head, 2);
    sato_siphash_write(&h, a->addr, a->len);
    sato_siphash_write(&h, port, 2);
    return (uint32_t)(sato_siphash_finalize(&h) & (AM_MAP_SIZE - 1));
}

uint32_t am_find(const sato_addrman_t *am, const sato_netaddr_t *a) {
    uint32_t i = map_home(am, a);
    while (am->map[i] != AM_NONE) {
        if (sato_netaddr_equal(&am->pool[am->map[i]].addr, a)) return am->map[i];
        i = (i + 1) & (AM_MAP_SIZE - 1);
    }
    return AM_NONE;
}

static void map_insert(sato_addrman_t *am, uint32_t idx) {
    uint32_t i = map_home(am, &am->pool[idx].addr);
    while (am->map[i] != AM_NONE) i = (i + 1) & (AM_MAP_SIZE - 1);
    am->map[i] = idx;
}

/* Removal with backward shift: no tombstones, so probe chains stay as
 * short as the load factor says. */
static void map_remove(sato_addrman_t *am, uint32_t idx) {
    const uint32_t mask = AM_MAP_SIZE - 1;
    uint32_t i = map_home(am, &am->pool[idx].addr), j;
    while (am->map[i] != idx) {
        AM_ASSERT(am->map[i] != AM_NONE);
        i = (i + 1) & mask;
    }
    am->map[i] = AM_NONE;
    for (j = (i + 1) & mask; am->map[j] != AM_NONE; j = (j + 1) & mask) {
        uint32_t k = map_home(am, &am->pool[am->map[j]].addr);
        /* The entry at j may move to the hole at i if its home is not in
         * the cyclic range (i, j]. */
        if (((j - k) & mask) >= ((j - i) & mask)) {
            am->map[i] = am->map[j];
            am->map[j] = AM_NONE;
            i = j;
        }
    }
}

/* ---- entries -------------------------------------------------------- */

int am_normalize(sato_netaddr_t *out, const sato_netaddr_t *in) {
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (in->len > SATO_NETADDR_MAX) return 0;
    if (in->net == SATO_NET_IPV6 && in->len == 16 && memcmp(in->addr, mapped, 12) == 0) {
        sato_netaddr_ipv4(out, in->addr + 12, in->port);
        return 1;
    }
    memset(out, 0, sizeof(*out));
    out->net = in->net;
    out->len = in->len;
    memcpy(out->addr, in->addr, in->len);
    out->port = in->port;
    return 1;
}

static unsigned net_index(const sato_netaddr_t *a) {
    return a->net < 8 ? a->net : 0;
}

void am_set_key(sato_addrman_t *am, const unsigned char key[32]) {
    unsigned char in[44], h[32];
    memcpy(am->key, key, 32);
    memcpy(in, "addrman map:", 12);
    memcpy(in + 12, key, 32);
    sato_sha256(h, in, sizeof(in));
    am->map_k0 = sato_le64(h);
    am->map_k1 = sato_le64(h + 8);
    sato_memzero(in, sizeof(in));
    sato_memzero(h, sizeof(h));
}

static void swap_random(sato_addrman_t *am, uint32_t p1, uint32_t p2) {
    uint32_t a, b;
    if (p1 == p2) return;
    a = am->random[p1];
    b = am->random[p2];
    am->pool[a].random_pos = p2;
    am->pool[b].random_pos = p1;
    am->random[p1] = b;
    am->random[p2] = a;
}

uint32_t am_create(sato_addrman_t *am, const am_addr_t *a, const sato_netaddr_t *source) {
    uint32_t idx;
    am_entry_t *e;
    if (am->free_head != AM_NONE) {
        idx = am->free_head;
        am->free_head = am->pool[idx].random_pos;
    } else {
        AM_ASSERT(am->pool_len < AM_POOL_MAX);
        if (am->pool_len == am->pool_cap) {
            uint32_t cap = am->pool_cap * 2;
            if (cap > AM_POOL_MAX) cap = AM_POOL_MAX;
            am->pool = sato_realloc(am->pool, (size_t)cap * sizeof(*am->pool));
            am->random = sato_realloc(am->random, (size_t)cap * sizeof(*am->random));
            am->pool_cap = cap;
        }
        idx = am->pool_len++;
    }
    e = &am->pool[idx];
    memset(e, 0, sizeof(*e));
    e->addr = a->addr;
    e->services = a->services;
    e->time = a->time;
    if (!am_normalize(&e->source, source)) memset(&e->source, 0, sizeof(e->source));
    e->source.port = 0;
    e->serial = ++am->next_serial; /* 64 bits: never wraps */
    e->random_pos = am->n_random;
    am->random[am->n_random++] = idx;
    map_insert(am, idx);
    am->n_new++;
    am->net_new[net_index(&e->addr)]++;
    return idx;
}

void am_delete(sato_addrman_t *am, uint32_t idx) {
    am_entry_t *e = &am->pool[idx];
    AM_ASSERT(e->serial != 0 && !e->in_tried && e->refcount == 0);
    swap_random(am, e->random_pos, am->n_random - 1);
    am->n_random--;
    am->net_new[net_index(&e->addr)]--;
    am->n_new--;
    map_remove(am, idx);
    e->serial = 0;
    e->random_pos = am->free_head;
    am->free_head = idx;
}

/* ---- life cycle ----------------------------------------------------- */

static void reset_tables(sato_addrman_t *am) {
    memset(am->new_table, 0xff, sizeof(am->new_table));
    memset(am->tried_table, 0xff, sizeof(am->tried_table));
    memset(am->map, 0xff, AM_MAP_SIZE * sizeof(*am->map));
    am->pool_len = 0;
    am->free_head = AM_NONE;
    am->n_random = 0;
    am->n_new = am->n_tried = 0;
    memset(am->net_new, 0, sizeof(am->net_new));
    memset(am->net_tried, 0, sizeof(am->net_tried));
    am->last_good = 1;
    am->n_collisions = 0;
}

sato_addrman_t *sato_addrman_create(const sato_addrman_opts_t *opts) {
    sato_addrman_t *am = sato_calloc(1, sizeof(*am));
    unsigned char key[32];
    if (opts != NULL && opts->key != NULL) memcpy(key, opts->key, 32);
    else sato_random_bytes(key, 32);
    if (opts != NULL && opts->seed != NULL) memcpy(am->rng_seed, opts->seed, 32);
    else sato_random_bytes(am->rng_seed, 32);
    am->rng_pos = sizeof(am->rng_buf);
    if (opts != NULL) {
        am->rand = opts->rand;
        am->rand_ctx = opts->rand_ctx;
        am->allow_local = opts->allow_local;
    }
    am->pool_cap = 1024;
    am->pool = sato_malloc((size_t)am->pool_cap * sizeof(*am->pool));
    am->random = sato_malloc((size_t)am->pool_cap * sizeof(*am->random));
    am->map = sato_malloc(AM_MAP_SIZE * sizeof(*am->map));
    reset_tables(am);
    am_set_key(am, key);
    sato_memzero(key, sizeof(key));
    return am;
}

void sato_addrman_destroy(sato_addrman_t *am) {
    if (am == NULL) return;
    free(am->pool);
    free(am->random);
    free(am->map);
    sato_memzero(am, sizeof(*am));
    free(am);
}

void sato_addrman_clear(sato_addrman_t *am) {
    reset_tables(am);
}

const unsigned char *sato_addrman_key(const sato_addrman_t *am) {
    return am->key;
}

size_t sato_addrman_memory(const sato_addrman_t *am) {
    return sizeof(*am) + (size_t)am->pool_cap * (sizeof(*am->pool) + sizeof(*am->random)) +
           AM_MAP_SIZE * sizeof(*am->map);
}

/* ---- quality -------------------------------------------------------- */

static int entry_terrible(const am_entry_t *e, int64_t now) {
    if (now - e->last_try <= 60) return 0; /* never drop what was tried in the last minute */
    if (e->time > now + 10 * 60) return 1; /* from the future */
    if (now - e->time > SATO_ADDRMAN_HORIZON) return 1;
    if (e->last_success == 0 && e->attempts >= SATO_ADDRMAN_RETRIES) return 1;
    if (now - e->last_success > SATO_ADDRMAN_MIN_FAIL && e->attempts >= SATO_ADDRMAN_MAX_FAILURES) return 1;
    return 0;
}

int sato_addrman_is_terrible(const sato_addrman_info_t *info, int64_t now) {
    am_entry_t e;
    memset(&e, 0, sizeof(e));
    e.time = info->a.time;
    e.last_try = info->last_try;
    e.last_success = info->last_success;
    e.attempts = info->attempts;
    return entry_terrible(&e, clamp_time(now));
}

static double entry_chance(const am_entry_t *e, int64_t now) {
    double chance = 1.0;
    if (now - e->last_try < 10 * 60) chance *= 0.01;
    chance *= pow(0.66, e->attempts < 8 ? e->attempts : 8);
    return chance;
}

/* ---- table moves ---------------------------------------------------- */

static void log_addr(const char *what, const am_entry_t *e, const char *table, int bucket, int pos) {
    char s[SATO_NETADDR_STRLEN];
    if (!(sato_log_categories() & SATO_LOG_ADDRMAN)) return;
    sato_netaddr_format(s, &e->addr);
    sato_log_debug(SATO_LOG_ADDRMAN, "%s %s %s[%d][%d]", what, s, table, bucket, pos);
}

/* Core's ClearNew: the only place new entries are dropped. */
static void clear_new(sato_addrman_t *am, int bucket, int pos) {
    uint32_t idx = am->new_table[bucket][pos];
    am_entry_t *e;
    if (idx == AM_NONE) return;
    e = &am->pool[idx];
    AM_ASSERT(e->refcount > 0);
    e->refcount--;
    am->new_table[bucket][pos] = AM_NONE;
    log_addr("Removed", e, "from new", bucket, pos);
    if (e->refcount == 0) am_delete(am, idx);
}

static int primary_new_bucket(const sato_addrman_t *am, const am_entry_t *e) {
    return am_new_bucket(am, &e->addr, &e->source);
}

/* Core's MakeTried: out of every new bucket, into its tried slot; a
 * tried occupant goes back to its own new slot. */
static void make_tried(sato_addrman_t *am, uint32_t idx) {
    am_entry_t *e = &am->pool[idx];
    int start = primary_new_bucket(am, e), n, tb, tp;
    uint32_t old;
    for (n = 0; n < SATO_ADDRMAN_NEW_BUCKETS && e->refcount > 0; n++) {
        int b = (start + n) % SATO_ADDRMAN_NEW_BUCKETS;
        int p = sato_addrman_bucket_position(am->key, 1, b, &e->addr);
        if (am->new_table[b][p] == idx) {
            am->new_table[b][p] = AM_NONE;
            e->refcount--;
        }
    }
    AM_ASSERT(e->refcount == 0);
    am->n_new--;
    am->net_new[net_index(&e->addr)]--;

    tb = am_tried_bucket(am, &e->addr);
    tp = sato_addrman_bucket_position(am->key, 0, tb, &e->addr);
    old = am->tried_table[tb][tp];
    if (old != AM_NONE) {
        am_entry_t *o = &am->pool[old];
        int ub, up;
        o->in_tried = 0;
        am->tried_table[tb][tp] = AM_NONE;
        am->n_tried--;
        am->net_tried[net_index(&o->addr)]--;
        ub = primary_new_bucket(am, o);
        up = sato_addrman_bucket_position(am->key, 1, ub, &o->addr);
        clear_new(am, ub, up);
        AM_ASSERT(am->new_table[ub][up] == AM_NONE);
        o->refcount = 1;
        am->new_table[ub][up] = old;
        am->n_new++;
        am->net_new[net_index(&o->addr)]++;
        log_addr("Moved to make space:", o, "to new", ub, up);
    }
    am->tried_table[tb][tp] = idx;
    am->n_tried++;
    e->in_tried = 1;
    am->net_tried[net_index(&e->addr)]++;
}

/* Core's AddSingle. */
static int add_single(sato_addrman_t *am, const sato_addr_entry_t *in, const sato_netaddr_t *source,
                      int64_t penalty, int64_t now) {
    am_addr_t a;
    uint32_t idx, occupant;
    am_entry_t *e;
    int bucket, pos, insert;

    /* A network this version knows, at its length, and routable. */
    if (!am_normalize(&a.addr, &in->addr) || sato_netaddr_size(a.addr.net) == 0 ||
        a.addr.len != sato_netaddr_size(a.addr.net) ||
        !(am->allow_local ? sato_netaddr_is_valid(&a.addr) : sato_netaddr_is_routable(&a.addr)))
        return 0;
    a.services = in->services;
    a.time = clamp_time((int64_t)in->time);
    if (sato_netaddr_same_ip(&a.addr, source)) penalty = 0; /* a peer announcing itself */

    idx = am_find(am, &a.addr);
    if (idx != AM_NONE) {
        int64_t interval;
        e = &am->pool[idx];
        /* Refresh the time now and then: hourly for a node seen in the
         * last day, daily otherwise. */
        interval = now - a.time < 24 * 3600 ? 3600 : 24 * 3600;
        if (e->time < a.time - interval - penalty) e->time = a.time - penalty < 0 ? 0 : a.time - penalty;
        e->services |= a.services;
        if (a.time <= e->time) return 0; /* nothing new */
        if (e->in_tried) return 0;
        if (e->refcount == SATO_ADDRMAN_NEW_BUCKETS_PER_ADDRESS) return 0;
        /* With n references, one more is 2^n times less likely. */
        if (e->refcount > 0 && am_rand_range(am, (uint64_t)1 << e->refcount) != 0) return 0;
    } else {
        idx = am_create(am, &a, source);
        e = &am->pool[idx];
        e->time = e->time - penalty < 0 ? 0 : e->time - penalty;
    }

    bucket = am_new_bucket(am, &e->addr, source);
    pos = sato_addrman_bucket_position(am->key, 1, bucket, &e->addr);
    occupant = am->new_table[bucket][pos];
    insert = occupant == AM_NONE;
    if (occupant != idx) {
        if (!insert) {
            const am_entry_t *o = &am->pool[occupant];
            /* Replace an occupant only if it is terrible or this is the
             * newcomer's only chance while the occupant has others. */
            if (entry_terrible(o, now) || (o->refcount > 1 && e->refcount == 0)) insert = 1;
        }
        if (insert) {
            clear_new(am, bucket, pos);
            e->refcount++;
            am->new_table[bucket][pos] = idx;
            log_addr("Added", e, "to new", bucket, pos);
        } else if (e->refcount == 0) {
            am_delete(am, idx);
        }
    }
    return insert;
}

size_t sato_addrman_add(sato_addrman_t *am, const sato_addr_entry_t *addrs, size_t n,
                        const sato_netaddr_t *source, int64_t time_penalty, int64_t now) {
    sato_netaddr_t src;
    size_t i, added = 0;
    if (source == NULL || !am_normalize(&src, source)) memset(&src, 0, sizeof(src));
    now = clamp_time(now);
    time_penalty = clamp_time(time_penalty);
    for (i = 0; i < n; i++) added += (size_t)add_single(am, &addrs[i], &src, time_penalty, now);
    if (added > 0 && (sato_log_categories() & SATO_LOG_ADDRMAN)) {
        char s[SATO_NETADDR_STRLEN];
        sato_netaddr_format(s, &src);
        sato_log_debug(SATO_LOG_ADDRMAN, "Added %zu addresses (of %zu) from %s: %u tried, %u new", added, n, s,
                       am->n_tried, am->n_new);
    }
    return added;
}

static void collision_insert(sato_addrman_t *am, uint32_t idx) {
    uint64_t serial = am->pool[idx].serial;
    uint32_t i, j;
    for (i = 0; i < am->n_collisions; i++) {
        if (am->collisions[i].serial == serial) return;
        if (am->collisions[i].serial > serial) break;
    }
    if (am->n_collisions >= SATO_ADDRMAN_COLLISIONS_MAX) return;
    for (j = am->n_collisions; j > i; j--) am->collisions[j] = am->collisions[j - 1];
    am->collisions[i].idx = idx;
    am->collisions[i].serial = serial;
    am->n_collisions++;
}

static int collision_live(const sato_addrman_t *am, const am_ref_t *r) {
    return r->idx < am->pool_len && am->pool[r->idx].serial == r->serial;
}

/* Core's Good_. */
static int good(sato_addrman_t *am, uint32_t idx, int test_before_evict, int64_t now) {
    am_entry_t *e = &am->pool[idx];
    int tb, tp;
    am->last_good = now;
    e->last_success = now;
    e->last_try = now;
    e->attempts = 0;
    /* The time is not updated: it would tell who we are connected to. */
    if (e->in_tried || e->refcount == 0) return 0;
    tb = am_tried_bucket(am, &e->addr);
    tp = sato_addrman_bucket_position(am->key, 0, tb, &e->addr);
    if (test_before_evict && am->tried_table[tb][tp] != AM_NONE) {
        collision_insert(am, idx);
        log_addr("Collision in tried table for", e, "at tried", tb, tp);
        return 0;
    }
    make_tried(am, idx);
    log_addr("Moved", e, "to tried", tb, tp);
    return 1;
}

int sato_addrman_good(sato_addrman_t *am, const sato_netaddr_t *addr, int64_t now) {
    sato_netaddr_t a;
    uint32_t idx;
    now = clamp_time(now);
    am->last_good = now;
    if (!am_normalize(&a, addr) || (idx = am_find(am, &a)) == AM_NONE) return 0;
    return good(am, idx, 1, now);
}

static am_entry_t *lookup(sato_addrman_t *am, const sato_netaddr_t *addr) {
    sato_netaddr_t a;
    uint32_t idx;
    if (!am_normalize(&a, addr) || (idx = am_find(am, &a)) == AM_NONE) return NULL;
    return &am->pool[idx];
}

void sato_addrman_attempt(sato_addrman_t *am, const sato_netaddr_t *addr, int count_failure, int64_t now) {
    am_entry_t *e = lookup(am, addr);
    if (e == NULL) return;
    now = clamp_time(now);
    e->last_try = now;
    /* One failure per Good of any address: an outage of our own does not
     * count against every address tried meanwhile. */
    if (count_failure && e->last_count_attempt < am->last_good) {
        e->last_count_attempt = now;
        if (e->attempts < INT32_MAX) e->attempts++;
    }
}

void sato_addrman_connected(sato_addrman_t *am, const sato_netaddr_t *addr, int64_t now) {
    am_entry_t *e = lookup(am, addr);
    if (e == NULL) return;
    now = clamp_time(now);
    if (now - e->time > 20 * 60) e->time = now;
}

void sato_addrman_set_services(sato_addrman_t *am, const sato_netaddr_t *addr, uint64_t services) {
    am_entry_t *e = lookup(am, addr);
    if (e != NULL) e->services = services;
}

/* ---- tried collisions ----------------------------------------------- */

void sato_addrman_resolve_collisions(sato_addrman_t *am, int64_t now) {
    am_ref_t pending[SATO_ADDRMAN_COLLISIONS_MAX];
    uint32_t n = am->n_collisions, i, kept = 0;
    now = clamp_time(now);
    memcpy(pending, am->collisions, sizeof(pending));
    /* Good() below never adds collisions, but it may drop entries that
     * are waiting here: work on a copy, keep what stays. */
    for (i = 0; i < n; i++) {
        am_ref_t r = pending[i];
        int erase = 0;
        if (!collision_live(am, &r)) {
            erase = 1;
        } else {
            am_entry_t *e = &am->pool[r.idx];
            int tb = am_tried_bucket(am, &e->addr);
            int tp = sato_addrman_bucket_position(am->key, 0, tb, &e->addr);
            uint32_t old = am->tried_table[tb][tp];
            if (!sato_netaddr_is_valid(&e->addr)) {
                erase = 1;
            } else if (old != AM_NONE) {
                const am_entry_t *o = &am->pool[old];
                if (now - o->last_success < SATO_ADDRMAN_REPLACEMENT) {
                    erase = 1; /* the occupant works: keep it */
                } else if (now - o->last_try < SATO_ADDRMAN_REPLACEMENT) {
                    /* Tried lately without success; give a test at
                     * least a minute. */
                    if (now - o->last_try > 60) {
                        log_addr("Replacing in tried table with", e, "at tried", tb, tp);
                        good(am, r.idx, 0, now);
                        erase = 1;
                    }
                } else if (now - e->last_success > SATO_ADDRMAN_TEST_WINDOW) {
                    log_addr("Unable to test; replacing in tried table with", e, "at tried", tb, tp);
                    good(am, r.idx, 0, now);
                    erase = 1;
                }
            } else {
                good(am, r.idx, 0, now); /* no longer a collision */
                erase = 1;
            }
        }
        if (!erase) pending[kept++] = r;
    }
    memcpy(am->collisions, pending, sizeof(pending));
    am->n_collisions = kept;
}

static void export_addr(sato_addr_entry_t *out, const am_entry_t *e) {
    out->addr = e->addr;
    out->services = e->services;
    out->time = e->time < 0 ? 0 : e->time > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)e->time;
}

int sato_addrman_select_tried_collision(sato_addrman_t *am, sato_addr_entry_t *out, int64_t *last_try) {
    uint32_t i, old;
    const am_entry_t *e;
    int tb, tp;
    memset(out, 0, sizeof(*out));
    if (last_try != NULL) *last_try = 0;
    if (am->n_collisions == 0) return 0;
    i = (uint32_t)am_rand_range(am, am->n_collisions);
    if (!collision_live(am, &am->collisions[i])) {
        memmove(&am->collisions[i], &am->collisions[i + 1], (am->n_collisions - i - 1) * sizeof(am_ref_t));
        am->n_collisions--;
        return 0;
    }
    e = &am->pool[am->collisions[i].idx];
    tb = am_tried_bucket(am, &e->addr);
    tp = sato_addrman_bucket_position(am->key, 0, tb, &e->addr);
    old = am->tried_table[tb][tp];
    if (old == AM_NONE) return 0;
    export_addr(out, &am->pool[old]);
    if (last_try != NULL) *last_try = am->pool[old].last_try;
    return 1;
}

/* ---- selection ------------------------------------------------------ */

/* How many bucket draws Select makes before it gives up (Core loops
 * until it finds one). Empty buckets cost a draw each; a refused
 * candidate multiplies the next one's chance by 1.2, so at most about 44
 * refusals happen before the product reaches 1 for the least likely
 * entry (0.01 x 0.66^8). With one matching entry in 1,024 buckets, 1,024
 * draws per bucket miss those 44 hits with probability below e^-500. */
#define SELECT_DRAWS_PER_BUCKET 1024

int sato_addrman_select(sato_addrman_t *am, int new_only, uint32_t nets, int64_t now, sato_addr_entry_t *out,
                        int64_t *last_try) {
    uint64_t new_count = am->n_new, tried_count = am->n_tried, draws, max_draws;
    int search_tried, bucket_count;
    double chance_factor = 1.0;

    memset(out, 0, sizeof(*out));
    if (last_try != NULL) *last_try = 0;
    now = clamp_time(now);
    if (am->n_random == 0) return 0;
    if (nets != 0) {
        unsigned n;
        new_count = tried_count = 0;
        for (n = 0; n < 8; n++) {
            if (nets & SATO_ADDRMAN_NET(n)) {
                new_count += am->net_new[n];
                tried_count += am->net_tried[n];
            }
        }
    }
    if (new_only && new_count == 0) return 0;
    if (new_count + tried_count == 0) return 0;

    if (new_only || tried_count == 0) search_tried = 0;
    else if (new_count == 0) search_tried = 1;
    else search_tried = (int)(am_rand64(am) & 1);
    bucket_count = search_tried ? SATO_ADDRMAN_TRIED_BUCKETS : SATO_ADDRMAN_NEW_BUCKETS;
    max_draws = (uint64_t)bucket_count * SELECT_DRAWS_PER_BUCKET;

    for (draws = 0; draws < max_draws; draws++) {
        int bucket = (int)am_rand_range(am, (uint64_t)bucket_count);
        int initial = (int)am_rand_range(am, SATO_ADDRMAN_BUCKET_SIZE);
        uint32_t idx = AM_NONE;
        const am_entry_t *e;
        int i;
        for (i = 0; i < SATO_ADDRMAN_BUCKET_SIZE; i++) {
            int pos = (initial + i) % SATO_ADDRMAN_BUCKET_SIZE;
            uint32_t id = search_tried ? am->tried_table[bucket][pos] : am->new_table[bucket][pos];
            if (id == AM_NONE) continue;
            if (nets == 0 || (nets & SATO_ADDRMAN_NET(net_index(&am->pool[id].addr)))) {
                idx = id;
                break;
            }
        }
        if (idx == AM_NONE) continue; /* empty (for these networks): another bucket */
        e = &am->pool[idx];
        if ((double)(am_rand64(am) >> 34) < chance_factor * entry_chance(e, now) * (double)(1 << 30)) {
            export_addr(out, e);
            if (last_try != NULL) *last_try = e->last_try;
            if (sato_log_categories() & SATO_LOG_ADDRMAN) {
                char s[SATO_NETADDR_STRLEN];
                sato_netaddr_format(s, &e->addr);
                sato_log_debug(SATO_LOG_ADDRMAN, "Selected %s from %s", s, search_tried ? "tried" : "new");
            }
            return 1;
        }
        chance_factor *= 1.2; /* refused: the next candidate is likelier to pass */
    }
    return 0;
}

/* Core's GetNetClass for an address in the tables (all are routable): an
 * IPv6 address that carries an IPv4 one (6to4, Teredo, NAT64) is IPv4. */
static int net_class(const sato_netaddr_t *a) {
    unsigned char g[17];
    if (a->net == SATO_NET_IPV6 && sato_netaddr_group(g, a) > 0 && g[0] == 1) return SATO_NET_IPV4;
    return a->net;
}

size_t sato_addrman_get_addr(sato_addrman_t *am, sato_addr_entry_t *out, size_t max_addresses, size_t max_pct,
                             int net, int filtered, int64_t now) {
    size_t nodes = am->n_random, count = 0;
    uint32_t n;
    now = clamp_time(now);
    if (max_pct != 0) {
        if (max_pct > 100) max_pct = 100;
        nodes = max_pct * nodes / 100;
    }
    if (max_addresses != 0 && nodes > max_addresses) nodes = max_addresses;
    /* A partial Fisher-Yates shuffle of the entries: the order stays
     * random for the next call too. */
    for (n = 0; n < am->n_random && count < nodes; n++) {
        const am_entry_t *e;
        swap_random(am, n, n + (uint32_t)am_rand_range(am, am->n_random - n));
        e = &am->pool[am->random[n]];
        if (net != 0 && net_class(&e->addr) != net) continue;
        if (filtered && entry_terrible(e, now)) continue;
        export_addr(&out[count++], e);
    }
    SATO_DEBUG(SATO_LOG_ADDRMAN, "GetAddr returned %zu random addresses", count);
    return count;
}

size_t sato_addrman_size(const sato_addrman_t *am, int net, int table) {
    if (net == 0) {
        if (table == SATO_ADDRMAN_NEW) return am->n_new;
        if (table == SATO_ADDRMAN_TRIED) return am->n_tried;
        return am->n_random;
    }
    if (net < 0 || net >= 8) return 0;
    if (table == SATO_ADDRMAN_NEW) return am->net_new[net];
    if (table == SATO_ADDRMAN_TRIED) return am->net_tried[net];
    return (size_t)am->net_new[net] + am->net_tried[net];
}

/* ---- inspection ----------------------------------------------------- */

int sato_addrman_find(const sato_addrman_t *am, const sato_netaddr_t *addr, sato_addrman_info_t *out) {
    sato_netaddr_t a;
    uint32_t idx;
    const am_entry_t *e;
    memset(out, 0, sizeof(*out));
    if (!am_normalize(&a, addr) || (idx = am_find(am, &a)) == AM_NONE) return 0;
    e = &am->pool[idx];
    export_addr(&out->a, e);
    out->source = e->source;
    out->last_success = e->last_success;
    out->last_try = e->last_try;
    out->attempts = e->attempts;
    out->in_tried = e->in_tried;
    out->refcount = e->refcount;
    out->bucket = e->in_tried ? am_tried_bucket(am, &e->addr) : primary_new_bucket(am, e);
    out->position = sato_addrman_bucket_position(am->key, !e->in_tried, out->bucket, &e->addr);
    return 1;
}

int sato_addrman_slot(const sato_addrman_t *am, int tried, int bucket, int position, sato_addr_entry_t *out) {
    uint32_t idx;
    memset(out, 0, sizeof(*out));
    if (position < 0 || position >= SATO_ADDRMAN_BUCKET_SIZE || bucket < 0 ||
        bucket >= (tried ? SATO_ADDRMAN_TRIED_BUCKETS : SATO_ADDRMAN_NEW_BUCKETS))
        return 0;
    idx = tried ? am->tried_table[bucket][position] : am->new_table[bucket][position];
    if (idx == AM_NONE) return 0;
    export_addr(out, &am->pool[idx]);
    return 1;
}

int sato_addrman_check(const sato_addrman_t *am) {
    uint32_t i, n_new = 0, n_tried = 0, net_new[8] = {0}, net_tried[8] = {0};
    uint8_t *refs;
    int b, p, rc = 0;

    if (am->n_random != am->n_new + am->n_tried) return -7;
    refs = sato_calloc(am->pool_len ? am->pool_len : 1, 1);
    for (i = 0; i < am->pool_len && rc == 0; i++) {
        const am_entry_t *e = &am->pool[i];
        if (e->serial == 0) continue;
        if (e->in_tried) {
            if (e->last_success == 0) rc = -1;
            else if (e->refcount != 0) rc = -2;
            n_tried++;
            net_tried[net_index(&e->addr)]++;
        } else {
            if (e->refcount > SATO_ADDRMAN_NEW_BUCKETS_PER_ADDRESS) rc = -3;
            else if (e->refcount == 0) rc = -4;
            n_new++;
            net_new[net_index(&e->addr)]++;
        }
        if (rc == 0 && am_find(am, &e->addr) != i) rc = -5;
        if (rc == 0 && (e->random_pos >= am->n_random || am->random[e->random_pos] != i)) rc = -14;
        if (rc == 0 && (e->last_try < 0 || e->last_success < 0)) rc = -6;
    }
    if (rc == 0 && n_tried != am->n_tried) rc = -9;
    if (rc == 0 && n_new != am->n_new) rc = -10;
    for (b = 0; b < SATO_ADDRMAN_TRIED_BUCKETS && rc == 0; b++) {
        for (p = 0; p < SATO_ADDRMAN_BUCKET_SIZE && rc == 0; p++) {
            uint32_t id = am->tried_table[b][p];
            if (id == AM_NONE) continue;
            if (id >= am->pool_len || am->pool[id].serial == 0 || !am->pool[id].in_tried) rc = -11;
            else if (am_tried_bucket(am, &am->pool[id].addr) != b) rc = -17;
            else if (sato_addrman_bucket_position(am->key, 0, b, &am->pool[id].addr) != p) rc = -18;
            else if (refs[id]++ != 0) rc = -13;
        }
    }
    for (b = 0; b < SATO_ADDRMAN_NEW_BUCKETS && rc == 0; b++) {
        for (p = 0; p < SATO_ADDRMAN_BUCKET_SIZE && rc == 0; p++) {
            uint32_t id = am->new_table[b][p];
            if (id == AM_NONE) continue;
            if (id >= am->pool_len || am->pool[id].serial == 0 || am->pool[id].in_tried) rc = -12;
            else if (sato_addrman_bucket_position(am->key, 1, b, &am->pool[id].addr) != p) rc = -19;
            else refs[id]++;
        }
    }
    for (i = 0; i < am->pool_len && rc == 0; i++) {
        const am_entry_t *e = &am->pool[i];
        if (e->serial == 0) continue;
        if (refs[i] != (e->in_tried ? 1 : e->refcount)) rc = -15;
    }
    for (i = 0; i < 8 && rc == 0; i++)
        if (net_new[i] != am->net_new[i] || net_tried[i] != am->net_tried[i]) rc = -21;
    for (i = 0; i < am->n_collisions && rc == 0; i++)
        if (i > 0 && am->collisions[i - 1].serial >= am->collisions[i].serial) rc = -22;
    if (rc == 0 && am->n_collisions > SATO_ADDRMAN_COLLISIONS_MAX) rc = -22;
    free(refs);
    return rc;
}
