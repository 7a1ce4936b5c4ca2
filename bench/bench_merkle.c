/* Merkle root of 4096 leaves: ours (multi-way double hashing per level)
 * against the same tree hashed node by node with OpenSSL's SHA-256. */
#define OPENSSL_SUPPRESS_DEPRECATED /* the low-level SHA256_* calls are the fastest anchor */
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "sato/merkle.h"

#define LEAVES 4096

static unsigned char leaves[LEAVES * 32];
static unsigned char scratch[LEAVES * 32];
static unsigned char root[32];

static void ours(void *arg) {
    int mutated;
    (void)arg;
    sato_merkle_root(root, &mutated, leaves, LEAVES);
}

static void openssl_tree(void *arg) {
    size_t n = LEAVES, i;
    (void)arg;
    memcpy(scratch, leaves, sizeof(leaves));
    while (n > 1) {
        for (i = 0; i < n / 2; i++) {
            unsigned char h[32];
            SHA256_CTX c;
            SHA256_Init(&c);
            SHA256_Update(&c, scratch + 64 * i, 64);
            SHA256_Final(h, &c);
            SHA256_Init(&c);
            SHA256_Update(&c, h, 32);
            SHA256_Final(scratch + 32 * i, &c);
        }
        n /= 2; /* 4096 is a power of two: no odd levels */
    }
    memcpy(root, scratch, 32);
}

void bench_merkle(void) {
    double t_ours, t_ossl;
    size_t i;
    unsigned char check[32];
    for (i = 0; i < sizeof(leaves); i++) leaves[i] = (unsigned char)(i * 131 + 7);
    ours(NULL);
    memcpy(check, root, 32);
    openssl_tree(NULL);
    if (memcmp(check, root, 32) != 0) {
        printf("merkle: MISMATCH between sato and the OpenSSL tree\n");
        return;
    }
    bench_compare(ours, NULL, &t_ours, openssl_tree, NULL, &t_ossl, 2 * BENCH_SECONDS);
    printf("merkle 4096 leaves: sato %7.1f ns/leaf   openssl %7.1f ns/leaf   sato/openssl %.2fx\n",
           t_ours * 1e9 / LEAVES, t_ossl * 1e9 / LEAVES, t_ossl / t_ours);
}
