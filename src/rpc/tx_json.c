/* Bitcoin Core's JSON forms of scripts and transactions. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/buf.h"
#include "sato/descriptor.h"
#include "sato/hex.h"
#include "sato/json_out.h"
#include "sato/mem.h"
#include "sato/script.h"
#include "sato/tx_json.h"

static void put(sato_buf_t *b, const char *s) {
    sato_buf_write(b, s, strlen(s));
}

static void put_hex(sato_buf_t *b, const unsigned char *p, size_t n) {
    char *h = sato_malloc(2 * n + 1);
    sato_hex_encode(h, p, n);
    put(b, h);
    free(h);
}

static const char *sighash_suffix(unsigned char type) {
    switch (type) {
    case 0x01: return "[ALL]";
    case 0x81: return "[ALL|ANYONECANPAY]";
    case 0x02: return "[NONE]";
    case 0x82: return "[NONE|ANYONECANPAY]";
    case 0x03: return "[SINGLE]";
    case 0x83: return "[SINGLE|ANYONECANPAY]";
    default: return NULL;
    }
}

char *sato_script_asm(const unsigned char *script, size_t len, int attempt_sighash_decode) {
    sato_buf_t b;
    size_t pos = 0;
    int decode = attempt_sighash_decode && !sato_script_is_unspendable(script, len);
    sato_buf_init(&b);
    while (pos < len) {
        int op;
        const unsigned char *data;
        size_t dlen;
        if (b.len) sato_buf_write_u8(&b, ' ');
        if (!sato_script_get_op(script, len, &pos, &op, &data, &dlen)) {
            put(&b, "[error]");
            break;
        }
        if (op >= 0 && op <= SATO_OP_PUSHDATA4) {
            if (dlen <= 4) {
                int64_t v = 0;
                char num[24];
                sato_scriptnum_decode(&v, data, dlen, 0, 4);
                snprintf(num, sizeof(num), "%" PRId64, v);
                put(&b, num);
            } else {
                const char *suffix = NULL;
                sato_script_error_t err;
                if (decode && sato_script_check_signature_encoding(data, dlen, SATO_SCRIPT_VERIFY_STRICTENC, &err))
                    suffix = sighash_suffix(data[dlen - 1]);
                put_hex(&b, data, suffix ? dlen - 1 : dlen);
                if (suffix) put(&b, suffix);
            }
        } else {
            put(&b, sato_opcode_name(op));
        }
    }
    sato_buf_write_u8(&b, 0);
    return (char *)b.data;
}

json_t *sato_script_json(const sato_chain_addr_t *chain, const unsigned char *script, size_t len,
                         int include_hex, int include_address, const unsigned char *witness_script,
                         size_t witness_script_len) {
    json_t *o = json_object();
    char *asm_text = sato_script_asm(script, len, 0), addr[SATO_ADDRESS_MAX_LEN];
    sato_script_solution_t sol;
    sato_txout_type_t type = sato_script_solve(&sol, script, len);
    json_object_set_new(o, "asm", json_string(asm_text));
    free(asm_text);
    if (include_address) {
        char *desc = sato_descriptor_infer(chain, script, len, witness_script, witness_script_len);
        json_object_set_new(o, "desc", json_string(desc));
        free(desc);
    }
    if (include_hex) json_object_set_new(o, "hex", sato_json_hex(script, len));
    if (include_address && type != SATO_TXOUT_PUBKEY && sato_address_encode(addr, chain, script, len))
        json_object_set_new(o, "address", json_string(addr));
    json_object_set_new(o, "type", json_string(sato_txout_type_name(type)));
    return o;
}

static json_t *hash_string(const unsigned char h[32]) {
    char s[65];
    sato_hex_encode_rev(s, h, 32);
    return json_string(s);
}

json_t *sato_tx_json(const sato_chain_addr_t *chain, const sato_tx_t *tx,
                     const unsigned char *block_hash, int include_hex) {
    json_t *o = json_object(), *vin = json_array(), *vout = json_array();
    unsigned char h[32];
    size_t i, j, weight = sato_tx_weight(tx);
    int coinbase = sato_tx_is_coinbase(tx);

    sato_tx_txid(h, tx);
    json_object_set_new(o, "txid", hash_string(h));
    sato_tx_wtxid(h, tx);
    json_object_set_new(o, "hash", hash_string(h));
    json_object_set_new(o, "version", json_integer(tx->version));
    json_object_set_new(o, "size", json_integer((json_int_t)sato_tx_size(tx, 1)));
    json_object_set_new(o, "vsize", json_integer((json_int_t)((weight + 3) / 4)));
    json_object_set_new(o, "weight", json_integer((json_int_t)weight));
    json_object_set_new(o, "locktime", json_integer(tx->locktime));
    for (i = 0; i < tx->vin_len; i++) {
        const sato_txin_t *in = &tx->vin[i];
        json_t *e = json_object();
        if (coinbase) {
            json_object_set_new(e, "coinbase", sato_json_hex(in->script_sig.data, in->script_sig.len));
        } else {
            char *asm_text = sato_script_asm(in->script_sig.data, in->script_sig.len, 1);
            json_object_set_new(e, "txid", hash_string(in->prevout.hash));
            json_object_set_new(e, "vout", json_integer(in->prevout.n));
            json_object_set_new(e, "scriptSig",
                                json_pack("{s:s, s:o}", "asm", asm_text, "hex",
                                          sato_json_hex(in->script_sig.data, in->script_sig.len)));
            free(asm_text);
        }
        if (in->witness_len > 0) {
            json_t *w = json_array();
            for (j = 0; j < in->witness_len; j++)
                json_array_append_new(w, sato_json_hex(in->witness[j].data, in->witness[j].len));
            json_object_set_new(e, "txinwitness", w);
        }
        json_object_set_new(e, "sequence", json_integer(in->sequence));
        json_array_append_new(vin, e);
    }
    json_object_set_new(o, "vin", vin);
    for (i = 0; i < tx->vout_len; i++) {
        const sato_txout_t *out = &tx->vout[i];
        json_t *e = json_object();
        json_object_set_new(e, "value", sato_json_amount(out->value));
        json_object_set_new(e, "n", json_integer((json_int_t)i));
        json_object_set_new(e, "scriptPubKey", sato_script_json(chain, out->script_pubkey.data,
                                                                out->script_pubkey.len, 1, 1, NULL, 0));
        json_array_append_new(vout, e);
    }
    json_object_set_new(o, "vout", vout);
    if (block_hash) json_object_set_new(o, "blockhash", hash_string(block_hash));
    if (include_hex) json_object_set_new(o, "hex", sato_tx_hex_json(tx));
    return o;
}

static json_t *serialized_hex(sato_buf_t *b) {
    json_t *s = sato_json_hex(b->data, b->len);
    sato_buf_clear(b);
    return s;
}

json_t *sato_tx_hex_json(const sato_tx_t *tx) {
    sato_buf_t b;
    sato_buf_init(&b);
    sato_tx_write(&b, tx, 1);
    return serialized_hex(&b);
}

json_t *sato_block_hex_json(const sato_block_t *block) {
    sato_buf_t b;
    sato_buf_init(&b);
    sato_block_write(&b, block, 1);
    return serialized_hex(&b);
}
