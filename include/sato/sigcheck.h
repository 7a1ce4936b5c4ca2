#ifndef SATO_SIGCHECK_H
#define SATO_SIGCHECK_H

#include <stddef.h>
#include <stdint.h>

#include <secp256k1.h>

#include "sato/script.h"
#include "sato/sigcache.h"
#include "sato/sighash.h"
#include "sato/tx.h"

/* Signature verification as Bitcoin Core's consensus rules do it, on
 * libsecp256k1's static context (verification needs no other). */

/* Bitcoin Core's lax DER parser (ecdsa_signature_parse_der_lax): accepts
 * the BER-ish encodings that were valid before BIP66, so old signatures
 * keep verifying. Returns 0 only on a structure it cannot read; an R or S
 * too large to be a scalar parses as an invalid (all zero) signature. */
int sato_ecdsa_sig_parse_der_lax(secp256k1_ecdsa_signature *sig,
                                 const unsigned char *der, size_t der_len);

/* 1 if the lax-parsed signature (without hash-type byte) has S <= n/2
 * (Core's CPubKey::CheckLowS); 0 if it is high or unparseable. */
int sato_ecdsa_sig_has_low_s(const unsigned char *der, size_t der_len);

/* A public key as Core's CPubKey accepts it: 33 bytes with 02/03, or 65
 * with 04/06/07, on the curve. */
int sato_pubkey_parse(secp256k1_pubkey *out, const unsigned char *pubkey, size_t len);

/* Core's CPubKey::Verify: lax DER, S normalized (consensus accepts high
 * S; LOW_S is a policy flag checked by the interpreter), then verify. */
int sato_ecdsa_verify(const unsigned char *der, size_t der_len,
                      const unsigned char *pubkey, size_t pubkey_len,
                      const unsigned char hash32[32]);

/* BIP340 verification of a 64-byte signature over a 32-byte hash. */
int sato_schnorr_verify(const unsigned char sig64[64], const unsigned char pubkey32[32],
                        const unsigned char hash32[32]);

/* The checker's view of one input (Core's GenericTransactionSignatureChecker).
 * Everything is borrowed; it lives as long as the verification. */
typedef struct {
    const sato_tx_t *tx;
    size_t nin;
    int64_t amount;              /* value of the spent output; < 0 if unknown */
    const sato_txdata_t *txdata; /* may be NULL: no taproot, v0 hashed directly */
    sato_sigcache_t *cache;      /* may be NULL */
    int cache_store;             /* add valid checks (mempool); else erase hits (block) */
} sato_tx_checker_ctx_t;

/* Fills *out with callbacks over *ctx, which is filled from the rest.
 * nin must be < tx->vin_len. */
void sato_tx_sigchecker_init(sato_sigchecker_t *out, sato_tx_checker_ctx_t *ctx,
                             const sato_tx_t *tx, size_t nin, int64_t amount,
                             const sato_txdata_t *txdata, sato_sigcache_t *cache);

/* The four checks, also callable directly with a ctx. */
int sato_tx_check_ecdsa(void *ctx, const unsigned char *sig, size_t siglen,
                        const unsigned char *pubkey, size_t pubkeylen,
                        const unsigned char *script_code, size_t script_code_len,
                        sato_sigversion_t sigversion);
int sato_tx_check_schnorr(void *ctx, const unsigned char *sig, size_t siglen,
                          const unsigned char pubkey32[32], sato_sigversion_t sigversion,
                          const sato_execdata_t *execdata, sato_script_error_t *err);
int sato_tx_check_locktime(void *ctx, int64_t locktime);
int sato_tx_check_sequence(void *ctx, int64_t sequence);

/* BIP68/112 sequence bits. */
#define SATO_SEQUENCE_LOCKTIME_DISABLE_FLAG (1u << 31)
#define SATO_SEQUENCE_LOCKTIME_TYPE_FLAG (1u << 22)
#define SATO_SEQUENCE_LOCKTIME_MASK 0x0000ffffu

#endif
