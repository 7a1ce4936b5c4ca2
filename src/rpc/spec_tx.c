/* Result descriptions shared by the transaction and block methods: a
 * decoded transaction and an output script, as Core's TxDoc() and
 * ScriptPubKeyDoc() describe them. */
#include "spec.h"

const sato_rpc_result_t sato_rpc_doc_script_pubkey[] = {
    RES(STR, "asm", "Disassembly of the output script"),
    RES(STR, "desc", "Inferred descriptor for the output"),
    RES(STR_HEX, "hex", "The raw output script bytes, hex-encoded"),
    RES_OPT(STR, "address", "The Bitcoin address (only if a well-defined address exists)"),
    RES(STR, "type", "The type (one of: " OUTPUT_TYPES ")"),
    {0},
};

const sato_rpc_result_t sato_rpc_doc_vin_item[] = {
    RES_OPT(STR_HEX, "coinbase", "The coinbase value (only if coinbase transaction)"),
    RES_OPT(STR_HEX, "txid", "The transaction id (if not coinbase transaction)"),
    RES_OPT(NUM, "vout", "The output number (if not coinbase transaction)"),
    RES_OPT(OBJ, "scriptSig", "The script (if not coinbase transaction)",
            .inner = RESULTS(RES(STR, "asm", "Disassembly of the signature script"),
                             RES(STR_HEX, "hex", "The raw signature script bytes, hex-encoded"))),
    RES_OPT(ARR, "txinwitness", "", .inner = RESULTS(RES(STR_HEX, "hex", "hex-encoded witness data (if any)"))),
    RES(NUM, "sequence", "The script sequence number"),
    {0},
};

const sato_rpc_result_t sato_rpc_doc_vout_item[] = {
    RES(AMOUNT, "value", "The value in BTC"),
    RES(NUM, "n", "index"),
    RES(OBJ, "scriptPubKey", "", .inner = sato_rpc_doc_script_pubkey),
    {0},
};

const sato_rpc_result_t sato_rpc_doc_prevout[] = {
    RES(BOOL, "generated", "Coinbase or not"),
    RES(NUM, "height", "The height of the prevout"),
    RES(AMOUNT, "value", "The value in BTC"),
    RES(OBJ, "scriptPubKey", "", .inner = sato_rpc_doc_script_pubkey),
    {0},
};

const sato_rpc_result_t sato_rpc_doc_tx[] = {
    DOC_TX_FIELDS("The transaction id"),
    {0},
};
