/* Taproot and tapscript spends with real signatures, end to end through
 * sato_script_verify and the transaction checker: key path (with and
 * without annex, bad sizes and hash types), script path CHECKSIG,
 * CHECKSIGADD, OP_CODESEPARATOR positions, the validation weight budget,
 * upgradable leaf versions and public key types, control block errors,
 * tapscript MINIMALIF and the initial stack limit. script_tests.json has
 * only a handful of taproot rows; this covers what they leave out. */
#include <stdlib.h>
#include <string.h>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "sato/hash.h"
#include "sato/mem.h"
#include "sato/script.h"
#include "sato/sigcheck.h"
#include "sato/sighash.h"
#include "sato/tx.h"
#include "test.h"

#define FLAGS (SATO_SCRIPT_VERIFY_P2SH | SATO_SCRIPT_VERIFY_WITNESS | SATO_SCRIPT_VERIFY_TAPROOT)

static secp256k1_context *ctx;

typedef struct {
    sato_tx_t tx;
    sato_txin_t in;
    sato_txout_t out[2];
    sato_txout_t spent;
    unsigned char spk[34];
    sato_txdata_t txdata;
} spend_t;

static void spend_init(spend_t *s, const unsigned char output_key[32]) {
    memset(s, 0, sizeof(*s));
    s->tx.version = 2;
    s->tx.vin = &s->in;
    s->tx.vin_len = 1;
    s->tx.vout = s->out;
    s->tx.vout_len = 1;
    memset(s->in.prevout.hash, 0xab, 32);
    s->in.sequence = SATO_SEQUENCE_FINAL;
    s->out[0].value = 40000;
    s->spk[0] = SATO_OP_1;
    s->spk[1] = 32;
    memcpy(s->spk + 2, output_key, 32);
    s->spent.value = 50000;
    s->spent.script_pubkey.data = s->spk;
    s->spent.script_pubkey.len = 34;
    sato_txdata_init(&s->txdata, &s->tx, &s->spent, 1);
}

static int spend_verify(spend_t *s, sato_bytes_t *wit, size_t n, unsigned int flags,
                        sato_script_error_t *err) {
    sato_sigchecker_t checker;
    sato_tx_checker_ctx_t cctx;
    s->in.witness = wit;
    s->in.witness_len = n;
    sato_tx_sigchecker_init(&checker, &cctx, &s->tx, 0, s->spent.value, &s->txdata, NULL);
    return sato_script_verify(NULL, 0, s->spk, 34, wit, n, flags, &checker, err);
}

static void make_key(secp256k1_keypair *kp, unsigned char x[32], unsigned char seed) {
    unsigned char sk[32];
    secp256k1_xonly_pubkey pk;
    memset(sk, seed, 32);
    if (!secp256k1_keypair_create(ctx, kp, sk)) abort();
    if (!secp256k1_keypair_xonly_pub(ctx, &pk, NULL, kp)) abort();
    secp256k1_xonly_pubkey_serialize(ctx, x, &pk);
}

/* Output key and control block for a one-leaf tree, any leaf version. */
static void one_leaf(unsigned char out_key[32], unsigned char control[33], const unsigned char internal[32],
                     unsigned char leaf_version, const unsigned char *script, size_t len) {
    secp256k1_xonly_pubkey p, q;
    secp256k1_pubkey full;
    unsigned char leaf[32], msg[64], tweak[32];
    int parity;
    sato_taproot_leaf_hash(leaf, leaf_version, script, len);
    memcpy(msg, internal, 32);
    memcpy(msg + 32, leaf, 32);
    sato_tagged_hash(tweak, "TapTweak", msg, 64);
    if (!secp256k1_xonly_pubkey_parse(ctx, &p, internal) ||
        !secp256k1_xonly_pubkey_tweak_add(ctx, &full, &p, tweak) ||
        !secp256k1_xonly_pubkey_from_pubkey(ctx, &q, &parity, &full)) {
        abort();
    }
    secp256k1_xonly_pubkey_serialize(ctx, out_key, &q);
    control[0] = (unsigned char)(leaf_version | parity);
    memcpy(control + 1, internal, 32);
}

/* Signs the BIP342 sighash of the spend; returns the signature length. */
static size_t sign_script(unsigned char sig[65], spend_t *s, const secp256k1_keypair *kp,
                          const unsigned char *script, size_t len, uint32_t codesep, uint8_t hash_type,
                          const unsigned char *annex_hash) {
    unsigned char leaf[32], msg[32];
    sato_taproot_leaf_hash(leaf, SATO_TAPROOT_LEAF_TAPSCRIPT, script, len);
    if (!sato_sighash_taproot(msg, &s->tx, 0, hash_type, &s->txdata, annex_hash, leaf, codesep)) abort();
    if (!secp256k1_schnorrsig_sign32(ctx, sig, msg, kp, NULL)) abort();
    if (hash_type == SATO_SIGHASH_DEFAULT) return 64;
    sig[64] = hash_type;
    return 65;
}

static void annex_hash_of(unsigned char out[32], const unsigned char *annex, size_t len) {
    sato_sha256_t h;
    unsigned char n = (unsigned char)len; /* short annexes only */
    sato_sha256_init(&h);
    sato_sha256_write(&h, &n, 1);
    sato_sha256_write(&h, annex, len);
    sato_sha256_finalize(&h, out);
}

static void test_key_path(void) {
    secp256k1_keypair kp;
    unsigned char internal[32], q[32], tweak[32], msg[32], sig[66], annex[3] = {0x50, 1, 2}, ah[32];
    secp256k1_xonly_pubkey qpk;
    spend_t s;
    sato_bytes_t wit[2];
    sato_script_error_t err;
    int ok;

    make_key(&kp, internal, 0x31);
    sato_tagged_hash(tweak, "TapTweak", internal, 32);
    if (!secp256k1_keypair_xonly_tweak_add(ctx, &kp, tweak)) abort();
    if (!secp256k1_keypair_xonly_pub(ctx, &qpk, NULL, &kp)) abort();
    secp256k1_xonly_pubkey_serialize(ctx, q, &qpk);
    spend_init(&s, q);

    if (!sato_sighash_taproot(msg, &s.tx, 0, SATO_SIGHASH_DEFAULT, &s.txdata, NULL, NULL, 0xffffffffu)) abort();
    secp256k1_schnorrsig_sign32(ctx, sig, msg, &kp, NULL);
    wit[0].data = sig;
    wit[0].len = 64;
    ok = spend_verify(&s, wit, 1, FLAGS, &err);
    test_case(ok, "key path: %s", sato_script_error_name(err));
    /* Without TAPROOT the output is anyone-can-spend. */
    sig[5] ^= 1;
    ok = spend_verify(&s, wit, 1, SATO_SCRIPT_VERIFY_P2SH | SATO_SCRIPT_VERIFY_WITNESS, &err);
    test_case(ok, "key path without TAPROOT flag");
    ok = spend_verify(&s, wit, 1, FLAGS, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_SCHNORR_SIG, "key path bad sig: %s", sato_script_error_name(err));
    sig[5] ^= 1;
    /* 65 bytes with explicit SIGHASH_DEFAULT is not allowed. */
    sig[64] = 0;
    wit[0].len = 65;
    ok = spend_verify(&s, wit, 1, FLAGS, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_SCHNORR_SIG_HASHTYPE, "key path 65-byte default: %s",
              sato_script_error_name(err));
    wit[0].len = 63;
    ok = spend_verify(&s, wit, 1, FLAGS, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_SCHNORR_SIG_SIZE, "key path size: %s", sato_script_error_name(err));
    wit[0].len = 0;
    ok = spend_verify(&s, wit, 0, FLAGS, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_WITNESS_PROGRAM_WITNESS_EMPTY, "key path empty witness");

    /* SIGHASH_ALL explicitly, then with an annex the signature commits to. */
    if (!sato_sighash_taproot(msg, &s.tx, 0, SATO_SIGHASH_ALL, &s.txdata, NULL, NULL, 0xffffffffu)) abort();
    secp256k1_schnorrsig_sign32(ctx, sig, msg, &kp, NULL);
    sig[64] = SATO_SIGHASH_ALL;
    wit[0].len = 65;
    ok = spend_verify(&s, wit, 1, FLAGS, &err);
    test_case(ok, "key path SIGHASH_ALL: %s", sato_script_error_name(err));
    annex_hash_of(ah, annex, sizeof(annex));
    if (!sato_sighash_taproot(msg, &s.tx, 0, SATO_SIGHASH_DEFAULT, &s.txdata, ah, NULL, 0xffffffffu)) abort();
    secp256k1_schnorrsig_sign32(ctx, sig, msg, &kp, NULL);
    wit[0].len = 64;
    wit[1].data = annex;
    wit[1].len = sizeof(annex);
    ok = spend_verify(&s, wit, 2, FLAGS, &err);
    test_case(ok, "key path with annex: %s", sato_script_error_name(err));
    ok = spend_verify(&s, wit, 1, FLAGS, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_SCHNORR_SIG, "annex signed but dropped");
    /* SIGHASH_SINGLE without a matching output fails as a hash type error. */
    s.tx.vout_len = 0;
    sato_txdata_init(&s.txdata, &s.tx, &s.spent, 1);
    sig[64] = SATO_SIGHASH_SINGLE;
    wit[0].len = 65;
    ok = spend_verify(&s, wit, 1, FLAGS, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_SCHNORR_SIG_HASHTYPE, "SINGLE without output: %s",
              sato_script_error_name(err));
}

/* Script-path fixtures: one leaf, internal key from seed 0x41. */
typedef struct {
    unsigned char internal[32], q[32], control[33];
    spend_t s;
} tree_t;

static void tree_init(tree_t *t, unsigned char version, const unsigned char *script, size_t len) {
    secp256k1_keypair kp;
    make_key(&kp, t->internal, 0x41);
    one_leaf(t->q, t->control, t->internal, version, script, len);
    spend_init(&t->s, t->q);
}

static void test_script_path(void) {
    secp256k1_keypair k1, k2;
    unsigned char x1[32], x2[32], script[200], sig1[65], sig2[65];
    size_t n = 0, l1, l2;
    tree_t t;
    sato_bytes_t wit[4];
    sato_script_error_t err;
    int ok;

    make_key(&k1, x1, 0x51);
    make_key(&k2, x2, 0x52);

    /* <x1> CHECKSIG */
    script[n++] = 32;
    memcpy(script + n, x1, 32);
    n += 32;
    script[n++] = SATO_OP_CHECKSIG;
    tree_init(&t, SATO_TAPROOT_LEAF_TAPSCRIPT, script, n);
    l1 = sign_script(sig1, &t.s, &k1, script, n, 0xffffffffu, SATO_SIGHASH_DEFAULT, NULL);
    wit[0].data = sig1;
    wit[0].len = l1;
    wit[1].data = script;
    wit[1].len = n;
    wit[2].data = t.control;
    wit[2].len = 33;
    ok = spend_verify(&t.s, wit, 3, FLAGS, &err);
    test_case(ok, "script path CHECKSIG: %s", sato_script_error_name(err));
    /* An empty signature is a clean false. */
    wit[0].len = 0;
    ok = spend_verify(&t.s, wit, 3, FLAGS, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_EVAL_FALSE, "empty sig: %s", sato_script_error_name(err));
    /* A wrong one fails the script outright. */
    wit[0].len = l1;
    sig1[0] ^= 1;
    ok = spend_verify(&t.s, wit, 3, FLAGS, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_SCHNORR_SIG, "bad sig: %s", sato_script_error_name(err));
    sig1[0] ^= 1;
    /* Control block: wrong internal key, wrong sizes. */
    t.control[1] ^= 1;
    ok = spend_verify(&t.s, wit, 3, FLAGS, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH, "wrong internal key: %s",
              sato_script_error_name(err));
    t.control[1] ^= 1;
    wit[2].len = 32;
    ok = spend_verify(&t.s, wit, 3, FLAGS, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_TAPROOT_WRONG_CONTROL_SIZE, "short control block");
    {
        unsigned char big[33 + 32 * 129];
        memset(big, 0, sizeof(big));
        memcpy(big, t.control, 33);
        wit[2].data = big;
        wit[2].len = 34;
        ok = spend_verify(&t.s, wit, 3, FLAGS, &err);
        test_case(!ok && err == SATO_SCRIPT_ERR_TAPROOT_WRONG_CONTROL_SIZE, "control block 34");
        wit[2].len = sizeof(big);
        ok = spend_verify(&t.s, wit, 3, FLAGS, &err);
        test_case(!ok && err == SATO_SCRIPT_ERR_TAPROOT_WRONG_CONTROL_SIZE, "control block 129 nodes");
        /* A valid-sized path that does not lead to the output key. */
        wit[2].len = 33 + 32;
        ok = spend_verify(&t.s, wit, 3, FLAGS, &err);
        test_case(!ok && err == SATO_SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH, "extra merkle node");
        wit[2].data = t.control;
        wit[2].len = 33;
    }

    /* <x1> CHECKSIG <x2> CHECKSIGADD 2 NUMEQUAL */
    n = 0;
    script[n++] = 32;
    memcpy(script + n, x1, 32);
    n += 32;
    script[n++] = SATO_OP_CHECKSIG;
    script[n++] = 32;
    memcpy(script + n, x2, 32);
    n += 32;
    script[n++] = SATO_OP_CHECKSIGADD;
    script[n++] = SATO_OP_2;
    script[n++] = SATO_OP_NUMEQUAL;
    tree_init(&t, SATO_TAPROOT_LEAF_TAPSCRIPT, script, n);
    l1 = sign_script(sig1, &t.s, &k1, script, n, 0xffffffffu, SATO_SIGHASH_ALL, NULL);
    l2 = sign_script(sig2, &t.s, &k2, script, n, 0xffffffffu, SATO_SIGHASH_DEFAULT, NULL);
    /* Stack bottom first: sig2 is consumed by CHECKSIGADD, sig1 by CHECKSIG. */
    wit[0].data = sig2;
    wit[0].len = l2;
    wit[1].data = sig1;
    wit[1].len = l1;
    wit[2].data = script;
    wit[2].len = n;
    wit[3].data = t.control;
    wit[3].len = 33;
    ok = spend_verify(&t.s, wit, 4, FLAGS, &err);
    test_case(ok, "2-of-2 CHECKSIGADD: %s", sato_script_error_name(err));
    wit[0].len = 0;
    ok = spend_verify(&t.s, wit, 4, FLAGS, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_EVAL_FALSE, "1-of-2 CHECKSIGADD: %s", sato_script_error_name(err));

    /* CODESEPARATOR <x1> CHECKSIG: the signature commits to position 0. */
    n = 0;
    script[n++] = SATO_OP_CODESEPARATOR;
    script[n++] = 32;
    memcpy(script + n, x1, 32);
    n += 32;
    script[n++] = SATO_OP_CHECKSIG;
    tree_init(&t, SATO_TAPROOT_LEAF_TAPSCRIPT, script, n);
    l1 = sign_script(sig1, &t.s, &k1, script, n, 0, SATO_SIGHASH_DEFAULT, NULL);
    wit[0].data = sig1;
    wit[0].len = l1;
    wit[1].data = script;
    wit[1].len = n;
    wit[2].data = t.control;
    wit[2].len = 33;
    ok = spend_verify(&t.s, wit, 3, FLAGS | SATO_SCRIPT_VERIFY_CONST_SCRIPTCODE, &err);
    test_case(ok, "codeseparator position 0: %s", sato_script_error_name(err));
    l1 = sign_script(sig1, &t.s, &k1, script, n, 0xffffffffu, SATO_SIGHASH_DEFAULT, NULL);
    ok = spend_verify(&t.s, wit, 3, FLAGS, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_SCHNORR_SIG, "codeseparator position ignored");
}

/* (DUP <x1> CHECKSIGVERIFY) * reps, leaving the signature as the result:
 * each passing check costs 50 of a budget of witness size + 50. */
static int weight_case(int reps, sato_script_error_t *err) {
    secp256k1_keypair k1;
    unsigned char x1[32], *script = sato_malloc((size_t)reps * 35), sig[65];
    size_t n = 0, l;
    int i, ok;
    tree_t t;
    sato_bytes_t wit[3];
    make_key(&k1, x1, 0x61);
    for (i = 0; i < reps; i++) {
        script[n++] = SATO_OP_DUP;
        script[n++] = 32;
        memcpy(script + n, x1, 32);
        n += 32;
        script[n++] = SATO_OP_CHECKSIGVERIFY;
    }
    tree_init(&t, SATO_TAPROOT_LEAF_TAPSCRIPT, script, n);
    l = sign_script(sig, &t.s, &k1, script, n, 0xffffffffu, SATO_SIGHASH_DEFAULT, NULL);
    wit[0].data = sig;
    wit[0].len = l;
    wit[1].data = script;
    wit[1].len = n;
    wit[2].data = t.control;
    wit[2].len = 33;
    ok = spend_verify(&t.s, wit, 3, FLAGS, err);
    free(script);
    return ok;
}

static void test_weight(void) {
    sato_script_error_t err = SATO_SCRIPT_ERR_UNKNOWN_ERROR;
    int ok;
    /* Budget: 1+(1+64)+(3+35r)+(1+33)+50 = 153+35r; cost 50r. */
    ok = weight_case(10, &err);
    test_case(ok, "10 checks fit: %s", sato_script_error_name(err));
    ok = weight_case(11, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_TAPSCRIPT_VALIDATION_WEIGHT, "11 checks exceed: %s",
              sato_script_error_name(err));
}

static void test_misc(void) {
    unsigned char script[40], sig[64], pk33[33], big[2];
    tree_t t;
    sato_bytes_t *wit;
    sato_script_error_t err;
    size_t i;
    int ok;

    /* Unknown leaf version: anyone can spend unless discouraged. */
    script[0] = SATO_OP_0;
    tree_init(&t, 0xc2, script, 1);
    wit = sato_calloc(1003, sizeof(*wit));
    wit[0].data = script;
    wit[0].len = 1;
    wit[1].data = t.control;
    wit[1].len = 33;
    ok = spend_verify(&t.s, wit, 2, FLAGS, &err);
    test_case(ok, "unknown leaf version: %s", sato_script_error_name(err));
    ok = spend_verify(&t.s, wit, 2, FLAGS | SATO_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION, "discouraged leaf version");

    /* Unknown public key type (33 bytes) with a non-empty signature. */
    script[0] = 33;
    memset(pk33, 2, 33);
    memcpy(script + 1, pk33, 33);
    script[34] = SATO_OP_CHECKSIG;
    tree_init(&t, SATO_TAPROOT_LEAF_TAPSCRIPT, script, 35);
    memset(sig, 7, sizeof(sig));
    wit[0].data = sig;
    wit[0].len = 64;
    wit[1].data = script;
    wit[1].len = 35;
    wit[2].data = t.control;
    wit[2].len = 33;
    ok = spend_verify(&t.s, wit, 3, FLAGS, &err);
    test_case(ok, "unknown pubkey type: %s", sato_script_error_name(err));
    ok = spend_verify(&t.s, wit, 3, FLAGS | SATO_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_DISCOURAGE_UPGRADABLE_PUBKEYTYPE, "discouraged pubkey type");

    /* MINIMALIF is consensus in tapscript. */
    script[0] = SATO_OP_IF;
    script[1] = SATO_OP_1;
    script[2] = SATO_OP_ENDIF;
    tree_init(&t, SATO_TAPROOT_LEAF_TAPSCRIPT, script, 3);
    big[0] = 2;
    wit[0].data = big;
    wit[0].len = 1;
    wit[1].data = script;
    wit[1].len = 3;
    wit[2].data = t.control;
    wit[2].len = 33;
    ok = spend_verify(&t.s, wit, 3, FLAGS, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_TAPSCRIPT_MINIMALIF, "tapscript MINIMALIF: %s",
              sato_script_error_name(err));
    big[0] = 1;
    ok = spend_verify(&t.s, wit, 3, FLAGS, &err);
    test_case(ok, "tapscript IF 1: %s", sato_script_error_name(err));

    /* More than 1000 initial stack items fail before execution; 1000 fail
     * at the first push; 999 run (and leave an unclean stack). */
    script[0] = SATO_OP_1;
    tree_init(&t, SATO_TAPROOT_LEAF_TAPSCRIPT, script, 1);
    for (i = 0; i < 1001; i++) {
        wit[i].data = NULL;
        wit[i].len = 0;
    }
    wit[1001].data = script;
    wit[1001].len = 1;
    wit[1002].data = t.control;
    wit[1002].len = 33;
    ok = spend_verify(&t.s, wit, 1003, FLAGS, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_STACK_SIZE, "1001 initial items: %s", sato_script_error_name(err));
    ok = spend_verify(&t.s, wit + 1, 1002, FLAGS, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_STACK_SIZE, "1000 items + 1 push: %s", sato_script_error_name(err));
    ok = spend_verify(&t.s, wit + 2, 1001, FLAGS, &err);
    test_case(!ok && err == SATO_SCRIPT_ERR_CLEANSTACK, "999 items + 1 push: %s", sato_script_error_name(err));
    free(wit);
}

int main(void) {
    ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    test_key_path();
    test_script_path();
    test_weight();
    test_misc();
    secp256k1_context_destroy(ctx);
    return test_report("test_taproot_spend");
}
