/* The address manager against Bitcoin Core's behaviour: Core's own
 * placement values (addrman_tests.cpp: tried bucket 40, new bucket 786,
 * the collisions its deterministic key gives), eclipse bounds, the
 * reference and replacement rules, tried collisions and their
 * resolution, Select and GetAddr, peers.dat round trips and broken
 * files, and a flood from hostile peers. Every run replays exactly: keys,
 * seeds and times are fixed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sato/addrman.h"
#include "sato/fault.h"
#include "sato/mem.h"
#include "sato/sha256.h"
#include "test.h"

#define NOW ((int64_t)1700000000)
#define TIME_INIT ((int64_t)100000000) /* Core's CAddress default time */

static const unsigned char MAGIC[4] = {0xfa, 0xbf, 0xb5, 0xda};
static const unsigned char SEED[32] = {7};

static sato_netaddr_t ip4(unsigned a, unsigned b, unsigned c, unsigned d, uint16_t port) {
    unsigned char ip[4] = {(unsigned char)a, (unsigned char)b, (unsigned char)c, (unsigned char)d};
    sato_netaddr_t n;
    sato_netaddr_ipv4(&n, ip, port);
    return n;
}

static sato_netaddr_t parse(const char *text) {
    sato_netaddr_t a;
    memset(&a, 0, sizeof(a));
    CHECK(sato_netaddr_parse(&a, text, 8333));
    return a;
}

static sato_netaddr_t onion(unsigned char fill, uint16_t port) {
    sato_netaddr_t a;
    memset(&a, 0, sizeof(a));
    a.net = SATO_NET_TORV3;
    a.len = 32;
    memset(a.addr, fill, 32);
    a.addr[0] = (unsigned char)(fill * 7 + 1);
    a.port = port;
    return a;
}

static sato_addr_entry_t entry(sato_netaddr_t a, int64_t time) {
    sato_addr_entry_t e;
    memset(&e, 0, sizeof(e));
    e.addr = a;
    e.services = 1 | 8;
    e.time = (uint32_t)time;
    return e;
}

static sato_addrman_t *make(const unsigned char key[32]) {
    sato_addrman_opts_t o;
    memset(&o, 0, sizeof(o));
    o.key = key;
    o.seed = SEED;
    return sato_addrman_create(&o);
}

/* Core's deterministic key: uint256{1}. */
static sato_addrman_t *make_core(void) {
    static const unsigned char one[32] = {1};
    return make(one);
}

static int add1(sato_addrman_t *am, sato_netaddr_t a, sato_netaddr_t src, int64_t time, int64_t now) {
    sato_addr_entry_t e = entry(a, time);
    return (int)sato_addrman_add(am, &e, 1, &src, 0, now);
}

/* Core's test keys: (HashWriter{} << 1).GetHash() and << 2. */
static void core_key(unsigned char out[32], uint32_t n) {
    unsigned char le[4];
    sato_put_le32(le, n);
    sato_sha256d(out, le, 4);
}

static void test_placement(void) {
    unsigned char k1[32], k2[32];
    sato_netaddr_t a1 = ip4(250, 1, 1, 1, 8333), a2 = ip4(250, 1, 1, 1, 9999);
    sato_netaddr_t n1 = ip4(250, 1, 2, 1, 8333), n2 = ip4(250, 1, 2, 1, 9999);
    unsigned char seen[SATO_ADDRMAN_NEW_BUCKETS];
    int i, j, distinct, same_pos = 0;

    core_key(k1, 1);
    core_key(k2, 2);
    /* The values Core's caddrinfo_get_*_bucket_legacy tests expect. */
    test_case(sato_addrman_tried_bucket(k1, &a1) == 40, "tried bucket of 250.1.1.1:8333 is %d, Core 40",
              sato_addrman_tried_bucket(k1, &a1));
    test_case(sato_addrman_new_bucket(k1, &n1, &n1) == 786, "new bucket of 250.1.2.1:8333 is %d, Core 786",
              sato_addrman_new_bucket(k1, &n1, &n1));
    /* Stable for the key, moved by another key. */
    CHECK(sato_addrman_tried_bucket(k1, &a1) == sato_addrman_tried_bucket(k1, &a1));
    CHECK(sato_addrman_tried_bucket(k1, &a1) != sato_addrman_tried_bucket(k2, &a1));
    CHECK(sato_addrman_new_bucket(k1, &n1, &n1) != sato_addrman_new_bucket(k2, &n1, &n1));
    /* The port is part of the tried placement, not of the new bucket. */
    CHECK(sato_addrman_tried_bucket(k1, &a1) != sato_addrman_tried_bucket(k1, &a2));
    CHECK(sato_addrman_new_bucket(k1, &n1, &n1) == sato_addrman_new_bucket(k1, &n2, &n1));

    /* One /16 reaches exactly 8 tried buckets. */
    memset(seen, 0, sizeof(seen));
    for (i = 0, distinct = 0; i < 255; i++) {
        sato_netaddr_t a = ip4(250, 1, 1, (unsigned)i, 0);
        int b = sato_addrman_tried_bucket(k1, &a);
        if (!seen[b]++) distinct++;
    }
    test_case(distinct == 8, "one /16 spreads over %d tried buckets (8)", distinct);
    /* Addresses of one group told by one source: one new bucket. */
    memset(seen, 0, sizeof(seen));
    for (i = 0, distinct = 0; i < 255; i++) {
        sato_netaddr_t a = ip4(250, 1, 1, (unsigned)i, 0);
        int b = sato_addrman_new_bucket(k1, &a, &a);
        if (!seen[b]++) distinct++;
    }
    test_case(distinct == 1, "one group from its own group: %d new buckets (1)", distinct);
    /* Eclipse protection: whatever one source group says lands in at most
     * 64 new buckets; many source groups reach more. */
    memset(seen, 0, sizeof(seen));
    for (j = 0, distinct = 0; j < 4 * 255; j++) {
        sato_netaddr_t a = ip4(250 + (unsigned)j / 255, (unsigned)j % 256, 1, 1, 0), src = ip4(251, 4, 1, 1, 0);
        int b = sato_addrman_new_bucket(k1, &a, &src);
        if (!seen[b]++) distinct++;
    }
    test_case(distinct <= 64 && distinct > 32, "one source group reaches %d new buckets (<= 64)", distinct);
    memset(seen, 0, sizeof(seen));
    for (j = 0, distinct = 0; j < 255; j++) {
        sato_netaddr_t a = ip4(250, 1, 1, 1, 0), src = ip4(250, (unsigned)j, 1, 1, 0);
        int b = sato_addrman_new_bucket(k1, &a, &src);
        if (!seen[b]++) distinct++;
    }
    test_case(distinct > 64, "255 source groups reach %d new buckets (> 64)", distinct);

    /* Positions: in range, stable, and another key moves them. */
    for (i = 0; i < 256; i++) {
        sato_netaddr_t a = ip4(9, 9, (unsigned)i, 1, 8333);
        int p1 = sato_addrman_bucket_position(k1, 1, 100, &a), p2 = sato_addrman_bucket_position(k2, 1, 100, &a);
        CHECK(p1 >= 0 && p1 < 64 && p1 == sato_addrman_bucket_position(k1, 1, 100, &a));
        if (p1 == p2) same_pos++;
    }
    test_case(same_pos < 20, "%d of 256 positions unchanged by another key", same_pos);
    /* 'N' and 'K' and the bucket are part of the position. */
    {
        int diff_nk = 0, diff_b = 0;
        for (i = 0; i < 64; i++) {
            sato_netaddr_t a = ip4(8, 8, (unsigned)i, 8, 8333);
            diff_nk += sato_addrman_bucket_position(k1, 1, 5, &a) != sato_addrman_bucket_position(k1, 0, 5, &a);
            diff_b += sato_addrman_bucket_position(k1, 1, 5, &a) != sato_addrman_bucket_position(k1, 1, 6, &a);
        }
        CHECK(diff_nk > 40 && diff_b > 40);
    }
    /* Non-IP networks hash their raw bytes. */
    {
        sato_netaddr_t t1 = onion(1, 8333), t2 = onion(2, 8333);
        CHECK(sato_addrman_tried_bucket(k1, &t1) >= 0 && sato_addrman_tried_bucket(k1, &t1) < 256);
        CHECK(sato_addrman_bucket_position(k1, 1, 3, &t1) != sato_addrman_bucket_position(k1, 1, 3, &t2) ||
              sato_addrman_tried_bucket(k1, &t1) != sato_addrman_tried_bucket(k1, &t2));
    }
}

/* Core's addrman_new_collisions with its deterministic key: 250.1.1.1 to
 * .22 from 252.2.2.2 share no new slot, .23 takes one of theirs. */
static void test_new_collisions(void) {
    sato_addrman_t *am = make_core();
    sato_netaddr_t src = ip4(252, 2, 2, 2, 0), victim;
    sato_addr_entry_t occ;
    unsigned i;
    int ok = 1, b, p;

    for (i = 1; i <= 22; i++) {
        ok &= add1(am, ip4(250, 1, 1, i, 0), src, TIME_INIT, NOW) == 1;
        ok &= sato_addrman_size(am, 0, SATO_ADDRMAN_BOTH) == i;
    }
    CHECK(ok);
    /* Core's default time (1973) is past the horizon: the occupant is
     * terrible and gives way, the size stays. */
    CHECK(add1(am, ip4(250, 1, 1, 23, 0), src, TIME_INIT, NOW) == 1);
    CHECK(sato_addrman_size(am, 0, SATO_ADDRMAN_BOTH) == 22);
    CHECK(add1(am, ip4(250, 1, 1, 24, 0), src, TIME_INIT, NOW) == 1);
    CHECK(sato_addrman_size(am, 0, SATO_ADDRMAN_BOTH) == 23);
    CHECK(sato_addrman_check(am) == 0);
    sato_addrman_destroy(am);

    /* With fresh times nobody is terrible: .23 is turned away. */
    am = make_core();
    for (i = 1; i <= 22; i++) add1(am, ip4(250, 1, 1, i, 0), src, NOW - 100, NOW);
    victim = ip4(250, 1, 1, 23, 0);
    b = sato_addrman_new_bucket(sato_addrman_key(am), &victim, &src);
    p = sato_addrman_bucket_position(sato_addrman_key(am), 1, b, &victim);
    CHECK(sato_addrman_slot(am, 0, b, p, &occ));
    CHECK(add1(am, victim, src, NOW - 100, NOW) == 0);
    CHECK(sato_addrman_size(am, 0, SATO_ADDRMAN_BOTH) == 22);
    {
        sato_addrman_info_t info;
        CHECK(!sato_addrman_find(am, &victim, &info));
    }

    /* Terrible entries are evicted first: the occupant fails three times
     * (a Good of anything between failures lets each one count) and
     * never succeeds. Tried within the last minute it is still spared. */
    for (i = 0; i < 3; i++) {
        sato_netaddr_t other = ip4(99, 99, 99, 99, 1);
        sato_addrman_good(am, &other, NOW + 10 * (int64_t)i);
        sato_addrman_attempt(am, &occ.addr, 1, NOW + 10 * (int64_t)i + 5);
    }
    {
        sato_addrman_info_t info;
        CHECK(sato_addrman_find(am, &occ.addr, &info) && info.attempts == 3);
        CHECK(!sato_addrman_is_terrible(&info, NOW + 60));
        CHECK(sato_addrman_is_terrible(&info, NOW + 100));
    }
    CHECK(add1(am, victim, src, NOW, NOW + 60) == 0); /* last try 35 s ago */
    CHECK(add1(am, victim, src, NOW, NOW + 100) == 1);
    {
        sato_addrman_info_t info;
        CHECK(!sato_addrman_find(am, &occ.addr, &info));
        CHECK(sato_addrman_find(am, &victim, &info) && info.bucket == b && info.position == p);
    }
    CHECK(sato_addrman_size(am, 0, SATO_ADDRMAN_BOTH) == 22);
    CHECK(sato_addrman_check(am) == 0);
    sato_addrman_destroy(am);
}

/* Core's addrman_getaddr and getaddr_unfiltered with its deterministic
 * key. The final size depends on routability, groups, placement and the
 * replacement rule all matching Core's: 2006 entries, 461 in a 23%
 * answer. */
static void test_core_getaddr(void) {
    sato_addrman_t *am = make_core();
    sato_addr_entry_t *out = sato_malloc(3000 * sizeof(*out));
    sato_addr_entry_t first[3], second[2];
    sato_netaddr_t s1 = ip4(250, 1, 2, 1, 0), s2 = ip4(250, 2, 3, 3, 0);
    unsigned i;

    CHECK(sato_addrman_get_addr(am, out, 0, 0, 0, 1, NOW) == 0);
    first[0] = entry(ip4(250, 250, 2, 1, 8333), NOW);
    first[1] = entry(ip4(251, 252, 2, 3, 8333), NOW);
    first[2] = entry(ip4(252, 254, 4, 5, 8333), NOW);
    second[0] = entry(ip4(250, 251, 2, 2, 9999), NOW);
    second[1] = entry(ip4(252, 253, 3, 4, 8333), NOW);
    CHECK(sato_addrman_add(am, first, 3, &s1, 0, NOW) == 3);
    CHECK(sato_addrman_add(am, second, 2, &s2, 0, NOW) == 2);
    CHECK(sato_addrman_get_addr(am, out, 0, 0, 0, 1, NOW) == 5);
    CHECK(sato_addrman_get_addr(am, out, 2500, 23, 0, 1, NOW) == 1); /* 23% of 5, rounded down */
    CHECK(sato_addrman_good(am, &first[0].addr, NOW) == 1);
    CHECK(sato_addrman_good(am, &second[0].addr, NOW) == 1);
    CHECK(sato_addrman_get_addr(am, out, 0, 0, 0, 1, NOW) == 5);
    CHECK(sato_addrman_get_addr(am, out, 2500, 23, 0, 1, NOW) == 1);
    for (i = 1; i < 8 * 256; i++) {
        sato_netaddr_t a = ip4(i % 256, i >> 8, 1, 23, 0);
        add1(am, a, a, NOW, NOW);
        if (i % 8 == 0) sato_addrman_good(am, &a, NOW);
    }
    test_case(sato_addrman_size(am, 0, SATO_ADDRMAN_BOTH) == 2006, "size %zu, Core 2006",
              sato_addrman_size(am, 0, SATO_ADDRMAN_BOTH));
    test_case(sato_addrman_get_addr(am, out, 2500, 23, 0, 1, NOW) == 461, "23%% answer, Core 461");
    CHECK(sato_addrman_check(am) == 0);
    sato_addrman_destroy(am);

    am = make_core();
    {
        sato_netaddr_t a3 = ip4(250, 251, 2, 3, 9998);
        first[0] = entry(ip4(250, 250, 2, 1, 8333), NOW);
        first[1] = entry(ip4(250, 251, 2, 2, 9999), TIME_INIT); /* no time: terrible */
        CHECK(sato_addrman_add(am, first, 2, &s1, 0, NOW) == 2);
        CHECK(sato_addrman_good(am, &a3, NOW) == 0); /* unknown yet */
        CHECK(add1(am, a3, s1, NOW, NOW) == 1);
        for (i = 0; i < 3; i++) sato_addrman_attempt(am, &a3, 1, NOW - 61);
        CHECK(add1(am, ip4(250, 252, 2, 4, 9997), s1, NOW + 11 * 60, NOW) == 1); /* a flying DeLorean */
        CHECK(sato_addrman_get_addr(am, out, 0, 0, 0, 1, NOW) == 1);
        CHECK(sato_addrman_get_addr(am, out, 0, 0, 0, 0, NOW) == 4);
    }
    sato_addrman_destroy(am);

    /* Core's addrman_update_address: services merge through Add, even in
     * tried; SetServices overwrites; another port is another entry. */
    am = make_core();
    {
        sato_netaddr_t src = ip4(252, 2, 2, 2, 0), a = ip4(250, 1, 1, 1, 8333), other = a;
        sato_addr_entry_t e = entry(a, NOW - 10000);
        sato_addrman_info_t info;
        other.port = 8334;
        e.services = 0;
        CHECK(sato_addrman_add(am, &e, 1, &src, 0, NOW) == 1);
        sato_addrman_connected(am, &other, NOW);
        sato_addrman_set_services(am, &other, 1024);
        CHECK(sato_addrman_find(am, &a, &info) && info.a.time == NOW - 10000 && info.a.services == 0);
        sato_addrman_connected(am, &a, NOW);
        sato_addrman_set_services(am, &a, 1024);
        CHECK(sato_addrman_find(am, &a, &info) && info.a.time == NOW && info.a.services == 1024);
        e.services = 2048;
        CHECK(sato_addrman_add(am, &e, 1, &src, 0, NOW) == 0);
        CHECK(sato_addrman_find(am, &a, &info) && info.a.services == (2048 | 1024));
        sato_addrman_set_services(am, &a, 1);
        CHECK(sato_addrman_good(am, &a, NOW) == 1);
        CHECK(sato_addrman_find(am, &a, &info) && info.a.services == 1);
        CHECK(sato_addrman_add(am, &e, 1, &src, 0, NOW) == 0);
        CHECK(sato_addrman_find(am, &a, &info) && info.in_tried && info.a.services == (1 | 2048));
        CHECK(sato_addrman_size(am, 0, SATO_ADDRMAN_BOTH) == 1);
    }
    free(out);
    sato_addrman_destroy(am);
}

static void test_terrible(void) {
    sato_addrman_info_t i;
    memset(&i, 0, sizeof(i));
    i.a.time = NOW;
    CHECK(!sato_addrman_is_terrible(&i, NOW));
    i.a.time = NOW + 600;
    CHECK(!sato_addrman_is_terrible(&i, NOW));
    i.a.time = NOW + 601; /* a flying DeLorean */
    CHECK(sato_addrman_is_terrible(&i, NOW));
    i.last_try = NOW - 60; /* tried in the last minute: never terrible */
    CHECK(!sato_addrman_is_terrible(&i, NOW));
    i.last_try = 0;
    i.a.time = NOW - SATO_ADDRMAN_HORIZON;
    CHECK(!sato_addrman_is_terrible(&i, NOW));
    i.a.time = NOW - SATO_ADDRMAN_HORIZON - 1;
    CHECK(sato_addrman_is_terrible(&i, NOW));
    i.a.time = NOW;
    i.attempts = 2;
    CHECK(!sato_addrman_is_terrible(&i, NOW));
    i.attempts = 3; /* three tries, never a success */
    CHECK(sato_addrman_is_terrible(&i, NOW));
    i.last_success = NOW - 6 * 86400;
    i.attempts = 10;
    CHECK(!sato_addrman_is_terrible(&i, NOW));
    i.last_success = NOW - 7 * 86400 - 1; /* 10 failures, no success in a week */
    CHECK(sato_addrman_is_terrible(&i, NOW));
    i.attempts = 9;
    CHECK(!sato_addrman_is_terrible(&i, NOW));
}

/* Whether the new slot x would get from src is occupied. */
static int slot_taken(const sato_addrman_t *am, const sato_netaddr_t *x, const sato_netaddr_t *src) {
    sato_addr_entry_t o;
    int b = sato_addrman_new_bucket(sato_addrman_key(am), x, src);
    return sato_addrman_slot(am, 0, b, sato_addrman_bucket_position(sato_addrman_key(am), 1, b, x), &o);
}

/* The reference rule: an address gains new-bucket references only when
 * its time moves forward, never more than 8, each 2^n times less likely. */
static void test_multiplicity(void) {
    sato_addrman_t *am = make_core();
    sato_netaddr_t a = ip4(253, 3, 3, 3, 8333);
    sato_addrman_info_t info;
    unsigned i;
    int max_seen = 0, ok = 1;

    for (i = 1; i < 20; i++) add1(am, a, ip4(i % 256, i >> 8, 1, 1, 0), NOW, NOW);
    CHECK(sato_addrman_find(am, &a, &info) && info.refcount == 1);
    CHECK(sato_addrman_size(am, 0, SATO_ADDRMAN_BOTH) == 1);
    for (i = 1; i < 4000; i++) {
        add1(am, a, ip4(i % 256, (i >> 8) + 1, 1, 1, 0), NOW + i, NOW + 4000);
        ok &= sato_addrman_find(am, &a, &info) && info.refcount <= 8;
        if (info.refcount > max_seen) max_seen = info.refcount;
    }
    CHECK(ok);
    test_case(max_seen == 8, "references reach %d (8)", max_seen);
    CHECK(sato_addrman_size(am, 0, SATO_ADDRMAN_BOTH) == 1);
    CHECK(sato_addrman_check(am) == 0);
    sato_addrman_destroy(am);

    /* The odds of a second and a third reference: 1/2 and 1/4. */
    {
        int second = 0, third = 0, tries2 = 0, tries3 = 0;
        am = make_core();
        for (i = 0; i < 2000; i++) {
            sato_netaddr_t x = ip4(20 + i / 250, i % 250, 7, 7, 8333);
            add1(am, x, ip4(109, i % 200, 0, 0, 0), NOW, NOW);
            sato_netaddr_t s2 = ip4(110, i % 200, 0, 0, 0), s3 = ip4(111, i % 200, 0, 0, 0);
            if (!sato_addrman_find(am, &x, &info) || slot_taken(am, &x, &s2)) continue;
            tries2++;
            add1(am, x, s2, NOW + 1, NOW + 10);
            sato_addrman_find(am, &x, &info);
            if (info.refcount < 2) continue;
            second++;
            if (slot_taken(am, &x, &s3)) continue;
            tries3++;
            add1(am, x, s3, NOW + 2, NOW + 10);
            sato_addrman_find(am, &x, &info);
            if (info.refcount >= 3) third++;
        }
        test_case(second * 100 > tries2 * 40 && second * 100 < tries2 * 60, "2nd reference %d of %d (1/2)", second,
                  tries2);
        test_case(third * 100 > tries3 * 17 && third * 100 < tries3 * 33, "3rd reference %d of %d (1/4)", third,
                  tries3);
        CHECK(sato_addrman_check(am) == 0);
        sato_addrman_destroy(am);
    }

    /* An older or equal time changes nothing but may refresh services. */
    am = make_core();
    add1(am, a, ip4(1, 2, 3, 4, 0), NOW, NOW);
    {
        sato_addr_entry_t e = entry(a, NOW);
        sato_netaddr_t s2 = ip4(5, 6, 7, 8, 0);
        e.services = 1024;
        CHECK(sato_addrman_add(am, &e, 1, &s2, 0, NOW) == 0);
        CHECK(sato_addrman_find(am, &a, &info) && info.refcount == 1 && info.a.services == (1 | 8 | 1024));
    }
    sato_addrman_destroy(am);
}

static void test_add_rules(void) {
    sato_addrman_t *am = make_core();
    sato_netaddr_t src = ip4(252, 2, 2, 2, 8333), a = ip4(250, 1, 1, 1, 8333);
    sato_addrman_info_t info;
    sato_addr_entry_t e;

    /* Unroutable addresses never enter. */
    CHECK(add1(am, ip4(10, 0, 0, 1, 8333), src, NOW, NOW) == 0);
    CHECK(add1(am, ip4(127, 0, 0, 1, 8333), src, NOW, NOW) == 0);
    CHECK(add1(am, parse("[fe80::1]:8333"), src, NOW, NOW) == 0);
    CHECK(sato_addrman_size(am, 0, SATO_ADDRMAN_BOTH) == 0);
    /* Hostile shapes: a length past the buffer, a wrong length, extreme
     * times. No crash, no overflow, nothing stored but what is valid. */
    {
        sato_netaddr_t bad = a;
        bad.len = 200;
        CHECK(add1(am, bad, src, NOW, NOW) == 0);
        bad.len = 5;
        CHECK(add1(am, bad, src, NOW, NOW) == 0);
        memset(&bad, 0, sizeof(bad)); /* an unknown network id, empty */
        bad.net = 9;
        CHECK(add1(am, bad, src, NOW, NOW) == 0);
        bad.net = SATO_NET_TORV2;
        bad.len = 10;
        bad.addr[0] = 1;
        CHECK(add1(am, bad, src, NOW, NOW) == 0);
        e = entry(ip4(250, 9, 9, 9, 1), UINT32_MAX);
        CHECK(sato_addrman_add(am, &e, 1, &src, INT64_MAX, NOW) == 1);
        CHECK(sato_addrman_find(am, &e.addr, &info) && info.a.time == 0);
        e = entry(ip4(250, 9, 9, 10, 1), 0);
        CHECK(sato_addrman_add(am, &e, 1, &src, INT64_MIN, INT64_MIN) == 1);
        CHECK(sato_addrman_find(am, &e.addr, &info) && info.a.time == 0);
        sato_addrman_connected(am, &e.addr, INT64_MAX); /* clamped, and shown as the wire's 32 bits */
        CHECK(sato_addrman_find(am, &e.addr, &info) && info.a.time == UINT32_MAX);
        sato_addrman_clear(am);
    }

    /* Core's addrman_penalty_self_announcement: the penalty applies to
     * what a peer says about others, not about itself. */
    e = entry(a, NOW);
    {
        sato_netaddr_t self = a;
        self.port = 0; /* the source's port does not matter */
        CHECK(sato_addrman_add(am, &e, 1, &self, 3600, NOW) == 1);
    }
    CHECK(sato_addrman_find(am, &a, &info) && info.a.time == NOW);
    e = entry(ip4(250, 1, 1, 2, 8333), NOW);
    CHECK(sato_addrman_add(am, &e, 1, &src, 3600, NOW) == 1);
    CHECK(sato_addrman_find(am, &e.addr, &info) && info.a.time == NOW - 3600);
    CHECK(info.source.port == 0 && info.source.net == SATO_NET_IPV4 && info.source.addr[0] == 252);

    /* Core's addrman_ports: one IP, several ports, several entries. */
    {
        sato_netaddr_t p2 = a;
        p2.port = 8334;
        CHECK(add1(am, p2, src, NOW, NOW) == 1);
        CHECK(sato_addrman_size(am, 0, SATO_ADDRMAN_BOTH) == 3);
    }
    /* A mapped IPv4 in IPv6 form is the same address. */
    {
        sato_netaddr_t m;
        memset(&m, 0, sizeof(m));
        m.net = SATO_NET_IPV6;
        m.len = 16;
        m.addr[10] = m.addr[11] = 0xff;
        memcpy(m.addr + 12, a.addr, 4);
        m.port = a.port;
        CHECK(sato_addrman_find(am, &m, &info) && info.a.addr.net == SATO_NET_IPV4);
    }

    /* Connected moves the time in 20-minute steps; SetServices replaces. */
    sato_addrman_connected(am, &a, NOW + 1200);
    CHECK(sato_addrman_find(am, &a, &info) && info.a.time == NOW);
    sato_addrman_connected(am, &a, NOW + 1201);
    CHECK(sato_addrman_find(am, &a, &info) && info.a.time == NOW + 1201);
    sato_addrman_set_services(am, &a, 1024 | 8);
    CHECK(sato_addrman_find(am, &a, &info) && info.a.services == (1024 | 8));

    /* Attempt counts one failure per Good of any address. */
    sato_addrman_attempt(am, &a, 1, NOW + 10);
    sato_addrman_attempt(am, &a, 1, NOW + 20);
    CHECK(sato_addrman_find(am, &a, &info) && info.attempts == 1 && info.last_try == NOW + 20);
    sato_addrman_attempt(am, &a, 0, NOW + 30);
    CHECK(sato_addrman_find(am, &a, &info) && info.attempts == 1 && info.last_try == NOW + 30);
    {
        sato_netaddr_t other = ip4(99, 1, 1, 1, 1);
        sato_addrman_good(am, &other, NOW + 40); /* unknown, still a success of ours */
    }
    sato_addrman_attempt(am, &a, 1, NOW + 50);
    CHECK(sato_addrman_find(am, &a, &info) && info.attempts == 2);

    /* The addr message time rule. */
    CHECK(sato_addrman_gossip_time(100000000, NOW) == NOW - 5 * 86400);
    CHECK(sato_addrman_gossip_time(100000001, NOW) == 100000001);
    CHECK(sato_addrman_gossip_time(0, NOW) == NOW - 5 * 86400);
    CHECK(sato_addrman_gossip_time(NOW + 600, NOW) == NOW + 600);
    CHECK(sato_addrman_gossip_time(NOW + 601, NOW) == NOW - 5 * 86400);
    CHECK(sato_addrman_check(am) == 0);
    sato_addrman_destroy(am);
}

static int selected_collision(sato_addrman_t *am, sato_netaddr_t *out) {
    sato_addr_entry_t a;
    int r = sato_addrman_select_tried_collision(am, &a, NULL);
    if (out != NULL) *out = a.addr;
    return r;
}

/* Core's addrman_tried_collisions, addrman_selecttriedcollision,
 * addrman_noevict and addrman_evictionworks, with the times explicit. */
static void test_tried(void) {
    sato_addrman_t *am = make_core();
    sato_netaddr_t src = ip4(252, 2, 2, 2, 0), got;
    sato_addrman_info_t info;
    unsigned i;
    int ok = 1;

    CHECK(!selected_collision(am, NULL));
    for (i = 1; i <= 35; i++) {
        sato_netaddr_t a = ip4(250, 1, 1, i, 0);
        ok &= add1(am, a, src, TIME_INIT, NOW) == 1;
        ok &= sato_addrman_good(am, &a, NOW) == 1;
        ok &= !selected_collision(am, NULL);
    }
    CHECK(ok);
    CHECK(sato_addrman_size(am, 0, SATO_ADDRMAN_TRIED) == 35 && sato_addrman_size(am, 0, SATO_ADDRMAN_NEW) == 0);
    {
        sato_netaddr_t a = ip4(250, 1, 1, 5, 0);
        CHECK(sato_addrman_find(am, &a, &info) && info.in_tried && info.refcount == 0 && info.last_success == NOW);
        /* A duplicate Good: no move, no collision. */
        CHECK(sato_addrman_good(am, &a, NOW) == 0 && !selected_collision(am, NULL));
    }
    {
        sato_netaddr_t unknown = ip4(1, 2, 3, 4, 5);
        CHECK(sato_addrman_good(am, &unknown, NOW) == 0);
    }
    /* .36 collides with .19 in tried. */
    {
        sato_netaddr_t a36 = ip4(250, 1, 1, 36, 0);
        CHECK(add1(am, a36, src, TIME_INIT, NOW) == 1);
        CHECK(sato_addrman_good(am, &a36, NOW) == 0);
        CHECK(selected_collision(am, &got));
        test_case(got.addr[3] == 19, "36 collides with %u (Core: 19)", got.addr[3]);
        CHECK(sato_addrman_find(am, &a36, &info) && !info.in_tried && info.last_success == NOW);
        /* .19 succeeded just now: it stays, .36 stays new. */
        sato_addrman_resolve_collisions(am, NOW);
        CHECK(!selected_collision(am, NULL));
        CHECK(sato_addrman_find(am, &a36, &info) && !info.in_tried);

        for (i = 37; i < 59; i++) {
            sato_netaddr_t a = ip4(250, 1, 1, i, 0);
            CHECK(add1(am, a, src, TIME_INIT, NOW) == 1);
            CHECK(sato_addrman_good(am, &a, NOW) == 1);
        }
        {
            sato_netaddr_t a59 = ip4(250, 1, 1, 59, 0);
            CHECK(add1(am, a59, src, TIME_INIT, NOW) == 1);
            CHECK(sato_addrman_good(am, &a59, NOW) == 0);
            CHECK(selected_collision(am, &got));
            test_case(got.addr[3] == 10, "59 collides with %u (Core: 10)", got.addr[3]);
        }
        CHECK(add1(am, a36, src, TIME_INIT, NOW) == 0);
        CHECK(sato_addrman_good(am, &a36, NOW) == 0);
        CHECK(selected_collision(am, NULL));
        sato_addrman_resolve_collisions(am, NOW);
        CHECK(!selected_collision(am, NULL));
    }
    CHECK(sato_addrman_check(am) == 0);
    sato_addrman_destroy(am);

    /* Eviction: the occupant was tried (61 s ago) and did not answer. */
    am = make_core();
    for (i = 1; i <= 35; i++) {
        sato_netaddr_t a = ip4(250, 1, 1, i, 0);
        add1(am, a, src, TIME_INIT, NOW);
        sato_addrman_good(am, &a, NOW);
    }
    {
        sato_netaddr_t a36 = ip4(250, 1, 1, 36, 0), a19 = ip4(250, 1, 1, 19, 0);
        CHECK(add1(am, a36, src, TIME_INIT, NOW) == 1);
        CHECK(sato_addrman_good(am, &a36, NOW) == 0);
        CHECK(selected_collision(am, &got) && sato_netaddr_equal(&got, &a19));
        CHECK(sato_addrman_good(am, &a19, 1) == 0); /* last success in the deep past */
        sato_addrman_attempt(am, &a19, 0, NOW - 61);
        /* Within the minute after the try nothing happens yet... */
        sato_addrman_resolve_collisions(am, NOW - 30);
        CHECK(selected_collision(am, NULL));
        /* ...then .36 replaces .19, which goes back to new. */
        sato_addrman_resolve_collisions(am, NOW);
        CHECK(!selected_collision(am, NULL));
        CHECK(sato_addrman_find(am, &a36, &info) && info.in_tried);
        CHECK(sato_addrman_find(am, &a19, &info) && !info.in_tried && info.refcount == 1);
        CHECK(sato_addrman_good(am, &a36, NOW) == 0 && !selected_collision(am, NULL));
        /* .19 now collides with .36, which succeeded 30 minutes ago:
         * .36 stays and the collision is dropped. */
        CHECK(sato_addrman_good(am, &a19, NOW) == 0);
        CHECK(selected_collision(am, &got) && sato_netaddr_equal(&got, &a36));
        sato_addrman_resolve_collisions(am, NOW + 30 * 60);
        CHECK(!selected_collision(am, NULL));
        CHECK(sato_addrman_find(am, &a19, &info) && !info.in_tried);
        /* Four hours on, .36 was neither tried nor successful lately, and
         * .19 waited more than 40 minutes: .19 replaces it. */
        CHECK(sato_addrman_good(am, &a19, NOW + 30 * 60) == 0);
        sato_addrman_resolve_collisions(am, NOW + 4 * 3600);
        CHECK(!selected_collision(am, NULL));
        CHECK(sato_addrman_find(am, &a19, &info) && info.in_tried);
        CHECK(sato_addrman_find(am, &a36, &info) && !info.in_tried);
        /* The 40-minute window itself. */
        {
            const int64_t t1 = NOW + 9 * 3600;
            CHECK(sato_addrman_good(am, &a36, t1) == 0);
            sato_addrman_resolve_collisions(am, t1 + 40 * 60);
            CHECK(selected_collision(am, &got) && sato_netaddr_equal(&got, &a19));
            sato_addrman_resolve_collisions(am, t1 + 40 * 60 + 1);
            CHECK(!selected_collision(am, NULL));
            CHECK(sato_addrman_find(am, &a36, &info) && info.in_tried);
        }
    }
    CHECK(sato_addrman_check(am) == 0);
    sato_addrman_destroy(am);

    /* The collision set holds at most 10. */
    {
        unsigned char key[32] = {3};
        size_t waiting = 0, distinct = 0, k;
        sato_netaddr_t occupants[100];
        am = make(key);
        for (i = 0; i < 20000; i++) {
            sato_netaddr_t a = ip4(30 + i / 60000, (i / 250) % 250, i % 250, 1, 8333);
            add1(am, a, ip4(40, (i / 64) % 250, 1, 1, 0), NOW, NOW);
            sato_addrman_good(am, &a, NOW);
        }
        CHECK(sato_addrman_size(am, 0, SATO_ADDRMAN_TRIED) <= SATO_ADDRMAN_MAX_TRIED);
        for (i = 0; i < 100; i++) {
            sato_netaddr_t o;
            if (!selected_collision(am, &o)) continue;
            waiting++;
            for (k = 0; k < distinct && !sato_netaddr_equal(&occupants[k], &o); k++) {
            }
            if (k == distinct) occupants[distinct++] = o;
        }
        CHECK(waiting == 100);
        test_case(distinct <= SATO_ADDRMAN_COLLISIONS_MAX && distinct >= 5, "%zu collisions wait (<= 10)", distinct);
        CHECK(sato_addrman_check(am) == 0);
        /* All waiting ones are resolved once their 40 minutes are up. */
        sato_addrman_resolve_collisions(am, NOW + 4 * 3600);
        CHECK(!selected_collision(am, NULL));
        CHECK(sato_addrman_check(am) == 0);
        sato_addrman_destroy(am);
    }
}

static void test_select(void) {
    unsigned char key[32] = {9};
    sato_addrman_t *am = make(key);
    sato_addr_entry_t out;
    int64_t last_try;
    unsigned i;
    int ok = 1, tried = 0, n6 = 0;

    CHECK(!sato_addrman_select(am, 0, 0, NOW, &out, &last_try));
    for (i = 0; i < 200; i++) {
        add1(am, ip4(60 + i % 50, i, 1, 1, 8333), ip4(70, i, 0, 0, 0), NOW, NOW);
        if (i < 40) {
            char text[64];
            snprintf(text, sizeof(text), "[2a01:%x::1]:8333", 0x100 + i);
            add1(am, parse(text), ip4(71, i, 0, 0, 0), NOW, NOW);
        }
        if (i < 10) {
            sato_netaddr_t t = onion((unsigned char)(i + 1), 9050);
            add1(am, t, ip4(72, i, 0, 0, 0), NOW, NOW);
        }
    }
    CHECK(sato_addrman_size(am, SATO_NET_IPV6, SATO_ADDRMAN_BOTH) >= 35);
    CHECK(sato_addrman_size(am, SATO_NET_TORV3, SATO_ADDRMAN_NEW) >= 8);
    CHECK(sato_addrman_size(am, SATO_NET_I2P, SATO_ADDRMAN_BOTH) == 0);
    /* Only new entries: new_only or not, new comes back. */
    CHECK(!sato_addrman_select(am, 0, SATO_ADDRMAN_NET(SATO_NET_I2P), NOW, &out, NULL));
    for (i = 0; i < 500; i++) {
        ok &= sato_addrman_select(am, 0, SATO_ADDRMAN_NET(SATO_NET_IPV6), NOW, &out, NULL) &&
              out.addr.net == SATO_NET_IPV6;
        ok &= sato_addrman_select(am, 1, SATO_ADDRMAN_NET(SATO_NET_TORV3), NOW, &out, NULL) &&
              out.addr.net == SATO_NET_TORV3;
        ok &= sato_addrman_select(am, 0, SATO_ADDRMAN_NET(SATO_NET_TORV3) | SATO_ADDRMAN_NET(SATO_NET_IPV6), NOW,
                                  &out, NULL) &&
              (out.addr.net == SATO_NET_IPV6 || out.addr.net == SATO_NET_TORV3);
    }
    test_case(ok, "Select returns only the networks asked for");
    /* Half the IPv4 ones to tried: the tables are chosen 50/50. */
    for (i = 0; i < 200; i += 2) {
        sato_netaddr_t a = ip4(60 + i % 50, i, 1, 1, 8333);
        sato_addrman_good(am, &a, NOW - 3600);
    }
    sato_addrman_resolve_collisions(am, NOW);
    CHECK(sato_addrman_size(am, 0, SATO_ADDRMAN_TRIED) >= 90);
    for (i = 0; i < 2000; i++) {
        sato_addrman_info_t info;
        if (!sato_addrman_select(am, 0, 0, NOW, &out, NULL)) continue;
        if (sato_addrman_find(am, &out.addr, &info) && info.in_tried) tried++;
        if (out.addr.net == SATO_NET_IPV6) n6++;
    }
    test_case(tried > 850 && tried < 1150, "%d of 2000 selections from tried (1/2)", tried);
    ok = 1;
    for (i = 0; i < 300; i++) {
        sato_addrman_info_t info;
        ok &= sato_addrman_select(am, 1, 0, NOW, &out, NULL) && sato_addrman_find(am, &out.addr, &info) &&
              !info.in_tried;
    }
    test_case(ok, "new_only returns only new entries");
    sato_addrman_destroy(am);

    /* An entry tried in the last 10 minutes is 100 times less likely. */
    am = make(key);
    {
        sato_netaddr_t a = ip4(80, 1, 1, 1, 8333), b = ip4(81, 1, 1, 1, 8333);
        int got_a = 0;
        add1(am, a, ip4(90, 1, 1, 1, 0), NOW, NOW);
        add1(am, b, ip4(91, 1, 1, 1, 0), NOW, NOW);
        sato_addrman_attempt(am, &a, 0, NOW - 60);
        for (i = 0; i < 1000; i++) {
            CHECK(sato_addrman_select(am, 0, 0, NOW, &out, &last_try));
            if (sato_netaddr_equal(&out.addr, &a)) {
                got_a++;
                CHECK(last_try == NOW - 60);
            }
        }
        test_case(got_a < 60, "recently tried entry chosen %d of 1000 times", got_a);
        /* Alone it is still found (the factor grows by 1.2 per miss). */
        sato_addrman_clear(am);
        add1(am, a, ip4(90, 1, 1, 1, 0), NOW, NOW);
        for (i = 0; i < 20; i++) {
            sato_addrman_good(am, &b, NOW - 100 + 2 * (int64_t)i); /* b is gone: only our last success moves */
            sato_addrman_attempt(am, &a, 1, NOW - 99 + 2 * (int64_t)i);
        }
        {
            sato_addrman_info_t info;
            CHECK(sato_addrman_find(am, &a, &info) && info.attempts == 20);
        }
        CHECK(sato_addrman_select(am, 0, 0, NOW, &out, NULL) && sato_netaddr_equal(&out.addr, &a));
    }
    sato_addrman_destroy(am);
}

static void test_getaddr(void) {
    unsigned char key[32] = {11};
    sato_addrman_t *am = make(key);
    sato_addr_entry_t *out = sato_malloc(5000 * sizeof(*out)), *again = sato_malloc(5000 * sizeof(*out));
    size_t n, total, i, j;
    int ok = 1, differs = 0;

    CHECK(sato_addrman_get_addr(am, out, 0, 0, 0, 1, NOW) == 0);
    for (i = 0; i < 1000; i++) add1(am, ip4(100 + (unsigned)i / 200, (unsigned)i % 200, 5, 5, 8333), ip4(7, (unsigned)i % 250, 1, 1, 0), NOW - 3600, NOW);
    for (i = 0; i < 100; i++) {
        char text[64];
        snprintf(text, sizeof(text), "[2a02:%zx::5]:8333", 0x100 + i);
        add1(am, parse(text), ip4(8, (unsigned)i, 1, 1, 0), NOW - 3600, NOW);
    }
    /* 6to4 (2002::/16) carries an IPv4 address: IPv4 for GetAddr. */
    add1(am, parse("[2002:909:101::1]:8333"), ip4(9, 9, 9, 9, 0), NOW - 3600, NOW);
    total = sato_addrman_size(am, 0, SATO_ADDRMAN_BOTH);
    CHECK(total > 1000);

    n = sato_addrman_get_addr(am, out, 0, 23, 0, 1, NOW);
    test_case(n == 23 * total / 100, "23%% of %zu is %zu", total, n);
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++) ok &= !sato_netaddr_equal(&out[i].addr, &out[j].addr);
    CHECK(ok);
    CHECK(sato_addrman_get_addr(am, out, 50, 23, 0, 1, NOW) == 50);
    CHECK(sato_addrman_get_addr(am, out, 0, 0, 0, 1, NOW) == total);
    CHECK(sato_addrman_get_addr(am, out, 0, 100, 0, 1, NOW) == total);
    CHECK(sato_addrman_get_addr(am, out, 0, 1000, 0, 1, NOW) == total); /* clamped to 100% */
    /* Random order: two answers differ. */
    n = sato_addrman_get_addr(am, out, 100, 0, 0, 1, NOW);
    CHECK(sato_addrman_get_addr(am, again, 100, 0, 0, 1, NOW) == n);
    for (i = 0; i < n; i++) differs += !sato_netaddr_equal(&out[i].addr, &again[i].addr);
    CHECK(differs > 50);
    /* Network filter. */
    {
        sato_addrman_info_t info;
        sato_netaddr_t six = parse("[2002:909:101::1]:8333");
        size_t n6 = sato_addrman_size(am, SATO_NET_IPV6, SATO_ADDRMAN_BOTH);
        CHECK(sato_addrman_find(am, &six, &info) && n6 > 90);
        n = sato_addrman_get_addr(am, out, 0, 0, SATO_NET_IPV6, 1, NOW);
        CHECK(n == n6 - 1);
        for (i = 0, ok = 1; i < n; i++) ok &= out[i].addr.net == SATO_NET_IPV6 && !(out[i].addr.addr[0] == 0x20 && out[i].addr.addr[1] == 0x02);
        CHECK(ok);
        n = sato_addrman_get_addr(am, out, 0, 0, SATO_NET_IPV4, 1, NOW);
        CHECK(n == total - n6 + 1);
    }
    CHECK(sato_addrman_get_addr(am, out, 0, 0, SATO_NET_TORV3, 1, NOW) == 0);

    /* Terrible entries are filtered: 31 days later every one of them is. */
    CHECK(sato_addrman_get_addr(am, out, 0, 0, 0, 1, NOW + 31 * 86400) == 0);
    CHECK(sato_addrman_get_addr(am, out, 0, 0, 0, 0, NOW + 31 * 86400) == total);
    /* Some old ones among fresh ones. */
    for (i = 0; i < 100; i++) add1(am, ip4(150, (unsigned)i, 5, 5, 8333), ip4(6, 6, (unsigned)i, 1, 0), NOW - 40 * 86400, NOW);
    n = sato_addrman_get_addr(am, out, 0, 0, 0, 1, NOW);
    CHECK(n == total);
    for (i = 0, ok = 1; i < n; i++) ok &= out[i].time > NOW - 30 * 86400;
    CHECK(ok);
    CHECK(sato_addrman_check(am) == 0);

    /* The answer cache: the same answer for 21 hours at least, per
     * network key; a fresh one after 27 hours. */
    {
        sato_addrcache_t *c = sato_addrcache_create(SATO_ADDRMAN_GETADDR_MAX, SATO_ADDRMAN_GETADDR_PCT, NULL, NULL);
        const sato_addr_entry_t *r1, *r2;
        size_t n1, n2;
        uint64_t k;
        n1 = sato_addrcache_get(c, am, 1, NOW, &r1);
        CHECK(n1 == 23 * sato_addrman_size(am, 0, SATO_ADDRMAN_BOTH) / 100);
        memcpy(out, r1, n1 * sizeof(*out));
        for (i = 0; i < 50; i++) add1(am, ip4(160, (unsigned)i, 5, 5, 8333), ip4(5, 5, (unsigned)i, 1, 0), NOW, NOW);
        n2 = sato_addrcache_get(c, am, 1, NOW + 21 * 3600, &r2);
        CHECK(n2 == n1 && memcmp(out, r2, n1 * sizeof(*out)) == 0);
        n2 = sato_addrcache_get(c, am, 2, NOW, &r2);
        CHECK(n2 == 23 * sato_addrman_size(am, 0, SATO_ADDRMAN_BOTH) / 100);
        n2 = sato_addrcache_get(c, am, 1, NOW + 27 * 3600 + 1, &r2);
        CHECK(n2 != n1 || memcmp(out, r2, n1 * sizeof(*out)) != 0);
        for (k = 100; k < 200; k++) sato_addrcache_get(c, am, k, NOW, &r2); /* bounded slots */
        sato_addrcache_destroy(c);
    }
    free(out);
    free(again);
    sato_addrman_destroy(am);
}

/* ---- persistence ---------------------------------------------------- */

static char tmpdir[PATH_MAX];

/* Eight rotating buffers: a few paths can be in use at once. */
static char *tmp_path(const char *name) {
    static char p[8][2 * PATH_MAX];
    static unsigned next;
    char *out = p[next++ % 8];
    size_t dl = strlen(tmpdir), nl = strlen(name);
    if (dl + 1 + nl >= sizeof(p[0])) abort();
    memcpy(out, tmpdir, dl);
    out[dl] = '/';
    memcpy(out + dl + 1, name, nl + 1);
    return out;
}

static int exists(const char *path) {
    struct stat st;
    return stat(path, &st) == 0;
}

static void write_file(const char *path, const unsigned char *d, size_t n) {
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f == NULL) return;
    CHECK(fwrite(d, 1, n, f) == n);
    fclose(f);
}

static int same_tables(const sato_addrman_t *a, const sato_addrman_t *b) {
    int t, bk, p;
    for (t = 0; t < 2; t++) {
        int buckets = t ? SATO_ADDRMAN_TRIED_BUCKETS : SATO_ADDRMAN_NEW_BUCKETS;
        for (bk = 0; bk < buckets; bk++) {
            for (p = 0; p < SATO_ADDRMAN_BUCKET_SIZE; p++) {
                sato_addr_entry_t x, y;
                int hx = sato_addrman_slot(a, t, bk, p, &x), hy = sato_addrman_slot(b, t, bk, p, &y);
                if (hx != hy) return 0;
                if (hx && (!sato_netaddr_equal(&x.addr, &y.addr) || x.time != y.time || x.services != y.services))
                    return 0;
            }
        }
    }
    return 1;
}

/* A table with multiply referenced new entries, tried ones, several
 * networks and some history. */
static sato_addrman_t *populated(void) {
    unsigned char key[32] = {42, 1, 2, 3};
    sato_addrman_t *am = make(key);
    unsigned i;
    for (i = 0; i < 3000; i++) {
        sato_netaddr_t a = ip4(1 + i % 200, i / 200, 3, 4, 8333);
        add1(am, a, ip4(200 + i % 20, i % 7, 0, 0, 0), NOW - i, NOW);
        /* A later time, by less than the refresh interval: a chance of
         * one more reference (a bigger jump only refreshes the time). */
        if (i % 5 == 0) add1(am, a, ip4(201, (i / 3) % 250, 9, 9, 0), NOW - i + 60, NOW);
        if (i % 7 == 0) sato_addrman_good(am, &a, NOW + i);
        if (i % 11 == 0) sato_addrman_attempt(am, &a, 1, NOW + i);
    }
    for (i = 0; i < 30; i++) add1(am, onion((unsigned char)(i + 3), 8333), ip4(2, 2, 2, 2, 0), NOW, NOW);
    add1(am, parse("[2a01:4f8::1]:8333"), ip4(3, 3, 3, 3, 0), NOW, NOW);
    return am;
}

static void test_persist(void) {
    sato_addrman_t *am = populated(), *back;
    unsigned char other[32] = {5};
    sato_addrman_load_t res;
    sato_buf_t img, img2;
    char msg[512];
    char path[PATH_MAX + 64];
    sato_netaddr_t probe = ip4(1, 0, 3, 4, 8333);
    sato_addrman_info_t i1, i2;
    size_t multi = 0;
    int t;

    snprintf(path, sizeof(path), "%s", tmp_path("peers.dat"));
    CHECK(sato_addrman_check(am) == 0);
    CHECK(sato_addrman_size(am, 0, SATO_ADDRMAN_TRIED) > 100);
    for (t = 0; t < 3000; t++) {
        sato_netaddr_t a = ip4(1 + (unsigned)t % 200, (unsigned)t / 200, 3, 4, 8333);
        if (sato_addrman_find(am, &a, &i1) && i1.refcount > 1) multi++;
    }
    CHECK(multi > 50);

    CHECK(sato_addrman_save(am, path, MAGIC, msg, sizeof(msg)) == SATO_OK);
    CHECK(exists(path) && !exists(tmp_path("peers.dat.tmp")));
    {
        struct stat st;
        CHECK(stat(path, &st) == 0 && (st.st_mode & 0077) == 0); /* the key stays private */
    }
    back = make(other);
    CHECK(sato_addrman_load(back, path, MAGIC, &res, msg, sizeof(msg)) == SATO_OK);
    test_case(res == SATO_ADDRMAN_LOAD_OK, "load: %s", msg);
    CHECK(memcmp(sato_addrman_key(back), sato_addrman_key(am), 32) == 0);
    CHECK(sato_addrman_check(back) == 0);
    for (t = 0; t <= SATO_NET_CJDNS; t++) {
        CHECK(sato_addrman_size(am, t, SATO_ADDRMAN_NEW) == sato_addrman_size(back, t, SATO_ADDRMAN_NEW));
        CHECK(sato_addrman_size(am, t, SATO_ADDRMAN_TRIED) == sato_addrman_size(back, t, SATO_ADDRMAN_TRIED));
    }
    test_case(same_tables(am, back), "every slot of both tables is the same after a reload");
    CHECK(sato_addrman_find(am, &probe, &i1) && sato_addrman_find(back, &probe, &i2));
    CHECK(i1.in_tried == i2.in_tried && i1.refcount == i2.refcount && i1.bucket == i2.bucket &&
          i1.position == i2.position && i1.last_success == i2.last_success && i1.attempts == i2.attempts &&
          sato_netaddr_equal(&i1.source, &i2.source) && i2.last_try == 0 /* memory only, as Core */);
    /* Saving what was loaded gives the same bytes. */
    sato_buf_init(&img);
    sato_buf_init(&img2);
    sato_addrman_serialize(am, &img, MAGIC);
    sato_addrman_serialize(back, &img2, MAGIC);
    CHECK(img.len == img2.len && memcmp(img.data, img2.data, img.len) == 0);
    test_case(img.len < 1u << 20, "image of %zu entries is %zu bytes", sato_addrman_size(am, 0, 0), img.len);

    /* Missing file. */
    CHECK(sato_addrman_load(back, tmp_path("none.dat"), MAGIC, &res, msg, sizeof(msg)) == SATO_OK);
    CHECK(res == SATO_ADDRMAN_LOAD_MISSING && sato_addrman_size(back, 0, 0) == 0);

    /* A flipped byte: checksum mismatch, moved aside, empty, with the
     * key it had before. */
    memcpy(other, sato_addrman_key(back), 32);
    img.data[img.len / 2] ^= 0x40;
    write_file(path, img.data, img.len);
    img.data[img.len / 2] ^= 0x40;
    CHECK(sato_addrman_load(back, path, MAGIC, &res, msg, sizeof(msg)) == SATO_OK);
    test_case(res == SATO_ADDRMAN_LOAD_CORRUPT && strstr(msg, "checksum") && strstr(msg, "corrupt-1"), "flipped: %s",
              msg);
    CHECK(!exists(path) && exists(tmp_path("peers.dat.corrupt-1")) && sato_addrman_size(back, 0, 0) == 0);
    CHECK(memcmp(sato_addrman_key(back), other, 32) == 0); /* its own key again */
    /* Truncated: the next name. */
    write_file(path, img.data, img.len / 3);
    CHECK(sato_addrman_load(back, path, MAGIC, &res, msg, sizeof(msg)) == SATO_OK);
    test_case(res == SATO_ADDRMAN_LOAD_CORRUPT && strstr(msg, "corrupt-2"), "truncated: %s", msg);
    CHECK(!exists(path) && sato_addrman_size(back, 0, 0) == 0);
    /* Tiny, empty, foreign, another network. */
    {
        static const unsigned char junk[] = "not a peers file at all, just words";
        unsigned char other_net[4] = {0xf9, 0xbe, 0xb4, 0xd9};
        write_file(path, junk, 0);
        CHECK(sato_addrman_load(back, path, MAGIC, &res, msg, sizeof(msg)) == SATO_OK && res == SATO_ADDRMAN_LOAD_CORRUPT);
        write_file(path, junk, sizeof(junk));
        CHECK(sato_addrman_load(back, path, MAGIC, &res, msg, sizeof(msg)) == SATO_OK && res == SATO_ADDRMAN_LOAD_CORRUPT);
        write_file(path, img.data, img.len);
        CHECK(sato_addrman_load(back, path, other_net, &res, msg, sizeof(msg)) == SATO_OK);
        test_case(res == SATO_ADDRMAN_LOAD_CORRUPT && strstr(msg, "network"), "other network: %s", msg);
        CHECK(exists(tmp_path("peers.dat.corrupt-5")));
    }
    /* A newer format: refused cleanly, kept as peers.dat.bak. */
    img.data[12] = 2;
    img.data[13] = 2;
    write_file(path, img.data, img.len);
    CHECK(sato_addrman_load(back, path, MAGIC, &res, msg, sizeof(msg)) == SATO_OK);
    test_case(res == SATO_ADDRMAN_LOAD_NEWER && strstr(msg, "newer") && strstr(msg, ".bak"), "newer: %s", msg);
    CHECK(!exists(path) && exists(tmp_path("peers.dat.bak")) && sato_addrman_size(back, 0, 0) == 0);
    /* A newer version that older readers may still read is read. */
    img.data[12] = 7;
    img.data[13] = 1;
    {
        unsigned char sum[32];
        sato_sha256d(sum, img.data, img.len - 32);
        memcpy(img.data + img.len - 32, sum, 32);
    }
    CHECK(sato_addrman_deserialize(back, img.data, img.len, MAGIC, msg, sizeof(msg)) == SATO_ADDRMAN_LOAD_OK);
    CHECK(same_tables(am, back));

    /* A right checksum over wrong contents: counts beyond the tables,
     * a duplicate, bytes left over. Refused, never trusted in part. */
    {
        sato_buf_t bad;
        unsigned char sum[32];
        const size_t count_at = 14 + 32;
        sato_buf_init(&bad);
        sato_buf_write(&bad, img.data, img.len);
        sato_put_le32(bad.data + count_at, SATO_ADDRMAN_MAX_NEW + 1);
        sato_sha256d(sum, bad.data, bad.len - 32);
        memcpy(bad.data + bad.len - 32, sum, 32);
        CHECK(sato_addrman_deserialize(back, bad.data, bad.len, MAGIC, msg, sizeof(msg)) == SATO_ADDRMAN_LOAD_CORRUPT);
        CHECK(sato_addrman_size(back, 0, 0) == 0 && sato_addrman_check(back) == 0);
        /* One trailing byte. */
        memcpy(bad.data, img.data, img.len);
        bad.len = img.len - 32;
        sato_buf_write_u8(&bad, 0);
        sato_sha256d(sum, bad.data, bad.len);
        sato_buf_write(&bad, sum, 32);
        CHECK(sato_addrman_deserialize(back, bad.data, bad.len, MAGIC, msg, sizeof(msg)) == SATO_ADDRMAN_LOAD_CORRUPT);
        test_case(strstr(msg, "after the last entry") != NULL, "trailing: %s", msg);
        sato_buf_clear(&bad);
    }
    /* Hostile bytes under a right checksum: any outcome but a crash or an
     * inconsistent table. */
    {
        sato_buf_t small;
        sato_addrman_t *s = make(other);
        uint64_t x = 88172645463325252ull;
        int round, oks = 0, bad = 0;
        unsigned i;
        for (i = 0; i < 40; i++) {
            add1(s, ip4(50 + i, 1, 2, 3, 8333), ip4(9, i, 1, 1, 0), NOW, NOW);
            if (i % 3 == 0) add1(s, ip4(50 + i, 1, 2, 3, 8333), ip4(10, i, 1, 1, 0), NOW + 9, NOW + 9);
            if (i % 4 == 0) {
                sato_netaddr_t a = ip4(50 + i, 1, 2, 3, 8333);
                sato_addrman_good(s, &a, NOW);
            }
        }
        sato_buf_init(&small);
        sato_addrman_serialize(s, &small, MAGIC);
        for (round = 0; round < 2000; round++) {
            unsigned char *m = sato_malloc(small.len), sum[32];
            size_t len = small.len, k, flips;
            memcpy(m, small.data, len);
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            flips = 1 + x % 4;
            for (k = 0; k < flips; k++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                m[14 + x % (len - 46)] = (unsigned char)(x >> 32);
            }
            if (round % 10 == 0) len -= 32 + x % 20; /* cut, checksum over the rest */
            sato_sha256d(sum, m, len - 32);
            memcpy(m + len - 32, sum, 32);
            res = sato_addrman_deserialize(back, m, len, MAGIC, msg, sizeof(msg));
            free(m);
            if (res == SATO_ADDRMAN_LOAD_OK) oks++;
            else bad++;
            if (sato_addrman_check(back) != 0) break;
        }
        test_case(round == 2000, "2000 mutated images: %d loaded, %d refused, all consistent", oks, bad);
        sato_buf_clear(&small);
        sato_addrman_destroy(s);
    }

#ifdef SATO_FAULT_INJECT
    /* A failed save leaves the old file whole and no temporary behind. */
    {
        static const char *const sites[] = {"addrman.write", "addrman.fsync", "addrman.rename"};
        size_t k;
        CHECK(sato_addrman_save(am, path, MAGIC, msg, sizeof(msg)) == SATO_OK);
        sato_addrman_clear(am);
        for (k = 0; k < 3; k++) {
            setenv("FI_EIO_ON", sites[k], 1);
            sato_fault_reload();
            test_case(sato_addrman_save(am, path, MAGIC, msg, sizeof(msg)) == SATO_EIO, "%s fails: %s", sites[k],
                      msg);
            CHECK(!exists(tmp_path("peers.dat.tmp")));
        }
        unsetenv("FI_EIO_ON");
        sato_fault_reload();
        CHECK(sato_addrman_load(back, path, MAGIC, &res, msg, sizeof(msg)) == SATO_OK && res == SATO_ADDRMAN_LOAD_OK);
        CHECK(sato_addrman_size(back, 0, 0) > 1000);
    }
#endif
    /* A directory that is not there: an error, no crash. */
    CHECK(sato_addrman_save(am, "/nonexistent-dir/peers.dat", MAGIC, msg, sizeof(msg)) == SATO_EIO);

    sato_buf_clear(&img);
    sato_buf_clear(&img2);
    sato_addrman_destroy(am);
    sato_addrman_destroy(back);
}

/* Same key, seed and calls: the same tables, byte for byte. */
static void test_replay(void) {
    sato_addrman_t *a = populated(), *b = populated();
    sato_buf_t x, y;
    sato_addr_entry_t sa, sb;
    int i, same = 1;
    sato_buf_init(&x);
    sato_buf_init(&y);
    sato_addrman_serialize(a, &x, MAGIC);
    sato_addrman_serialize(b, &y, MAGIC);
    CHECK(x.len == y.len && memcmp(x.data, y.data, x.len) == 0);
    for (i = 0; i < 100; i++) {
        int ra = sato_addrman_select(a, 0, 0, NOW, &sa, NULL), rb = sato_addrman_select(b, 0, 0, NOW, &sb, NULL);
        same &= ra == rb && sato_netaddr_equal(&sa.addr, &sb.addr);
    }
    CHECK(same);
    sato_buf_clear(&x);
    sato_buf_clear(&y);
    sato_addrman_destroy(a);
    sato_addrman_destroy(b);
}

/* A caller's own generator. */
static uint64_t counting_rand(void *ctx) {
    uint64_t *s = ctx;
    *s = *s * 6364136223846793005ull + 1442695040888963407ull;
    return *s;
}

static void test_rand_callback(void) {
    uint64_t state = 1;
    sato_addrman_opts_t o;
    sato_addrman_t *am;
    sato_addr_entry_t out;
    unsigned char key[32] = {77};
    memset(&o, 0, sizeof(o));
    o.key = key;
    o.rand = counting_rand;
    o.rand_ctx = &state;
    am = sato_addrman_create(&o);
    add1(am, ip4(44, 4, 4, 4, 8333), ip4(45, 5, 5, 5, 0), NOW, NOW);
    CHECK(sato_addrman_select(am, 0, 0, NOW, &out, NULL));
    CHECK(state != 1);
    sato_addrman_destroy(am);
    /* No options: random key and seed. */
    am = sato_addrman_create(NULL);
    CHECK(memcmp(sato_addrman_key(am), key, 32) != 0);
    sato_addrman_destroy(am);
    sato_addrman_destroy(NULL);
}

/* A flood: 100,000 addresses from many sources, and a second 100,000
 * from one source group. The tables stay within their bounds, memory
 * stops growing, and one source group never reaches more than 64 new
 * buckets. */
static void test_flood(void) {
    unsigned char key[32] = {13};
    sato_addrman_t *am = make(key);
    sato_addr_entry_t batch[1000];
    uint64_t x = 0x9e3779b97f4a7c15ull;
    size_t mem1, mem2, i, k;
    unsigned bucket_hit[SATO_ADDRMAN_NEW_BUCKETS];
    int distinct = 0, b, p;

    for (i = 0; i < 100; i++) {
        sato_netaddr_t src;
        for (k = 0; k < 1000; k++) {
            unsigned char ip[4];
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            sato_put_le32(ip, (uint32_t)x);
            batch[k] = entry(ip4(ip[0], ip[1], ip[2], ip[3], (uint16_t)(x >> 48)), NOW - (int64_t)(x >> 40) % 86400);
        }
        src = ip4(1 + (unsigned)i, (unsigned)(x >> 8) & 0xff, 1, 1, 8333);
        sato_addrman_add(am, batch, 1000, &src, SATO_ADDRMAN_GOSSIP_PENALTY, NOW + (int64_t)i);
        for (k = 0; k < 1000; k += 50) sato_addrman_good(am, &batch[k].addr, NOW + (int64_t)i);
    }
    CHECK(sato_addrman_size(am, 0, SATO_ADDRMAN_NEW) <= SATO_ADDRMAN_MAX_NEW);
    CHECK(sato_addrman_size(am, 0, SATO_ADDRMAN_TRIED) <= SATO_ADDRMAN_MAX_TRIED);
    test_case(sato_addrman_check(am) == 0, "consistent after 100,000 adds (%zu new, %zu tried)",
              sato_addrman_size(am, 0, SATO_ADDRMAN_NEW), sato_addrman_size(am, 0, SATO_ADDRMAN_TRIED));
    mem1 = sato_addrman_memory(am);
    /* Again, with the same sources and rising times: references, not
     * entries, grow; then a flood from a single source group. */
    for (i = 0; i < 100; i++) {
        sato_netaddr_t src = ip4(77, 77, (unsigned)i, 1, 8333);
        for (k = 0; k < 1000; k++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            batch[k] = entry(ip4(1 + (unsigned)(x & 0x7f), (unsigned)(x >> 8) & 0xff, (unsigned)(x >> 16) & 0xff,
                                 (unsigned)(x >> 24) & 0xff, 8333),
                             NOW + 1000);
        }
        sato_addrman_add(am, batch, 1000, &src, 0, NOW + 2000);
    }
    mem2 = sato_addrman_memory(am);
    CHECK(sato_addrman_size(am, 0, SATO_ADDRMAN_NEW) <= SATO_ADDRMAN_MAX_NEW);
    CHECK(sato_addrman_check(am) == 0);
    test_case(mem2 < (size_t)24 << 20, "memory %zu then %zu bytes (bounded)", mem1, mem2);
    /* Where the one-group flood went: count the buckets its entries hold. */
    memset(bucket_hit, 0, sizeof(bucket_hit));
    {
        sato_netaddr_t src = ip4(77, 77, 0, 1, 0);
        for (b = 0; b < SATO_ADDRMAN_NEW_BUCKETS; b++) {
            for (p = 0; p < SATO_ADDRMAN_BUCKET_SIZE; p++) {
                sato_addr_entry_t s;
                sato_addrman_info_t info;
                if (!sato_addrman_slot(am, 0, b, p, &s) || !sato_addrman_find(am, &s.addr, &info)) continue;
                if (info.source.addr[0] == 77 && info.source.addr[1] == 77) {
                    CHECK(sato_addrman_new_bucket(key, &s.addr, &src) == b);
                    if (!bucket_hit[b]++) distinct++;
                }
            }
        }
    }
    test_case(distinct > 0 && distinct <= 64, "the one-group flood holds %d new buckets (<= 64)", distinct);
    /* A fresh table fed only by that group: at most 64 x 64 entries. */
    {
        sato_addrman_t *one = make(key);
        for (i = 0; i < 100; i++) {
            sato_netaddr_t src = ip4(77, 77, (unsigned)i, 1, 8333);
            for (k = 0; k < 1000; k++) {
                x ^= x << 13, x ^= x >> 7, x ^= x << 17;
                batch[k] = entry(ip4(1 + (unsigned)(x & 0x7f), (unsigned)(x >> 8) & 0xff,
                                     (unsigned)(x >> 16) & 0xff, (unsigned)(x >> 24) & 0xff, 8333),
                                 NOW);
            }
            sato_addrman_add(one, batch, 1000, &src, 0, NOW);
        }
        test_case(sato_addrman_size(one, 0, SATO_ADDRMAN_NEW) <= 64 * 64,
                  "100,000 addresses from one source group keep %zu entries (<= 4096)",
                  sato_addrman_size(one, 0, SATO_ADDRMAN_NEW));
        CHECK(sato_addrman_check(one) == 0);
        sato_addrman_destroy(one);
    }
    sato_addrman_destroy(am);
}

static void cleanup_dir(void) {
    DIR *d = opendir(tmpdir);
    struct dirent *de;
    if (d == NULL) return;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') continue;
        unlink(tmp_path(de->d_name));
    }
    closedir(d);
    rmdir(tmpdir);
}

int main(void) {
    const char *base = getenv("TMPDIR");
    snprintf(tmpdir, sizeof(tmpdir), "%s/test_addrman.XXXXXX", base && *base ? base : "/tmp");
    if (mkdtemp(tmpdir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    test_placement();
    test_new_collisions();
    test_core_getaddr();
    test_terrible();
    test_multiplicity();
    test_add_rules();
    test_tried();
    test_select();
    test_getaddr();
    test_persist();
    test_replay();
    test_rand_callback();
    test_flood();
    cleanup_dir();
    return test_report("test_addrman");
}
