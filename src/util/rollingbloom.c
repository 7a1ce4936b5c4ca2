/* Each cell holds a 2-bit generation (0 = empty, 1..3); 64 cells share a
 * pair of words, one per bit, so wiping a generation is a few word
 * operations per 64 cells. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sato/mem.h"
#include "sato/random.h"
#include "sato/rollingbloom.h"
#include "sato/siphash.h"

struct sato_rollingbloom {
    uint32_t per_generation; /* items before the next generation starts */
    uint32_t in_generation;
    uint32_t generation; /* 1..3 */
    uint32_t n_hash;
    uint32_t n_cells; /* a multiple of 64 */
    uint64_t k0, k1;
    uint64_t *words; /* 2 per 64 cells: low bits, high bits */
};

static void new_key(sato_rollingbloom_t *f) {
    unsigned char b[16];
    size_t i;
    sato_random_bytes(b, sizeof(b));
    f->k0 = f->k1 = 0;
    for (i = 0; i < 8; i++) {
        f->k0 = f->k0 << 8 | b[i];
        f->k1 = f->k1 << 8 | b[8 + i];
    }
}

sato_rollingbloom_t *sato_rollingbloom_create(uint32_t n, double fp_rate) {
    sato_rollingbloom_t *f;
    double log_fp, cells;
    uint32_t n_hash, max_items;
    if (n == 0 || n > (1u << 26) || !(fp_rate > 0.0 && fp_rate < 1.0)) return NULL;
    log_fp = log(fp_rate);
    /* The optimal number of hashes for the rate, kept sane. */
    n_hash = (uint32_t)lround(log_fp / log(0.5));
    if (n_hash < 1) n_hash = 1;
    if (n_hash > 50) n_hash = 50;
    max_items = (n + 1) / 2 * 3;
    /* Cells for max_items at fp_rate with n_hash hashes:
     * fp = (1 - e^(-k m / c))^k solved for c. */
    cells = ceil(-1.0 * n_hash * max_items / log(1.0 - exp(log_fp / n_hash)));
    f = sato_calloc(1, sizeof(*f));
    f->per_generation = (n + 1) / 2;
    f->n_hash = n_hash;
    f->n_cells = ((uint32_t)cells + 63) / 64 * 64;
    f->words = sato_calloc(f->n_cells / 32, sizeof(uint64_t));
    sato_rollingbloom_reset(f);
    return f;
}

void sato_rollingbloom_free(sato_rollingbloom_t *f) {
    if (f == NULL) return;
    free(f->words);
    free(f);
}

void sato_rollingbloom_reset(sato_rollingbloom_t *f) {
    new_key(f);
    f->generation = 1;
    f->in_generation = 0;
    memset(f->words, 0, (size_t)f->n_cells / 32 * sizeof(uint64_t));
}

size_t sato_rollingbloom_bytes(const sato_rollingbloom_t *f) {
    return sizeof(*f) + (size_t)f->n_cells / 32 * sizeof(uint64_t);
}

/* Double hashing: cell i is (h1 + i * h2) reduced to the table. */
static void hashes(const sato_rollingbloom_t *f, const unsigned char *key, size_t len, uint64_t *h1, uint64_t *h2) {
    sato_siphash_t s;
    sato_siphash_init(&s, f->k0, f->k1);
    sato_siphash_write(&s, key, len);
    *h1 = sato_siphash_finalize(&s);
    sato_siphash_write_u64(&s, 0x726f6c6c696e67ULL); /* a second, independent value */
    *h2 = sato_siphash_finalize(&s) | 1;
}

static uint32_t cell_of(const sato_rollingbloom_t *f, uint64_t h) {
    /* Lemire's reduction of a 32-bit hash, no division. */
    return (uint32_t)(((h >> 32) * (uint64_t)f->n_cells) >> 32);
}

static void next_generation(sato_rollingbloom_t *f) {
    uint64_t lo_bit, hi_bit;
    uint32_t w;
    f->in_generation = 0;
    f->generation = f->generation == 3 ? 1 : f->generation + 1;
    lo_bit = (uint64_t)0 - (f->generation & 1);
    hi_bit = (uint64_t)0 - (f->generation >> 1);
    /* Cells whose value is the new generation belong to the oldest one:
     * clear them. */
    for (w = 0; w < f->n_cells / 64; w++) {
        uint64_t lo = f->words[2 * w], hi = f->words[2 * w + 1];
        uint64_t keep = (lo ^ lo_bit) | (hi ^ hi_bit);
        f->words[2 * w] = lo & keep;
        f->words[2 * w + 1] = hi & keep;
    }
}

void sato_rollingbloom_insert(sato_rollingbloom_t *f, const unsigned char *key, size_t len) {
    uint64_t h1, h2;
    uint32_t i;
    if (f->in_generation == f->per_generation) next_generation(f);
    f->in_generation++;
    hashes(f, key, len, &h1, &h2);
    for (i = 0; i < f->n_hash; i++) {
        uint32_t c = cell_of(f, h1 + (uint64_t)i * h2), w = c / 64, b = c % 64;
        uint64_t bit = (uint64_t)1 << b;
        f->words[2 * w] = (f->words[2 * w] & ~bit) | ((uint64_t)(f->generation & 1) << b);
        f->words[2 * w + 1] = (f->words[2 * w + 1] & ~bit) | ((uint64_t)(f->generation >> 1) << b);
    }
}

int sato_rollingbloom_contains(const sato_rollingbloom_t *f, const unsigned char *key, size_t len) {
    uint64_t h1, h2;
    uint32_t i;
    hashes(f, key, len, &h1, &h2);
    for (i = 0; i < f->n_hash; i++) {
        uint32_t c = cell_of(f, h1 + (uint64_t)i * h2), w = c / 64, b = c % 64;
        if (!(((f->words[2 * w] | f->words[2 * w + 1]) >> b) & 1)) return 0;
    }
    return 1;
}
