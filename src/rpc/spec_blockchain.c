/* The blockchain methods' interface (handlers in blockchain.c). getblock,
 * getblockheader and getblockchaininfo print Bitcoin Core's help word for
 * word (test/functional/data/core_help/ holds Core's text); the others
 * follow Core's layout, names and types in Sato's words, and say where
 * Sato answers differently. */
#include "spec.h"

#define BLOCKHASH_EXAMPLE "\"00000000c937983704a73af28acdec37b049d214adbda81d7e2a3dd146f6ed09\""

/* getblock's fields around "tx" (Core's GetBlockFields). */
#define BLOCK_FIELDS_BEFORE_TX                                                                            \
    RES(STR_HEX, "hash", "the block hash (same as provided)"),                                            \
        RES(NUM, "confirmations", "The number of confirmations, or -1 if the block is not on the main chain"), \
        RES(NUM, "size", "The block size"), RES(NUM, "strippedsize", "The block size excluding witness data"), \
        RES(NUM, "weight", "The block weight as defined in BIP 141"),                                     \
        RES(OBJ, "coinbase_tx", "Coinbase transaction metadata",                                          \
            .inner = RESULTS(                                                                             \
                RES(NUM, "version", "The coinbase transaction version"),                                  \
                RES(NUM, "locktime", "The coinbase transaction's locktime (nLockTime)"),                  \
                RES(NUM, "sequence", "The coinbase input's sequence number (nSequence)"),                 \
                RES(STR_HEX, "coinbase", "The coinbase input's script"),                                  \
                RES_OPT(STR_HEX, "witness",                                                               \
                        "The coinbase input's first (and only) witness stack element, if present"))),     \
        RES(NUM, "height", "The block height or index"), RES(NUM, "version", "The block version"),        \
        RES(STR_HEX, "versionHex", "The block version formatted in hexadecimal"),                         \
        RES(STR_HEX, "merkleroot", "The merkle root")
#define BLOCK_FIELDS_AFTER_TX                                                                             \
    RES(TIME, "time", "The block time expressed in " UNIX_EPOCH_TIME),                                    \
        RES(TIME, "mediantime", "The median block time expressed in " UNIX_EPOCH_TIME),                   \
        RES(NUM, "nonce", "The nonce"),                                                                   \
        RES(STR_HEX, "bits", "nBits: compact representation of the block difficulty target"),             \
        RES(STR_HEX, "target", "The difficulty target"), RES(NUM, "difficulty", "The difficulty"),        \
        RES(STR_HEX, "chainwork",                                                                         \
            "Expected number of hashes required to produce the chain up to this block (in hex)"),         \
        RES(NUM, "nTx", "The number of transactions in the block"),                                       \
        RES_OPT(STR_HEX, "previousblockhash", "The hash of the previous block (if available)"),          \
        RES_OPT(STR_HEX, "nextblockhash", "The hash of the next block (if available)")

const sato_rpc_method_t sato_rpc_spec_blockchain[] = {
    {
        .category = "blockchain",
        .name = "getbestblockhash",
        .description = "Returns the hash of the tip of the most-work fully-validated chain.",
        .results = RESULTS(RES(STR_HEX, "", "the tip's hash, hex-encoded")),
        .examples = EX_BOTH("getbestblockhash", ""),
        .flags = SATO_RPC_CHAIN,
    },
    {
        .category = "blockchain",
        .name = "getblock",
        .description =
            "If verbosity is 0, returns a string that is serialized, hex-encoded data for block 'hash'.\n"
            "If verbosity is 1, returns an Object with information about block <hash>.\n"
            "If verbosity is 2, returns an Object with information about block <hash> and information about each "
            "transaction.\n"
            "If verbosity is 3, returns an Object with information about block <hash> and information about each "
            "transaction, including prevout information for inputs (only for unpruned blocks in the current best "
            "chain).\n",
        .args = ARGS(REQ("blockhash", STR_HEX, "The block hash"),
                     DEF("verbosity|verbose", NUM, "1",
                         "0 for hex-encoded data, 1 for a JSON object, 2 for JSON object with transaction data, and 3 "
                         "for JSON object with transaction data including prevout information for inputs",
                         .opts = SATO_RPC_ARG_SKIP_TYPE_CHECK)),
        .results = RESULTS(
            RES(STR_HEX, "", "A string that is serialized, hex-encoded data for block 'hash'",
                .cond = "for verbosity = 0"),
            RES(OBJ, "", "", .cond = "for verbosity = 1",
                .inner = RESULTS(BLOCK_FIELDS_BEFORE_TX,
                                 RES(ARR, "tx", "The transaction ids",
                                     .inner = RESULTS(RES(STR_HEX, "", "The transaction id"))),
                                 BLOCK_FIELDS_AFTER_TX)),
            RES(OBJ, "", "", .cond = "for verbosity = 2",
                .inner = RESULTS(
                    ELIDED("Same output as verbosity = 1"),
                    RES(ARR, "tx", "",
                        .inner = RESULTS(RES(
                            OBJ, "", "",
                            .inner = RESULTS(ELIDED("The transactions in the format of the getrawtransaction RPC. "
                                                    "Different from verbosity = 1 \"tx\" result"),
                                             RES_OPT(NUM, "fee",
                                                     "The transaction fee in BTC, omitted if block undo data is "
                                                     "not available"))))))),
            RES(OBJ, "", "", .cond = "for verbosity = 3",
                .inner = RESULTS(
                    ELIDED("Same output as verbosity = 2"),
                    RES(ARR, "tx", "",
                        .inner = RESULTS(RES(
                            OBJ, "", "",
                            .inner = RESULTS(RES(
                                ARR, "vin", "",
                                .inner = RESULTS(RES(
                                    OBJ, "", "",
                                    .inner = RESULTS(ELIDED("The same output as verbosity = 2"),
                                                     RES_OPT(OBJ, "prevout",
                                                             "(Only if undo information is available)",
                                                             .inner = sato_rpc_doc_prevout)))))))))))),
        .examples = EX_BOTH("getblock", BLOCKHASH_EXAMPLE),
        .flags = SATO_RPC_CHAIN,
    },
    {
        .category = "blockchain",
        .name = "getblockchaininfo",
        .description = "Returns an object containing various state info regarding blockchain processing.\n",
        .results = RESULTS(RES(
            OBJ, "", "",
            .inner = RESULTS(
                RES(STR, "chain", "current network name (main, test, testnet4, signet, regtest)"),
                RES(NUM, "blocks", "the height of the most-work fully-validated chain. The genesis block has height 0"),
                RES(NUM, "headers", "the current number of headers we have validated"),
                RES(STR, "bestblockhash", "the hash of the currently best block"),
                RES(STR_HEX, "bits", "nBits: compact representation of the block difficulty target"),
                RES(STR_HEX, "target", "the difficulty target"),
                RES(NUM, "difficulty", "the current difficulty"),
                RES(TIME, "time", "the block time expressed in " UNIX_EPOCH_TIME),
                RES(TIME, "mediantime", "the median block time expressed in " UNIX_EPOCH_TIME),
                RES(NUM, "verificationprogress", "estimate of verification progress [0..1]"),
                RES(BOOL, "initialblockdownload",
                    "(debug information) estimate of whether this node is in Initial Block Download mode"),
                RES_OPT(OBJ, "backgroundvalidation", "state info regarding background validation process",
                        .inner = RESULTS(
                            RES(NUM, "snapshotheight",
                                "the height of the snapshot block. Background validation verifies the chain from "
                                "genesis up to this height"),
                            RES(NUM, "blocks",
                                "the height of the most-work background fully-validated chain. The genesis block "
                                "has height 0"),
                            RES(STR, "bestblockhash", "the hash of the currently best block validated in the background"),
                            RES(TIME, "mediantime", "the median block time expressed in " UNIX_EPOCH_TIME),
                            RES(NUM, "verificationprogress", "estimate of background verification progress [0..1]"),
                            RES(STR_HEX, "chainwork",
                                "total amount of work in background validated chain, in hexadecimal"))),
                RES(STR_HEX, "chainwork", "total amount of work in active chain, in hexadecimal"),
                RES(NUM, "size_on_disk", "the estimated size of the block and undo files on disk"),
                RES(BOOL, "pruned", "if the blocks are subject to pruning"),
                RES_OPT(NUM, "pruneheight",
                        "the first block unpruned, all previous blocks were pruned (only present if pruning is "
                        "enabled)"),
                RES_OPT(BOOL, "automatic_pruning",
                        "whether automatic pruning is enabled (only present if pruning is enabled)"),
                RES_OPT(NUM, "prune_target_size",
                        "the target size used by pruning (only present if automatic pruning is enabled)"),
                RES_OPT(STR_HEX, "signet_challenge",
                        "the block challenge (aka. block script), in hexadecimal (only present if the current "
                        "network is a signet)"),
                RES(ARR, "warnings",
                    "any network and blockchain warnings (run with `-deprecatedrpc=warnings` to return the latest "
                    "warning as a single string)",
                    .inner = RESULTS(RES(STR, "", "warning")))))),
        .examples = EX_BOTH("getblockchaininfo", ""),
        .flags = SATO_RPC_CHAIN,
    },
    {
        .category = "blockchain",
        .name = "getblockcount",
        .description = "Returns the height of the most-work fully-validated chain (the genesis block is at height 0).",
        .results = RESULTS(RES(NUM, "", "the tip's height")),
        .examples = EX_BOTH("getblockcount", ""),
        .flags = SATO_RPC_CHAIN,
    },
    {
        .category = "blockchain",
        .name = "getblockhash",
        .description = "Returns the hash of the block at the given height of the active chain.",
        .args = ARGS(REQ("height", NUM, "The height")),
        .results = RESULTS(RES(STR_HEX, "", "The block's hash")),
        .examples = EX_BOTH("getblockhash", "1000"),
        .flags = SATO_RPC_CHAIN,
    },
    {
        .category = "blockchain",
        .name = "getblockheader",
        .description =
            "If verbose is false, returns a string that is serialized, hex-encoded data for blockheader 'hash'.\n"
            "If verbose is true, returns an Object with information about blockheader <hash>.\n",
        .args = ARGS(REQ("blockhash", STR_HEX, "The block hash"),
                     DEF("verbose", BOOL, "true", "true for a json object, false for the hex-encoded data")),
        .results = RESULTS(
            RES(OBJ, "", "", .cond = "for verbose = true",
                .inner = RESULTS(
                    RES(STR_HEX, "hash", "the block hash (same as provided)"),
                    RES(NUM, "confirmations",
                        "The number of confirmations, or -1 if the block is not on the main chain"),
                    RES(NUM, "height", "The block height or index"), RES(NUM, "version", "The block version"),
                    RES(STR_HEX, "versionHex", "The block version formatted in hexadecimal"),
                    RES(STR_HEX, "merkleroot", "The merkle root"),
                    RES(TIME, "time", "The block time expressed in " UNIX_EPOCH_TIME),
                    RES(TIME, "mediantime", "The median block time expressed in " UNIX_EPOCH_TIME),
                    RES(NUM, "nonce", "The nonce"),
                    RES(STR_HEX, "bits", "nBits: compact representation of the block difficulty target"),
                    RES(STR_HEX, "target", "The difficulty target"), RES(NUM, "difficulty", "The difficulty"),
                    RES(STR_HEX, "chainwork", "Expected number of hashes required to produce the current chain"),
                    RES(NUM, "nTx", "The number of transactions in the block"),
                    RES_OPT(STR_HEX, "previousblockhash", "The hash of the previous block (if available)"),
                    RES_OPT(STR_HEX, "nextblockhash", "The hash of the next block (if available)"))),
            RES(STR_HEX, "", "A string that is serialized, hex-encoded data for block 'hash'",
                .cond = "for verbose=false")),
        .examples = EX_BOTH("getblockheader", BLOCKHASH_EXAMPLE),
        .flags = SATO_RPC_CHAIN,
    },
    {
        .category = "blockchain",
        .name = "getchaintips",
        .description = "Returns every known tip of the block tree: the active chain's and those of side branches.",
        .results = RESULTS(RES(
            ARR, "", "",
            .inner = RESULTS(RES(
                OBJ, "", "",
                .inner = RESULTS(
                    RES(NUM, "height", "the tip's height"), RES(STR_HEX, "hash", "the tip's hash"),
                    RES(NUM, "branchlen", "0 for the active chain, else the length of the branch back to it"),
                    RES(STR, "status",
                        "what is known of the branch, one of:\n"
                        "1.  \"invalid\"               it holds at least one invalid block\n"
                        "2.  \"headers-only\"          some of its blocks are missing; the headers are valid\n"
                        "3.  \"valid-headers\"         every block is here, not all of them fully validated\n"
                        "4.  \"valid-fork\"            fully validated, but not the active chain\n"
                        "5.  \"active\"                the tip of the active chain")))))),
        .examples = EX_BOTH("getchaintips", ""),
        .flags = SATO_RPC_CHAIN,
    },
    {
        .category = "blockchain",
        .name = "getdifficulty",
        .description = "Returns the tip's proof-of-work difficulty, as a multiple of the minimum difficulty.",
        .results = RESULTS(RES(NUM, "", "the difficulty, as a multiple of the minimum difficulty")),
        .examples = EX_BOTH("getdifficulty", ""),
        .flags = SATO_RPC_CHAIN,
    },
    {
        .category = "blockchain",
        .name = "gettxout",
        .description = "Returns an unspent transaction output of the active chain's UTXO set.",
        .args = ARGS(REQ("txid", STR, "The transaction id"), REQ("n", NUM, "The output's index"),
                     DEF("include_mempool", BOOL, "true",
                         "Whether to include the mempool. Note that an unspent output that is spent in the mempool "
                         "won't appear.")),
        .results = RESULTS(
            RES(NONE, "", "", .cond = "If the output is not in the UTXO set"),
            RES(OBJ, "", "", .cond = "Otherwise",
                .inner = RESULTS(
                    RES(STR_HEX, "bestblock", "the hash of the tip the answer is for"),
                    RES(NUM, "confirmations", "The number of confirmations"),
                    RES(AMOUNT, "value", "The output's value in BTC"),
                    RES(OBJ, "scriptPubKey", "",
                        .inner = RESULTS(RES(STR, "asm", "The output script, disassembled"),
                                         RES(STR, "desc", "The descriptor inferred for the output"),
                                         RES(STR_HEX, "hex", "The output script, hex-encoded"),
                                         RES(STR, "type", "The output's type, e.g. pubkeyhash"),
                                         RES_OPT(STR, "address", "The address it pays (only where there is one)"))),
                    RES(BOOL, "coinbase", "Whether a coinbase transaction made it")))),
        .examples = "\nThe output to look at\n" EX_CLI("gettxout", "\"txid\" 1") "\nThe same over JSON-RPC\n" EX_RPC(
            "gettxout", "\"txid\", 1"),
        .flags = SATO_RPC_CHAIN,
    },
    {
        .category = "blockchain",
        .name = "gettxoutsetinfo",
        .description = "Returns figures about the UTXO set (the whole set is read, which takes time on a big one).",
        .args = ARGS(
            DEF("hash_type", STR, "\"hash_serialized_3\"",
                "Which hash of the UTXO set to compute: 'hash_serialized_3' (the legacy algorithm), 'muhash' or "
                "'none'. This node does not compute 'muhash' yet."),
            HINT("hash_or_height", NUM, "the current best block",
                 "The hash or the height of the block to report on (only with coinstatsindex, which this node does "
                 "not have).",
                 .opts = SATO_RPC_ARG_SKIP_TYPE_CHECK | SATO_RPC_ARG_CLI_JSON_OR_STRING,
                 .type_str = "string or numeric"),
            DEF("use_index", BOOL, "true", "Whether to use coinstatsindex where there is one (never, on this node).")),
        .results = RESULTS(RES(
            OBJ, "", "",
            .inner = RESULTS(
                RES(NUM, "height", "the height of the block the figures are for"),
                RES(STR_HEX, "bestblock", "the hash of that block"),
                RES(NUM, "txouts", "how many unspent outputs there are"),
                RES(NUM, "bogosize", "a size of the set that does not depend on the database (a rough measure)"),
                RES_OPT(STR_HEX, "hash_serialized_3", "the set's hash (only with hash_type 'hash_serialized_3')"),
                RES_OPT(STR_HEX, "muhash", "the set's MuHash (only with hash_type 'muhash'; never on this node)"),
                RES_OPT(NUM, "transactions", "how many transactions have unspent outputs (not with coinstatsindex)"),
                RES_OPT(NUM, "disk_size", "the chain state's estimated size on disk (not with coinstatsindex)"),
                RES(AMOUNT, "total_amount", "the total value of the set"),
                RES_OPT(AMOUNT, "total_unspendable_amount",
                        "the total value that left the set for good (only with coinstatsindex; never on this node)"),
                RES_OPT(OBJ, "block_info",
                        "the amounts of the block at this height (only with coinstatsindex; never on this node)",
                        .inner = RESULTS(
                            RES(AMOUNT, "prevout_spent", "the total value of the outputs the block spent"),
                            RES(AMOUNT, "coinbase", "the coinbase's subsidy"),
                            RES(AMOUNT, "new_outputs_ex_coinbase", "the total value of its other new outputs"),
                            RES(AMOUNT, "unspendable", "the total value of its unspendable new outputs"),
                            RES(OBJ, "unspendables", "the unspendable amounts by kind",
                                .inner = RESULTS(
                                    RES(AMOUNT, "genesis_block", "the genesis block's subsidy"),
                                    RES(AMOUNT, "bip30", "outputs overwritten by duplicate transactions (BIP30)"),
                                    RES(AMOUNT, "scripts", "outputs to unspendable scripts (OP_RETURN ones, say)"),
                                    RES(AMOUNT, "unclaimed_rewards",
                                        "subsidy and fees a coinbase did not claim")))))))),
        .examples = EX_CLI("gettxoutsetinfo", "") EX_CLI("gettxoutsetinfo", "\"none\"") EX_CLI(
            "gettxoutsetinfo", "\"none\" 1000") EX_CLI("gettxoutsetinfo", "\"none\" '" BLOCKHASH_EXAMPLE "'")
            EX_CLI("-named gettxoutsetinfo", "hash_type='muhash' use_index='false'") EX_RPC("gettxoutsetinfo", "")
                EX_RPC("gettxoutsetinfo", "\"none\"") EX_RPC("gettxoutsetinfo", "\"none\", 1000")
                    EX_RPC("gettxoutsetinfo", "\"none\", " BLOCKHASH_EXAMPLE),
        .flags = SATO_RPC_CHAIN,
    },
    {
        .category = "hidden",
        .name = "invalidateblock",
        .description = "Marks a block invalid for good, as if it broke a consensus rule; the chain moves off it.",
        .args = ARGS(REQ("blockhash", STR_HEX, "the hash of the block to mark invalid")),
        .results = RESULTS(RES(NONE, "", "")),
        .examples = EX_BOTH("invalidateblock", "\"blockhash\""),
        .flags = SATO_RPC_CHAIN | SATO_RPC_MOVES_TIP,
    },
    {
        .category = "hidden",
        .name = "reconsiderblock",
        .description = "Clears the invalid mark of a block, its ancestors and its descendants, and considers them for "
                       "the active chain again.\nThis undoes invalidateblock.",
        .args = ARGS(REQ("blockhash", STR_HEX, "the hash of the block to reconsider")),
        .results = RESULTS(RES(NONE, "", "")),
        .examples = EX_BOTH("reconsiderblock", "\"blockhash\""),
        .flags = SATO_RPC_CHAIN | SATO_RPC_MOVES_TIP,
    },
    {
        .category = "blockchain",
        .name = "verifychain",
        .description = "Checks the blocks at the tip of the chain state's database.",
        .args = ARGS(HINT("checklevel", NUM, "3, range=0-4",
                          "How thorough the check is (this node runs levels 0 to 3 whatever the level):\n"
                          "- level 0 reads the blocks from disk\n"
                          "- level 1 checks that they are valid\n"
                          "- level 2 checks their undo data\n"
                          "- level 3 disconnects the tip blocks in a scratch view\n"
                          "- level 4 connects them again\n"
                          "- each level includes the ones before it"),
                     HINT("nblocks", NUM, "6, 0=all", "How many blocks to check.")),
        .results = RESULTS(RES(BOOL, "", "whether the check passed (if not, debug.log says why)")),
        .examples = EX_BOTH("verifychain", ""),
        .flags = SATO_RPC_CHAIN,
    },
    {0},
};
