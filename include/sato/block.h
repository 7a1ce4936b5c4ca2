#ifndef SATO_BLOCK_H
#define SATO_BLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "sato/buf.h"
#include "sato/tx.h"

#define SATO_BLOCK_HEADER_SIZE 80

/* The 80-byte block header. The version is signed, as in Bitcoin Core
 * (BIP9 version bits are read from its unsigned image). */
typedef struct {
    int32_t version;
    unsigned char prev_hash[32];   /* internal byte order */
    unsigned char merkle_root[32]; /* internal byte order */
    uint32_t time;
    uint32_t bits;
    uint32_t nonce;
} sato_block_header_t;

/* A block: its header and its transactions, the first being the coinbase
 * in a valid block (a parse requires nothing of the kind). */
typedef struct {
    sato_block_header_t header;
    sato_tx_t *txs;
    size_t txs_len;
} sato_block_t;

int sato_block_header_read(sato_block_header_t *h, sato_reader_t *r);
void sato_block_header_write(sato_buf_t *b, const sato_block_header_t *h);
void sato_block_header_serialize(unsigned char out[SATO_BLOCK_HEADER_SIZE],
                                 const sato_block_header_t *h);
/* Parses exactly 80 bytes. */
int sato_block_header_parse(sato_block_header_t *h, const unsigned char in[SATO_BLOCK_HEADER_SIZE]);
/* Double SHA-256 of the 80 serialized bytes (internal byte order). */
void sato_block_header_hash(unsigned char out32[32], const sato_block_header_t *h);

void sato_block_init(sato_block_t *block);
/* Frees the transactions and leaves the block initialised; NULL is a no-op. */
void sato_block_clear(sato_block_t *block);
/* Parses a block at the reader's cursor, transactions in the witness-aware
 * form as Bitcoin Core reads blocks. block is an out-param, overwritten
 * without being freed. The transaction array grows with the transactions
 * actually read, never with the announced count alone. On failure the
 * block is left empty and the reader failed. */
int sato_block_read(sato_block_t *block, sato_reader_t *r);
/* sato_block_read over a whole buffer, which must be consumed exactly. */
int sato_block_parse(sato_block_t *block, const unsigned char *data, size_t len);
void sato_block_write(sato_buf_t *b, const sato_block_t *block, int with_witness);
size_t sato_block_size(const sato_block_t *block, int with_witness);
/* BIP141 weight: stripped size * 3 + total size. */
size_t sato_block_weight(const sato_block_t *block);
void sato_block_hash(unsigned char out32[32], const sato_block_t *block);

#endif
