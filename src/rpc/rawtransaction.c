/* Transaction and script decoding methods: decoderawtransaction,
 * decodescript. */
#include <stdlib.h>
#include <string.h>

#include "sato/hash.h"
#include "sato/hex.h"
#include "sato/json_out.h"
#include "sato/mem.h"
#include "sato/rpc_methods.h"
#include "sato/script.h"
#include "sato/tx_json.h"

#define MAX_SCRIPT_SIZE 10000

static int script_sane(const sato_bytes_t *s) {
    return s->len <= MAX_SCRIPT_SIZE && sato_script_has_valid_ops(s->data, s->len);
}

/* Core's CheckTxScriptsSanity: decides between two readings of the same
 * bytes. */
static int tx_scripts_sane(const sato_tx_t *tx) {
    size_t i;
    if (!sato_tx_is_coinbase(tx))
        for (i = 0; i < tx->vin_len; i++)
            if (!script_sane(&tx->vin[i].script_sig)) return 0;
    for (i = 0; i < tx->vout_len; i++)
        if (!script_sane(&tx->vout[i].script_pubkey)) return 0;
    return 1;
}

int sato_rpc_decode_hex_tx(sato_tx_t *tx, const char *hex, int try_no_witness, int try_witness) {
    size_t len;
    unsigned char *data;
    sato_tx_t ext, legacy;
    int ok_ext = 0, ok_legacy = 0, ok = 0;

    sato_tx_init(tx);
    if (hex[0] == '\0' || (data = sato_hex_decode_alloc(hex, &len)) == NULL) return 0;
    sato_tx_init(&ext);
    sato_tx_init(&legacy);
    if (try_witness) ok_ext = sato_tx_parse(&ext, data, len, 1);
    if (ok_ext && tx_scripts_sane(&ext)) goto take_ext;
    if (try_no_witness) ok_legacy = sato_tx_parse(&legacy, data, len, 0);
    if (ok_legacy && tx_scripts_sane(&legacy)) goto take_legacy;
    if (ok_ext) goto take_ext;
    if (ok_legacy) goto take_legacy;
    goto out;
take_ext:
    *tx = ext;
    sato_tx_init(&ext);
    ok = 1;
    goto out;
take_legacy:
    *tx = legacy;
    sato_tx_init(&legacy);
    ok = 1;
out:
    sato_tx_clear(&ext);
    sato_tx_clear(&legacy);
    free(data);
    return ok;
}

static json_t *rpc_decoderawtransaction(sato_rpc_request_t *req) {
    const char *hex = sato_rpc_arg_str(req, 0);
    int iswitness_given = sato_rpc_has_param(req, 1), iswitness = sato_rpc_arg_bool(req, 1);
    sato_tx_t tx;
    json_t *out;
    if (!sato_rpc_decode_hex_tx(&tx, hex, !iswitness_given || !iswitness, !iswitness_given || iswitness))
        return sato_rpc_error(req, SATO_RPC_DESERIALIZATION_ERROR, "TX decode failed");
    out = sato_tx_json(req->ctx->chain->addr, &tx, NULL, 0);
    sato_tx_clear(&tx);
    return out;
}

static int is_op_success(int op) {
    return op == 80 || op == 98 || (op >= 126 && op <= 129) || (op >= 131 && op <= 134) ||
           (op >= 137 && op <= 138) || (op >= 141 && op <= 142) || (op >= 149 && op <= 153) ||
           (op >= 187 && op <= 254);
}

/* Whether decodescript offers P2SH and segwit wrappings of the script. */
static int can_wrap(const sato_script_solution_t *sol, const unsigned char *script, size_t len) {
    size_t pos = 0;
    switch (sol->type) {
    case SATO_TXOUT_MULTISIG:
    case SATO_TXOUT_NONSTANDARD:
    case SATO_TXOUT_PUBKEY:
    case SATO_TXOUT_PUBKEYHASH:
    case SATO_TXOUT_WITNESS_V0_KEYHASH:
    case SATO_TXOUT_WITNESS_V0_SCRIPTHASH:
        break;
    default:
        return 0;
    }
    if (!sato_script_has_valid_ops(script, len) || sato_script_is_unspendable(script, len)) return 0;
    while (pos < len) {
        int op;
        const unsigned char *data;
        size_t dlen;
        if (!sato_script_get_op(script, len, &pos, &op, &data, &dlen)) return 0;
        if (op == SATO_OP_CHECKSIGADD || is_op_success(op)) return 0;
    }
    return 1;
}

static int can_wrap_p2wsh(const sato_script_solution_t *sol) {
    size_t i;
    switch (sol->type) {
    case SATO_TXOUT_MULTISIG:
    case SATO_TXOUT_PUBKEY:
        /* Segwit takes compressed keys only. */
        for (i = 0; i < sol->nsolutions; i++)
            if (sol->sol_len[i] != 33) return 0;
        return 1;
    case SATO_TXOUT_NONSTANDARD:
    case SATO_TXOUT_PUBKEYHASH:
        return 1;
    default:
        return 0;
    }
}

static json_t *p2sh_address(const sato_chain_addr_t *chain, const unsigned char *script, size_t len) {
    unsigned char spk[23];
    char addr[SATO_ADDRESS_MAX_LEN];
    spk[0] = 0xa9;
    spk[1] = 20;
    sato_hash160(spk + 2, script, len);
    spk[22] = 0x87;
    if (!sato_address_encode(addr, chain, spk, sizeof(spk))) return json_null();
    return json_string(addr);
}

json_t *sato_rpc_decodescript_json(const sato_chain_addr_t *chain, const unsigned char *script, size_t len) {
    json_t *r = sato_script_json(chain, script, len, 0, 1, NULL, 0);
    sato_script_solution_t sol;
    sato_script_solve(&sol, script, len);
    if (!can_wrap(&sol, script, len)) return r;
    json_object_set_new(r, "p2sh", p2sh_address(chain, script, len));
    if (can_wrap_p2wsh(&sol)) {
        unsigned char seg[34];
        size_t seglen;
        json_t *sr;
        seg[0] = 0x00;
        if (sol.type == SATO_TXOUT_PUBKEY) {
            seg[1] = 20;
            sato_hash160(seg + 2, sol.sol[0], sol.sol_len[0]);
            seglen = 22;
        } else if (sol.type == SATO_TXOUT_PUBKEYHASH) {
            seg[1] = 20;
            memcpy(seg + 2, sol.sol[0], 20);
            seglen = 22;
        } else {
            seg[1] = 32;
            sato_sha256(seg + 2, script, len);
            seglen = 34;
        }
        sr = sato_script_json(chain, seg, seglen, 1, 1, script, len);
        json_object_set_new(sr, "p2sh-segwit", p2sh_address(chain, seg, seglen));
        json_object_set_new(r, "segwit", sr);
    }
    return r;
}

static json_t *rpc_decodescript(sato_rpc_request_t *req) {
    const char *hex = sato_rpc_arg_str(req, 0);
    unsigned char *script;
    size_t len;
    json_t *out;
    if ((script = sato_hex_decode_alloc(hex, &len)) == NULL)
        return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "argument must be hexadecimal string (not '%.100s')", hex);
    out = sato_rpc_decodescript_json(req->ctx->chain->addr, script, len);
    free(script);
    return out;
}

void sato_rpc_register_rawtransaction(sato_rpc_table_t *t) {
    static const sato_rpc_impl_t impls[] = {
        {"decoderawtransaction", rpc_decoderawtransaction},
        {"decodescript", rpc_decodescript},
    };
    sato_rpc_table_bind(t, impls, sizeof(impls) / sizeof(impls[0]));
}
