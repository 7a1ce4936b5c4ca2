/* The raw transaction methods' interface (handlers in getrawtransaction.c
 * and rawtransaction.c), in Core's layout. */
#include "spec.h"

const sato_rpc_method_t sato_rpc_spec_rawtransaction[] = {
    {
        .category = "rawtransactions",
        .name = "decoderawtransaction",
        .description = "Returns the JSON object of a serialized, hex-encoded transaction.",
        .args = ARGS(REQ("hexstring", STR_HEX, "The transaction, hex-encoded"),
                     HINT("iswitness", BOOL, "depends on heuristic tests",
                          "Whether the hex is a transaction in the witness serialization.\n"
                          "Without it, both readings are tried and the one that looks sane is taken.\n"
                          "true: only the witness serialization is tried.\n"
                          "false: only the legacy serialization is tried.\n"
                          "A transaction with inputs (any valid or confirmed one) should be read with true.")),
        .results = RESULTS(RES(OBJ, "", "", .inner = sato_rpc_doc_tx)),
        .examples = EX_BOTH("decoderawtransaction", "\"hexstring\""),
    },
    {
        .category = "rawtransactions",
        .name = "decodescript",
        .description = "Decodes a hex-encoded script.",
        .args = ARGS(REQ("hexstring", STR_HEX, "the script, hex-encoded")),
        .results = RESULTS(RES(
            OBJ, "", "",
            .inner = RESULTS(
                RES(STR, "asm", "The script, disassembled"),
                RES(STR, "desc", "The descriptor inferred for the script"),
                RES(STR, "type", "The output type (one of " OUTPUT_TYPES ")"),
                RES_OPT(STR, "address", "The address it pays (only where there is one)"),
                RES_OPT(STR, "p2sh",
                        "the address of the P2SH script wrapping it as a redeem script (not for types that should "
                        "not be wrapped)"),
                RES_OPT(OBJ, "segwit",
                        "the witness output script wrapping it as a redeem script (not for types that should not be "
                        "wrapped)",
                        .inner = RESULTS(
                            RES(STR, "asm", "The output script, disassembled"),
                            RES(STR_HEX, "hex", "The output script, hex-encoded"),
                            RES(STR, "type", "Its type (witness_v0_keyhash or witness_v0_scripthash)"),
                            RES_OPT(STR, "address", "The address it pays (only where there is one)"),
                            RES(STR, "desc", "The descriptor inferred for it"),
                            RES(STR, "p2sh-segwit", "the address of the P2SH script wrapping this witness script")))))),
        .examples = EX_BOTH("decodescript", "\"hexstring\""),
    },
    {
        .category = "rawtransactions",
        .name = "getrawtransaction",
        .description =
            "Returns a transaction: from the block given as blockhash (which must be available and hold it),\n"
            "or, without blockhash, from the mempool or (with -txindex) from any block of the active chain.\n\n"
            "Hint: wallet transactions are gettransaction's.\n\n"
            "With verbosity 0 or none, the serialized transaction, hex-encoded.\n"
            "With verbosity 1, a JSON object describing it.\n"
            "With verbosity 2, that object with the fee and each input's prevout as well.",
        .args = ARGS(REQ("txid", STR_HEX, "The transaction id"),
                     DEF("verbosity|verbose", NUM, "0",
                         "0 for the hex-encoded data, 1 for a JSON object, 2 for a JSON object with the fee and the "
                         "prevouts",
                         .opts = SATO_RPC_ARG_SKIP_TYPE_CHECK),
                     OPT("blockhash", STR_HEX, "The block to look in")),
        .results = RESULTS(
            RES(STR, "data", "The serialized transaction, hex-encoded", .cond = "if verbosity is not set or set to 0"),
            RES(OBJ, "", "", .cond = "if verbosity is set to 1",
                .inner = RESULTS(
                    RES_OPT(BOOL, "in_active_chain",
                            "whether the given block is in the active chain (only with a \"blockhash\" argument)"),
                    RES_OPT(STR_HEX, "blockhash", "the hash of the block holding it"),
                    RES_OPT(NUM, "confirmations", "The number of confirmations"),
                    RES_OPT(TIME, "blocktime", "The block's time, in " UNIX_EPOCH_TIME),
                    RES_OPT(NUM, "time", "Same as \"blocktime\""),
                    RES(STR_HEX, "hex", "The serialized transaction, hex-encoded"),
                    DOC_TX_FIELDS("The transaction id (same as provided)"))),
            RES(OBJ, "", "", .cond = "for verbosity = 2",
                .inner = RESULTS(
                    ELIDED("Same output as verbosity = 1"),
                    RES_OPT(NUM, "fee", "the transaction's fee in BTC, left out if the block's undo data is not available"),
                    RES(ARR, "vin", "",
                        .inner = RESULTS(RES(
                            OBJ, "", "the output spent",
                            .inner = RESULTS(ELIDED("Same vin fields as verbosity = 1"),
                                             RES_OPT(OBJ, "prevout",
                                                     "The output spent, left out if the block's undo data is not "
                                                     "available",
                                                     .inner = sato_rpc_doc_prevout)))))))),
        .examples = EX_CLI("getrawtransaction", "\"mytxid\"") EX_CLI("getrawtransaction", "\"mytxid\" 1")
            EX_RPC("getrawtransaction", "\"mytxid\", 1") EX_CLI("getrawtransaction", "\"mytxid\" 0 \"myblockhash\"")
                EX_CLI("getrawtransaction", "\"mytxid\" 1 \"myblockhash\"")
                    EX_CLI("getrawtransaction", "\"mytxid\" 2 \"myblockhash\""),
        .flags = SATO_RPC_CHAIN,
    },
    {0},
};

const sato_rpc_method_t sato_rpc_spec_util[] = {
    {
        .category = "util",
        .name = "validateaddress",
        .description = "Return information about the given bitcoin address.",
        .args = ARGS(REQ("address", STR, "The address to check")),
        .results = RESULTS(RES(
            OBJ, "", "",
            .inner = RESULTS(
                RES(BOOL, "isvalid", "Whether the address is valid"),
                RES_OPT(STR, "address", "The address, as it is written"),
                RES_OPT(STR_HEX, "scriptPubKey", "The output script paying it, hex-encoded"),
                RES_OPT(BOOL, "isscript", "Whether it pays a script"),
                RES_OPT(BOOL, "iswitness", "Whether it is a witness address"),
                RES_OPT(NUM, "witness_version", "Its witness version"),
                RES_OPT(STR_HEX, "witness_program", "Its witness program, hex-encoded"),
                RES_OPT(STR, "error", "What is wrong with it, if anything"),
                RES_OPT(ARR, "error_locations",
                        "Where in the address the errors likely are, if known (Bech32 errors, say)",
                        .inner = RESULTS(RES(NUM, "index", "the index of a likely error")))))),
        .examples = EX_BOTH("validateaddress", "\"bc1q09vm5lfy0j5reeulh4x5752q25uqqvz34hufdl\""),
    },
    {0},
};
