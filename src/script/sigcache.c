/* The signature cache: a set-associative table of salted 32-byte keys
 * under the caller's reader-writer lock. Its memory is fixed at creation;
 * when a bucket is full a key-chosen slot is overwritten, and as keys are
 * salted hashes nobody outside can steer which. */

#include <stdlib.h>
#include <string.h>

#include "sato/buf.h"
#include "sato/mem.h"
#include "sato/sha256.h"
#include "sato/sigcache.h"

#define WAYS 4

typedef struct {
    unsigned char key[WAYS][32];
    unsigned char used; /* bit i set: key[i] holds an entry */
} bucket_t;

struct sato_sigcache {
    sato_sigcache_lock_t lock; /* no-ops when the caller gave none */
    bucket_t *buckets;
    size_t nbuckets;
    size_t count;
    /* SHA-256 state after salt || domain || padding (one block), one per
     * signature kind so an ECDSA entry can never answer a Schnorr query. */
    sato_sha256_t ecdsa_mid;
    sato_sha256_t schnorr_mid;
};

static void salted_midstate(sato_sha256_t *sha, const unsigned char salt[32], unsigned char domain) {
    unsigned char block[64] = {0};
    memcpy(block, salt, 32);
    block[32] = domain;
    sato_sha256_init(sha);
    sato_sha256_write(sha, block, sizeof(block));
}

static void no_lock(void *arg, int exclusive) {
    (void)arg;
    (void)exclusive;
}

static void no_unlock(void *arg) {
    (void)arg;
}

sato_sigcache_t *sato_sigcache_create(size_t max_bytes, const unsigned char salt32[32],
                                      const sato_sigcache_lock_t *lock) {
    sato_sigcache_t *c = sato_calloc(1, sizeof(*c));
    c->nbuckets = max_bytes / sizeof(bucket_t);
    if (c->nbuckets == 0) c->nbuckets = 1;
    c->buckets = sato_calloc(c->nbuckets, sizeof(bucket_t));
    salted_midstate(&c->ecdsa_mid, salt32, 'E');
    salted_midstate(&c->schnorr_mid, salt32, 'S');
    if (lock != NULL) {
        c->lock = *lock;
    } else {
        c->lock.lock = no_lock;
        c->lock.unlock = no_unlock;
    }
    return c;
}

void sato_sigcache_destroy(sato_sigcache_t *c) {
    if (c == NULL) return;
    free(c->buckets);
    sato_memzero(c, sizeof(*c));
    free(c);
}

void sato_sigcache_key_ecdsa(const sato_sigcache_t *c, unsigned char key32[32],
                             const unsigned char sighash32[32],
                             const unsigned char *pubkey, size_t pubkey_len,
                             const unsigned char *sig, size_t sig_len) {
    sato_sha256_t sha = c->ecdsa_mid;
    unsigned char len[2];
    sato_sha256_write(&sha, sighash32, 32);
    /* Lengths keep (pubkey, sig) splits unambiguous. */
    len[0] = (unsigned char)pubkey_len;
    len[1] = (unsigned char)(pubkey_len >> 8);
    sato_sha256_write(&sha, len, 2);
    sato_sha256_write(&sha, pubkey, pubkey_len);
    sato_sha256_write(&sha, sig, sig_len);
    sato_sha256_finalize(&sha, key32);
}

void sato_sigcache_key_schnorr(const sato_sigcache_t *c, unsigned char key32[32],
                               const unsigned char sighash32[32],
                               const unsigned char pubkey32[32],
                               const unsigned char sig64[64]) {
    sato_sha256_t sha = c->schnorr_mid;
    sato_sha256_write(&sha, sighash32, 32);
    sato_sha256_write(&sha, pubkey32, 32);
    sato_sha256_write(&sha, sig64, 64);
    sato_sha256_finalize(&sha, key32);
}

static bucket_t *bucket_of(const sato_sigcache_t *c, const unsigned char key[32]) {
    return &c->buckets[sato_le64(key) % c->nbuckets];
}

/* Slot holding key in b, or -1. */
static int find_slot(const bucket_t *b, const unsigned char key[32]) {
    int i;
    for (i = 0; i < WAYS; i++) {
        if ((b->used >> i & 1) && memcmp(b->key[i], key, 32) == 0) return i;
    }
    return -1;
}

int sato_sigcache_get(sato_sigcache_t *c, const unsigned char key32[32], int erase) {
    bucket_t *b;
    int slot;

    c->lock.lock(c->lock.arg, erase);
    b = bucket_of(c, key32);
    slot = find_slot(b, key32);
    if (slot >= 0 && erase) {
        b->used &= (unsigned char)~(1u << slot);
        c->count--;
    }
    c->lock.unlock(c->lock.arg);
    return slot >= 0;
}

void sato_sigcache_add(sato_sigcache_t *c, const unsigned char key32[32]) {
    bucket_t *b;
    int i, slot = -1;

    c->lock.lock(c->lock.arg, 1);
    b = bucket_of(c, key32);
    if (find_slot(b, key32) >= 0) goto out;
    for (i = 0; i < WAYS; i++) {
        if (!(b->used >> i & 1)) {
            slot = i;
            break;
        }
    }
    if (slot < 0) {
        /* Full: evict the slot named by other bits of the (salted) key. */
        slot = key32[8] % WAYS;
    } else {
        b->used |= (unsigned char)(1u << slot);
        c->count++;
    }
    memcpy(b->key[slot], key32, 32);
out:
    c->lock.unlock(c->lock.arg);
}

size_t sato_sigcache_count(sato_sigcache_t *c) {
    size_t n;
    c->lock.lock(c->lock.arg, 0);
    n = c->count;
    c->lock.unlock(c->lock.arg);
    return n;
}

size_t sato_sigcache_capacity(const sato_sigcache_t *c) {
    return c->nbuckets * WAYS;
}
