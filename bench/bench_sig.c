/* Signature verification and signature hashing.
 *  - raw libsecp256k1 ECDSA and Schnorr verifications per second (the
 *    anchor), and ours (parsing, lax DER, normalize) beside them;
 *  - signature hashes of all inputs of a 100-input transaction: BIP143 with
 *    the per-transaction data computed once vs hashed again per input,
 *    BIP341 with it, and the legacy (quadratic) hash for comparison. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "bench.h"
#include "sato/mem.h"
#include "sato/sha256.h"
#include "sato/sigcheck.h"
#include "sato/sighash.h"

void bench_sig(void);

#define NIN 100

static struct {
    unsigned char hash[32];
    secp256k1_pubkey pk;
    secp256k1_ecdsa_signature esig;
    unsigned char pub33[33];
    unsigned char der[72];
    size_t derlen;
    secp256k1_xonly_pubkey xpk;
    unsigned char xpub[32];
    unsigned char ssig[64];
    sato_tx_t tx;
    sato_txout_t spent[NIN];
    sato_txdata_t txdata;
    unsigned char out[32];
    int ok;
} b;

static const unsigned char p2wpkh_code[25] = {0x76, 0xa9, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,
                                              13, 14, 15, 16, 17, 18, 19, 20, 0x88, 0xac};
static unsigned char p2tr_spk[34] = {0x51, 0x20};

static void raw_ecdsa(void *arg) {
    b.ok &= secp256k1_ecdsa_verify(secp256k1_context_static, &b.esig, b.hash, &b.pk);
}

static void raw_schnorr(void *arg) {
    b.ok &= secp256k1_schnorrsig_verify(secp256k1_context_static, b.ssig, b.hash, 32, &b.xpk);
}

/* libsecp256k1 with the parsing any verifier must do: key and DER. */
static void raw_parse_ecdsa(void *arg) {
    secp256k1_pubkey pk;
    secp256k1_ecdsa_signature sig;
    b.ok &= secp256k1_ec_pubkey_parse(secp256k1_context_static, &pk, b.pub33, 33) &&
            secp256k1_ecdsa_signature_parse_der(secp256k1_context_static, &sig, b.der, b.derlen) &&
            secp256k1_ecdsa_verify(secp256k1_context_static, &sig, b.hash, &pk);
}

static void raw_parse_schnorr(void *arg) {
    secp256k1_xonly_pubkey pk;
    b.ok &= secp256k1_xonly_pubkey_parse(secp256k1_context_static, &pk, b.xpub) &&
            secp256k1_schnorrsig_verify(secp256k1_context_static, b.ssig, b.hash, 32, &pk);
}

static void our_ecdsa(void *arg) {
    b.ok &= sato_ecdsa_verify(b.der, b.derlen, b.pub33, 33, b.hash);
}

static void our_schnorr(void *arg) {
    b.ok &= sato_schnorr_verify(b.ssig, b.xpub, b.hash);
}

static void v0_precomputed(void *arg) {
    size_t i;
    sato_txdata_init(&b.txdata, &b.tx, NULL, 0);
    for (i = 0; i < NIN; i++) {
        sato_sighash_v0(b.out, &b.tx, i, p2wpkh_code, sizeof(p2wpkh_code), 1000, SATO_SIGHASH_ALL, &b.txdata);
    }
}

static void v0_direct(void *arg) {
    size_t i;
    for (i = 0; i < NIN; i++) {
        sato_sighash_v0(b.out, &b.tx, i, p2wpkh_code, sizeof(p2wpkh_code), 1000, SATO_SIGHASH_ALL, NULL);
    }
}

static void taproot_precomputed(void *arg) {
    size_t i;
    sato_txdata_init(&b.txdata, &b.tx, b.spent, NIN);
    for (i = 0; i < NIN; i++) {
        b.ok &= sato_sighash_taproot(b.out, &b.tx, i, SATO_SIGHASH_DEFAULT, &b.txdata, NULL, NULL, 0);
    }
}

static void legacy_all(void *arg) {
    size_t i;
    for (i = 0; i < NIN; i++) {
        sato_sighash_legacy(b.out, &b.tx, i, p2wpkh_code, sizeof(p2wpkh_code), SATO_SIGHASH_ALL);
    }
}

static void setup(void) {
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    secp256k1_keypair kp;
    unsigned char seckey[32];
    size_t len = 33, i;

    memset(&b, 0, sizeof(b));
    b.ok = 1;
    memset(seckey, 0x42, 32);
    sato_sha256(b.hash, seckey, 32);
    b.ok &= secp256k1_ec_pubkey_create(ctx, &b.pk, seckey);
    b.ok &= secp256k1_ec_pubkey_serialize(ctx, b.pub33, &len, &b.pk, SECP256K1_EC_COMPRESSED);
    b.ok &= secp256k1_ecdsa_sign(ctx, &b.esig, b.hash, seckey, NULL, NULL);
    b.derlen = sizeof(b.der);
    b.ok &= secp256k1_ecdsa_signature_serialize_der(ctx, b.der, &b.derlen, &b.esig);
    b.ok &= secp256k1_keypair_create(ctx, &kp, seckey);
    b.ok &= secp256k1_keypair_xonly_pub(ctx, &b.xpk, NULL, &kp);
    b.ok &= secp256k1_xonly_pubkey_serialize(ctx, b.xpub, &b.xpk);
    b.ok &= secp256k1_schnorrsig_sign32(ctx, b.ssig, b.hash, &kp, NULL);
    secp256k1_context_destroy(ctx);

    memcpy(p2tr_spk + 2, b.xpub, 32);
    b.tx.version = 2;
    b.tx.vin_len = NIN;
    b.tx.vin = sato_calloc(NIN, sizeof(sato_txin_t));
    for (i = 0; i < NIN; i++) {
        memset(b.tx.vin[i].prevout.hash, (int)i, 32);
        b.tx.vin[i].prevout.n = (uint32_t)i;
        b.tx.vin[i].sequence = 0xfffffffd;
        b.spent[i].value = 100000 + (int64_t)i;
        b.spent[i].script_pubkey.data = p2tr_spk;
        b.spent[i].script_pubkey.len = sizeof(p2tr_spk);
    }
    b.tx.vout_len = 2;
    b.tx.vout = sato_calloc(2, sizeof(sato_txout_t));
    for (i = 0; i < 2; i++) {
        b.tx.vout[i].value = 5000000;
        b.tx.vout[i].script_pubkey.data = p2tr_spk;
        b.tx.vout[i].script_pubkey.len = sizeof(p2tr_spk);
    }
}

void bench_sig(void) {
    double raw_e, raw_s, our_e, our_s, rawp_e, rawp_s, pre, direct, tap, legacy;

    setup();
    raw_e = bench_best(raw_ecdsa, NULL, BENCH_SECONDS);
    our_e = bench_best(our_ecdsa, NULL, BENCH_SECONDS);
    raw_s = bench_best(raw_schnorr, NULL, BENCH_SECONDS);
    our_s = bench_best(our_schnorr, NULL, BENCH_SECONDS);
    rawp_e = bench_best(raw_parse_ecdsa, NULL, BENCH_SECONDS);
    rawp_s = bench_best(raw_parse_schnorr, NULL, BENCH_SECONDS);
    printf("ecdsa verify:   raw libsecp256k1 %8.0f /s, with key+DER parsing %8.0f /s; sato (lax DER, normalize) %8.0f /s:"
           " %+.1f%% vs raw, %+.1f%% vs raw with parsing\n",
           1 / raw_e, 1 / rawp_e, 1 / our_e, (our_e / raw_e - 1) * 100, (our_e / rawp_e - 1) * 100);
    printf("schnorr verify: raw libsecp256k1 %8.0f /s, with key parsing     %8.0f /s; sato                      %8.0f /s:"
           " %+.1f%% vs raw, %+.1f%% vs raw with parsing\n",
           1 / raw_s, 1 / rawp_s, 1 / our_s, (our_s / raw_s - 1) * 100, (our_s / rawp_s - 1) * 100);

    pre = bench_best(v0_precomputed, NULL, BENCH_SECONDS);
    direct = bench_best(v0_direct, NULL, BENCH_SECONDS);
    tap = bench_best(taproot_precomputed, NULL, BENCH_SECONDS);
    legacy = bench_best(legacy_all, NULL, BENCH_SECONDS);
    printf("sighash %d inputs: BIP143 precomputed %8.1f us/tx   per input rehashed %8.1f us/tx   (x%.1f)\n", NIN,
           pre * 1e6, direct * 1e6, direct / pre);
    printf("sighash %d inputs: BIP341 precomputed %8.1f us/tx   legacy %8.1f us/tx\n", NIN, tap * 1e6,
           legacy * 1e6);
    printf("sighash vs verify: BIP143 hashing is %.2f%% of %d ECDSA verifications, BIP341 %.2f%% of %d Schnorr\n",
           pre / (NIN * raw_e) * 100, NIN, tap / (NIN * raw_s) * 100, NIN);
    if (!b.ok) printf("bench_sig: a verification FAILED\n");
    free(b.tx.vin);
    free(b.tx.vout);
}
