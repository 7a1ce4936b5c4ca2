#ifndef SATO_TEST_STORE_UTIL_H
#define SATO_TEST_STORE_UTIL_H

/* Helpers shared by the test_store_* programs: scratch directories and
 * deterministic data. Static, so each program gets its own copy. */

/* The including file defines _GNU_SOURCE first (for nftw). */
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static inline int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* Removes a directory tree (scratch data of a test). */
static inline void rm_tree(const char *dir) {
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Creates a fresh scratch directory under $TMPDIR (or /tmp) into out. */
static inline void make_tmpdir(char *out, size_t n, const char *tag) {
    const char *base = getenv("TMPDIR");
    if (base == NULL || *base == '\0') base = "/tmp";
    snprintf(out, n, "%s/sato-%s-XXXXXX", base, tag);
    if (mkdtemp(out) == NULL) {
        perror("mkdtemp");
        exit(1);
    }
}

/* xorshift64*: reproducible pseudo-random data from a seed. */
static inline uint64_t rng_next(uint64_t *s) {
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Fills p with bytes derived from (seed, i), so any record can be
 * regenerated for comparison without keeping it. */
static inline void fill_data(unsigned char *p, size_t n, uint64_t seed, uint64_t i) {
    uint64_t s = (seed ^ (i * 0x9E3779B97F4A7C15ULL)) | 1;
    size_t k;
    for (k = 0; k < n; k++) p[k] = (unsigned char)(rng_next(&s) >> 56);
}

#endif
