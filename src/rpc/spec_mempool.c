/* The mempool methods' interface (handlers in mempool.c), in Core 31's
 * layout. */
#include "spec.h"

#define MAXFEERATE_ARG                                                                                        \
    DEF("maxfeerate", AMOUNT, "0.10",                                                                         \
        "Reject transactions whose fee rate is higher than the specified value, expressed in BTC/kvB.\n"      \
        "Fee rates larger than 1BTC/kvB are rejected.\nSet to 0 to accept any fee rate.")

/* Core's MempoolEntryDescription(). */
static const sato_rpc_result_t entry_doc[] = {
    RES(NUM, "vsize",
        "virtual transaction size as defined in BIP 141 (sigops-adjusted). This is different from actual serialized "
        "size for witness transactions as witness data is discounted."),
    RES(NUM, "weight", "transaction weight as defined in BIP 141."),
    RES(TIME, "time", "local time transaction entered pool in seconds since 1 Jan 1970 GMT"),
    RES(NUM, "height", "block height when transaction entered pool"),
    RES(NUM, "descendantcount", "number of in-mempool descendant transactions (including this one)"),
    RES(NUM, "descendantsize", "virtual transaction size of in-mempool descendants (including this one)"),
    RES(NUM, "ancestorcount", "number of in-mempool ancestor transactions (including this one)"),
    RES(NUM, "ancestorsize", "virtual transaction size of in-mempool ancestors (including this one)"),
    RES(NUM, "chunkweight",
        "sigops-adjusted weight (as defined in BIP 141 and modified by '-bytespersigop') of this transaction's chunk"),
    RES(STR_HEX, "wtxid", "hash of serialized transaction, including witness data"),
    RES(OBJ, "fees", "",
        .inner = RESULTS(
            RES(AMOUNT, "base", "transaction fee, denominated in BTC"),
            RES(AMOUNT, "modified",
                "transaction fee with fee deltas used for mining priority, denominated in BTC (no "
                "prioritisetransaction here: the base fee)"),
            RES(AMOUNT, "ancestor", "transaction fees of in-mempool ancestors (including this one), denominated in BTC"),
            RES(AMOUNT, "descendant",
                "transaction fees of in-mempool descendants (including this one), denominated in BTC"),
            RES(AMOUNT, "chunk", "transaction fees of chunk, denominated in BTC"))),
    RES(ARR, "depends", "unconfirmed transactions used as inputs for this transaction",
        .inner = RESULTS(RES(STR_HEX, "transactionid", "parent transaction id"))),
    RES(ARR, "spentby", "unconfirmed transactions spending outputs from this transaction",
        .inner = RESULTS(RES(STR_HEX, "transactionid", "child transaction id"))),
    RES(BOOL, "unbroadcast",
        "Whether this transaction is currently unbroadcast (always false: this node does not relay transactions yet)"),
    {0},
};

#define TXID_ARG REQ("txid", STR_HEX, "The transaction id (must be in mempool)")
#define VERBOSE_ARG DEF("verbose", BOOL, "false", "True for a json object, false for array of transaction ids")
#define ENTRY_MAP(cond_text)                                                                              \
    RES(OBJ_DYN, "", "", .cond = cond_text,                                                               \
        .inner = RESULTS(RES(OBJ, "transactionid", "", .inner = entry_doc)))

const sato_rpc_method_t sato_rpc_spec_mempool[] = {
    {
        .category = "blockchain",
        .name = "getmempoolancestors",
        .description = "If txid is in the mempool, returns all in-mempool ancestors.\n",
        .args = ARGS(TXID_ARG, VERBOSE_ARG),
        .results = RESULTS(RES(ARR, "", "", .cond = "for verbose = false",
                               .inner = RESULTS(RES(STR_HEX, "", "The transaction id of an in-mempool ancestor transaction"))),
                           ENTRY_MAP("for verbose = true")),
        .examples = EX_BOTH("getmempoolancestors", "\"mytxid\""),
        .flags = SATO_RPC_CHAIN,
    },
    {
        .category = "blockchain",
        .name = "getmempooldescendants",
        .description = "If txid is in the mempool, returns all in-mempool descendants.\n",
        .args = ARGS(TXID_ARG, VERBOSE_ARG),
        .results = RESULTS(RES(ARR, "", "", .cond = "for verbose = false",
                               .inner = RESULTS(RES(STR_HEX, "", "The transaction id of an in-mempool descendant transaction"))),
                           ENTRY_MAP("for verbose = true")),
        .examples = EX_BOTH("getmempooldescendants", "\"mytxid\""),
        .flags = SATO_RPC_CHAIN,
    },
    {
        .category = "blockchain",
        .name = "getmempoolentry",
        .description = "Returns mempool data for given transaction\n",
        .args = ARGS(TXID_ARG),
        .results = RESULTS(RES(OBJ, "", "", .inner = entry_doc)),
        .examples = EX_BOTH("getmempoolentry", "\"mytxid\""),
        .flags = SATO_RPC_CHAIN,
    },
    {
        .category = "blockchain",
        .name = "getmempoolinfo",
        .description = "Returns details on the active state of the TX memory pool.",
        .results = RESULTS(RES(
            OBJ, "", "",
            .inner = RESULTS(
                RES(BOOL, "loaded",
                    "True if the initial load attempt of the persisted mempool finished (always true: the pool is not "
                    "saved yet)"),
                RES(NUM, "size", "Current tx count"),
                RES(NUM, "bytes",
                    "Sum of all virtual transaction sizes as defined in BIP 141. Differs from actual serialized size "
                    "because witness data is discounted"),
                RES(NUM, "usage", "Total memory usage for the mempool"),
                RES(AMOUNT, "total_fee", "Total fees for the mempool in BTC, ignoring modified fees through prioritisetransaction"),
                RES(NUM, "maxmempool", "Maximum memory usage for the mempool (not enforced yet)"),
                RES(AMOUNT, "mempoolminfee",
                    "Minimum fee rate in BTC/kvB for tx to be accepted. Is the maximum of minrelaytxfee and minimum "
                    "mempool fee"),
                RES(AMOUNT, "minrelaytxfee", "Current minimum relay fee for transactions"),
                RES(AMOUNT, "incrementalrelayfee",
                    "minimum fee rate increment for mempool limiting or replacement in BTC/kvB"),
                RES(NUM, "unbroadcastcount", "Current number of transactions that haven't passed initial broadcast yet"),
                RES(BOOL, "permitbaremultisig", "True if the mempool accepts transactions with bare multisig outputs"),
                RES(NUM, "maxdatacarriersize", "Maximum number of bytes that can be used by OP_RETURN outputs in the mempool"),
                RES(NUM, "limitclustercount", "Maximum number of transactions that can be in a cluster"),
                RES(NUM, "limitclustersize", "Maximum size of a cluster in virtual bytes"),
                RES(BOOL, "optimal",
                    "If the mempool is in a known-optimal transaction ordering (always false: clusters are ordered "
                    "greedily)")))),
        .examples = EX_BOTH("getmempoolinfo", ""),
        .flags = SATO_RPC_CHAIN,
    },
    {
        .category = "blockchain",
        .name = "getrawmempool",
        .description = "Returns all transaction ids in memory pool as a json array of string transaction ids.\n"
                       "\nHint: use getmempoolentry to fetch a specific transaction from the mempool.\n",
        .args = ARGS(VERBOSE_ARG,
                     DEF("mempool_sequence", BOOL, "false",
                         "If verbose=false, returns a json object with transaction list and mempool sequence number "
                         "attached.")),
        .results = RESULTS(
            RES(ARR, "", "", .cond = "for verbose = false", .inner = RESULTS(RES(STR_HEX, "", "The transaction id"))),
            ENTRY_MAP("for verbose = true"),
            RES(OBJ, "", "", .cond = "for verbose = false and mempool_sequence = true",
                .inner = RESULTS(RES(ARR, "txids", "", .inner = RESULTS(RES(STR_HEX, "", "The transaction id"))),
                                 RES(NUM, "mempool_sequence", "The mempool sequence value.")))),
        .examples = EX_BOTH("getrawmempool", "true"),
        .flags = SATO_RPC_CHAIN,
    },
    {
        .category = "rawtransactions",
        .name = "sendrawtransaction",
        .description =
            "Submit a raw transaction (serialized, hex-encoded) to the local mempool.\n"
            "\nThis node does not relay transactions to its peers yet: the transaction stays in this node's mempool\n"
            "until a block holds it.\n"
            "\nA specific exception, RPC_TRANSACTION_ALREADY_IN_UTXO_SET, may throw if the transaction cannot be added "
            "to the mempool.\n",
        .args = ARGS(REQ("hexstring", STR_HEX, "The hex string of the raw transaction"), MAXFEERATE_ARG,
                     DEF("maxburnamount", AMOUNT, "0.00",
                         "Reject transactions with provably unspendable outputs (e.g. 'datacarrier' outputs that use "
                         "the OP_RETURN opcode) greater than the specified value, expressed in BTC.\n"
                         "If burning funds through unspendable outputs is desired, increase this value.\n"
                         "This check is based on heuristics and does not guarantee spendability of outputs.\n")),
        .results = RESULTS(RES(STR_HEX, "", "The transaction hash in hex")),
        .examples = "\nSend the transaction (signed hex)\n" EX_CLI("sendrawtransaction", "\"signedhex\"")
            "\nAs a JSON-RPC call\n" EX_RPC("sendrawtransaction", "\"signedhex\""),
        .flags = SATO_RPC_CHAIN,
    },
    {
        .category = "rawtransactions",
        .name = "testmempoolaccept",
        .description =
            "Returns result of mempool acceptance tests indicating if raw transaction(s) (serialized, hex-encoded) "
            "would be accepted by mempool.\n"
            "\nThis node tests one transaction at a time: packages (several transactions) are not supported yet.\n"
            "\nThis checks if transactions violate the consensus or policy rules.\n"
            "\nSee sendrawtransaction call.\n",
        .args = ARGS(REQ("rawtxs", ARR, "An array of hex strings of raw transactions.",
                         .inner = ARGS(OPT("rawtx", STR_HEX, ""))),
                     MAXFEERATE_ARG),
        .results = RESULTS(RES(
            ARR, "",
            "The result of the mempool acceptance test for each raw transaction in the input array.\n"
            "Returns results for each transaction in the same order they were passed in.\n",
            .inner = RESULTS(RES(
                OBJ, "", "",
                .inner = RESULTS(
                    RES(STR_HEX, "txid", "The transaction hash in hex"),
                    RES(STR_HEX, "wtxid", "The transaction witness hash in hex"),
                    RES_OPT(BOOL, "allowed",
                            "Whether this tx would be accepted to the mempool and pass client-specified maxfeerate."),
                    RES_OPT(NUM, "vsize",
                            "Virtual transaction size as defined in BIP 141. This is different from actual serialized "
                            "size for witness transactions as witness data is discounted (only present when 'allowed' "
                            "is true)"),
                    RES_OPT(OBJ, "fees", "Transaction fees (only present if 'allowed' is true)",
                            .inner = RESULTS(
                                RES(AMOUNT, "base", "transaction fee in BTC"),
                                RES(AMOUNT, "effective-feerate", "the effective feerate in BTC per KvB."),
                                RES(ARR, "effective-includes",
                                    "transactions whose fees and vsizes are included in effective-feerate.",
                                    .inner = RESULTS(RES(STR_HEX, "", "transaction wtxid in hex"))))),
                    RES_OPT(STR, "reject-reason", "Rejection reason (only present when 'allowed' is false)"),
                    RES_OPT(STR, "reject-details",
                            "Rejection details (only present when 'allowed' is false and rejection details "
                            "exist)")))))),
        .examples = "\nTest acceptance of the transaction (signed hex)\n" EX_CLI("testmempoolaccept", "'[\"signedhex\"]'")
            "\nAs a JSON-RPC call\n" EX_RPC("testmempoolaccept", "[\"signedhex\"]"),
        .flags = SATO_RPC_CHAIN,
    },
    {0},
};
