#ifndef SATO_SIGHASH_H
#define SATO_SIGHASH_H

#include <stddef.h>
#include <stdint.h>

#include "sato/buf.h"
#include "sato/script.h" /* SATO_SIGHASH_* */
#include "sato/sha256.h"
#include "sato/tx.h"

/* Per-transaction data shared by the signature hashes of all its inputs
 * (Bitcoin Core's PrecomputedTransactionData), computed once so that a
 * transaction with n inputs is not hashed n times.
 *
 * The BIP143 parts are always filled. The BIP341 parts need every spent
 * output: they are filled (and bip341_ready set) only when the caller gave
 * one spent output per input. The spent outputs are borrowed, not copied:
 * they must outlive this structure. */
typedef struct {
    /* Single SHA-256 of the serialized prevouts, sequences and outputs
     * (BIP341 sha_prevouts, sha_sequences, sha_outputs). */
    unsigned char prevouts_sha[32];
    unsigned char sequences_sha[32];
    unsigned char outputs_sha[32];
    /* Their double SHA-256 (BIP143 hashPrevouts, hashSequence, hashOutputs). */
    unsigned char hash_prevouts[32];
    unsigned char hash_sequence[32];
    unsigned char hash_outputs[32];
    /* BIP341 sha_amounts and sha_scriptpubkeys. */
    unsigned char amounts_sha[32];
    unsigned char scriptpubkeys_sha[32];
    int bip143_ready;
    int bip341_ready;
    const sato_txout_t *spent_outputs; /* NULL unless bip341_ready */
    size_t spent_outputs_len;
    /* SHA-256 midstate after the "TapSighash" tag prefix. */
    sato_sha256_t tapsighash;
} sato_txdata_t;

/* Fills txdata for tx. spent_outputs may be NULL; if given, nspent must be
 * tx->vin_len for the BIP341 parts to be computed. */
void sato_txdata_init(sato_txdata_t *txdata, const sato_tx_t *tx,
                      const sato_txout_t *spent_outputs, size_t nspent);

/* The original signature hash (SigVersion BASE). OP_CODESEPARATORs are
 * removed from script_code; the hash type is a signed 32-bit value of
 * which only the low 5 bits and bit 0x80 select what is signed, but all
 * 32 bits are committed to. SIGHASH_SINGLE on an input without a matching
 * output gives the value 1 (out32 = 01 00 .. 00), as Bitcoin Core does.
 * nin must be < tx->vin_len. */
void sato_sighash_legacy(unsigned char out32[32], const sato_tx_t *tx, size_t nin,
                         const unsigned char *script_code, size_t script_code_len,
                         int32_t hash_type);

/* BIP143 signature hash (SigVersion WITNESS_V0). txdata may be NULL, in
 * which case the shared parts are hashed here. nin must be < tx->vin_len. */
void sato_sighash_v0(unsigned char out32[32], const sato_tx_t *tx, size_t nin,
                     const unsigned char *script_code, size_t script_code_len,
                     int64_t amount, int32_t hash_type, const sato_txdata_t *txdata);

/* BIP341/342 signature hash (SignatureHashSchnorr). hash_type is the byte
 * after a 65-byte signature, or SATO_SIGHASH_DEFAULT for 64 bytes.
 * annex_hash is NULL when the input has no annex; tapleaf_hash is NULL for
 * a key-path spend (BIP341) and the executed leaf's hash for tapscript
 * (BIP342, which also commits to key_version 0 and codesep_pos).
 * Returns 0 if the hash type is undefined, if SIGHASH_SINGLE has no output
 * at index nin, or if txdata lacks the spent outputs. */
int sato_sighash_taproot(unsigned char out32[32], const sato_tx_t *tx, size_t nin,
                         uint8_t hash_type, const sato_txdata_t *txdata,
                         const unsigned char *annex_hash,
                         const unsigned char *tapleaf_hash, uint32_t codesep_pos);

/* The same, appending the message that is hashed (BIP341 SigMsg, after
 * the tag prefix) to msg instead: for tests and inspection. */
int sato_sighash_taproot_msg(sato_buf_t *msg, const sato_tx_t *tx, size_t nin,
                             uint8_t hash_type, const sato_txdata_t *txdata,
                             const unsigned char *annex_hash,
                             const unsigned char *tapleaf_hash, uint32_t codesep_pos);

/* 1 if hash_type may follow a 65-byte BIP341 signature or be implied by a
 * 64-byte one (0x00 here: the caller forbids it explicitly in 65 bytes). */
int sato_sighash_taproot_type_valid(uint8_t hash_type);

#endif
