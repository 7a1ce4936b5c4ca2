#ifndef SATO_RPC_CHAIN_UTIL_H
#define SATO_RPC_CHAIN_UTIL_H

/* Helpers shared by the RPC methods over the chain state. */

#include <jansson.h>

#include "sato/chainctl.h"
#include "sato/chainstate.h"
#include "sato/coins.h"
#include "sato/rpc.h"

/* Core's ParseHashV: a string of 64 hex digits in display order, else
 * "<name> must be of length 64 (not N, for 'x')" or "<name> must be
 * hexadecimal string (not 'x')" (RPC_INVALID_PARAMETER). */
int rpc_param_hash(sato_rpc_request_t *req, size_t i, const char *name, unsigned char out[32]);

/* A hash (internal order) as display hex. */
json_t *rpc_hash_json(const unsigned char hash[32]);
void rpc_hash_hex(char out[65], const unsigned char hash[32]);

/* Reports a storage failure: the node is told to stop and the caller gets
 * RPC_DATABASE_ERROR. Returns NULL. */
json_t *rpc_storage_error(sato_rpc_request_t *req, sato_chainctl_t *ctl, sato_err_t err,
                          const char *what);

/* Core's getblockheader JSON (blockheaderToJSON) for e, against the
 * active chain. */
json_t *rpc_header_json(sato_chainctl_t *ctl, const sato_blocknode_t *e);

/* Big-endian hex of a 256-bit number, as uint256::GetHex prints it. */
json_t *rpc_u256_json(const sato_u256_t *v);

/* Core's TxToUniv given the coins tx spent (spent NULL: none known, as
 * for a coinbase): "fee" after "vout", and with with_prevout each input's
 * "prevout" {generated, height, value, scriptPubKey} before "sequence". */
json_t *rpc_tx_json_undo(const sato_chain_addr_t *chain, const sato_tx_t *tx, const sato_coin_t *spent,
                         int with_prevout, int include_hex);

#endif
