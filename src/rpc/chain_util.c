/* Helpers shared by the RPC methods over the chain state. */
#include <stdio.h>
#include <string.h>

#include "chain_util.h"
#include "sato/chainstate_query.h"
#include "sato/hex.h"
#include "sato/json_out.h"
#include "sato/pow.h"
#include "sato/tx_json.h"

int rpc_param_hash(sato_rpc_request_t *req, size_t i, const char *name, unsigned char out[32]) {
    const char *s = json_string_value(sato_rpc_param(req, i));
    size_t len;
    memset(out, 0, 32);
    if (s == NULL) { /* the table types hashes as strings: not reached from a checked call */
        sato_rpc_error(req, SATO_RPC_TYPE_ERROR, "JSON value is not a string as expected");
        return 0;
    }
    len = strlen(s);
    if (len != 64) {
        sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "%s must be of length 64 (not %zu, for '%s')", name,
                       len, s);
        return 0;
    }
    if (!sato_hex_decode_rev(out, 32, s)) {
        sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "%s must be hexadecimal string (not '%s')", name, s);
        return 0;
    }
    return 1;
}

void rpc_hash_hex(char out[65], const unsigned char hash[32]) {
    sato_hex_encode_rev(out, hash, 32);
}

json_t *rpc_hash_json(const unsigned char hash[32]) {
    char hex[65];
    rpc_hash_hex(hex, hash);
    return json_string(hex);
}

json_t *rpc_u256_json(const sato_u256_t *v) {
    unsigned char le[32];
    sato_u256_to_le(le, v);
    return rpc_hash_json(le);
}

json_t *rpc_storage_error(sato_rpc_request_t *req, sato_chainctl_t *ctl, sato_err_t err,
                          const char *what) {
    sato_chainctl_fatal(ctl, err, what);
    return sato_rpc_error(req, SATO_RPC_DATABASE_ERROR, "%s: %s", what, sato_err_str(err));
}

json_t *rpc_header_json(sato_chainctl_t *ctl, const sato_blocknode_t *e) {
    sato_chainstate_t *cs = sato_chainctl_chainstate(ctl);
    const sato_blocknode_t *tip = sato_chainstate_tip(cs), *next = NULL;
    const sato_chainparams_t *p = sato_chainctl_params(ctl);
    sato_u256_t target, limit;
    json_t *o = json_object();
    char buf[16];
    int confirmations = -1;
    if (sato_chainstate_at(cs, e->height) == e) {
        confirmations = tip->height - e->height + 1;
        next = sato_chainstate_at(cs, e->height + 1);
    }
    json_object_set_new(o, "hash", rpc_hash_json(e->hash));
    json_object_set_new(o, "confirmations", json_integer(confirmations));
    json_object_set_new(o, "height", json_integer(e->height));
    json_object_set_new(o, "version", json_integer(e->header.version));
    snprintf(buf, sizeof(buf), "%08x", (unsigned)e->header.version);
    json_object_set_new(o, "versionHex", json_string(buf));
    json_object_set_new(o, "merkleroot", rpc_hash_json(e->header.merkle_root));
    json_object_set_new(o, "time", json_integer(e->header.time));
    json_object_set_new(o, "mediantime", json_integer(sato_blocknode_median_time_past(e)));
    json_object_set_new(o, "nonce", json_integer(e->header.nonce));
    snprintf(buf, sizeof(buf), "%08x", (unsigned)e->header.bits);
    json_object_set_new(o, "bits", json_string(buf));
    /* Core's GetTarget: the target nBits stands for (zero when invalid). */
    sato_chainparams_pow_limit(&limit, p);
    if (!sato_pow_derive_target(&target, e->header.bits, &limit)) memset(&target, 0, sizeof(target));
    json_object_set_new(o, "target", rpc_u256_json(&target));
    json_object_set_new(o, "difficulty", json_real(sato_chainctl_difficulty(e->header.bits)));
    json_object_set_new(o, "chainwork", rpc_u256_json(&e->chain_work));
    json_object_set_new(o, "nTx", json_integer(e->n_tx));
    if (e->prev != NULL) json_object_set_new(o, "previousblockhash", rpc_hash_json(e->prev->hash));
    if (next != NULL) json_object_set_new(o, "nextblockhash", rpc_hash_json(next->hash));
    return o;
}

static json_t *prevout_json(const sato_chain_addr_t *chain, const sato_coin_t *c) {
    json_t *p = json_object();
    json_object_set_new(p, "generated", json_boolean(c->is_coinbase));
    json_object_set_new(p, "height", json_integer(c->height));
    json_object_set_new(p, "value", sato_json_amount(c->out.value));
    json_object_set_new(p, "scriptPubKey",
                        sato_script_json(chain, c->out.script_pubkey.data, c->out.script_pubkey.len, 1, 1, NULL, 0));
    return p;
}

json_t *rpc_tx_json_undo(const sato_chain_addr_t *chain, const sato_tx_t *tx, const sato_coin_t *spent,
                         int with_prevout, int include_hex) {
    json_t *j = sato_tx_json(chain, tx, NULL, include_hex), *out, *v;
    const char *key;
    int64_t in = 0, outs = 0;
    size_t i;
    if (spent == NULL) return j;
    for (i = 0; i < tx->vin_len; i++) in += spent[i].out.value;
    for (i = 0; i < tx->vout_len; i++) outs += tx->vout[i].value;
    out = json_object();
    json_object_foreach(j, key, v) {
        if (strcmp(key, "vin") == 0 && with_prevout) {
            json_t *vin = json_array(), *item;
            size_t k;
            json_array_foreach(v, k, item) {
                json_t *o = json_object(), *iv;
                const char *ik;
                json_object_foreach(item, ik, iv) {
                    if (strcmp(ik, "sequence") == 0) json_object_set_new(o, "prevout", prevout_json(chain, &spent[k]));
                    json_object_set(o, ik, iv);
                }
                json_array_append_new(vin, o);
            }
            json_object_set_new(out, key, vin);
            continue;
        }
        json_object_set(out, key, v);
        if (strcmp(key, "vout") == 0) json_object_set_new(out, "fee", sato_json_amount(in - outs));
    }
    json_decref(j);
    return out;
}
