/* Block headers and blocks: serialization, sizes and hashes. */
#include <stdlib.h>
#include <string.h>

#include "sato/block.h"
#include "sato/mem.h"
#include "sato/sha256.h"

/* Smallest possible serialized transaction: version, an empty input
 * vector, an empty output vector (or a zero flag byte), locktime. Used
 * only to size the first allocation, never to reject. */
#define MIN_TX_SIZE 10
/* The transaction array starts no larger than this and doubles as
 * transactions are really read (Core's MAX_VECTOR_ALLOCATE idea). */
#define TXS_FIRST_ALLOC 1024

int sato_block_header_read(sato_block_header_t *h, sato_reader_t *r) {
    memset(h, 0, sizeof(*h));
    if (!sato_read_i32(r, &h->version) || !sato_read_bytes(r, h->prev_hash, 32) ||
        !sato_read_bytes(r, h->merkle_root, 32) || !sato_read_u32(r, &h->time) ||
        !sato_read_u32(r, &h->bits) || !sato_read_u32(r, &h->nonce)) {
        memset(h, 0, sizeof(*h));
        return 0;
    }
    return 1;
}

int sato_block_header_parse(sato_block_header_t *h, const unsigned char in[SATO_BLOCK_HEADER_SIZE]) {
    sato_reader_t r;
    sato_reader_init(&r, in, SATO_BLOCK_HEADER_SIZE);
    return sato_block_header_read(h, &r);
}

void sato_block_header_serialize(unsigned char out[SATO_BLOCK_HEADER_SIZE],
                                 const sato_block_header_t *h) {
    sato_put_le32(out, (uint32_t)h->version);
    memcpy(out + 4, h->prev_hash, 32);
    memcpy(out + 36, h->merkle_root, 32);
    sato_put_le32(out + 68, h->time);
    sato_put_le32(out + 72, h->bits);
    sato_put_le32(out + 76, h->nonce);
}

void sato_block_header_write(sato_buf_t *b, const sato_block_header_t *h) {
    unsigned char raw[SATO_BLOCK_HEADER_SIZE];
    sato_block_header_serialize(raw, h);
    sato_buf_write(b, raw, sizeof(raw));
}

void sato_block_header_hash(unsigned char out32[32], const sato_block_header_t *h) {
    unsigned char raw[SATO_BLOCK_HEADER_SIZE];
    sato_block_header_serialize(raw, h);
    sato_sha256d(out32, raw, sizeof(raw));
}

void sato_block_init(sato_block_t *block) {
    memset(block, 0, sizeof(*block));
}

void sato_block_clear(sato_block_t *block) {
    size_t i;
    if (block == NULL) return;
    for (i = 0; i < block->txs_len; i++) sato_tx_clear(&block->txs[i]);
    free(block->txs);
    sato_block_init(block);
}

int sato_block_read(sato_block_t *block, sato_reader_t *r) {
    uint64_t count;
    size_t cap;
    sato_block_init(block);
    if (!sato_block_header_read(&block->header, r) || !sato_read_compactsize(r, &count)) goto fail;
    /* Never more than the remaining bytes could hold, nor a large block
     * up front: the array grows as transactions really arrive. */
    cap = sato_reader_left(r) / MIN_TX_SIZE + 1;
    if (cap > TXS_FIRST_ALLOC) cap = TXS_FIRST_ALLOC;
    if (cap > count) cap = (size_t)count;
    block->txs = cap ? sato_malloc(cap * sizeof(sato_tx_t)) : NULL;
    while (block->txs_len < count) {
        if (block->txs_len == cap) {
            cap = cap * 2 < count ? cap * 2 : (size_t)count;
            block->txs = sato_realloc(block->txs, cap * sizeof(sato_tx_t));
        }
        if (!sato_tx_read(&block->txs[block->txs_len], r, 1)) goto fail;
        block->txs_len++;
    }
    return 1;
fail:
    sato_block_clear(block);
    r->failed = 1;
    return 0;
}

int sato_block_parse(sato_block_t *block, const unsigned char *data, size_t len) {
    sato_reader_t r;
    sato_reader_init(&r, data, len);
    if (!sato_block_read(block, &r)) return 0;
    if (!sato_reader_done(&r)) {
        sato_block_clear(block);
        return 0;
    }
    return 1;
}

void sato_block_write(sato_buf_t *b, const sato_block_t *block, int with_witness) {
    size_t i;
    sato_buf_reserve(b, sato_block_size(block, with_witness));
    sato_block_header_write(b, &block->header);
    sato_buf_write_compactsize(b, block->txs_len);
    for (i = 0; i < block->txs_len; i++) sato_tx_write(b, &block->txs[i], with_witness);
}

size_t sato_block_size(const sato_block_t *block, int with_witness) {
    size_t i, n = SATO_BLOCK_HEADER_SIZE + sato_compactsize_len(block->txs_len);
    for (i = 0; i < block->txs_len; i++) n += sato_tx_size(&block->txs[i], with_witness);
    return n;
}

size_t sato_block_weight(const sato_block_t *block) {
    return sato_block_size(block, 0) * 3 + sato_block_size(block, 1);
}

void sato_block_hash(unsigned char out32[32], const sato_block_t *block) {
    sato_block_header_hash(out32, &block->header);
}
