#ifndef SATO_TEST_BLOCKGEN_H
#define SATO_TEST_BLOCKGEN_H

/* Transactions, blocks and a chain built by hand for validation tests,
 * on regtest (whose proof of work takes two hashes on average). Every
 * part is a separate sato_malloc allocation, as sato_tx_clear and
 * sato_block_clear expect of hand-built objects. */

#include <stddef.h>
#include <stdint.h>

#include "sato/block.h"
#include "sato/chainparams.h"
#include "sato/difficulty.h"

/* OP_TRUE: an output anyone can spend with an empty scriptSig. */
extern const unsigned char blockgen_op_true[1];

void blockgen_tx_add_input(sato_tx_t *tx, const unsigned char txid[32], uint32_t n,
                           uint32_t sequence, const unsigned char *script_sig, size_t len);
void blockgen_tx_add_output(sato_tx_t *tx, int64_t value, const unsigned char *spk, size_t len);
void blockgen_tx_add_witness(sato_tx_t *tx, size_t nin, const unsigned char *item, size_t len);
/* A version 2 transaction spending (txid, n) into one OP_TRUE output. */
void blockgen_tx_spend(sato_tx_t *tx, const unsigned char txid[32], uint32_t n, int64_t value);

/* A coinbase for `height`: scriptSig the BIP34 height and one more byte,
 * one OP_TRUE output of `value`. */
void blockgen_coinbase(sato_tx_t *tx, int32_t height, int64_t value);

/* An empty block on top of prev_hash with the given time and regtest bits. */
void blockgen_block_init(sato_block_t *b, const unsigned char prev_hash[32], uint32_t time);
/* Moves *tx into the block (tx is left initialised). */
void blockgen_block_add_tx(sato_block_t *b, sato_tx_t *tx);
/* Adds a witness commitment (and the coinbase's reserved value) when a
 * transaction has a witness or `force` is set, recomputes the merkle root
 * and mines the header against the regtest limit. */
void blockgen_block_finish(sato_block_t *b, int force_commitment);
/* Mines the header as it is (nonce only). */
void blockgen_mine(sato_block_header_t *h);

/* A chain as an array of entries, heights 0 .. len-1. */
typedef struct {
    sato_chain_entry_t *e;
    int32_t len;
    int32_t cap;
} blockgen_chain_t;

void blockgen_chain_init(blockgen_chain_t *c, const sato_chainparams_t *p);
void blockgen_chain_free(blockgen_chain_t *c);
void blockgen_chain_push(blockgen_chain_t *c, const sato_block_header_t *h);
/* A view whose tip is the chain's last block. */
sato_chain_view_t blockgen_chain_view(blockgen_chain_t *c);
/* sato_mtp_at_fn over a blockgen_chain_t. */
int blockgen_chain_mtp_at(void *ctx, int32_t height, int64_t *mtp);
/* Median time past of the tip. */
int64_t blockgen_chain_tip_mtp(blockgen_chain_t *c);

#endif
