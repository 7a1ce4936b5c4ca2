/* Connecting a regtest chain of realistic blocks: after a fan-out, every
 * block holds 1,000 transactions of 2 inputs and 2 outputs (P2WPKH and
 * P2TR key-path spends alternating), about 2,000 inputs a block. The
 * chain is connected from memory into a fresh data directory (block
 * files, undo files, LMDB) with 1 and 2 script threads; reported in
 * blocks and inputs per second, against the anchor of raw libsecp256k1
 * verification (the same ECDSA/Schnorr mix, with key and signature
 * parsing) on the same number of threads. Also memory per cached coin.
 *
 * SATO_BENCH_CHAIN_BLOCKS sets the chain length (default 300: building
 * signatures for the 2,000 blocks takes minutes). */
#define _GNU_SOURCE
#include <ftw.h>
#include <pthread.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "chaingen.h"
#include "sato/chainstate.h"
#include "sato/hash.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int rm_entry(const char *p, const struct stat *st, int f, struct FTW *w) {
    (void)st;
    (void)f;
    (void)w;
    return remove(p);
}

/* ---- the anchor: raw verification of the same mix ---- */

#define ANCHOR_N 512
static struct {
    unsigned char msg[ANCHOR_N][32];
    unsigned char pub33[ANCHOR_N][33];
    unsigned char der[ANCHOR_N][72];
    size_t derlen[ANCHOR_N];
    unsigned char xpub[ANCHOR_N][32];
    unsigned char ssig[ANCHOR_N][64];
} anchor;

static void anchor_init(void) {
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    size_t i;
    for (i = 0; i < ANCHOR_N; i++) {
        unsigned char key[32];
        secp256k1_pubkey pk;
        secp256k1_ecdsa_signature s;
        secp256k1_keypair kp;
        secp256k1_xonly_pubkey xo;
        size_t len = 33;
        sato_sha256(key, (const unsigned char *)&i, sizeof(i));
        sato_sha256(anchor.msg[i], key, 32);
        if (!secp256k1_ec_pubkey_create(ctx, &pk, key)) abort();
        secp256k1_ec_pubkey_serialize(ctx, anchor.pub33[i], &len, &pk, SECP256K1_EC_COMPRESSED);
        if (!secp256k1_ecdsa_sign(ctx, &s, anchor.msg[i], key, NULL, NULL)) abort();
        anchor.derlen[i] = 72;
        secp256k1_ecdsa_signature_serialize_der(ctx, anchor.der[i], &anchor.derlen[i], &s);
        if (!secp256k1_keypair_create(ctx, &kp, key)) abort();
        if (!secp256k1_keypair_xonly_pub(ctx, &xo, NULL, &kp)) abort();
        secp256k1_xonly_pubkey_serialize(ctx, anchor.xpub[i], &xo);
        if (!secp256k1_schnorrsig_sign32(ctx, anchor.ssig[i], anchor.msg[i], &kp, NULL)) abort();
    }
    secp256k1_context_destroy(ctx);
}

/* Verifies the mix (half ECDSA, half Schnorr) `rounds` times. */
static void *anchor_run(void *arg) {
    size_t rounds = *(size_t *)arg, r, i;
    int ok = 1;
    for (r = 0; r < rounds; r++) {
        for (i = 0; i < ANCHOR_N; i++) {
            if (i & 1) {
                secp256k1_xonly_pubkey xo;
                ok &= secp256k1_xonly_pubkey_parse(secp256k1_context_static, &xo, anchor.xpub[i]) &&
                      secp256k1_schnorrsig_verify(secp256k1_context_static, anchor.ssig[i],
                                                  anchor.msg[i], 32, &xo);
            } else {
                secp256k1_pubkey pk;
                secp256k1_ecdsa_signature s;
                ok &= secp256k1_ec_pubkey_parse(secp256k1_context_static, &pk, anchor.pub33[i], 33) &&
                      secp256k1_ecdsa_signature_parse_der(secp256k1_context_static, &s,
                                                          anchor.der[i], anchor.derlen[i]) &&
                      secp256k1_ecdsa_verify(secp256k1_context_static, &s, anchor.msg[i], &pk);
            }
        }
    }
    if (!ok) abort();
    return NULL;
}

/* Signatures per second on `threads` threads. */
static double anchor_rate(unsigned threads) {
    pthread_t t[16];
    size_t rounds = 8;
    unsigned i;
    double t0 = now_s(), dt;
    for (i = 1; i < threads; i++) pthread_create(&t[i], NULL, anchor_run, &rounds);
    anchor_run(&rounds);
    for (i = 1; i < threads; i++) pthread_join(t[i], NULL);
    dt = now_s() - t0;
    return (double)(rounds * ANCHOR_N * threads) / dt;
}

/* ---- the chain ---- */

static size_t count_inputs(const sato_block_t *b, size_t n) {
    size_t i, j, k = 0;
    for (i = 0; i < n; i++) {
        for (j = 1; j < b[i].txs_len; j++) k += b[i].txs[j].vin_len;
    }
    return k;
}

static void connect_run(const sato_block_t *blocks, size_t n, size_t inputs, unsigned threads,
                        double anchor_sigs) {
    char dir[] = "/tmp/sato-bench-chain-XXXXXX";
    sato_chainstate_opts_t o;
    sato_chainstate_t *cs = NULL;
    double t0, dt;
    size_t i, mem, coins;
    if (mkdtemp(dir) == NULL) return;
    sato_chainstate_opts_init(&o, &sato_chainparams_regtest, dir);
    o.script_threads = threads;
    o.no_check_blocks = 1;
    if (sato_chainstate_open(&cs, &o) != SATO_OK) return;
    t0 = now_s();
    for (i = 0; i < n; i++) {
        sato_block_state_t st;
        if (sato_chainstate_process_block(cs, &st, &blocks[i], 1, NULL) != SATO_OK ||
            !sato_validation_is_valid(&st)) {
            printf("chain: block %zu rejected: %s %s\n", i + 1, st.reason, sato_chainstate_error(cs));
            break;
        }
    }
    mem = sato_chainstate_cache_memory(cs);
    coins = sato_chainstate_cache_count(cs);
    if (sato_chainstate_flush(cs) != SATO_OK) printf("chain: flush failed\n");
    dt = now_s() - t0;
    printf("chain: connect %zu blocks (%zu inputs), %u script thread%s: %.1f s, %.1f blocks/s, "
           "%.0f inputs/s; raw libsecp256k1 on %u thread%s: %.0f sig/s, ratio %.2fx\n",
           n, inputs, threads, threads > 1 ? "s" : "", dt, n / dt, inputs / dt, threads,
           threads > 1 ? "s" : "", anchor_sigs, anchor_sigs / (inputs / dt));
    printf("chain: coins cache %zu entries, %.1f MiB, %.0f bytes per cached coin\n", coins,
           mem / 1048576.0, coins ? (double)mem / coins : 0.0);
    sato_chainstate_destroy(cs);
    nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

void bench_chain_build(sato_block_t *blocks, size_t n, size_t n_empty_after) {
    chaingen_t g;
    size_t i;
    chaingen_init(&g, &sato_chainparams_regtest, 42);
    for (i = 0; i < 120; i++) chaingen_next(&g, &blocks[i], 0, 0, 0);
    /* Fan-out: 20 mature coinbases into 2,000 outputs. */
    chaingen_next(&g, &blocks[120], 20, 1, 100);
    for (i = 121; i < n; i++) chaingen_next(&g, &blocks[i], 1000, 2, 2);
    for (i = n; i < n + n_empty_after; i++) chaingen_next(&g, &blocks[i], 0, 0, 0);
    chaingen_clear(&g);
}

void bench_chain(void) {
    const char *env = getenv("SATO_BENCH_CHAIN_BLOCKS");
    size_t n = env ? strtoul(env, NULL, 10) : 300, i, inputs;
    sato_block_t *blocks;
    double t0 = now_s();
    unsigned threads;
    if (n < 130) n = 130;
    blocks = calloc(n, sizeof(*blocks));
    bench_chain_build(blocks, n, 0);
    inputs = count_inputs(blocks, n);
    printf("chain: built %zu blocks, %zu inputs (%.0f per full block) in %.1f s\n", n, inputs,
           (double)count_inputs(blocks + 121, n - 121) / (double)(n - 121), now_s() - t0);
    anchor_init();
    for (threads = 1; threads <= 2; threads++) {
        /* Best of several anchor runs, so a busy moment of a shared
         * machine does not flatter the ratio. */
        double a = 0;
        int k;
        for (k = 0; k < 5; k++) {
            double r = anchor_rate(threads);
            if (r > a) a = r;
        }
        connect_run(blocks, n, inputs, threads, a);
    }
    for (i = 0; i < n; i++) sato_block_clear(&blocks[i]);
    free(blocks);
}
