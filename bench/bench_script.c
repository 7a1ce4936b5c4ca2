/* Script verification throughput: a transaction with 100 P2WPKH inputs
 * and one with 100 P2TR key-path inputs, verified input by input through
 * sato_script_verify with the real checker (no signature cache), against
 * raw libsecp256k1 verifications of the same signatures in the same run:
 * once over pre-parsed keys and signatures (the pure curve cost), once
 * parsing them from bytes first as any verifier must (a compressed or
 * x-only key costs a square root). The gap to the second is the cost of
 * what is ours: sighashes, the interpreter, copies. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "bench.h"
#include "sato/hash.h"
#include "sato/mem.h"
#include "sato/script.h"
#include "sato/sigcheck.h"
#include "sato/sighash.h"
#include "sato/tx.h"


#define NIN 100

typedef struct {
    sato_tx_t tx;
    sato_txin_t vin[NIN];
    sato_txout_t vout[1];
    sato_txout_t spent[NIN];
    unsigned char spk[NIN][34];
    sato_bytes_t wit[NIN][2];
    unsigned char sig[NIN][73];
    unsigned char pub[NIN][33];
    /* for the raw anchor */
    unsigned char msg[NIN][32];
    secp256k1_ecdsa_signature esig[NIN];
    secp256k1_pubkey epub[NIN];
    secp256k1_xonly_pubkey xpub[NIN];
    int ok;
} bench_tx_t;

static secp256k1_context *ctx;

static void build_tx(bench_tx_t *b) {
    size_t i;
    memset(b, 0, sizeof(*b));
    b->tx.version = 2;
    b->tx.vin = b->vin;
    b->tx.vin_len = NIN;
    b->tx.vout = b->vout;
    b->tx.vout_len = 1;
    b->vout[0].value = 1000;
    b->vout[0].script_pubkey.data = b->spk[0];
    b->vout[0].script_pubkey.len = 22;
    for (i = 0; i < NIN; i++) {
        memset(b->vin[i].prevout.hash, (int)(i + 1), 32);
        b->vin[i].prevout.n = (uint32_t)i;
        b->vin[i].sequence = 0xfffffffeu;
        b->vin[i].witness = b->wit[i];
        b->spent[i].value = 100000 + (int64_t)i;
        b->spent[i].script_pubkey.data = b->spk[i];
    }
}

static void seckey_for(unsigned char key[32], size_t i, unsigned char salt) {
    memset(key, 0x11, 32);
    key[0] = salt;
    key[31] = (unsigned char)(i + 1);
}

static void make_p2wpkh(bench_tx_t *b) {
    size_t i, len;
    sato_txdata_t txdata;
    build_tx(b);
    for (i = 0; i < NIN; i++) {
        unsigned char key[32];
        secp256k1_pubkey pk;
        seckey_for(key, i, 0x01);
        len = 33;
        if (!secp256k1_ec_pubkey_create(ctx, &pk, key)) return;
        secp256k1_ec_pubkey_serialize(ctx, b->pub[i], &len, &pk, SECP256K1_EC_COMPRESSED);
        b->spk[i][0] = SATO_OP_0;
        b->spk[i][1] = 20;
        sato_hash160(b->spk[i] + 2, b->pub[i], 33);
        b->spent[i].script_pubkey.len = 22;
    }
    sato_txdata_init(&txdata, &b->tx, b->spent, NIN);
    for (i = 0; i < NIN; i++) {
        unsigned char key[32], code[25];
        secp256k1_ecdsa_signature s;
        /* BIP143 scriptCode of P2WPKH: the P2PKH script of the key hash. */
        code[0] = SATO_OP_DUP;
        code[1] = SATO_OP_HASH160;
        code[2] = 20;
        memcpy(code + 3, b->spk[i] + 2, 20);
        code[23] = SATO_OP_EQUALVERIFY;
        code[24] = SATO_OP_CHECKSIG;
        sato_sighash_v0(b->msg[i], &b->tx, i, code, sizeof(code), b->spent[i].value, SATO_SIGHASH_ALL,
                        &txdata);
        seckey_for(key, i, 0x01);
        if (!secp256k1_ecdsa_sign(ctx, &s, b->msg[i], key, NULL, NULL)) return;
        len = 72;
        secp256k1_ecdsa_signature_serialize_der(ctx, b->sig[i], &len, &s);
        b->sig[i][len] = SATO_SIGHASH_ALL;
        b->wit[i][0].data = b->sig[i];
        b->wit[i][0].len = len + 1;
        b->wit[i][1].data = b->pub[i];
        b->wit[i][1].len = 33;
        b->vin[i].witness_len = 2;
        b->esig[i] = s;
        if (!secp256k1_ec_pubkey_parse(ctx, &b->epub[i], b->pub[i], 33)) return;
    }
    b->ok = 1;
}

static void make_p2tr(bench_tx_t *b) {
    size_t i;
    sato_txdata_t txdata;
    secp256k1_keypair kp[NIN];
    build_tx(b);
    for (i = 0; i < NIN; i++) {
        unsigned char key[32], px[32], tweak[32];
        secp256k1_xonly_pubkey internal;
        seckey_for(key, i, 0x02);
        if (!secp256k1_keypair_create(ctx, &kp[i], key)) return;
        if (!secp256k1_keypair_xonly_pub(ctx, &internal, NULL, &kp[i])) return;
        secp256k1_xonly_pubkey_serialize(ctx, px, &internal);
        /* No script tree: the tweak commits to the internal key alone. */
        sato_tagged_hash(tweak, "TapTweak", px, 32);
        if (!secp256k1_keypair_xonly_tweak_add(ctx, &kp[i], tweak)) return;
        if (!secp256k1_keypair_xonly_pub(ctx, &b->xpub[i], NULL, &kp[i])) return;
        b->spk[i][0] = SATO_OP_1;
        b->spk[i][1] = 32;
        secp256k1_xonly_pubkey_serialize(ctx, b->spk[i] + 2, &b->xpub[i]);
        b->spent[i].script_pubkey.len = 34;
    }
    sato_txdata_init(&txdata, &b->tx, b->spent, NIN);
    for (i = 0; i < NIN; i++) {
        if (!sato_sighash_taproot(b->msg[i], &b->tx, i, SATO_SIGHASH_DEFAULT, &txdata, NULL, NULL,
                                  0xffffffffu)) {
            return;
        }
        if (!secp256k1_schnorrsig_sign32(ctx, b->sig[i], b->msg[i], &kp[i], NULL)) return;
        b->wit[i][0].data = b->sig[i];
        b->wit[i][0].len = 64;
        b->vin[i].witness_len = 1;
    }
    b->ok = 1;
}

static int verify_all(bench_tx_t *b) {
    sato_txdata_t txdata;
    size_t i;
    int ok = 1;
    unsigned int flags = SATO_SCRIPT_VERIFY_ALL & ~(SATO_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS |
                                                    SATO_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM);
    /* The per-transaction hashing is part of what is measured. */
    sato_txdata_init(&txdata, &b->tx, b->spent, NIN);
    for (i = 0; i < NIN; i++) {
        sato_sigchecker_t checker;
        sato_tx_checker_ctx_t cctx;
        sato_script_error_t err;
        sato_tx_sigchecker_init(&checker, &cctx, &b->tx, i, b->spent[i].value, &txdata, NULL);
        ok &= sato_script_verify(NULL, 0, b->spent[i].script_pubkey.data, b->spent[i].script_pubkey.len,
                                 b->vin[i].witness, b->vin[i].witness_len, flags, &checker, &err);
    }
    return ok;
}

static int bench_failed;

static void run_verify(void *arg) {
    if (!verify_all(arg)) bench_failed = 1;
}

static void run_raw_ecdsa(void *arg) {
    bench_tx_t *b = arg;
    size_t i;
    for (i = 0; i < NIN; i++) {
        if (!secp256k1_ecdsa_verify(secp256k1_context_static, &b->esig[i], b->msg[i], &b->epub[i])) {
            bench_failed = 1;
        }
    }
}

static void run_raw_ecdsa_parse(void *arg) {
    bench_tx_t *b = arg;
    size_t i;
    for (i = 0; i < NIN; i++) {
        secp256k1_ecdsa_signature sig;
        secp256k1_pubkey pk;
        if (!secp256k1_ec_pubkey_parse(secp256k1_context_static, &pk, b->pub[i], 33) ||
            !secp256k1_ecdsa_signature_parse_der(secp256k1_context_static, &sig, b->sig[i],
                                                 b->wit[i][0].len - 1) ||
            !secp256k1_ecdsa_verify(secp256k1_context_static, &sig, b->msg[i], &pk)) {
            bench_failed = 1;
        }
    }
}

static void run_raw_schnorr_parse(void *arg) {
    bench_tx_t *b = arg;
    size_t i;
    for (i = 0; i < NIN; i++) {
        secp256k1_xonly_pubkey pk;
        if (!secp256k1_xonly_pubkey_parse(secp256k1_context_static, &pk, b->spk[i] + 2) ||
            !secp256k1_schnorrsig_verify(secp256k1_context_static, b->sig[i], b->msg[i], 32, &pk)) {
            bench_failed = 1;
        }
    }
}

static void run_raw_schnorr(void *arg) {
    bench_tx_t *b = arg;
    size_t i;
    for (i = 0; i < NIN; i++) {
        if (!secp256k1_schnorrsig_verify(secp256k1_context_static, b->sig[i], b->msg[i], 32, &b->xpub[i])) {
            bench_failed = 1;
        }
    }
}

static void report(const char *name, bench_tx_t *b, void (*raw)(void *), void (*raw_parse)(void *)) {
    double t_ours, t_raw, t_parse;
    if (!b->ok || !verify_all(b)) {
        printf("%s: setup failed\n", name);
        return;
    }
    t_ours = bench_best(run_verify, b, BENCH_SECONDS);
    t_raw = bench_best(raw, b, BENCH_SECONDS);
    t_parse = bench_best(raw_parse, b, BENCH_SECONDS);
    printf("%-22s sato %8.0f inputs/s | raw secp256k1 verify %8.0f/s (overhead %5.1f%%) | "
           "parse+verify %8.0f/s (overhead %5.1f%%)%s\n",
           name, NIN / t_ours, NIN / t_raw, (t_ours / t_raw - 1.0) * 100.0, NIN / t_parse,
           (t_ours / t_parse - 1.0) * 100.0, bench_failed ? "  (FAILED)" : "");
}

void bench_script(void) {
    bench_tx_t *b = sato_malloc(sizeof(*b));
    ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    make_p2wpkh(b);
    report("script 100x P2WPKH", b, run_raw_ecdsa, run_raw_ecdsa_parse);
    make_p2tr(b);
    report("script 100x P2TR key", b, run_raw_schnorr, run_raw_schnorr_parse);
    secp256k1_context_destroy(ctx);
    free(b);
}
