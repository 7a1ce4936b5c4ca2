/* SHA-256 against OpenSSL: one 1 MB buffer, and double SHA-256 of 64-byte
 * inputs (merkle nodes), ours in batches through sato_sha256d64. */
#define OPENSSL_SUPPRESS_DEPRECATED /* the low-level SHA256_* calls are the fastest anchor */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "bench.h"
#include "crypto/sha256_impl.h"
#include "sato/sha256.h"

#define BIG_LEN (1024 * 1024)
#define D64_BATCH 1024

static unsigned char *big;
static unsigned char d64_in[64 * D64_BATCH], d64_out[32 * D64_BATCH];
static unsigned char sink[32];
static EVP_MD *evp_sha256;
static EVP_MD_CTX *evp_ctx;

static void sato_big(void *arg) { sato_sha256(sink, big, BIG_LEN); }

static void ossl_big(void *arg) {
    unsigned int n;
    EVP_DigestInit_ex2(evp_ctx, evp_sha256, NULL);
    EVP_DigestUpdate(evp_ctx, big, BIG_LEN);
    EVP_DigestFinal_ex(evp_ctx, sink, &n);
}

static void sato_d64(void *arg) { sato_sha256d64(d64_out, d64_in, D64_BATCH); }

static void ossl_d64_lowlevel(void *arg) {
    size_t i;
    unsigned char mid[32];
    SHA256_CTX c;
    for (i = 0; i < D64_BATCH; i++) {
        SHA256_Init(&c);
        SHA256_Update(&c, d64_in + 64 * i, 64);
        SHA256_Final(mid, &c);
        SHA256_Init(&c);
        SHA256_Update(&c, mid, 32);
        SHA256_Final(d64_out + 32 * i, &c);
    }
}

static void ossl_d64_evp(void *arg) {
    size_t i;
    unsigned int n;
    unsigned char mid[32];
    for (i = 0; i < D64_BATCH; i++) {
        EVP_DigestInit_ex2(evp_ctx, evp_sha256, NULL);
        EVP_DigestUpdate(evp_ctx, d64_in + 64 * i, 64);
        EVP_DigestFinal_ex(evp_ctx, mid, &n);
        EVP_DigestInit_ex2(evp_ctx, evp_sha256, NULL);
        EVP_DigestUpdate(evp_ctx, mid, 32);
        EVP_DigestFinal_ex(evp_ctx, d64_out + 32 * i, &n);
    }
}

void bench_sha256(void) {
    double ours, ossl, ossl_low, ossl_evp, t;
    const char *name;
    size_t i;

    big = malloc(BIG_LEN);
    if (big == NULL) return;
    for (i = 0; i < BIG_LEN; i++) big[i] = (unsigned char)(i * 131 + 7);
    for (i = 0; i < sizeof(d64_in); i++) d64_in[i] = (unsigned char)(i * 17 + 3);
    evp_sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    evp_ctx = EVP_MD_CTX_new();

    /* 1 MB, single buffer. */
    bench_compare(sato_big, NULL, &ours, ossl_big, NULL, &ossl, 2 * BENCH_SECONDS);
    printf("sha256 1MB:        sato %8.1f MB/s   openssl %8.1f MB/s   sato/openssl %.2fx\n",
           BIG_LEN / ours / 1e6, BIG_LEN / ossl / 1e6, ossl / ours);
    for (i = 0; (name = sato_sha256_transform_name(i)) != NULL; i++) {
        sato_sha256_select(name, NULL);
        t = bench_best(sato_big, NULL, BENCH_SECONDS / 2);
        printf("    %-12s %8.1f MB/s\n", name, BIG_LEN / t / 1e6);
    }
    sato_sha256_select(NULL, NULL);

    /* Double SHA-256 of 64-byte inputs. The anchor is the faster of
     * OpenSSL's low-level SHA256_Init/Update/Final and its EVP interface
     * with a reused context. */
    bench_compare(sato_d64, NULL, &ours, ossl_d64_lowlevel, NULL, &ossl, 2 * BENCH_SECONDS);
    ossl_low = ossl;
    ossl_evp = bench_best(ossl_d64_evp, NULL, BENCH_SECONDS);
    if (ossl_evp < ossl) ossl = ossl_evp;
    printf("sha256d 64-byte:   sato %8.2f M/s    openssl %8.2f M/s    sato/openssl %.2fx"
           "   (openssl SHA256_*: %.2f M/s, EVP: %.2f M/s)\n",
           D64_BATCH / ours / 1e6, D64_BATCH / ossl / 1e6, ossl / ours,
           D64_BATCH / ossl_low / 1e6, D64_BATCH / ossl_evp / 1e6);
    for (i = 0; (name = sato_sha256_d64_name(i)) != NULL; i++) {
        sato_sha256_select(NULL, name);
        t = bench_best(sato_d64, NULL, BENCH_SECONDS / 2);
        printf("    %-12s %8.2f M/s\n", name, D64_BATCH / t / 1e6);
    }
    sato_sha256_select("generic", "1way");
    t = bench_best(sato_d64, NULL, BENCH_SECONDS / 2);
    printf("    %-12s %8.2f M/s\n", "generic-1way", D64_BATCH / t / 1e6);
    sato_sha256_select(NULL, NULL);

    EVP_MD_CTX_free(evp_ctx);
    EVP_MD_free(evp_sha256);
    free(big);
}
