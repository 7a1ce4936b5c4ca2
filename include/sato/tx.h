#ifndef SATO_TX_H
#define SATO_TX_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sato/buf.h"

/* A byte string owned by the structure that holds it. Only len counts:
 * an empty string may have a NULL or a non-NULL data pointer. */
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
 * reading it as signed let a negative version skip BIP68 in btcd.
 *
 * Ownership comes in two shapes. A transaction made by sato_tx_read or
 * sato_tx_copy keeps vin, vout, every witness array and every byte string
 * in the single block `arena` (one allocation per transaction, however many
 * inputs it has); its parts must not be freed or reallocated one by one.
 * A transaction assembled by hand starts from sato_tx_init (arena NULL) and
 * owns each part as a separate sato_malloc allocation. sato_tx_clear frees
 * either shape; sato_tx_make_editable turns the first into the second. */
typedef struct {
    uint32_t version;
    sato_txin_t *vin;
    size_t vin_len;
    sato_txout_t *vout;
    size_t vout_len;
    uint32_t locktime;
    void *arena;
} sato_tx_t;

#define SATO_SEQUENCE_FINAL 0xffffffffu
/* The prevout index of a coinbase input (COutPoint::NULL_INDEX). */
#define SATO_OUTPOINT_NULL_INDEX 0xffffffffu

static inline int sato_outpoint_is_null(const sato_outpoint_t *o) {
    static const unsigned char zero[32];
    return o->n == SATO_OUTPOINT_NULL_INDEX && memcmp(o->hash, zero, 32) == 0;
}

void sato_tx_init(sato_tx_t *tx);
/* Frees everything tx owns and leaves it initialised; NULL is a no-op. */
void sato_tx_clear(sato_tx_t *tx);
/* Deep copy into dst, which is overwritten (clear it first if it held a
 * transaction). The copy uses one arena, whatever the shape of src. */
void sato_tx_copy(sato_tx_t *dst, const sato_tx_t *src);
/* Gives every part of tx its own allocation, so that a parsed transaction
 * can be edited part by part; does nothing to a hand-built one. */
void sato_tx_make_editable(sato_tx_t *tx);

/* Parses one transaction at the reader's cursor, in the BIP144 extended
 * form when allow_witness is set and the marker is present. Enforces only
 * what the serialization itself demands (canonical CompactSizes no larger
 * than SATO_MAX_SIZE, known flag bits, no witness record that is wholly
 * empty); consensus limits belong to validation. tx is an out-param,
 * overwritten without being freed. Nothing is allocated until the whole
 * transaction has been seen to be present, so a huge announced count with
 * no data behind it costs no memory. On failure tx is left initialised
 * (empty) and the reader failed. */
int sato_tx_read(sato_tx_t *tx, sato_reader_t *r, int allow_witness);
/* sato_tx_read over a whole buffer, which must be consumed exactly. */
int sato_tx_parse(sato_tx_t *tx, const unsigned char *data, size_t len, int allow_witness);
/* Serializes tx; the extended form is used only when with_witness is set
 * and some input has a witness (as Bitcoin Core does). */
void sato_tx_write(sato_buf_t *b, const sato_tx_t *tx, int with_witness);
size_t sato_tx_size(const sato_tx_t *tx, int with_witness);
/* BIP141 weight: base size * 3 + total size. */
size_t sato_tx_weight(const sato_tx_t *tx);

int sato_tx_has_witness(const sato_tx_t *tx);
int sato_tx_is_coinbase(const sato_tx_t *tx);
/* Double SHA-256 of the serialization without, and with, witness data
 * (wtxid equals txid for a transaction without witness). */
void sato_tx_txid(unsigned char out32[32], const sato_tx_t *tx);
void sato_tx_wtxid(unsigned char out32[32], const sato_tx_t *tx);
/* Deep equality of every field (not of the ownership shape). */
int sato_tx_equal(const sato_tx_t *a, const sato_tx_t *b);

#endif
