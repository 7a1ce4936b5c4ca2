/* Block rules without a UTXO set (Bitcoin Core's CheckBlockHeader,
 * CheckBlock, IsBlockMutated, ContextualCheckBlockHeader and
 * ContextualCheckBlock). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sato/block_check.h"
#include "sato/hex.h"
#include "sato/merkle.h"
#include "sato/pow.h"
#include "sato/script.h"
#include "sato/tx_check.h"

int sato_block_check_header(sato_block_state_t *st, const sato_block_header_t *h,
                            const sato_chainparams_t *p) {
    unsigned char hash[32];
    sato_u256_t limit;
    sato_block_header_hash(hash, h);
    sato_chainparams_pow_limit(&limit, p);
    if (!sato_pow_check(hash, h->bits, &limit)) {
        return sato_validation_invalid(st, SATO_BLOCK_INVALID_HEADER, "high-hash",
                                       "proof of work failed");
    }
    return 1;
}

int sato_block_check_merkle_root(sato_block_state_t *st, const sato_block_t *b) {
    unsigned char root[32];
    int mutated = 0;
    sato_block_merkle_root(root, &mutated, b);
    if (memcmp(root, b->header.merkle_root, 32) != 0) {
        return sato_validation_invalid(st, SATO_BLOCK_MUTATED, "bad-txnmrklroot",
                                       "hashMerkleRoot mismatch");
    }
    /* CVE-2012-2459: [.., a, b, b] has the root of [.., a, b]; the copy is
     * invalid, but its header is not, so this is a mutation. */
    if (mutated) {
        return sato_validation_invalid(st, SATO_BLOCK_MUTATED, "bad-txns-duplicate",
                                       "duplicate transaction");
    }
    return 1;
}

int sato_block_check(sato_block_state_t *st, const sato_block_t *b, const sato_chainparams_t *p,
                     int check_pow, int check_merkle) {
    uint64_t sigops = 0;
    size_t i;
    const char *reason;
    if (check_pow && !sato_block_check_header(st, &b->header, p)) return 0;
    if (p->signet_blocks && check_pow && !sato_signet_check_block(b, p)) {
        return sato_validation_invalid(st, SATO_BLOCK_CONSENSUS, "bad-signet-blksig",
                                       "signet block signature validation failure");
    }
    /* Everything that shows the bytes differ from what the header commits
     * to comes first, so that a corrupted copy never gets the header
     * marked invalid. */
    if (check_merkle && !sato_block_check_merkle_root(st, b)) return 0;
    if (b->txs_len == 0 || b->txs_len > SATO_MAX_BLOCK_WEIGHT / SATO_WITNESS_SCALE_FACTOR ||
        sato_block_size(b, 0) > SATO_MAX_BLOCK_WEIGHT / SATO_WITNESS_SCALE_FACTOR) {
        return sato_validation_invalid(st, SATO_BLOCK_CONSENSUS, "bad-blk-length",
                                       "size limits failed");
    }
    if (!sato_tx_is_coinbase(&b->txs[0])) {
        return sato_validation_invalid(st, SATO_BLOCK_CONSENSUS, "bad-cb-missing",
                                       "first tx is not coinbase");
    }
    for (i = 1; i < b->txs_len; i++) {
        if (sato_tx_is_coinbase(&b->txs[i])) {
            return sato_validation_invalid(st, SATO_BLOCK_CONSENSUS, "bad-cb-multiple",
                                           "more than one coinbase");
        }
    }
    /* Includes the duplicate-input check of CVE-2018-17144. */
    for (i = 0; i < b->txs_len; i++) {
        if (!sato_tx_check(&b->txs[i], &reason)) {
            unsigned char txid[32];
            char hex[65];
            sato_tx_txid(txid, &b->txs[i]);
            sato_hex_encode_rev(hex, txid, 32);
            return sato_validation_invalid(st, SATO_BLOCK_CONSENSUS, reason,
                                           "Transaction check failed (tx hash %s)", hex);
        }
    }
    /* A lower bound (no P2SH or witness sigops yet), cheap enough to
     * reject a flood of CHECKMULTISIGs before any coin is read. */
    for (i = 0; i < b->txs_len; i++) sigops += sato_tx_legacy_sigops(&b->txs[i]);
    if (sigops * SATO_WITNESS_SCALE_FACTOR > SATO_MAX_BLOCK_SIGOPS_COST) {
        return sato_validation_invalid(st, SATO_BLOCK_CONSENSUS, "bad-blk-sigops",
                                       "out-of-bounds SigOpCount");
    }
    return 1;
}

int sato_block_check_witness_malleation(sato_block_state_t *st, const sato_block_t *b,
                                        int expect_commitment) {
    const char *reason = NULL;
    if (sato_block_check_witness_commitment(b, expect_commitment, &reason)) return 1;
    /* Witnesses are outside the txid tree: whatever is wrong with them,
     * the header may still be good (B14). */
    return sato_validation_invalid(st, SATO_BLOCK_MUTATED, reason, "CheckWitnessMalleation : %s",
                                   strcmp(reason, "unexpected-witness") == 0
                                       ? "unexpected witness data found"
                                   : strcmp(reason, "bad-witness-nonce-size") == 0
                                       ? "invalid witness reserved value size"
                                       : "witness merkle commitment mismatch");
}

int sato_block_is_mutated(sato_block_state_t *st, const sato_block_t *b, int check_witness_root) {
    size_t i;
    if (!sato_block_check_merkle_root(st, b)) return 1;
    if (b->txs_len == 0 || !sato_tx_is_coinbase(&b->txs[0])) {
        /* Such a block is invalid anyway; a 64-byte transaction in it
         * could be the two halves of an inner merkle node, so the block
         * may be a forgery of another ("Weaknesses in Bitcoin's Merkle
         * Root Construction", 3.1). */
        for (i = 0; i < b->txs_len; i++) {
            if (sato_tx_size(&b->txs[i], 0) == 64) {
                /* Core logs no reason here; this label is ours. */
                sato_validation_invalid(st, SATO_BLOCK_MUTATED, "bad-txns-size-64",
                                        "64-byte transaction in a block without coinbase");
                return 1;
            }
        }
        return 0;
    }
    return !sato_block_check_witness_malleation(st, b, check_witness_root);
}

int sato_block_verify_header(sato_block_state_t *st, const sato_block_header_t *h,
                             const sato_chain_view_t *prev, int64_t now,
                             const sato_chainparams_t *p) {
    int64_t height = (int64_t)prev->tip_height + 1, mtp, time = h->time;
    uint32_t required;
    uint32_t version = (uint32_t)h->version;
    sato_chain_entry_t parent;
    if (prev->tip_height < 0 || !prev->get(prev->ctx, prev->tip_height, &parent)) {
        return sato_validation_error(st, "chain view failed");
    }
    if (!sato_next_work_required(&required, prev, time, p)) {
        return sato_validation_error(st, "chain view failed");
    }
    if (h->bits != required) {
        return sato_validation_invalid(st, SATO_BLOCK_INVALID_HEADER, "bad-diffbits",
                                       "incorrect proof of work");
    }
    if (!sato_chain_view_mtp(&mtp, prev, prev->tip_height)) {
        return sato_validation_error(st, "chain view failed");
    }
    if (time <= mtp) {
        return sato_validation_invalid(st, SATO_BLOCK_INVALID_HEADER, "time-too-old",
                                       "block's timestamp is too early");
    }
    /* BIP94: a period's first block may not go far back from its parent,
     * which bounds how much a time warp can lower difficulty. */
    if (p->enforce_bip94 && height % sato_difficulty_interval(p) == 0 &&
        time < (int64_t)parent.time - SATO_MAX_TIMEWARP) {
        return sato_validation_invalid(st, SATO_BLOCK_INVALID_HEADER, "time-timewarp-attack",
                                       "block's timestamp is too early on diff adjustment block");
    }
    /* Not invalid for good: our clock may be behind, or time will pass. */
    if (time > now + SATO_MAX_FUTURE_BLOCK_TIME) {
        return sato_validation_invalid(st, SATO_BLOCK_TIME_FUTURE, "time-too-new",
                                       "block timestamp too far in the future");
    }
    if ((h->version < 2 && height >= p->bip34_height) ||
        (h->version < 3 && height >= p->bip66_height) ||
        (h->version < 4 && height >= p->bip65_height)) {
        char reason[32];
        snprintf(reason, sizeof(reason), "bad-version(0x%08" PRIx32 ")", version);
        return sato_validation_invalid(st, SATO_BLOCK_INVALID_HEADER, reason,
                                       "rejected nVersion=0x%08" PRIx32 " block", version);
    }
    return 1;
}

size_t sato_bip34_height_script(unsigned char out[6], int32_t height) {
    unsigned char num[9];
    size_t n;
    /* CScript << int: small values become OP_0 / OP_1..OP_16, the rest a
     * minimal CScriptNum push. */
    if (height == 0) {
        out[0] = SATO_OP_0;
        return 1;
    }
    if (height == -1 || (height >= 1 && height <= 16)) {
        out[0] = (unsigned char)(SATO_OP_1 + height - 1);
        return 1;
    }
    n = sato_scriptnum_encode(num, height);
    out[0] = (unsigned char)n;
    memcpy(out + 1, num, n);
    return n + 1;
}

int sato_block_verify(sato_block_state_t *st, const sato_block_t *b, int32_t height,
                      int64_t prev_mtp, const sato_chainparams_t *p) {
    /* BIP113: once CSV is active, locktimes are judged against the
     * parent's median time past, which miners cannot push forward. */
    int64_t cutoff = height >= p->csv_height ? prev_mtp : (int64_t)b->header.time;
    size_t i;
    for (i = 0; i < b->txs_len; i++) {
        if (!sato_tx_is_final(&b->txs[i], height, cutoff)) {
            return sato_validation_invalid(st, SATO_BLOCK_CONSENSUS, "bad-txns-nonfinal",
                                           "non-final transaction");
        }
    }
    if (height >= p->bip34_height) {
        unsigned char expect[6];
        size_t n = sato_bip34_height_script(expect, height);
        const sato_bytes_t *sig = NULL;
        if (b->txs_len && b->txs[0].vin_len) sig = &b->txs[0].vin[0].script_sig;
        if (sig == NULL || sig->len < n || memcmp(sig->data, expect, n) != 0) {
            return sato_validation_invalid(st, SATO_BLOCK_CONSENSUS, "bad-cb-height",
                                           "block height mismatch in coinbase");
        }
    }
    if (!sato_block_check_witness_malleation(st, b, height >= p->segwit_height)) return 0;
    /* Only now: before the commitment was checked, a stuffed coinbase
     * witness could push a good block over the limit without changing
     * its hash. */
    if (sato_block_weight(b) > SATO_MAX_BLOCK_WEIGHT) {
        return sato_validation_invalid(st, SATO_BLOCK_CONSENSUS, "bad-blk-weight",
                                       "ContextualCheckBlock : weight limit failed");
    }
    return 1;
}
