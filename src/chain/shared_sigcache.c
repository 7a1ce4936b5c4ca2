/* A thread-safe, randomly salted signature cache (see shared_sigcache.h):
 * the salt and the lock that the pure table leaves to its caller. */
#include <pthread.h>
#include <stdlib.h>

#include "sato/mem.h"
#include "sato/random.h"
#include "sato/shared_sigcache.h"

struct sato_shared_sigcache {
    pthread_rwlock_t lock;
    sato_sigcache_t *cache;
};

static void rw_lock(void *arg, int exclusive) {
    sato_shared_sigcache_t *s = arg;
    if (exclusive) {
        pthread_rwlock_wrlock(&s->lock);
    } else {
        pthread_rwlock_rdlock(&s->lock);
    }
}

static void rw_unlock(void *arg) {
    sato_shared_sigcache_t *s = arg;
    pthread_rwlock_unlock(&s->lock);
}

sato_shared_sigcache_t *sato_shared_sigcache_create(size_t max_bytes) {
    sato_shared_sigcache_t *s = sato_calloc(1, sizeof(*s));
    unsigned char salt[32];
    sato_sigcache_lock_t lock;
    if (pthread_rwlock_init(&s->lock, NULL) != 0) abort();
    sato_random_bytes(salt, sizeof(salt)); /* an unsalted cache could be steered */
    lock.lock = rw_lock;
    lock.unlock = rw_unlock;
    lock.arg = s;
    s->cache = sato_sigcache_create(max_bytes, salt, &lock);
    sato_memzero(salt, sizeof(salt));
    return s;
}

sato_sigcache_t *sato_shared_sigcache_get(sato_shared_sigcache_t *s) {
    return s->cache;
}

void sato_shared_sigcache_destroy(sato_shared_sigcache_t *s) {
    if (s == NULL) return;
    sato_sigcache_destroy(s->cache);
    pthread_rwlock_destroy(&s->lock);
    free(s);
}
