/* Utility methods that need no chain state: validateaddress. */
#include <string.h>

#include "sato/json_out.h"
#include "sato/mem.h"
#include "sato/rpc_methods.h"
#include "sato/script.h"

/* Core's DescribeAddress: what kind of output the address pays to. */
static void describe(json_t *o, const unsigned char *spk, size_t len) {
    int version;
    const unsigned char *prog;
    size_t plen;
    if (sato_script_is_witness_program(spk, len, &version, &prog, &plen)) {
        int known = (version == 0 && (plen == 20 || plen == 32)) || (version == 1 && plen == 32) ||
                    sato_script_is_pay_to_anchor(spk, len);
        if (known) json_object_set_new(o, "isscript", json_boolean(!(version == 0 && plen == 20)));
        json_object_set_new(o, "iswitness", json_true());
        json_object_set_new(o, "witness_version", json_integer(version));
        json_object_set_new(o, "witness_program", sato_json_hex(prog, plen));
    } else {
        json_object_set_new(o, "isscript", json_boolean(sato_script_is_p2sh(spk, len)));
        json_object_set_new(o, "iswitness", json_false());
    }
}

static json_t *rpc_validateaddress(sato_rpc_request_t *req) {
    const sato_chain_addr_t *chain = req->ctx->chain->addr;
    unsigned char spk[SATO_ADDRESS_SCRIPT_MAX];
    size_t spklen, nloc = 16, i;
    const char *str = sato_rpc_arg_str(req, 0);
    char addr[SATO_ADDRESS_MAX_LEN], err[256];
    int loc[16];
    json_t *o = json_object();
    if (sato_address_decode(spk, &spklen, chain, str, strlen(str)) &&
        sato_address_encode(addr, chain, spk, spklen)) {
        json_object_set_new(o, "isvalid", json_true());
        json_object_set_new(o, "address", json_string(addr));
        json_object_set_new(o, "scriptPubKey", sato_json_hex(spk, spklen));
        describe(o, spk, spklen);
        return o;
    }
    sato_address_error(err, sizeof(err), loc, &nloc, chain, str, strlen(str));
    json_object_set_new(o, "isvalid", json_false());
    {
        json_t *locs = json_array();
        for (i = 0; i < nloc; i++) json_array_append_new(locs, json_integer(loc[i]));
        json_object_set_new(o, "error_locations", locs);
    }
    json_object_set_new(o, "error", json_string(err));
    return o;
}

void sato_rpc_register_util(sato_rpc_table_t *t) {
    static const sato_rpc_impl_t impls[] = {{"validateaddress", rpc_validateaddress}};
    sato_rpc_table_bind(t, impls, 1);
}
