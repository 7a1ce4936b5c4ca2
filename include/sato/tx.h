#ifndef SATO_TX_H
#define SATO_TX_H

#include <stddef.h>
#include <stdint.h>

#include "sato/buf.h"

/* A byte string owned by the structure that holds it. */
typedef struct {
    unsigned char *data;
    size_t len;
} sato_bytes_t;

typedef struct {
    unsigned char hash[32]; /* txid, internal byte order */
    uint32_t n;
} sato_outpoint_t;

typedef struct {
    sato_outpoint_t prevout;
    sato_bytes_t script_sig;
    uint32_t sequence;
    sato_bytes_t *witness; /* witness stack items, bottom first */
    size_t witness_len;
} sato_txin_t;

typedef struct {
    int64_t value; /* satoshis; range is a validation matter, not a parse one */
    sato_bytes_t script_pubkey;
} sato_txout_t;

/* A transaction. The version is unsigned, as in Bitcoin Core since 2024:
 * reading it as signed let a negative version skip BIP68 in btcd. */
typedef struct {
    uint32_t version;
    sato_txin_t *vin;
    size_t vin_len;
    sato_txout_t *vout;
    size_t vout_len;
    uint32_t locktime;
} sato_tx_t;

#define SATO_SEQUENCE_FINAL 0xffffffffu

void sato_tx_init(sato_tx_t *tx);
void sato_tx_clear(sato_tx_t *tx);
/* Deep copy; dst must be initialised or cleared. */
void sato_tx_copy(sato_tx_t *dst, const sato_tx_t *src);

/* Parses one transaction at the reader's cursor, in the BIP144 extended
 * form when allow_witness is set and the marker is present. Enforces only
 * what the serialization itself demands (canonical CompactSizes no larger
 * than SATO_MAX_SIZE, known flag bits, no witness record that is wholly
 * empty); consensus limits belong to validation. On failure tx is left
 * cleared and the reader failed. */
int sato_tx_read(sato_tx_t *tx, sato_reader_t *r, int allow_witness);
void sato_tx_write(sato_buf_t *b, const sato_tx_t *tx, int with_witness);
size_t sato_tx_size(const sato_tx_t *tx, int with_witness);
/* BIP141 weight: base size * 3 + total size. */
size_t sato_tx_weight(const sato_tx_t *tx);

int sato_tx_has_witness(const sato_tx_t *tx);
int sato_tx_is_coinbase(const sato_tx_t *tx);
void sato_tx_txid(unsigned char out32[32], const sato_tx_t *tx);
void sato_tx_wtxid(unsigned char out32[32], const sato_tx_t *tx);

#endif
