#ifndef SATO_SIGCACHE_H
#define SATO_SIGCACHE_H

#include <stddef.h>

/* A set of signature checks already found valid, so that a transaction
 * verified when it entered the mempool is not verified again in a block.
 *
 * Entries are 32-byte keys: SHA-256 of a secret salt, a domain byte
 * (ECDSA or Schnorr), the signature hash, the public key and the
 * signature. The salt keeps others from predicting where entries land
 * (and so from evicting chosen ones). The cache never exceeds the byte
 * budget given at creation: a new entry replaces an old one when its
 * bucket is full.
 *
 * The consensus library owns no randomness and no threads: the caller
 * draws the salt and, to share one cache between threads, supplies the
 * lock (sato_shared_sigcache_create in the chain layer does both). */
typedef struct sato_sigcache sato_sigcache_t;

/* A reader-writer lock the caller provides: lock(arg, 1) for writing,
 * lock(arg, 0) for reading, unlock(arg) for either. */
typedef struct {
    void (*lock)(void *arg, int exclusive);
    void (*unlock)(void *arg);
    void *arg;
} sato_sigcache_lock_t;

/* max_bytes bounds the memory of the table (at least one bucket is kept);
 * salt32 must be secret and random. lock (copied) may be NULL: then the
 * cache must be used by one thread at a time. */
sato_sigcache_t *sato_sigcache_create(size_t max_bytes, const unsigned char salt32[32],
                                      const sato_sigcache_lock_t *lock);
void sato_sigcache_destroy(sato_sigcache_t *cache);

/* Entry keys for the two signature kinds. */
void sato_sigcache_key_ecdsa(const sato_sigcache_t *cache, unsigned char key32[32],
                             const unsigned char sighash32[32],
                             const unsigned char *pubkey, size_t pubkey_len,
                             const unsigned char *sig, size_t sig_len);
void sato_sigcache_key_schnorr(const sato_sigcache_t *cache, unsigned char key32[32],
                               const unsigned char sighash32[32],
                               const unsigned char pubkey32[32],
                               const unsigned char sig64[64]);

/* 1 if key is present; with erase set, a hit is also removed (a block's
 * checks are needed only once). */
int sato_sigcache_get(sato_sigcache_t *cache, const unsigned char key32[32], int erase);
void sato_sigcache_add(sato_sigcache_t *cache, const unsigned char key32[32]);

/* Number of entries held and the most it can hold. */
size_t sato_sigcache_count(sato_sigcache_t *cache);
size_t sato_sigcache_capacity(const sato_sigcache_t *cache);

#endif
