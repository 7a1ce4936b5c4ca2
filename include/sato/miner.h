#ifndef SATO_MINER_H
#define SATO_MINER_H

#include <stddef.h>
#include <stdint.h>

#include "sato/block.h"
#include "sato/chainparams.h"

/* Building and solving blocks, as Bitcoin Core's BlockAssembler and the
 * generate* RPCs do on regtest and private chains. Pure: the chain's tip,
 * height, time and difficulty come in as arguments. */

/* Where the new block goes. */
typedef struct {
    unsigned char prev_hash[32];
    int32_t height;          /* of the new block */
    uint32_t time;           /* already at least median time past + 1 */
    uint32_t bits;           /* the required difficulty */
    int32_t version;         /* usually SATO_BLOCK_VERSION_TOP_BITS */
    int segwit_active;       /* add the BIP141 commitment */
} sato_block_template_t;

#define SATO_BLOCK_VERSION_TOP_BITS 0x20000000

/* The coinbase: BIP34 height and OP_0 in the scriptSig, one output paying
 * value to script_pubkey, and with segwit the 32-byte zero reserved value
 * as its witness. */
void sato_miner_coinbase(sato_tx_t *out, int32_t height, const unsigned char *script_pubkey,
                         size_t script_pubkey_len, int64_t value, int segwit);

/* Assembles a block from the template, a coinbase built as above and the
 * given transactions (copied, in order), then sets the merkle root and,
 * with segwit, appends the witness commitment output to the coinbase. */
void sato_miner_assemble(sato_block_t *out, const sato_block_template_t *tmpl, const sato_tx_t *coinbase,
                         const sato_tx_t *txs, size_t ntxs);

/* Grinds the nonce until the header meets its target; gives up after
 * max_tries nonces (0: all 2^32). Returns 1 when solved. */
int sato_miner_solve(sato_block_header_t *header, const sato_u256_t *pow_limit, uint64_t max_tries);

#endif
