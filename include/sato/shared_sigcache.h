#ifndef SATO_SHARED_SIGCACHE_H
#define SATO_SHARED_SIGCACHE_H

/* The node's signature cache: the consensus library's table with a salt
 * from the kernel's CSPRNG and a pthread reader-writer lock, so that
 * script checks on every thread (block connection, later the mempool)
 * can share it. */

#include <stddef.h>

#include "sato/sigcache.h"

typedef struct sato_shared_sigcache sato_shared_sigcache_t;

sato_shared_sigcache_t *sato_shared_sigcache_create(size_t max_bytes);
/* The table to hand to script checks; owned by s. */
sato_sigcache_t *sato_shared_sigcache_get(sato_shared_sigcache_t *s);
void sato_shared_sigcache_destroy(sato_shared_sigcache_t *s);

#endif
