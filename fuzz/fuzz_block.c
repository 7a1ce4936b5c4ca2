/* Block parser: a parsed block serializes back to exactly the bytes
 * consumed and parses again to the same block; merkle roots, witness
 * commitment checks, sizes and CheckTransaction run on whatever parsed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/block.h"
#include "sato/merkle.h"
#include "sato/pow.h"
#include "sato/sha256.h"
#include "sato/tx_check.h"

#define FUZZ_ASSERT(cond)                                                         \
    do {                                                                          \
        if (!(cond)) {                                                            \
            fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                              \
        }                                                                         \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_block(const sato_block_t *block, const uint8_t *data, size_t consumed) {
    sato_buf_t out;
    sato_block_t again;
    unsigned char root[32], wroot[32], h[32], hh[32];
    const char *reason = "unset";
    size_t i, pos;
    int mutated = -1, ok;
    sato_u256_t limit;
    sato_buf_init(&out);
    sato_block_write(&out, block, 1);
    FUZZ_ASSERT(out.len == consumed && memcmp(out.data, data, consumed) == 0);
    FUZZ_ASSERT(sato_block_size(block, 1) == consumed);
    FUZZ_ASSERT(sato_block_weight(block) == 3 * sato_block_size(block, 0) + consumed);
    FUZZ_ASSERT(sato_block_parse(&again, out.data, out.len));
    FUZZ_ASSERT(again.txs_len == block->txs_len &&
                memcmp(&again.header, &block->header, sizeof(again.header)) == 0);
    for (i = 0; i < block->txs_len; i++) FUZZ_ASSERT(sato_tx_equal(&again.txs[i], &block->txs[i]));
    sato_block_clear(&again);
    sato_block_hash(h, block);
    sato_sha256d(hh, data, 80);
    FUZZ_ASSERT(memcmp(h, hh, 32) == 0);
    sato_block_merkle_root(root, &mutated, block);
    FUZZ_ASSERT(mutated == 0 || mutated == 1);
    FUZZ_ASSERT(mutated == 0 || block->txs_len >= 2);
    sato_block_witness_merkle_root(wroot, NULL, block);
    ok = sato_block_check_witness_commitment(block, 1, &reason);
    FUZZ_ASSERT(ok ? reason == NULL : reason != NULL);
    if (!sato_block_witness_commitment_find(&pos, block)) {
        /* Without a commitment both modes agree. */
        FUZZ_ASSERT(ok == sato_block_check_witness_commitment(block, 0, NULL));
    } else {
        FUZZ_ASSERT(pos < block->txs[0].vout_len);
    }
    for (i = 0; i < block->txs_len; i++) {
        ok = sato_tx_check(&block->txs[i], &reason);
        FUZZ_ASSERT(ok ? reason == NULL : reason != NULL);
    }
    sato_u256_set_u64(&limit, 0);
    sato_u256_not(&limit, &limit);
    (void)sato_pow_check(h, block->header.bits, &limit);
    sato_buf_clear(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    sato_reader_t r;
    sato_block_t block;
    sato_reader_init(&r, data, size);
    if (!sato_block_read(&block, &r)) {
        FUZZ_ASSERT(r.failed && block.txs == NULL && block.txs_len == 0);
        return 0;
    }
    check_block(&block, data, r.pos);
    sato_block_clear(&block);
    return 0;
}
