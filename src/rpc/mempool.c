/* Mempool methods: testmempoolaccept, sendrawtransaction, getmempoolinfo,
 * getrawmempool, getmempoolentry, getmempoolancestors,
 * getmempooldescendants. All run under the chain lock, which guards the
 * pool too (mempool.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "chain_util.h"
#include "sato/amount.h"
#include "sato/clock.h"
#include "sato/json_out.h"
#include "sato/mem.h"
#include "sato/mempool_accept.h"
#include "sato/rpc_methods.h"

static sato_mempool_t *pool_of(sato_rpc_request_t *req) {
    sato_mempool_t *pool = req->ctx->mempool;
    if (pool == NULL) sato_rpc_error(req, SATO_RPC_CLIENT_MEMPOOL_DISABLED, "Mempool disabled or instance not found");
    return pool;
}

/* Core's AmountFromValue: a number or a string of at most 8 decimals,
 * within the money range. */
static int amount_from_json(sato_rpc_request_t *req, const json_t *v, int64_t *out) {
    *out = 0;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        int64_t whole = 0, frac = 0;
        int digits = 0, fdigits = 0;
        if (*s == '-') goto invalid;
        for (; *s >= '0' && *s <= '9'; s++, digits++) {
            if (whole > SATO_MAX_MONEY) goto range;
            whole = whole * 10 + (*s - '0');
        }
        if (*s == '.')
            for (s++; *s >= '0' && *s <= '9'; s++, fdigits++) {
                if (fdigits == 8) goto invalid;
                frac = frac * 10 + (*s - '0');
            }
        if (*s != '\0' || (digits == 0 && fdigits == 0)) goto invalid;
        while (fdigits++ < 8) frac *= 10;
        if (whole > SATO_MAX_MONEY / SATO_COIN) goto range;
        *out = whole * SATO_COIN + frac;
    } else if (json_is_number(v)) {
        double d = json_number_value(v) * (double)SATO_COIN, r = floor(d + 0.5);
        /* More than 8 decimals, beyond what a double may round. */
        if (fabs(d - r) > fmax(1e-3, fabs(d) * 4e-15)) goto invalid;
        if (r < 0 || r > (double)SATO_MAX_MONEY) goto range;
        *out = (int64_t)r;
    } else {
        sato_rpc_error(req, SATO_RPC_TYPE_ERROR, "Amount is not a number or string");
        return 0;
    }
    if (*out < 0 || *out > SATO_MAX_MONEY) goto range;
    return 1;
invalid:
    sato_rpc_error(req, SATO_RPC_TYPE_ERROR, "Invalid amount");
    return 0;
range:
    sato_rpc_error(req, SATO_RPC_TYPE_ERROR, "Amount out of range");
    return 0;
}

/* Core's ParseFeeRate: an amount per kvB below 1 BTC. */
static int feerate_arg(sato_rpc_request_t *req, size_t i, int64_t *rate) {
    if (!amount_from_json(req, sato_rpc_arg(req, i), rate)) return 0;
    if (*rate >= SATO_COIN) {
        sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "Fee rates larger than or equal to 1BTC/kvB are not accepted");
        return 0;
    }
    return 1;
}

static void state_text(char *out, size_t len, const sato_tx_state_t *st) {
    sato_validation_state_string(out, len, st);
}

#define STATE_TEXT_MAX (SATO_REJECT_REASON_MAX + SATO_DEBUG_MESSAGE_MAX + 4)

static json_t *rpc_testmempoolaccept(sato_rpc_request_t *req) {
    json_t *txs = sato_rpc_arg(req, 0), *out, *r, *fees, *inc;
    sato_mempool_t *pool = pool_of(req);
    sato_mempool_accept_opts_t opts = {1, 0, 0};
    sato_mempool_result_t res;
    int64_t max_rate;
    const char *hex;
    sato_tx_t tx;
    sato_err_t err;
    char text[STATE_TEXT_MAX], id[65];
    if (pool == NULL) return NULL;
    if (json_array_size(txs) < 1 || json_array_size(txs) > 25)
        return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "Array must contain between 1 and 25 transactions.");
    if (json_array_size(txs) > 1)
        return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER,
                              "Packages are not supported yet: give one transaction at a time.");
    if (!feerate_arg(req, 1, &max_rate)) return NULL;
    hex = json_string_value(json_array_get(txs, 0));
    if (hex == NULL) return sato_rpc_error(req, SATO_RPC_TYPE_ERROR, "JSON value is not a string as expected");
    if (!sato_rpc_decode_hex_tx(&tx, hex, 1, 1))
        return sato_rpc_error(req, SATO_RPC_DESERIALIZATION_ERROR,
                              "TX decode failed: %s Make sure the tx has at least one input.", hex);
    opts.accept_time = sato_clock_now();
    err = sato_mempool_accept(pool, sato_chainctl_chainstate(req->chain), sato_chainctl_params(req->chain), &tx, &opts,
                              &res);
    sato_tx_clear(&tx);
    if (err != SATO_OK) return rpc_storage_error(req, req->chain, err, "Failed to read the UTXO set");
    r = json_object();
    json_object_set_new(r, "txid", rpc_hash_json(res.txid));
    json_object_set_new(r, "wtxid", rpc_hash_json(res.wtxid));
    if (sato_validation_is_valid(&res.state)) {
        int64_t max_fee = sato_policy_fee(max_rate, res.vsize);
        if (max_fee && res.fee > max_fee) {
            json_object_set_new(r, "allowed", json_false());
            json_object_set_new(r, "reject-reason", json_string("max-fee-exceeded"));
        } else {
            json_object_set_new(r, "allowed", json_true());
            json_object_set_new(r, "vsize", json_integer(res.vsize));
            fees = json_object();
            json_object_set_new(fees, "base", sato_json_amount(res.fee));
            json_object_set_new(fees, "effective-feerate", sato_json_amount(sato_policy_feerate(res.fee, res.vsize)));
            inc = json_array();
            rpc_hash_hex(id, res.wtxid);
            json_array_append_new(inc, json_string(id));
            json_object_set_new(fees, "effective-includes", inc);
            json_object_set_new(r, "fees", fees);
        }
    } else {
        json_object_set_new(r, "allowed", json_false());
        if (res.state.result == SATO_TX_MISSING_INPUTS) {
            json_object_set_new(r, "reject-reason", json_string("missing-inputs"));
        } else {
            state_text(text, sizeof(text), &res.state);
            json_object_set_new(r, "reject-reason", json_string(res.state.reason));
            json_object_set_new(r, "reject-details", json_string(text));
        }
    }
    out = json_array();
    json_array_append_new(out, r);
    return out;
}

/* Core's HandleATMPError. */
static json_t *atmp_error(sato_rpc_request_t *req, const sato_tx_state_t *st) {
    char text[STATE_TEXT_MAX];
    state_text(text, sizeof(text), st);
    return sato_rpc_error(req, st->result == SATO_TX_MISSING_INPUTS ? SATO_RPC_VERIFY_ERROR : SATO_RPC_VERIFY_REJECTED,
                          "%s", text);
}

/* One acceptance; 0 once the caller has been answered with the storage
 * error or the rejection. */
static int accept_or_reply(sato_rpc_request_t *req, sato_mempool_t *pool, sato_chainstate_t *cs,
                           const sato_chainparams_t *params, const sato_tx_t *tx,
                           const sato_mempool_accept_opts_t *opts, sato_mempool_result_t *res) {
    sato_err_t err = sato_mempool_accept(pool, cs, params, tx, opts, res);
    if (err != SATO_OK) {
        rpc_storage_error(req, req->chain, err, "Failed to read the UTXO set");
        return 0;
    }
    if (!sato_validation_is_valid(&res->state)) {
        atmp_error(req, &res->state);
        return 0;
    }
    return 1;
}

static json_t *rpc_sendrawtransaction(sato_rpc_request_t *req) {
    sato_mempool_t *pool = pool_of(req);
    sato_chainstate_t *cs;
    const sato_chainparams_t *params;
    sato_mempool_accept_opts_t opts = {0, 0, 0};
    sato_mempool_result_t res;
    int64_t max_rate, max_burn, max_fee;
    unsigned char txid[32];
    sato_tx_t tx;
    json_t *out = NULL;
    sato_err_t err;
    size_t i;
    if (pool == NULL) return NULL;
    cs = sato_chainctl_chainstate(req->chain);
    params = sato_chainctl_params(req->chain);
    if (!amount_from_json(req, sato_rpc_arg(req, 2), &max_burn)) return NULL;
    if (!sato_rpc_decode_hex_tx(&tx, sato_rpc_arg_str(req, 0), 1, 1))
        return sato_rpc_error(req, SATO_RPC_DESERIALIZATION_ERROR,
                              "TX decode failed. Make sure the tx has at least one input.");
    for (i = 0; i < tx.vout_len; i++) {
        const sato_bytes_t *s = &tx.vout[i].script_pubkey;
        if ((sato_script_is_unspendable(s->data, s->len) || !sato_script_has_valid_ops(s->data, s->len)) &&
            tx.vout[i].value > max_burn) {
            sato_rpc_error(req, SATO_RPC_VERIFY_ERROR,
                           "Unspendable output exceeds maximum configured by user (maxburnamount)");
            goto out;
        }
    }
    if (!feerate_arg(req, 1, &max_rate)) goto out;
    max_fee = sato_policy_fee(max_rate, sato_policy_vsize((int64_t)sato_tx_weight(&tx), 0, 0));
    sato_tx_txid(txid, &tx);
    /* Already confirmed: some output is in the UTXO set. */
    for (i = 0; i < tx.vout_len; i++) {
        sato_outpoint_t op;
        sato_coin_t c;
        memcpy(op.hash, txid, 32);
        op.n = (uint32_t)i;
        err = sato_chainstate_get_coin(cs, &op, &c);
        if (err == SATO_OK) {
            sato_rpc_error(req, SATO_RPC_VERIFY_ALREADY_IN_CHAIN, "Transaction outputs already in utxo set");
            goto out;
        }
        if (err != SATO_ENOTFOUND) {
            rpc_storage_error(req, req->chain, err, "Failed to read the UTXO set");
            goto out;
        }
    }
    /* In the pool already (perhaps with another witness): nothing to do. */
    if (sato_mempool_get(pool, txid) == NULL) {
        opts.accept_time = sato_clock_now();
        /* As Core's BroadcastTransaction: a test first when the fee is
         * capped, then the real thing. */
        if (max_fee > 0) {
            opts.test_accept = 1;
            if (!accept_or_reply(req, pool, cs, params, &tx, &opts, &res)) goto out;
            if (res.fee > max_fee) {
                sato_rpc_error(req, SATO_RPC_VERIFY_ERROR,
                               "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)");
                goto out;
            }
            opts.test_accept = 0;
        }
        if (!accept_or_reply(req, pool, cs, params, &tx, &opts, &res)) goto out;
    }
    out = rpc_hash_json(txid);
out:
    sato_tx_clear(&tx);
    return out;
}

static json_t *rpc_getmempoolinfo(sato_rpc_request_t *req) {
    sato_mempool_t *pool = pool_of(req);
    const sato_policy_t *p;
    json_t *o;
    if (pool == NULL) return NULL;
    p = sato_mempool_policy(pool);
    o = json_object();
    json_object_set_new(o, "loaded", json_true());
    json_object_set_new(o, "size", json_integer((json_int_t)sato_mempool_size(pool)));
    json_object_set_new(o, "bytes", json_integer(sato_mempool_total_vsize(pool)));
    json_object_set_new(o, "usage", json_integer((json_int_t)sato_mempool_usage(pool)));
    json_object_set_new(o, "total_fee", sato_json_amount(sato_mempool_total_fee(pool)));
    json_object_set_new(o, "maxmempool", json_integer(SATO_MEMPOOL_MAX_BYTES));
    /* No size limit yet, so no rolling minimum above the relay fee. */
    json_object_set_new(o, "mempoolminfee", sato_json_amount(p->min_relay_fee));
    json_object_set_new(o, "minrelaytxfee", sato_json_amount(p->min_relay_fee));
    json_object_set_new(o, "incrementalrelayfee", sato_json_amount(SATO_POLICY_INCREMENTAL_RELAY_FEE));
    json_object_set_new(o, "unbroadcastcount", json_integer(0));
    json_object_set_new(o, "permitbaremultisig", json_boolean(p->permit_bare_multisig));
    json_object_set_new(o, "maxdatacarriersize", json_integer(p->max_datacarrier_bytes < 0 ? 0 : p->max_datacarrier_bytes));
    json_object_set_new(o, "limitclustercount", json_integer(SATO_POLICY_CLUSTER_COUNT));
    json_object_set_new(o, "limitclustersize", json_integer(SATO_POLICY_CLUSTER_VBYTES));
    json_object_set_new(o, "optimal", json_false());
    return o;
}

static int str_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* txids of list as a sorted array of hex strings (Core prints depends
 * from a std::set of strings). */
static json_t *txid_set_json(sato_mempool_entry_t *const *list, size_t n) {
    char **hex = sato_malloc((n + 1) * sizeof(*hex));
    json_t *a = json_array();
    size_t i, k = 0;
    for (i = 0; i < n; i++) {
        hex[i] = sato_malloc(65);
        rpc_hash_hex(hex[i], list[i]->txid);
    }
    qsort(hex, n, sizeof(*hex), str_cmp);
    for (i = 0; i < n; i++) {
        if (k == 0 || strcmp(hex[i], hex[k - 1]) != 0) json_array_append_new(a, json_string(hex[i]));
        hex[k++] = hex[i];
    }
    for (i = 0; i < k; i++) free(hex[i]);
    free(hex);
    return a;
}

/* Core's entryToJSON. */
static json_t *entry_json(sato_mempool_t *pool, const sato_mempool_entry_t *e) {
    sato_mempool_sum_t anc, desc;
    int64_t chunk_fee, chunk_weight;
    json_t *o = json_object(), *fees = json_object();
    char id[65];
    sato_mempool_ancestor_sum(pool, e, &anc);
    sato_mempool_descendant_sum(pool, e, &desc);
    sato_mempool_chunk(pool, e, &chunk_fee, &chunk_weight);
    json_object_set_new(o, "vsize", json_integer(e->vsize));
    json_object_set_new(o, "weight", json_integer(e->weight));
    json_object_set_new(o, "time", json_integer(e->time));
    json_object_set_new(o, "height", json_integer(e->height));
    json_object_set_new(o, "descendantcount", json_integer((json_int_t)desc.count));
    json_object_set_new(o, "descendantsize", json_integer(desc.vsize));
    json_object_set_new(o, "ancestorcount", json_integer((json_int_t)anc.count));
    json_object_set_new(o, "ancestorsize", json_integer(anc.vsize));
    rpc_hash_hex(id, e->wtxid);
    json_object_set_new(o, "wtxid", json_string(id));
    json_object_set_new(o, "chunkweight", json_integer(chunk_weight));
    json_object_set_new(fees, "base", sato_json_amount(e->fee));
    json_object_set_new(fees, "modified", sato_json_amount(e->fee));
    json_object_set_new(fees, "ancestor", sato_json_amount(anc.fee));
    json_object_set_new(fees, "descendant", sato_json_amount(desc.fee));
    json_object_set_new(fees, "chunk", sato_json_amount(chunk_fee));
    json_object_set_new(o, "fees", fees);
    json_object_set_new(o, "depends", txid_set_json(e->parents, e->n_parents));
    json_object_set_new(o, "spentby", txid_set_json(e->children, e->n_children));
    json_object_set_new(o, "unbroadcast", json_false());
    return o;
}

static json_t *entries_json(sato_mempool_t *pool, sato_mempool_entry_t *const *list, size_t n, int verbose) {
    json_t *out = verbose ? json_object() : json_array();
    size_t i;
    char id[65];
    for (i = 0; i < n; i++) {
        rpc_hash_hex(id, list[i]->txid);
        if (verbose)
            json_object_set_new(out, id, entry_json(pool, list[i]));
        else
            json_array_append_new(out, json_string(id));
    }
    return out;
}

static json_t *rpc_getrawmempool(sato_rpc_request_t *req) {
    sato_mempool_t *pool = pool_of(req);
    int verbose, with_sequence;
    sato_mempool_entry_t **list;
    size_t n, i;
    json_t *out;
    if (pool == NULL) return NULL;
    verbose = sato_rpc_arg_bool(req, 0);
    with_sequence = sato_rpc_arg_bool(req, 1);
    if (verbose && with_sequence)
        return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "Verbose results cannot contain mempool sequence values.");
    n = sato_mempool_size(pool);
    list = sato_malloc((n + 1) * sizeof(*list));
    for (i = 0; i < n; i++) list[i] = sato_mempool_at(pool, i);
    out = entries_json(pool, list, n, verbose);
    free(list);
    if (with_sequence) {
        json_t *o = json_object();
        json_object_set_new(o, "txids", out);
        json_object_set_new(o, "mempool_sequence", json_integer((json_int_t)sato_mempool_sequence(pool)));
        out = o;
    }
    return out;
}

static sato_mempool_entry_t *entry_arg(sato_rpc_request_t *req, sato_mempool_t *pool) {
    unsigned char txid[32];
    sato_mempool_entry_t *e;
    if (!rpc_param_hash(req, 0, "txid", txid)) return NULL;
    if ((e = sato_mempool_get(pool, txid)) == NULL)
        sato_rpc_error(req, SATO_RPC_INVALID_ADDRESS_OR_KEY, "Transaction not in mempool");
    return e;
}

static json_t *rpc_getmempoolentry(sato_rpc_request_t *req) {
    sato_mempool_t *pool = pool_of(req);
    sato_mempool_entry_t *e;
    if (pool == NULL || (e = entry_arg(req, pool)) == NULL) return NULL;
    return entry_json(pool, e);
}

static json_t *relatives(sato_rpc_request_t *req, int ancestors) {
    sato_mempool_t *pool = pool_of(req);
    sato_mempool_entry_t *e, **list;
    size_t n;
    json_t *out;
    if (pool == NULL || (e = entry_arg(req, pool)) == NULL) return NULL;
    list = ancestors ? sato_mempool_ancestors(pool, e, &n) : sato_mempool_descendants(pool, e, &n);
    out = entries_json(pool, list, n, sato_rpc_arg_bool(req, 1));
    free(list);
    return out;
}

static json_t *rpc_getmempoolancestors(sato_rpc_request_t *req) {
    return relatives(req, 1);
}

static json_t *rpc_getmempooldescendants(sato_rpc_request_t *req) {
    return relatives(req, 0);
}

void sato_rpc_register_mempool(sato_rpc_table_t *t) {
    static const sato_rpc_impl_t impls[] = {
        {"getmempoolancestors", rpc_getmempoolancestors},
        {"getmempooldescendants", rpc_getmempooldescendants},
        {"getmempoolentry", rpc_getmempoolentry},
        {"getmempoolinfo", rpc_getmempoolinfo},
        {"getrawmempool", rpc_getrawmempool},
        {"sendrawtransaction", rpc_sendrawtransaction},
        {"testmempoolaccept", rpc_testmempoolaccept},
    };
    sato_rpc_table_bind(t, impls, sizeof(impls) / sizeof(impls[0]));
}
