#ifndef SATO_RPC_SPEC_H
#define SATO_RPC_SPEC_H

/* Shorthand for writing the method table (src/rpc/spec_*.c): every list
 * is a compound literal ended by a zero entry, so tables nest without
 * counting. The texts follow Bitcoin Core's help for the same method;
 * where Sato behaves differently the text says so. */

#include "sato/rpc.h"

#define SPEC_LIST(T, ...) ((const T[]){__VA_ARGS__, {0}})
#define ARGS(...) SPEC_LIST(sato_rpc_arg_t, __VA_ARGS__)
#define RESULTS(...) SPEC_LIST(sato_rpc_result_t, __VA_ARGS__)

/* Arguments: names, type (STR, STR_HEX, NUM, AMOUNT, RANGE, BOOL, OBJ,
 * OBJ_USER_KEYS, ARR), then the description; DEF's default is JSON text,
 * HINT's is words. Options (.opts, .inner, .type_str, .oneline) may follow. */
#define REQ(n, t, desc, ...) \
    {.names = n, .type = SATO_RPC_ARG_##t, .fallback = SATO_RPC_REQUIRED, .description = desc, __VA_ARGS__}
#define OPT(n, t, desc, ...) \
    {.names = n, .type = SATO_RPC_ARG_##t, .fallback = SATO_RPC_OMITTED, .description = desc, __VA_ARGS__}
#define DEF(n, t, d, desc, ...) \
    {.names = n, .type = SATO_RPC_ARG_##t, .fallback = SATO_RPC_DEFAULT, .def = d, .description = desc, __VA_ARGS__}
#define HINT(n, t, d, desc, ...) \
    {.names = n, .type = SATO_RPC_ARG_##t, .fallback = SATO_RPC_HINT, .def = d, .description = desc, __VA_ARGS__}

/* Results: type (OBJ, ARR, STR, NUM, BOOL, NONE, ANY, AMOUNT, STR_HEX,
 * OBJ_DYN, ARR_FIXED, TIME), key, description; .inner and .cond may
 * follow. ELIDED stands for fields described elsewhere. */
#define RES(t, k, desc, ...) {.type = SATO_RPC_RESULT_##t, .key = k, .description = desc, __VA_ARGS__}
#define RES_OPT(t, k, desc, ...) \
    {.type = SATO_RPC_RESULT_##t, .key = k, .optional = 1, .description = desc, __VA_ARGS__}
#define ELIDED(text) {.type = SATO_RPC_RESULT_ELIDED, .key = "", .description = text}

/* Core's HelpExampleCli and HelpExampleRpc, word for word: the examples
 * name bitcoin-cli and port 8332 as Core's do, because they are Core's
 * text (tools compare it) and bitcoin-cli talks to this node unchanged. */
#define EX_CLI(method, args) "> bitcoin-cli " method " " args "\n"
#define EX_RPC(method, args)                                                                              \
    "> curl --user myusername --data-binary '{\"jsonrpc\": \"2.0\", \"id\": \"curltest\", \"method\": \"" \
    method "\", \"params\": [" args "]}' -H 'content-type: application/json' http://127.0.0.1:8332/\n"
#define EX_BOTH(method, args) EX_CLI(method, args) EX_RPC(method, args)

#define UNIX_EPOCH_TIME "UNIX epoch time"
/* Core's GetAllOutputTypes(): the output types, in Core's enum order. */
#define OUTPUT_TYPES                                                                                    \
    "nonstandard, anchor, pubkey, pubkeyhash, scripthash, multisig, nulldata, witness_v0_scripthash, " \
    "witness_v0_keyhash, witness_v1_taproot, witness_unknown"

/* The method groups (ended by name == NULL), listed by catalog.c. */
extern const sato_rpc_method_t sato_rpc_spec_blockchain[];
extern const sato_rpc_method_t sato_rpc_spec_mempool[];
extern const sato_rpc_method_t sato_rpc_spec_mining[];
extern const sato_rpc_method_t sato_rpc_spec_net[];
extern const sato_rpc_method_t sato_rpc_spec_rawtransaction[];
extern const sato_rpc_method_t sato_rpc_spec_util[];
extern const sato_rpc_method_t sato_rpc_spec_control[];

/* The fields of Core's TxDoc() (a decoded transaction), with the txid's
 * description given: for the result lists of several methods. */
#define DOC_TX_FIELDS(txid_doc)                                                                              \
    RES(STR_HEX, "txid", txid_doc),                                                                          \
        RES(STR_HEX, "hash", "The transaction hash (differs from txid for witness transactions)"),          \
        RES(NUM, "size", "The serialized transaction size"),                                                \
        RES(NUM, "vsize", "The virtual transaction size (differs from size for witness transactions)"),     \
        RES(NUM, "weight", "The transaction's weight (between vsize*4-3 and vsize*4)"),                     \
        RES(NUM, "version", "The version"), RES(TIME, "locktime", "The lock time"),                         \
        RES(ARR, "vin", "", .inner = RESULTS(RES(OBJ, "", "", .inner = sato_rpc_doc_vin_item))),           \
        RES(ARR, "vout", "", .inner = RESULTS(RES(OBJ, "", "", .inner = sato_rpc_doc_vout_item)))

/* Result parts several methods share (spec_tx.c). */
/* Core's ScriptPubKeyDoc(): asm, desc, hex, address, type. */
extern const sato_rpc_result_t sato_rpc_doc_script_pubkey[];
/* Core's TxDoc() as decoderawtransaction prints it. */
extern const sato_rpc_result_t sato_rpc_doc_tx[];
/* The members of a vin element (TxDoc's vin_inner, without prevout). */
extern const sato_rpc_result_t sato_rpc_doc_vin_item[];
/* The members of a vout element. */
extern const sato_rpc_result_t sato_rpc_doc_vout_item[];
/* A vin element's prevout object (TxDoc with prevout). */
extern const sato_rpc_result_t sato_rpc_doc_prevout[];

#endif
