#ifndef SATO_ROLLINGBLOOM_H
#define SATO_ROLLINGBLOOM_H

#include <stddef.h>
#include <stdint.h>

/* A bloom filter that forgets: it remembers at least the last n items
 * inserted (up to 1.5 n) with the given false-positive rate, in bounded
 * memory, as Core's CRollingBloomFilter (addresses and inventory a peer
 * already knows, discouraged addresses). Items age in three generations
 * of n/2; starting a generation wipes the oldest. The hash key is random
 * per filter, so a peer cannot aim collisions at it. */
typedef struct sato_rollingbloom sato_rollingbloom_t;

/* n > 0, 0 < fp_rate < 1; NULL only on bad arguments. */
sato_rollingbloom_t *sato_rollingbloom_create(uint32_t n, double fp_rate);
void sato_rollingbloom_free(sato_rollingbloom_t *f);

void sato_rollingbloom_insert(sato_rollingbloom_t *f, const unsigned char *key, size_t len);
int sato_rollingbloom_contains(const sato_rollingbloom_t *f, const unsigned char *key, size_t len);
/* Forgets everything (and draws a new key). */
void sato_rollingbloom_reset(sato_rollingbloom_t *f);

/* Memory the filter holds, for the bounds tests. */
size_t sato_rollingbloom_bytes(const sato_rollingbloom_t *f);

#endif
