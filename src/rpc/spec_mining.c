/* The mining methods' interface (handlers in mining.c). generatetoaddress
 * prints Bitcoin Core's help word for word; the others follow Core's
 * layout in Sato's words. As in current Core, the generate methods are in
 * the "hidden" category: `help` does not list them, `help <name>` works. */
#include "spec.h"

const sato_rpc_method_t sato_rpc_spec_mining[] = {
    {
        .category = "hidden",
        .name = "generateblock",
        .description = "Mines a block of the given transactions, in that order, paying an address or a descriptor, "
                       "and returns its hash.\n"
                       "The block reward does not collect the transactions' fees.",
        .args = ARGS(REQ("output", STR, "The address or descriptor the new coins go to."),
                     REQ("transactions", ARR,
                         "Hex strings, each a raw transaction or the txid of a mempool transaction.\n"
                         "They must be valid in this order, or the block is refused.",
                         .inner = ARGS(OPT("rawtx/txid", STR_HEX, ""))),
                     DEF("submit", BOOL, "true",
                         "Whether to submit the block before the call returns, or to return it as hex.")),
        .results = RESULTS(RES(OBJ, "", "",
                               .inner = RESULTS(RES(STR_HEX, "hash", "the new block's hash"),
                                                RES_OPT(STR_HEX, "hex", "the new block, hex-encoded (only with submit=false)")))),
        .examples = "\nMine a block paying myaddress, holding the raw transaction rawtx\n" EX_CLI(
            "generateblock", "\"myaddress\" '[\"rawtx\"]'"),
        .flags = SATO_RPC_CHAIN | SATO_RPC_MOVES_TIP,
    },
    {
        .category = "hidden",
        .name = "generatetoaddress",
        .description = "Mine to a specified address and return the block hashes.",
        .args = ARGS(REQ("nblocks", NUM, "How many blocks are generated."),
                     REQ("address", STR, "The address to send the newly generated bitcoin to."),
                     DEF("maxtries", NUM, "1000000", "How many iterations to try.")),
        .results = RESULTS(
            RES(ARR, "", "hashes of blocks generated", .inner = RESULTS(RES(STR_HEX, "", "blockhash")))),
        .examples = "\nGenerate 11 blocks to myaddress\n" EX_CLI("generatetoaddress", "11 \"myaddress\"")
            "If you are using the Bitcoin Core wallet, you can get a new address to send the newly generated "
            "bitcoin to with:\n" EX_CLI("getnewaddress", ""),
        .flags = SATO_RPC_CHAIN | SATO_RPC_MOVES_TIP,
    },
    {
        .category = "hidden",
        .name = "generatetodescriptor",
        .description = "Mines blocks paying a descriptor and returns their hashes.",
        .args = ARGS(REQ("num_blocks", NUM, "How many blocks to mine."),
                     REQ("descriptor", STR, "The descriptor the new coins go to."),
                     DEF("maxtries", NUM, "1000000", "How many nonces to try at most.")),
        .results = RESULTS(
            RES(ARR, "", "the hashes of the new blocks", .inner = RESULTS(RES(STR_HEX, "", "a block hash")))),
        .examples = "\nMine 11 blocks paying mydesc\n" EX_CLI("generatetodescriptor", "11 \"mydesc\""),
        .flags = SATO_RPC_CHAIN | SATO_RPC_MOVES_TIP,
    },
    {
        .category = "mining",
        .name = "submitblock",
        .description = "Submits a new block, as BIP22 describes (https://en.bitcoin.it/wiki/BIP_0022).",
        .args = ARGS(REQ("hexdata", STR_HEX, "the block, hex-encoded"),
                     HINT("dummy", STR, "ignored", "not read; accepted because BIP22 has it.")),
        .results = RESULTS(RES(NONE, "", "", .cond = "If the block was accepted"),
                           RES(STR, "", "BIP22's word for why not", .cond = "Otherwise")),
        .examples = EX_BOTH("submitblock", "\"mydata\""),
        .flags = SATO_RPC_CHAIN | SATO_RPC_MOVES_TIP,
    },
    {
        .category = "mining",
        .name = "submitheader",
        .description = "Decodes the hex data as a block header and, if it is valid, adds it as a candidate tip.\n"
                       "An invalid header is an error.",
        .args = ARGS(REQ("hexdata", STR_HEX, "the block header, hex-encoded")),
        .results = RESULTS(RES(NONE, "", "None")),
        .examples = EX_BOTH("submitheader", "\"aabbcc\""),
        .flags = SATO_RPC_CHAIN,
    },
    {0},
};
