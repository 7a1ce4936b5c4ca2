/* Merkle roots: agreement with a naive reference over every short list of
 * leaves from a small alphabet, the CVE-2012-2459 duplications, and the
 * property the mutation flag exists for. */
#include <stdlib.h>
#include <string.h>

#include "sato/mem.h"
#include "sato/merkle.h"
#include "sato/sha256.h"
#include "test.h"

/* Reference: one level at a time with plain double SHA-256 of each pair;
 * a level with two equal hashes at (2k, 2k+1) marks the tree mutated. */
static void ref_root(unsigned char out[32], int *mutated, const unsigned char *leaves, size_t n) {
    unsigned char *cur = sato_malloc(32 * (n + 1)), *next = sato_malloc(32 * (n + 1));
    size_t i;
    *mutated = 0;
    memcpy(cur, leaves, 32 * n);
    while (n > 1) {
        size_t m = 0;
        for (i = 0; i < n; i += 2) {
            unsigned char pair[64];
            const unsigned char *right = i + 1 < n ? cur + 32 * (i + 1) : cur + 32 * i;
            if (i + 1 < n && memcmp(cur + 32 * i, right, 32) == 0) *mutated = 1;
            memcpy(pair, cur + 32 * i, 32);
            memcpy(pair + 32, right, 32);
            sato_sha256d(next + 32 * m++, pair, 64);
        }
        memcpy(cur, next, 32 * m);
        n = m;
    }
    if (n == 1) memcpy(out, cur, 32);
    else memset(out, 0, 32);
    free(cur);
    free(next);
}

static void leaf(unsigned char out[32], unsigned v) {
    unsigned char seed[4];
    sato_put_le32(seed, v);
    sato_sha256(out, seed, 4);
}

typedef struct {
    unsigned char root[32];
    int mutated;
    unsigned len, code;
} tree_t;

static int tree_cmp(const void *a, const void *b) {
    return memcmp(((const tree_t *)a)->root, ((const tree_t *)b)->root, 32);
}

/* Every list of 1..7 leaves drawn from 3 values: roots and flags match the
 * reference, and among lists sharing a root at most one is unmutated (the
 * flag catches every duplication that preserves the root). */
static void test_exhaustive(void) {
    enum { ALPHA = 3, MAXLEN = 7 };
    unsigned char letters[ALPHA][32], leaves[MAXLEN * 32];
    tree_t *trees;
    size_t total = 0, count = 0, agree = 0, i, j, shared = 0, bad_groups = 0;
    unsigned len, code, k;
    for (k = 0; k < ALPHA; k++) leaf(letters[k], k);
    for (len = 1, code = 1; len <= MAXLEN; len++) {
        code *= ALPHA;
        total += code;
    }
    trees = sato_calloc(total, sizeof(*trees));
    for (len = 1; len <= MAXLEN; len++) {
        unsigned combos = 1;
        for (k = 0; k < len; k++) combos *= ALPHA;
        for (code = 0; code < combos; code++) {
            unsigned c = code;
            unsigned char want[32];
            int want_mut, got_mut = -1;
            tree_t *t = &trees[count++];
            for (k = 0; k < len; k++, c /= ALPHA) memcpy(leaves + 32 * k, letters[c % ALPHA], 32);
            ref_root(want, &want_mut, leaves, len);
            sato_merkle_root(t->root, &got_mut, leaves, len);
            t->mutated = got_mut;
            t->len = len;
            t->code = code;
            agree += memcmp(want, t->root, 32) == 0 && want_mut == got_mut;
        }
    }
    test_case(agree == total, "exhaustive: %zu of %zu lists agree with the reference", agree, total);
    qsort(trees, total, sizeof(*trees), tree_cmp);
    for (i = 0; i < total; i = j) {
        size_t unmutated = 0;
        for (j = i; j < total && memcmp(trees[j].root, trees[i].root, 32) == 0; j++) {
            unmutated += trees[j].mutated == 0;
        }
        if (j - i > 1) shared++;
        if (unmutated > 1) bad_groups++;
    }
    test_case(bad_groups == 0, "exhaustive: %zu roots shared by two unmutated lists", bad_groups);
    test_case(shared > 0, "exhaustive: no shared roots found (duplication not exercised)");
    printf("merkle exhaustive: %zu lists of 1..%d leaves over %d values agree with the reference; "
           "%zu roots shared, each by at most one unmutated list\n",
           total, MAXLEN, ALPHA, shared);
    free(trees);
}

static void test_cve_2012_2459(void) {
    unsigned char l[8 * 32], r1[32], r2[32];
    int m1 = -1, m2 = -1;
    unsigned i;
    for (i = 0; i < 6; i++) leaf(l + 32 * i, 100 + i);
    /* [1..6] and [1..6,5,6]: the same root, only the second mutated. */
    memcpy(l + 32 * 6, l + 32 * 4, 64);
    sato_merkle_root(r1, &m1, l, 6);
    sato_merkle_root(r2, &m2, l, 8);
    CHECK(memcmp(r1, r2, 32) == 0 && m1 == 0 && m2 == 1);
    /* [1,2,3] and [1,2,3,3]. */
    memcpy(l + 32 * 3, l + 32 * 2, 32);
    sato_merkle_root(r1, &m1, l, 3);
    sato_merkle_root(r2, &m2, l, 4);
    CHECK(memcmp(r1, r2, 32) == 0 && m1 == 0 && m2 == 1);
    /* Equal hashes at an odd position pair are no mutation: [1,2,2,3]. */
    memcpy(l + 32 * 2, l + 32 * 1, 32);
    sato_merkle_root(r1, &m1, l, 4);
    CHECK(m1 == 0);
    /* A duplicated pair higher up: [1,2,1,2] is mutated at level one. */
    memcpy(l + 32 * 2, l, 64);
    sato_merkle_root(r1, &m1, l, 4);
    CHECK(m1 == 1);
    /* The flag pointer is optional; the root does not depend on it. */
    sato_merkle_root(r2, NULL, l, 4);
    CHECK(memcmp(r1, r2, 32) == 0);
    /* No leaves: zero. One leaf: itself, unmutated. */
    m1 = -1;
    sato_merkle_root(r1, &m1, l, 0);
    CHECK(m1 == 0 && r1[0] == 0 && memcmp(r1, r1 + 1, 31) == 0);
    sato_merkle_root(r1, &m1, l, 1);
    CHECK(m1 == 0 && memcmp(r1, l, 32) == 0);
}

/* Larger trees, across every count up to 300 and a few thousand leaves. */
static void test_sizes(void) {
    size_t n, agree = 0, cases = 0;
    static const size_t big[] = {1023, 1024, 1025, 4097};
    unsigned char *l = sato_malloc(32 * 4097);
    for (n = 0; n < 4097; n++) leaf(l + 32 * n, (unsigned)n);
    for (n = 0; n <= 300 + 4; n++) {
        size_t len = n <= 300 ? n : big[n - 301];
        unsigned char a[32], b[32];
        int ma = -1, mb = -1;
        ref_root(a, &ma, l, len);
        sato_merkle_root(b, &mb, l, len);
        agree += memcmp(a, b, 32) == 0 && ma == mb && ma == 0;
        cases++;
    }
    test_case(agree == cases, "sizes: %zu of %zu agree", agree, cases);
    free(l);
}

int main(void) {
    test_exhaustive();
    test_cve_2012_2459();
    test_sizes();
    return test_report("test_merkle");
}
