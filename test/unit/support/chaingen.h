#ifndef SATO_TEST_CHAINGEN_H
#define SATO_TEST_CHAINGEN_H

/* Builds valid regtest blocks for tests and benchmarks: coinbases with the
 * BIP34 height and a witness commitment, P2WPKH and P2TR (key path)
 * spends signed with libsecp256k1, and trivial mining at regtest
 * difficulty. A generator follows its own chain and keeps a wallet of the
 * outputs it paid to itself; chaingen_copy forks it to build a competing
 * branch. */

#include <stddef.h>
#include <stdint.h>

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>

#include "sato/block.h"
#include "sato/chainparams.h"

enum { CHAINGEN_P2WPKH = 0, CHAINGEN_P2TR = 1 };

typedef struct {
    sato_outpoint_t op;
    int64_t value;
    int32_t height;
    int coinbase;
    int kind;
} chaingen_utxo_t;

typedef struct {
    const sato_chainparams_t *params;
    secp256k1_context *secp;
    unsigned char seckey[32];
    unsigned char pub33[33];
    secp256k1_keypair tweaked; /* P2TR key-path signing key */
    unsigned char spk_wpkh[22];
    unsigned char spk_tr[34];
    unsigned char tip[32];
    int32_t height;
    uint32_t time;
    uint32_t times[11]; /* recent block times, newest last, for MTP */
    /* The wallet: two FIFO queues (coinbases mature in order). */
    struct chaingen_queue {
        chaingen_utxo_t *v;
        size_t first, n, cap;
    } cb, reg;
    uint64_t counter; /* makes coinbases of equal height differ across forks */
} chaingen_t;

/* Starts at the network's genesis block; `seed` picks the key. */
void chaingen_init(chaingen_t *g, const sato_chainparams_t *p, uint64_t seed);
void chaingen_clear(chaingen_t *g);
/* Deep copy (a fork starting at the same tip and wallet). */
void chaingen_copy(chaingen_t *dst, const chaingen_t *src);

/* A new block on the generator's tip: header (time = tip time + 1,
 * regtest bits) and a coinbase paying subsidy + fees to the wallet. */
void chaingen_block_init(chaingen_t *g, sato_block_t *b, int64_t fees);
/* Appends tx to the block (taking it over; tx is left empty). */
void chaingen_block_add(sato_block_t *b, sato_tx_t *tx);
/* Recomputes the coinbase's witness commitment and the merkle root, then
 * mines the header. Call again after tampering to re-mine. */
void chaingen_block_finish(chaingen_t *g, sato_block_t *b);
/* Only mines (the header is kept, e.g. a bad merkle root stays bad). */
void chaingen_mine(chaingen_t *g, sato_block_t *b);

/* Makes b the generator's tip and its outputs part of the wallet. */
void chaingen_accept(chaingen_t *g, const sato_block_t *b);

/* A signed transaction spending n_in mature wallet outputs into n_out
 * outputs (alternating P2WPKH, P2TR), leaving fee. The inputs leave the
 * wallet. Returns 0 (tx empty) if there are not enough. */
int chaingen_spend(chaingen_t *g, sato_tx_t *tx, size_t n_in, size_t n_out, int64_t fee);

/* The same over given outputs (which may be immature, or not in the
 * wallet at all: for tests of bad spends). */
void chaingen_spend_utxos(chaingen_t *g, sato_tx_t *tx, const chaingen_utxo_t *ins, size_t n_in,
                          size_t n_out, int64_t fee);

/* Mature wallet outputs available at the next height. */
size_t chaingen_mature(const chaingen_t *g);

/* Builds, finishes and accepts a block with `n_tx` spends of
 * `in_per_tx` inputs and `out_per_tx` outputs (as many as the wallet
 * allows). */
void chaingen_next(chaingen_t *g, sato_block_t *b, size_t n_tx, size_t in_per_tx,
                   size_t out_per_tx);

#endif
