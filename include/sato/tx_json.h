#ifndef SATO_TX_JSON_H
#define SATO_TX_JSON_H

#include <stddef.h>

#include <jansson.h>

#include "sato/address.h"
#include "sato/block.h"
#include "sato/tx.h"

/* Scripts and transactions as Bitcoin Core's RPC shows them (core_io:
 * ScriptToAsmStr, ScriptToUniv, TxToUniv). */

/* The asm text: pushes of up to 4 bytes as numbers, longer ones as hex,
 * opcodes by name, "[error]" at a truncated push. With
 * attempt_sighash_decode (scriptSigs), a push that is a strictly encoded
 * signature shows its hash type as "[ALL]" etc. Caller frees. */
char *sato_script_asm(const unsigned char *script, size_t len, int attempt_sighash_decode);

/* {asm, desc?, hex?, address?, type}; witness_script (may be NULL) is
 * known signing data for descriptor inference of a P2WSH output. */
json_t *sato_script_json(const sato_chain_addr_t *chain, const unsigned char *script, size_t len,
                         int include_hex, int include_address, const unsigned char *witness_script,
                         size_t witness_script_len);

/* {txid, hash, version, size, vsize, weight, locktime, vin, vout,
 * blockhash?, hex?}; block_hash may be NULL. */
json_t *sato_tx_json(const sato_chain_addr_t *chain, const sato_tx_t *tx,
                     const unsigned char *block_hash, int include_hex);

/* The witness serialization of a transaction, and of a block, as hex. */
json_t *sato_tx_hex_json(const sato_tx_t *tx);
json_t *sato_block_hex_json(const sato_block_t *block);

#endif
