/* Signature cache: keys, hits and misses, erase-on-hit, the memory bound,
 * concurrent use, and the checker consulting it. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <secp256k1.h>

#include "sato/mem.h"
#include "sato/sha256.h"
#include "sato/shared_sigcache.h"
#include "sato/sigcache.h"
#include "sato/sigcheck.h"
#include "test.h"

static void key_n(const sato_sigcache_t *c, unsigned char key[32], uint32_t n) {
    unsigned char h[32] = {0}, pub[33] = {2}, sig[8];
    memcpy(h, &n, sizeof(n));
    memset(sig, 0x30, sizeof(sig));
    sato_sigcache_key_ecdsa(c, key, h, pub, sizeof(pub), sig, sizeof(sig));
}

static void test_keys(void) {
    static const unsigned char salt_a[32] = {1}, salt_b[32] = {2};
    sato_sigcache_t *a = sato_sigcache_create(1 << 16, salt_a, NULL);
    sato_sigcache_t *a2 = sato_sigcache_create(1 << 16, salt_a, NULL);
    sato_sigcache_t *b = sato_sigcache_create(1 << 16, salt_b, NULL);
    sato_shared_sigcache_t *shared = sato_shared_sigcache_create(1 << 16);
    sato_sigcache_t *r = sato_shared_sigcache_get(shared);
    unsigned char h[32] = {9}, pub[33] = {3}, sig[64] = {4}, k1[32], k2[32], k3[32], k4[32];

    sato_sigcache_key_ecdsa(a, k1, h, pub, 33, sig, 64);
    sato_sigcache_key_ecdsa(a2, k2, h, pub, 33, sig, 64);
    CHECK(memcmp(k1, k2, 32) == 0); /* the same salt gives the same keys */
    sato_sigcache_key_ecdsa(b, k3, h, pub, 33, sig, 64);
    CHECK(memcmp(k1, k3, 32) != 0); /* another salt, other keys */
    sato_sigcache_key_ecdsa(r, k4, h, pub, 33, sig, 64);
    CHECK(memcmp(k1, k4, 32) != 0); /* the shared cache's random salt */
    /* ECDSA and Schnorr entries are apart even over identical bytes. */
    sato_sigcache_key_schnorr(a, k2, h, pub + 1, sig);
    sato_sigcache_key_ecdsa(a, k3, h, pub + 1, 32, sig, 64);
    CHECK(memcmp(k2, k3, 32) != 0);
    /* Moving a byte between pubkey and signature changes the key. */
    sato_sigcache_key_ecdsa(a, k2, h, pub, 32, sig, 65 - 1);
    CHECK(memcmp(k1, k2, 32) != 0);
    sato_sigcache_destroy(a);
    sato_sigcache_destroy(a2);
    sato_sigcache_destroy(b);
    sato_shared_sigcache_destroy(shared);
    sato_sigcache_destroy(NULL);
    sato_shared_sigcache_destroy(NULL);
}

static void test_hits_and_bound(void) {
    static const unsigned char salt[32] = {7};
    sato_sigcache_t *c = sato_sigcache_create(64 * 1024, salt, NULL);
    const size_t cap = sato_sigcache_capacity(c);
    unsigned char k[32];
    uint32_t i, present;

    CHECK(cap > 0 && cap * 32 <= 64 * 1024);
    key_n(c, k, 1);
    CHECK(sato_sigcache_get(c, k, 0) == 0);
    sato_sigcache_add(c, k);
    CHECK(sato_sigcache_get(c, k, 0) == 1);
    CHECK(sato_sigcache_get(c, k, 0) == 1); /* a plain lookup keeps it */
    sato_sigcache_add(c, k);                /* adding twice holds one entry */
    CHECK(sato_sigcache_count(c) == 1);
    CHECK(sato_sigcache_get(c, k, 1) == 1); /* erase on hit */
    CHECK(sato_sigcache_get(c, k, 0) == 0);
    CHECK(sato_sigcache_count(c) == 0);

    /* Ten times the capacity: the count never passes the bound, the most
     * recent entries are mostly there, and old ones were evicted. */
    for (i = 0; i < 10 * cap; i++) {
        key_n(c, k, 1000 + i);
        sato_sigcache_add(c, k);
        if (sato_sigcache_count(c) > cap) break;
    }
    CHECK(sato_sigcache_count(c) <= cap);
    CHECK(sato_sigcache_count(c) > cap / 2);
    present = 0;
    for (i = 0; i < cap; i++) {
        key_n(c, k, 1000 + i);
        present += (uint32_t)sato_sigcache_get(c, k, 0);
    }
    test_case(present < cap / 10, "old entries still present: %u of %zu", present, cap);
    present = 0;
    for (i = 9 * (uint32_t)cap; i < 10 * cap; i++) {
        key_n(c, k, 1000 + i);
        present += (uint32_t)sato_sigcache_get(c, k, 0);
    }
    test_case(present > cap / 2, "recent entries present: %u of %zu", present, cap);
    sato_sigcache_destroy(c);

    /* A budget below one bucket still makes a working cache. */
    c = sato_sigcache_create(1, salt, NULL);
    CHECK(sato_sigcache_capacity(c) >= 1);
    key_n(c, k, 5);
    sato_sigcache_add(c, k);
    CHECK(sato_sigcache_get(c, k, 0) == 1);
    sato_sigcache_destroy(c);
}

typedef struct {
    sato_sigcache_t *cache;
    uint32_t base;
    int errors;
} worker_t;

static void *worker(void *arg) {
    worker_t *w = arg;
    unsigned char k[32];
    uint32_t i;
    for (i = 0; i < 20000; i++) {
        key_n(w->cache, k, w->base + i);
        sato_sigcache_add(w->cache, k);
        /* With a cache far larger than what is added, entries stay. */
        if (!sato_sigcache_get(w->cache, k, 0)) w->errors++;
        if (i % 3 == 0 && !sato_sigcache_get(w->cache, k, 1)) w->errors++;
        (void)sato_sigcache_count(w->cache);
    }
    return NULL;
}

static void test_threads(void) {
    /* The pure table with the node's lock around it. */
    sato_shared_sigcache_t *shared = sato_shared_sigcache_create(64u << 20);
    sato_sigcache_t *c = sato_shared_sigcache_get(shared);
    worker_t w[2] = {{c, 0, 0}, {c, 1u << 24, 0}};
    pthread_t th[2];
    int i;
    for (i = 0; i < 2; i++) CHECK(pthread_create(&th[i], NULL, worker, &w[i]) == 0);
    for (i = 0; i < 2; i++) CHECK(pthread_join(th[i], NULL) == 0);
    test_case(w[0].errors == 0 && w[1].errors == 0, "thread errors: %d %d", w[0].errors, w[1].errors);
    /* 20000 added per thread, every third erased; buckets may evict a few. */
    test_case(sato_sigcache_count(c) <= 2 * (20000 - 6667) && sato_sigcache_count(c) > 2 * 13000,
              "count after threads: %zu", sato_sigcache_count(c));
    sato_shared_sigcache_destroy(shared);
}

/* The checker stores valid signatures (mempool) and, in block mode, finds
 * and erases them; a cached entry never validates a different message. */
static void test_checker(void) {
    static const unsigned char salt[32] = {9};
    static const unsigned char code[] = {0xac};
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    sato_sigcache_t *c = sato_sigcache_create(1 << 20, salt, NULL);
    sato_txin_t vin[1];
    sato_txout_t vout[1];
    sato_tx_t tx;
    sato_tx_checker_ctx_t cctx;
    sato_sigchecker_t chk;
    unsigned char seckey[32], pub[33], hash[32], der[80];
    size_t publen = 33, derlen = 72;
    secp256k1_pubkey pk;
    secp256k1_ecdsa_signature sig;

    memset(&tx, 0, sizeof(tx));
    memset(vin, 0, sizeof(vin));
    memset(vout, 0, sizeof(vout));
    tx.version = 1;
    tx.vin = vin;
    tx.vin_len = 1;
    tx.vout = vout;
    tx.vout_len = 1;
    memset(seckey, 0x44, 32);
    CHECK(secp256k1_ec_pubkey_create(ctx, &pk, seckey));
    CHECK(secp256k1_ec_pubkey_serialize(ctx, pub, &publen, &pk, SECP256K1_EC_COMPRESSED));
    sato_sighash_legacy(hash, &tx, 0, code, 1, SATO_SIGHASH_ALL);
    CHECK(secp256k1_ecdsa_sign(ctx, &sig, hash, seckey, NULL, NULL));
    CHECK(secp256k1_ecdsa_signature_serialize_der(ctx, der, &derlen, &sig));
    der[derlen++] = SATO_SIGHASH_ALL;

    sato_tx_sigchecker_init(&chk, &cctx, &tx, 0, 0, NULL, c);
    CHECK(chk.check_ecdsa(chk.ctx, der, derlen, pub, publen, code, 1, SATO_SIGVERSION_BASE) == 1);
    CHECK(sato_sigcache_count(c) == 1);
    /* A changed transaction gives another sighash: no false hit. */
    tx.locktime = 1;
    CHECK(chk.check_ecdsa(chk.ctx, der, derlen, pub, publen, code, 1, SATO_SIGVERSION_BASE) == 0);
    tx.locktime = 0;
    /* Block mode: a hit is consumed. */
    cctx.cache_store = 0;
    CHECK(chk.check_ecdsa(chk.ctx, der, derlen, pub, publen, code, 1, SATO_SIGVERSION_BASE) == 1);
    CHECK(sato_sigcache_count(c) == 0);
    CHECK(chk.check_ecdsa(chk.ctx, der, derlen, pub, publen, code, 1, SATO_SIGVERSION_BASE) == 1);
    CHECK(sato_sigcache_count(c) == 0);
    /* A hit really skips verification: planted entry for a bad signature. */
    {
        unsigned char key[32];
        unsigned char bad[80];
        memcpy(bad, der, derlen);
        bad[derlen - 3] ^= 1;
        sato_sigcache_key_ecdsa(c, key, hash, pub, publen, bad, derlen - 1);
        CHECK(chk.check_ecdsa(chk.ctx, bad, derlen, pub, publen, code, 1, SATO_SIGVERSION_BASE) == 0);
        sato_sigcache_add(c, key);
        CHECK(chk.check_ecdsa(chk.ctx, bad, derlen, pub, publen, code, 1, SATO_SIGVERSION_BASE) == 1);
    }
    sato_sigcache_destroy(c);
    secp256k1_context_destroy(ctx);
}

int main(void) {
    test_keys();
    test_hits_and_bound();
    test_threads();
    test_checker();
    return test_report("test_sigcache");
}
