/* ECDSA and Schnorr verification with Bitcoin Core's consensus parsing,
 * and the transaction signature checker the interpreter calls. */

#include <string.h>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>

#include "sato/sigcheck.h"

/* Reads one DER length at *pos for the lax parser: short form, or long
 * form with leading zero bytes skipped and at most 3 significant bytes
 * (anything larger cannot fit the input anyway). */
static int lax_read_len(const unsigned char *in, size_t len, size_t *pos, size_t *out) {
    size_t p = *pos, n, v = 0;
    if (p == len) return 0;
    n = in[p++];
    if (n & 0x80) {
        n -= 0x80;
        if (n > len - p) return 0;
        while (n > 0 && in[p] == 0) {
            p++;
            n--;
        }
        if (n >= 4) return 0;
        while (n > 0) {
            v = (v << 8) | in[p++];
            n--;
        }
    } else {
        v = n;
    }
    if (v > len - p) return 0;
    *out = v;
    *pos = p;
    return 1;
}

int sato_ecdsa_sig_parse_der_lax(secp256k1_ecdsa_signature *sig,
                                 const unsigned char *der, size_t der_len) {
    const secp256k1_context *ctx = secp256k1_context_static;
    unsigned char compact[64] = {0};
    size_t pos = 0, rpos, rlen, spos, slen, n;
    int overflow = 0;

    /* Start from a parseable but invalid (zero) signature, so *sig is
     * defined whatever happens below. */
    (void)secp256k1_ecdsa_signature_parse_compact(ctx, sig, compact);

    /* SEQUENCE tag, then its length, which is skipped but not trusted. */
    if (pos == der_len || der[pos] != 0x30) return 0;
    pos++;
    if (pos == der_len) return 0;
    n = der[pos++];
    if (n & 0x80) {
        n -= 0x80;
        if (n > der_len - pos) return 0;
        pos += n;
    }

    /* INTEGER R */
    if (pos == der_len || der[pos] != 0x02) return 0;
    pos++;
    if (!lax_read_len(der, der_len, &pos, &rlen)) return 0;
    rpos = pos;
    pos += rlen;

    /* INTEGER S; whatever follows it is ignored. */
    if (pos == der_len || der[pos] != 0x02) return 0;
    pos++;
    if (!lax_read_len(der, der_len, &pos, &slen)) return 0;
    spos = pos;

    while (rlen > 0 && der[rpos] == 0) {
        rpos++;
        rlen--;
    }
    while (slen > 0 && der[spos] == 0) {
        spos++;
        slen--;
    }
    if (rlen > 32 || slen > 32) {
        overflow = 1;
    } else {
        memcpy(compact + 32 - rlen, der + rpos, rlen);
        memcpy(compact + 64 - slen, der + spos, slen);
        overflow = !secp256k1_ecdsa_signature_parse_compact(ctx, sig, compact);
    }
    if (overflow) {
        /* Out of range R or S: still "parsed", but as a signature that
         * can never verify. */
        memset(compact, 0, sizeof(compact));
        (void)secp256k1_ecdsa_signature_parse_compact(ctx, sig, compact);
    }
    return 1;
}

int sato_ecdsa_sig_has_low_s(const unsigned char *der, size_t der_len) {
    secp256k1_ecdsa_signature sig;
    if (!sato_ecdsa_sig_parse_der_lax(&sig, der, der_len)) return 0;
    /* normalize returns 1 when it had to lower S */
    return !secp256k1_ecdsa_signature_normalize(secp256k1_context_static, NULL, &sig);
}

/* The length Core's CPubKey expects from the first byte (0: invalid). */
static size_t pubkey_expected_len(unsigned char header) {
    if (header == 2 || header == 3) return 33;
    if (header == 4 || header == 6 || header == 7) return 65;
    return 0;
}

int sato_pubkey_parse(secp256k1_pubkey *out, const unsigned char *pubkey, size_t len) {
    if (len == 0 || pubkey_expected_len(pubkey[0]) != len) return 0;
    return secp256k1_ec_pubkey_parse(secp256k1_context_static, out, pubkey, len);
}

int sato_ecdsa_verify(const unsigned char *der, size_t der_len,
                      const unsigned char *pubkey, size_t pubkey_len,
                      const unsigned char hash32[32]) {
    const secp256k1_context *ctx = secp256k1_context_static;
    secp256k1_pubkey pk;
    secp256k1_ecdsa_signature sig;

    if (!sato_pubkey_parse(&pk, pubkey, pubkey_len)) return 0;
    if (!sato_ecdsa_sig_parse_der_lax(&sig, der, der_len)) return 0;
    /* libsecp256k1 only verifies low-S; consensus accepts either half. */
    (void)secp256k1_ecdsa_signature_normalize(ctx, &sig, &sig);
    return secp256k1_ecdsa_verify(ctx, &sig, hash32, &pk);
}

int sato_schnorr_verify(const unsigned char sig64[64], const unsigned char pubkey32[32],
                        const unsigned char hash32[32]) {
    const secp256k1_context *ctx = secp256k1_context_static;
    secp256k1_xonly_pubkey pk;
    if (!secp256k1_xonly_pubkey_parse(ctx, &pk, pubkey32)) return 0;
    return secp256k1_schnorrsig_verify(ctx, sig64, hash32, 32, &pk);
}

/* Looks the check up in the cache; on a miss runs verify and remembers a
 * success when storing. */
static int cache_lookup(const sato_tx_checker_ctx_t *c, const unsigned char key[32]) {
    return c->cache != NULL && sato_sigcache_get(c->cache, key, !c->cache_store);
}

static void cache_remember(const sato_tx_checker_ctx_t *c, const unsigned char key[32]) {
    if (c->cache != NULL && c->cache_store) sato_sigcache_add(c->cache, key);
}

int sato_tx_check_ecdsa(void *ctx, const unsigned char *sig, size_t siglen,
                        const unsigned char *pubkey, size_t pubkeylen,
                        const unsigned char *script_code, size_t script_code_len,
                        sato_sigversion_t sigversion) {
    const sato_tx_checker_ctx_t *c = ctx;
    unsigned char sighash[32], key[32];
    int32_t hash_type;

    if (pubkeylen == 0 || pubkey_expected_len(pubkey[0]) != pubkeylen) return 0;
    if (siglen == 0) return 0;
    /* The hash type is the byte after the DER signature. */
    hash_type = sig[siglen - 1];
    siglen--;

    if (sigversion == SATO_SIGVERSION_BASE) {
        sato_sighash_legacy(sighash, c->tx, c->nin, script_code, script_code_len, hash_type);
    } else if (sigversion == SATO_SIGVERSION_WITNESS_V0) {
        if (c->amount < 0) return 0; /* segwit signs the amount: must know it */
        sato_sighash_v0(sighash, c->tx, c->nin, script_code, script_code_len, c->amount,
                        hash_type, c->txdata);
    } else {
        return 0;
    }

    if (c->cache != NULL) {
        sato_sigcache_key_ecdsa(c->cache, key, sighash, pubkey, pubkeylen, sig, siglen);
        if (cache_lookup(c, key)) return 1;
    }
    if (!sato_ecdsa_verify(sig, siglen, pubkey, pubkeylen, sighash)) return 0;
    cache_remember(c, key);
    return 1;
}

int sato_tx_check_schnorr(void *ctx, const unsigned char *sig, size_t siglen,
                          const unsigned char pubkey32[32], sato_sigversion_t sigversion,
                          const sato_execdata_t *execdata, sato_script_error_t *err) {
    const sato_tx_checker_ctx_t *c = ctx;
    const unsigned char *annex_hash = NULL, *tapleaf_hash = NULL;
    uint32_t codesep_pos = 0xffffffffu;
    unsigned char sighash[32], key[32];
    uint8_t hash_type = SATO_SIGHASH_DEFAULT;
    sato_script_error_t e = SATO_SCRIPT_ERR_SCHNORR_SIG_HASHTYPE;
    int ok = 0;

    if (siglen != 64 && siglen != 65) {
        e = SATO_SCRIPT_ERR_SCHNORR_SIG_SIZE;
        goto out;
    }
    if (siglen == 65) {
        hash_type = sig[64];
        /* SIGHASH_DEFAULT is only ever implied by a 64-byte signature, so
         * each signature has one encoding. */
        if (hash_type == SATO_SIGHASH_DEFAULT) goto out;
    }
    if (c->txdata == NULL || execdata == NULL || !execdata->annex_init) {
        /* Missing data, not a bad signature (Core leaves the error unset,
         * which reads as UNKNOWN_ERROR). */
        e = SATO_SCRIPT_ERR_UNKNOWN_ERROR;
        goto out;
    }
    if (execdata->annex_present) annex_hash = execdata->annex_hash;
    if (sigversion == SATO_SIGVERSION_TAPSCRIPT) {
        if (!execdata->tapleaf_hash_init || !execdata->codesep_pos_init) goto out;
        tapleaf_hash = execdata->tapleaf_hash;
        codesep_pos = execdata->codesep_pos;
    } else if (sigversion != SATO_SIGVERSION_TAPROOT) {
        goto out;
    }
    if (!sato_sighash_taproot(sighash, c->tx, c->nin, hash_type, c->txdata, annex_hash,
                              tapleaf_hash, codesep_pos)) {
        goto out;
    }

    if (c->cache != NULL) {
        sato_sigcache_key_schnorr(c->cache, key, sighash, pubkey32, sig);
        if (cache_lookup(c, key)) {
            ok = 1;
            goto out;
        }
    }
    if (!sato_schnorr_verify(sig, pubkey32, sighash)) {
        e = SATO_SCRIPT_ERR_SCHNORR_SIG;
        goto out;
    }
    cache_remember(c, key);
    ok = 1;
out:
    if (!ok && err != NULL) *err = e;
    return ok;
}

int sato_tx_check_locktime(void *ctx, int64_t locktime) {
    const sato_tx_checker_ctx_t *c = ctx;
    const int64_t tx_locktime = c->tx->locktime;
    const int64_t threshold = SATO_LOCKTIME_THRESHOLD;

    /* Heights compare only with heights, times only with times. */
    if ((tx_locktime < threshold) != (locktime < threshold)) return 0;
    if (locktime > tx_locktime) return 0;
    /* A final input would let the transaction ignore its locktime
     * altogether, which would make the opcode meaningless. */
    if (c->tx->vin[c->nin].sequence == SATO_SEQUENCE_FINAL) return 0;
    return 1;
}

int sato_tx_check_sequence(void *ctx, int64_t sequence) {
    const sato_tx_checker_ctx_t *c = ctx;
    const int64_t tx_sequence = c->tx->vin[c->nin].sequence;
    const int64_t mask = SATO_SEQUENCE_LOCKTIME_TYPE_FLAG | SATO_SEQUENCE_LOCKTIME_MASK;
    const int64_t type_flag = SATO_SEQUENCE_LOCKTIME_TYPE_FLAG;
    int64_t tx_masked, masked;

    /* BIP68 only applies from version 2 (the version is unsigned). */
    if (c->tx->version < 2) return 0;
    if (tx_sequence & SATO_SEQUENCE_LOCKTIME_DISABLE_FLAG) return 0;
    tx_masked = tx_sequence & mask;
    masked = sequence & mask;
    if ((tx_masked < type_flag) != (masked < type_flag)) return 0;
    if (masked > tx_masked) return 0;
    return 1;
}

void sato_tx_sigchecker_init(sato_sigchecker_t *out, sato_tx_checker_ctx_t *ctx,
                             const sato_tx_t *tx, size_t nin, int64_t amount,
                             const sato_txdata_t *txdata, sato_sigcache_t *cache) {
    memset(ctx, 0, sizeof(*ctx));
    ctx->tx = tx;
    ctx->nin = nin;
    ctx->amount = amount;
    ctx->txdata = txdata;
    ctx->cache = cache;
    ctx->cache_store = 1;
    out->check_ecdsa = sato_tx_check_ecdsa;
    out->check_schnorr = sato_tx_check_schnorr;
    out->check_locktime = sato_tx_check_locktime;
    out->check_sequence = sato_tx_check_sequence;
    out->ctx = ctx;
}
