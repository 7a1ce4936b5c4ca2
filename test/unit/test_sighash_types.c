/* Every one of the 256 hash-type bytes, for each signature scheme:
 *  - BIP341: only 0x00 (as a 64-byte signature), 0x01-0x03 and 0x81-0x83
 *    are defined; anything else, and an explicit 0x00, fails with
 *    SCHNORR_SIG_HASHTYPE; SINGLE without a matching output fails too.
 *  - ECDSA (legacy and BIP143): consensus signs any byte; the mode comes
 *    from the low 5 bits and bit 0x80, and the whole byte is committed;
 *    STRICTENC (policy) admits only 0x01-0x03 and 0x81-0x83. */
#include <stdlib.h>
#include <string.h>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "sato/mem.h"
#include "sato/sigcheck.h"
#include "sato/sighash.h"
#include "test.h"

static const unsigned char spk_p2tr[34] = {0x51, 0x20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                           17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32};
static const unsigned char spk_out[3] = {0x6a, 0x01, 0x42};

/* A transaction with nin inputs and nout outputs built by hand. */
static void make_tx(sato_tx_t *tx, size_t nin, size_t nout) {
    size_t i;
    memset(tx, 0, sizeof(*tx));
    tx->version = 2;
    tx->locktime = 77;
    tx->vin_len = nin;
    tx->vin = sato_calloc(nin, sizeof(sato_txin_t));
    for (i = 0; i < nin; i++) {
        memset(tx->vin[i].prevout.hash, (int)(0x10 + i), 32);
        tx->vin[i].prevout.n = (uint32_t)i;
        tx->vin[i].sequence = 0xfffffffdu - (uint32_t)i;
    }
    tx->vout_len = nout;
    tx->vout = sato_calloc(nout ? nout : 1, sizeof(sato_txout_t));
    for (i = 0; i < nout; i++) {
        tx->vout[i].value = 1000 * (int64_t)(i + 1);
        tx->vout[i].script_pubkey.data = (unsigned char *)spk_out;
        tx->vout[i].script_pubkey.len = sizeof(spk_out);
    }
}

static void free_tx(sato_tx_t *tx) {
    free(tx->vin);
    free(tx->vout);
}

static int bip341_defined(unsigned t) {
    return t == 0 || t == 1 || t == 2 || t == 3 || t == 0x81 || t == 0x82 || t == 0x83;
}

static void test_taproot(secp256k1_context *ctx) {
    sato_tx_t tx;
    sato_txout_t spent[3];
    sato_txdata_t txdata;
    sato_tx_checker_ctx_t cctx;
    sato_sigchecker_t checker;
    sato_execdata_t exec;
    secp256k1_keypair kp;
    secp256k1_xonly_pubkey xpk;
    unsigned char seckey[32], pub[32], sig[65], hash[32], aux[32] = {0};
    size_t i, nin;
    unsigned t;

    memset(seckey, 0x5a, 32);
    CHECK(secp256k1_keypair_create(ctx, &kp, seckey));
    CHECK(secp256k1_keypair_xonly_pub(ctx, &xpk, NULL, &kp));
    CHECK(secp256k1_xonly_pubkey_serialize(ctx, pub, &xpk));

    make_tx(&tx, 3, 2); /* input 2 has no output at its index */
    for (i = 0; i < 3; i++) {
        spent[i].value = 50000 + (int64_t)i;
        spent[i].script_pubkey.data = (unsigned char *)spk_p2tr;
        spent[i].script_pubkey.len = sizeof(spk_p2tr);
    }
    sato_txdata_init(&txdata, &tx, spent, 3);
    CHECK(txdata.bip341_ready);
    memset(&exec, 0, sizeof(exec));
    exec.annex_init = 1;

    for (nin = 0; nin < 3; nin++) {
        sato_tx_sigchecker_init(&checker, &cctx, &tx, nin, spent[nin].value, &txdata, NULL);
        for (t = 0; t < 256; t++) {
            const int defined = bip341_defined(t);
            const int has_output = (t & 3) != SATO_SIGHASH_SINGLE || nin < tx.vout_len;
            sato_script_error_t err = SATO_SCRIPT_ERR_OK;
            int hashed, ok;

            hashed = sato_sighash_taproot(hash, &tx, nin, (uint8_t)t, &txdata, NULL, NULL, 0);
            test_case(sato_sighash_taproot_type_valid((uint8_t)t) == defined, "type %02x: validity", t);
            test_case(hashed == (defined && has_output), "type %02x input %zu: hashed %d", t, nin, hashed);
            if (!hashed) memset(hash, 0xee, 32); /* sign something: the type must fail first */

            CHECK(secp256k1_schnorrsig_sign32(ctx, sig, hash, &kp, aux));
            sig[64] = (unsigned char)t;
            ok = checker.check_schnorr(checker.ctx, sig, 65, pub, SATO_SIGVERSION_TAPROOT, &exec, &err);
            if (t != 0 && defined && has_output) {
                test_case(ok == 1 && err == SATO_SCRIPT_ERR_OK, "type %02x input %zu: 65-byte sig rejected", t, nin);
            } else {
                test_case(ok == 0 && err == SATO_SCRIPT_ERR_SCHNORR_SIG_HASHTYPE,
                          "type %02x input %zu: 65-byte sig gave %d/%d", t, nin, ok, (int)err);
            }
            /* The same signature under another defined type must fail. */
            if (t != 0 && defined && has_output) {
                sig[64] = (unsigned char)(t == 1 ? 0x81 : 1);
                err = SATO_SCRIPT_ERR_OK;
                ok = checker.check_schnorr(checker.ctx, sig, 65, pub, SATO_SIGVERSION_TAPROOT, &exec, &err);
                test_case(ok == 0 && err == SATO_SCRIPT_ERR_SCHNORR_SIG, "type %02x: cross-type accepted", t);
            }
        }
        /* 64 bytes means SIGHASH_DEFAULT, a distinct hash from SIGHASH_ALL. */
        {
            unsigned char h0[32], h1[32];
            sato_script_error_t err = SATO_SCRIPT_ERR_OK;
            CHECK(sato_sighash_taproot(h0, &tx, nin, 0, &txdata, NULL, NULL, 0));
            CHECK(sato_sighash_taproot(h1, &tx, nin, 1, &txdata, NULL, NULL, 0));
            CHECK(memcmp(h0, h1, 32) != 0);
            CHECK(secp256k1_schnorrsig_sign32(ctx, sig, h0, &kp, aux));
            CHECK(checker.check_schnorr(checker.ctx, sig, 64, pub, SATO_SIGVERSION_TAPROOT, &exec, &err) == 1);
            sig[0] ^= 1;
            CHECK(checker.check_schnorr(checker.ctx, sig, 64, pub, SATO_SIGVERSION_TAPROOT, &exec, &err) == 0);
            CHECK(err == SATO_SCRIPT_ERR_SCHNORR_SIG);
        }
        /* Sizes other than 64 and 65. */
        {
            static const size_t sizes[] = {0, 1, 32, 63, 66, 72};
            size_t k;
            for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
                unsigned char big[72] = {0};
                sato_script_error_t err = SATO_SCRIPT_ERR_OK;
                CHECK(checker.check_schnorr(checker.ctx, big, sizes[k], pub, SATO_SIGVERSION_TAPROOT,
                                            &exec, &err) == 0);
                CHECK(err == SATO_SCRIPT_ERR_SCHNORR_SIG_SIZE);
            }
        }
    }

    /* Without the spent outputs there is no BIP341 hash at all. */
    {
        sato_txdata_t partial;
        sato_script_error_t err = SATO_SCRIPT_ERR_OK;
        sato_txdata_init(&partial, &tx, NULL, 0);
        CHECK(!partial.bip341_ready);
        CHECK(sato_sighash_taproot(hash, &tx, 0, 1, &partial, NULL, NULL, 0) == 0);
        sato_tx_sigchecker_init(&checker, &cctx, &tx, 0, spent[0].value, &partial, NULL);
        CHECK(checker.check_schnorr(checker.ctx, sig, 64, pub, SATO_SIGVERSION_TAPROOT, &exec, &err) == 0);
        sato_txdata_init(&partial, &tx, spent, 2); /* wrong count */
        CHECK(!partial.bip341_ready);
    }
    free_tx(&tx);
}

/* STRICTENC (policy) accepts only ALL, NONE, SINGLE, each with or
 * without ANYONECANPAY; without the flag every byte passes. */
static void check_strictenc(unsigned t) {
    /* A strict-DER signature (r = s = 1) followed by the type byte. */
    unsigned char sig[9] = {0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0};
    const unsigned base = t & 0x7fu;
    const int defined = base >= 1 && base <= 3;
    sato_script_error_t err = SATO_SCRIPT_ERR_OK;
    int ok;
    sig[8] = (unsigned char)t;
    ok = sato_script_check_signature_encoding(sig, sizeof(sig), SATO_SCRIPT_VERIFY_STRICTENC, &err);
    test_case(ok == defined && (defined || err == SATO_SCRIPT_ERR_SIG_HASHTYPE),
              "STRICTENC type %02x: gave %d/%d", t, ok, (int)err);
    err = SATO_SCRIPT_ERR_OK;
    test_case(sato_script_check_signature_encoding(sig, sizeof(sig), SATO_SCRIPT_VERIFY_DERSIG, &err) == 1,
              "DERSIG alone rejects type %02x", t);
}

/* ECDSA: every byte is signable for consensus; mode bits as in Core. */
static void test_ecdsa(secp256k1_context *ctx) {
    static const unsigned char script_code[] = {0x76, 0xa9, 0xab, 0x88, 0xac};
    sato_tx_t tx;
    sato_txdata_t txdata;
    sato_tx_checker_ctx_t cctx;
    sato_sigchecker_t checker;
    unsigned char seckey[32], pub[33], hash[32], der[80];
    unsigned char seen_legacy[256][32], seen_v0[256][32];
    size_t publen = sizeof(pub), derlen, nin;
    secp256k1_pubkey pk;
    secp256k1_ecdsa_signature es;
    unsigned t, u;
    int sv;

    memset(seckey, 0x33, 32);
    CHECK(secp256k1_ec_pubkey_create(ctx, &pk, seckey));
    CHECK(secp256k1_ec_pubkey_serialize(ctx, pub, &publen, &pk, SECP256K1_EC_COMPRESSED));
    make_tx(&tx, 3, 2);
    sato_txdata_init(&txdata, &tx, NULL, 0);

    for (nin = 0; nin < 3; nin++) {
        sato_tx_sigchecker_init(&checker, &cctx, &tx, nin, 12345, &txdata, NULL);
        for (sv = SATO_SIGVERSION_BASE; sv <= SATO_SIGVERSION_WITNESS_V0; sv++) {
            for (t = 0; t < 256; t++) {
                int ok;
                if (sv == SATO_SIGVERSION_BASE) {
                    sato_sighash_legacy(hash, &tx, nin, script_code, sizeof(script_code), (int32_t)t);
                } else {
                    sato_sighash_v0(hash, &tx, nin, script_code, sizeof(script_code), 12345, (int32_t)t, &txdata);
                }
                memcpy(sv == SATO_SIGVERSION_BASE ? seen_legacy[t] : seen_v0[t], hash, 32);
                if (nin == 0 && sv == SATO_SIGVERSION_BASE) check_strictenc(t);
                CHECK(secp256k1_ecdsa_sign(ctx, &es, hash, seckey, NULL, NULL));
                derlen = sizeof(der) - 1;
                CHECK(secp256k1_ecdsa_signature_serialize_der(ctx, der, &derlen, &es));
                der[derlen] = (unsigned char)t;
                ok = checker.check_ecdsa(checker.ctx, der, derlen + 1, pub, publen, script_code,
                                         sizeof(script_code), (sato_sigversion_t)sv);
                test_case(ok == 1, "ecdsa sigversion %d type %02x input %zu: rejected", sv, t, nin);
                der[derlen] = (unsigned char)(t ^ 0x40); /* same mode bits, other byte */
                ok = checker.check_ecdsa(checker.ctx, der, derlen + 1, pub, publen, script_code,
                                         sizeof(script_code), (sato_sigversion_t)sv);
                /* Legacy SINGLE past the outputs signs the constant 1 for all. */
                if (sv == SATO_SIGVERSION_BASE && (t & 0x1f) == 3 && nin >= tx.vout_len) {
                    test_case(ok == 1, "legacy SINGLE quirk type %02x", t);
                } else {
                    test_case(ok == 0, "ecdsa sigversion %d type %02x: other byte accepted", sv, t);
                }
            }
        }
        /* The whole byte is committed: 256 distinct hashes, except the
         * legacy SINGLE-quirk ones, which all equal 1. */
        for (t = 0; t < 256; t++) {
            for (u = t + 1; u < 256; u++) {
                int quirk = nin >= tx.vout_len && (t & 0x1f) == 3 && (u & 0x1f) == 3;
                if (memcmp(seen_legacy[t], seen_legacy[u], 32) == 0 && !quirk) {
                    test_case(0, "legacy types %02x and %02x collide", t, u);
                }
                if (memcmp(seen_v0[t], seen_v0[u], 32) == 0) {
                    test_case(0, "v0 types %02x and %02x collide", t, u);
                }
            }
        }
        CHECK(1);
    }

    /* An empty signature and a non-ECDSA sigversion never pass. */
    CHECK(checker.check_ecdsa(checker.ctx, der, 0, pub, publen, script_code, sizeof(script_code),
                              SATO_SIGVERSION_BASE) == 0);
    CHECK(checker.check_ecdsa(checker.ctx, der, derlen + 1, pub, publen, script_code, sizeof(script_code),
                              SATO_SIGVERSION_TAPROOT) == 0);
    /* BIP143 needs the amount. */
    sato_tx_sigchecker_init(&checker, &cctx, &tx, 0, -1, &txdata, NULL);
    CHECK(checker.check_ecdsa(checker.ctx, der, derlen + 1, pub, publen, script_code, sizeof(script_code),
                              SATO_SIGVERSION_WITNESS_V0) == 0);
    free_tx(&tx);
}

int main(void) {
    secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
    test_taproot(ctx);
    test_ecdsa(ctx);
    secp256k1_context_destroy(ctx);
    return test_report("test_sighash_types");
}
