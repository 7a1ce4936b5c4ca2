/* Merkle roots over transaction hashes, and BIP141 witness commitments. */
#include <stdlib.h>
#include <string.h>

#include "sato/mem.h"
#include "sato/merkle.h"
#include "sato/sha256.h"

const unsigned char SATO_WITNESS_COMMITMENT_HEADER[6] = {0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed};

/* Reduces the n hashes in `level` (a sato_malloc buffer with room for
 * n+1, which this takes over and frees) to the root. Each level is written
 * to the other of two buffers, so nothing is assumed of how sato_sha256d64
 * orders its reads and writes. */
static void merkle_reduce(unsigned char out32[32], int *mutated, unsigned char *level, size_t n) {
    unsigned char *scratch = NULL, *cur = level, *next, *tmp;
    int mutation = 0;
    size_t i;
    if (n == 0) {
        memset(out32, 0, 32);
        goto out;
    }
    if (n > 1) scratch = sato_malloc((n + 1) / 2 * 32 + 32);
    next = scratch;
    while (n > 1) {
        for (i = 0; i + 1 < n; i += 2) {
            if (memcmp(cur + 32 * i, cur + 32 * (i + 1), 32) == 0) mutation = 1;
        }
        if (n & 1) {
            memcpy(cur + 32 * n, cur + 32 * (n - 1), 32);
            n++;
        }
        sato_sha256d64(next, cur, n / 2);
        n /= 2;
        tmp = cur;
        cur = next;
        next = tmp;
    }
    memcpy(out32, cur, 32);
out:
    free(level);
    free(scratch);
    if (mutated != NULL) *mutated = mutation;
}

void sato_merkle_root(unsigned char out32[32], int *mutated, const unsigned char *leaves, size_t n) {
    unsigned char *level = sato_malloc(32 * (n + 1));
    if (n) memcpy(level, leaves, 32 * n);
    merkle_reduce(out32, mutated, level, n);
}

void sato_block_merkle_root(unsigned char out32[32], int *mutated, const sato_block_t *block) {
    unsigned char *level = sato_malloc(32 * (block->txs_len + 1));
    size_t i;
    for (i = 0; i < block->txs_len; i++) sato_tx_txid(level + 32 * i, &block->txs[i]);
    merkle_reduce(out32, mutated, level, block->txs_len);
}

void sato_block_witness_merkle_root(unsigned char out32[32], int *mutated,
                                    const sato_block_t *block) {
    unsigned char *level = sato_malloc(32 * (block->txs_len + 1));
    size_t i;
    if (block->txs_len) memset(level, 0, 32);
    for (i = 1; i < block->txs_len; i++) sato_tx_wtxid(level + 32 * i, &block->txs[i]);
    merkle_reduce(out32, mutated, level, block->txs_len);
}

int sato_block_witness_commitment_find(size_t *index, const sato_block_t *block) {
    const sato_tx_t *cb;
    size_t i;
    int found = 0;
    *index = 0;
    if (block->txs_len == 0) return 0;
    cb = &block->txs[0];
    for (i = 0; i < cb->vout_len; i++) {
        const sato_bytes_t *s = &cb->vout[i].script_pubkey;
        if (s->len >= SATO_WITNESS_COMMITMENT_MIN_SIZE &&
            memcmp(s->data, SATO_WITNESS_COMMITMENT_HEADER, 6) == 0) {
            *index = i;
            found = 1;
        }
    }
    return found;
}

void sato_witness_commitment(unsigned char out32[32], const unsigned char witness_root[32],
                             const unsigned char reserved_value[32]) {
    unsigned char buf[64];
    memcpy(buf, witness_root, 32);
    memcpy(buf + 32, reserved_value, 32);
    sato_sha256d(out32, buf, 64);
}

int sato_block_check_witness_commitment(const sato_block_t *block, int expect_commitment,
                                        const char **reason) {
    size_t pos, i;
    if (reason != NULL) *reason = NULL;
    if (expect_commitment && sato_block_witness_commitment_find(&pos, block)) {
        const sato_tx_t *cb = &block->txs[0];
        unsigned char root[32], commitment[32];
        /* Core asserts the coinbase has an input here (CheckBlock ran
         * first); without one the reserved value is missing all the same. */
        if (cb->vin_len == 0 || cb->vin[0].witness_len != 1 || cb->vin[0].witness[0].len != 32) {
            if (reason != NULL) *reason = "bad-witness-nonce-size";
            return 0;
        }
        /* The mutation flag is not needed: the txid tree already rules
         * such trees out. */
        sato_block_witness_merkle_root(root, NULL, block);
        sato_witness_commitment(commitment, root, cb->vin[0].witness[0].data);
        if (memcmp(commitment, cb->vout[pos].script_pubkey.data + 6, 32) != 0) {
            if (reason != NULL) *reason = "bad-witness-merkle-match";
            return 0;
        }
        return 1;
    }
    /* Without a commitment to bind it, witness data would be free space. */
    for (i = 0; i < block->txs_len; i++) {
        if (sato_tx_has_witness(&block->txs[i])) {
            if (reason != NULL) *reason = "unexpected-witness";
            return 0;
        }
    }
    return 1;
}
