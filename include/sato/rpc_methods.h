#ifndef SATO_RPC_METHODS_H
#define SATO_RPC_METHODS_H

#include <jansson.h>

#include "sato/address.h"
#include "sato/rpc.h"

/* Method groups of the rpc layer; each binds its handlers to their
 * entries of the method table (sato_rpc_method_find). */
/* help: the server's own method (Core's CRPCTable has it built in). */
void sato_rpc_register_help(sato_rpc_table_t *t);
void sato_rpc_register_rawtransaction(sato_rpc_table_t *t);
void sato_rpc_register_util(sato_rpc_table_t *t);
/* Methods over the chain state (they need sato_rpc_context_t.chainctl). */
void sato_rpc_register_blockchain(sato_rpc_table_t *t);
void sato_rpc_register_mining(sato_rpc_table_t *t);
void sato_rpc_register_getrawtransaction(sato_rpc_table_t *t);
void sato_rpc_register_net(sato_rpc_table_t *t);
/* Mempool methods (they need sato_rpc_context_t.mempool). */
void sato_rpc_register_mempool(sato_rpc_table_t *t);

/* decodescript's result for a script (exposed for tests). */
json_t *sato_rpc_decodescript_json(const sato_chain_addr_t *chain, const unsigned char *script,
                                   size_t len);

/* Core's DecodeHexTx: extended and legacy serialization tried as the
 * flags allow, preferring the one whose scripts look sane. */
int sato_rpc_decode_hex_tx(sato_tx_t *tx, const char *hex, int try_no_witness, int try_witness);

#endif
