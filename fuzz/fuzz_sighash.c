/* Fuzz target for what signature checking parses from hostile input:
 *  - first byte even: the rest is a DER-ish signature for the lax parser
 *    (must agree with libsecp256k1's strict parser wherever that one gives
 *    an in-range R and S), the low-S check and verification;
 *  - first byte odd: the rest is a transaction, whose every input is
 *    hashed with the legacy, BIP143 and BIP341 algorithms under hash types
 *    taken from the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <secp256k1.h>

#include "sato/sigcheck.h"
#include "sato/sighash.h"
#include "sato/tx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int nonzero(const unsigned char *p, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        if (p[i]) return 1;
    }
    return 0;
}

static void fuzz_der(const uint8_t *d, size_t n) {
    static const unsigned char pub[33] = {0x02, 0x79, 0xbe, 0x66, 0x7e, 0xf9, 0xdc, 0xbb, 0xac, 0x55, 0xa0,
                                          0x62, 0x95, 0xce, 0x87, 0x0b, 0x07, 0x02, 0x9b, 0xfc, 0xdb, 0x2d,
                                          0xce, 0x28, 0xd9, 0x59, 0xf2, 0x81, 0x5b, 0x16, 0xf8, 0x17, 0x98};
    static const unsigned char hash[32] = {1};
    secp256k1_ecdsa_signature lax, strict;
    unsigned char c1[64], c2[64];
    int lax_ok = sato_ecdsa_sig_parse_der_lax(&lax, d, n);

    (void)sato_ecdsa_sig_has_low_s(d, n);
    (void)sato_ecdsa_verify(d, n, pub, sizeof(pub), hash);
    if (secp256k1_ecdsa_signature_parse_der(secp256k1_context_static, &strict, d, n)) {
        secp256k1_ecdsa_signature_serialize_compact(secp256k1_context_static, c1, &strict);
        if (nonzero(c1, 32) && nonzero(c1 + 32, 32)) {
            /* Whatever strict DER reads, the lax parser reads the same. */
            if (!lax_ok) abort();
            secp256k1_ecdsa_signature_serialize_compact(secp256k1_context_static, c2, &lax);
            if (memcmp(c1, c2, 64) != 0) abort();
        }
    }
}

static void fuzz_tx(const uint8_t *d, size_t n) {
    sato_tx_t tx;
    sato_reader_t r;
    sato_txdata_t txdata;
    unsigned char out[32], out2[32];
    size_t i;

    sato_reader_init(&r, d, n);
    if (!sato_tx_read(&tx, &r, 1)) return;
    /* Pretend the outputs are the spent outputs when the counts match,
     * so the BIP341 path runs too. */
    sato_txdata_init(&txdata, &tx, tx.vout_len == tx.vin_len ? tx.vout : NULL, tx.vout_len);
    for (i = 0; i < tx.vin_len && i < 8; i++) {
        const sato_bytes_t *code = &tx.vin[i].script_sig;
        uint8_t t = (uint8_t)(n > i ? d[n - 1 - i] : 1);
        int32_t t32 = (int32_t)((uint32_t)t | (uint32_t)(n > 8 + i ? d[n - 9 - i] : 0) << 24);
        unsigned char annex[32] = {7}, leaf[32] = {9};

        sato_sighash_legacy(out, &tx, i, code->data, code->len, t32);
        sato_sighash_v0(out, &tx, i, code->data, code->len, 1000, t32, &txdata);
        sato_sighash_v0(out2, &tx, i, code->data, code->len, 1000, t32, NULL);
        if (memcmp(out, out2, 32) != 0) abort(); /* precomputed == direct */
        (void)sato_sighash_taproot(out, &tx, i, t, &txdata, NULL, NULL, 0);
        (void)sato_sighash_taproot(out, &tx, i, t, &txdata, annex, leaf, (uint32_t)i);
    }
    sato_tx_clear(&tx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    if ((data[0] & 1) == 0) {
        fuzz_der(data + 1, size - 1);
    } else {
        fuzz_tx(data + 1, size - 1);
    }
    return 0;
}
