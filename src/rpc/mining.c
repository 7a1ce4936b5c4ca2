/* Mining methods: submitblock, submitheader, and, for regtest and private
 * chains, generatetoaddress, generatetodescriptor and generateblock.
 * generatetoaddress and generatetodescriptor fill their blocks from the
 * mempool (sato_mempool_select: chunks by feerate, parents first, within
 * the weight and sigop limits); generateblock takes raw transactions and
 * txids of mempool transactions. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chain_util.h"
#include "sato/block_check.h"
#include "sato/chainstate_query.h"
#include "sato/clock.h"
#include "sato/descriptor.h"
#include "sato/difficulty.h"
#include "sato/hex.h"
#include "sato/mem.h"
#include "sato/mempool.h"
#include "sato/tx_check.h"
#include "sato/merkle.h"
#include "sato/miner.h"
#include "sato/rpc_methods.h"
#include "sato/tx_json.h"

/* Core's DEFAULT_MAX_TRIES for the generate methods. */
#define DEFAULT_MAX_TRIES 1000000

/* The template for a block on the current tip: time max(MTP + 1, now),
 * the required bits for that time, BIP9's top bits as the version. */
static int make_template(sato_block_template_t *t, sato_chainctl_t *ctl) {
    const sato_chainparams_t *p = sato_chainctl_params(ctl);
    const sato_blocknode_t *tip = sato_chainstate_tip(sato_chainctl_chainstate(ctl));
    sato_chain_view_t view;
    int64_t mtp = sato_blocknode_median_time_past(tip), now = sato_clock_now();
    memset(t, 0, sizeof(*t));
    memcpy(t->prev_hash, tip->hash, 32);
    t->height = tip->height + 1;
    t->time = (uint32_t)(now > mtp ? now : mtp + 1);
    sato_blocknode_chain_view(&view, tip);
    if (!sato_next_work_required(&t->bits, &view, t->time, p)) return 0;
    t->version = SATO_BLOCK_VERSION_TOP_BITS;
    t->segwit_active = t->height >= p->segwit_height;
    return 1;
}

/* Core's defaults: weight and sigops kept back for the coinbase. */
#define BLOCK_RESERVED_WEIGHT 8000
#define COINBASE_RESERVED_SIGOPS 400

static void build_block(sato_block_t *b, const sato_block_template_t *t, const sato_chainparams_t *p,
                        const unsigned char *spk, size_t spk_len, const sato_tx_t *txs, size_t ntxs, int64_t fees) {
    sato_tx_t coinbase;
    sato_miner_coinbase(&coinbase, t->height, spk, spk_len, sato_block_subsidy(t->height, p) + fees,
                        t->segwit_active);
    sato_miner_assemble(b, t, &coinbase, txs, ntxs);
    sato_tx_clear(&coinbase);
}

/* Grinds the nonce within *max_tries (decremented by what was used).
 * Returns 1 when solved. */
static int solve(sato_block_header_t *h, const sato_chainparams_t *p, uint64_t *max_tries) {
    sato_u256_t limit;
    int ok;
    if (*max_tries == 0) return 0;
    sato_chainparams_pow_limit(&limit, p);
    h->nonce = 0;
    ok = sato_miner_solve(h, &limit, *max_tries);
    *max_tries = ok ? *max_tries - ((uint64_t)h->nonce + 1) : 0;
    return ok;
}

/* Core's ProcessNewBlock (the chain state runs CheckBlock before any
 * look-up by hash, and logs what it refuses). */
static sato_err_t process_block(sato_chainctl_t *ctl, sato_block_state_t *st, const sato_block_t *b,
                                int *is_new) {
    return sato_chainstate_process_block(sato_chainctl_chainstate(ctl), st, b, 1, is_new);
}

/* Processes a block we made; on an invalid block fills req's error with
 * prefix and the state's text. Returns 1 if accepted. Lock held; the tip
 * it moves is reported by the dispatcher (or the next yield). */
static int submit_own(sato_rpc_request_t *req, sato_chainctl_t *ctl, const sato_block_t *b, int code,
                      const char *prefix) {
    sato_block_state_t st;
    sato_err_t err = process_block(ctl, &st, b, NULL);
    if (err != SATO_OK) {
        rpc_storage_error(req, ctl, err, "Failed to store a new block");
        return 0;
    }
    if (!sato_validation_is_valid(&st)) {
        char text[SATO_REJECT_REASON_MAX + SATO_DEBUG_MESSAGE_MAX + 4];
        sato_validation_state_string(text, sizeof(text), &st);
        sato_rpc_error(req, code, "%s%s", prefix, prefix[0] ? text : "ProcessNewBlock, block not accepted");
        return 0;
    }
    return 1;
}

/* Core's generateBlocks: one block at a time. Between blocks the chain
 * lock is let go (sato_rpc_chain_yield, which also reports the new tip),
 * so that other calls are answered, and a shutdown stops the loop with
 * what was made. */
static json_t *generate_blocks(sato_rpc_request_t *req, const unsigned char *spk, size_t spk_len,
                               int64_t n, uint64_t max_tries) {
    json_t *out = json_array();
    while (n > 0 && !sato_chainctl_interrupted(req->chain)) {
        sato_chainctl_t *ctl = req->chain;
        sato_block_template_t t;
        sato_block_t b;
        unsigned char hash[32];
        int ok;
        if (!make_template(&t, ctl)) {
            sato_rpc_error(req, SATO_RPC_INTERNAL_ERROR, "Cannot compute the next block's difficulty");
            goto fail;
        }
        {
            /* Shallow copies: assembly copies them again, deeply. */
            sato_mempool_t *pool = req->ctx->mempool;
            sato_mempool_entry_t **sel = NULL;
            sato_tx_t *txs = NULL;
            size_t nsel = 0, i;
            int64_t fees = 0;
            if (pool != NULL)
                sel = sato_mempool_select(pool, SATO_MAX_BLOCK_WEIGHT - BLOCK_RESERVED_WEIGHT,
                                          SATO_MAX_BLOCK_SIGOPS_COST - COINBASE_RESERVED_SIGOPS, &nsel, &fees);
            txs = sato_malloc((nsel + 1) * sizeof(*txs));
            for (i = 0; i < nsel; i++) txs[i] = sel[i]->tx;
            build_block(&b, &t, sato_chainctl_params(ctl), spk, spk_len, txs, nsel, fees);
            free(txs);
            free(sel);
        }
        if (!solve(&b.header, sato_chainctl_params(ctl), &max_tries)) {
            sato_block_clear(&b);
            break; /* out of tries: return what was made */
        }
        ok = submit_own(req, ctl, &b, SATO_RPC_INTERNAL_ERROR, "");
        sato_block_header_hash(hash, &b.header);
        sato_block_clear(&b);
        if (!ok) goto fail;
        json_array_append_new(out, rpc_hash_json(hash));
        if (--n > 0 && !sato_rpc_chain_yield(req)) goto fail;
    }
    return out;
fail:
    json_decref(out);
    return NULL;
}

static json_t *rpc_generatetoaddress(sato_rpc_request_t *req) {
    int64_t n, max_tries;
    const char *addr = sato_rpc_arg_str(req, 1);
    unsigned char spk[SATO_ADDRESS_SCRIPT_MAX];
    size_t spk_len;
    /* Core reads both as int here (getInt<int>). */
    if (!sato_rpc_arg_int(req, 0, INT32_MIN, INT32_MAX, &n) ||
        !sato_rpc_arg_int(req, 2, INT32_MIN, INT32_MAX, &max_tries))
        return NULL;
    if (!sato_address_decode(spk, &spk_len, req->ctx->chain->addr, addr, strlen(addr)))
        return sato_rpc_error(req, SATO_RPC_INVALID_ADDRESS_OR_KEY, "Error: Invalid address");
    /* A negative count of tries is a huge one as Core's uint64_t reads it. */
    return generate_blocks(req, spk, spk_len, n, (uint64_t)max_tries);
}

static json_t *rpc_generatetodescriptor(sato_rpc_request_t *req) {
    int64_t n, max_tries;
    const char *desc = sato_rpc_arg_str(req, 1);
    unsigned char *spk = NULL;
    size_t spk_len;
    char err[256];
    json_t *out;
    /* Core's Arg<int> and Arg<uint64_t>. */
    if (!sato_rpc_arg_int(req, 0, INT32_MIN, INT32_MAX, &n) || !sato_rpc_arg_int(req, 2, 0, INT64_MAX, &max_tries))
        return NULL;
    if (!sato_descriptor_parse_script(&spk, &spk_len, err, sizeof(err), req->ctx->chain->addr, desc))
        return sato_rpc_error(req, SATO_RPC_INVALID_ADDRESS_OR_KEY, "%s", err);
    out = generate_blocks(req, spk, spk_len, n, (uint64_t)max_tries);
    free(spk);
    return out;
}

static int is_hash_hex(const char *s) {
    size_t i;
    if (strlen(s) != 64) return 0;
    for (i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') || (s[i] >= 'A' && s[i] <= 'F')))
            return 0;
    return 1;
}

static json_t *rpc_generateblock(sato_rpc_request_t *req) {
    const char *output = sato_rpc_arg_str(req, 0);
    json_t *arr = sato_rpc_arg(req, 1), *v, *out = NULL;
    unsigned char *spk = NULL;
    size_t spk_len = 0, i, ntxs = 0;
    sato_tx_t *txs = NULL;
    int submit = sato_rpc_arg_bool(req, 2);
    char err[256];
    sato_chainctl_t *ctl = req->chain;
    sato_block_template_t t;
    sato_block_t b;
    int have_block = 0;
    uint64_t max_tries = DEFAULT_MAX_TRIES;
    unsigned char hash[32];

    if (!sato_descriptor_parse_script(&spk, &spk_len, err, sizeof(err), req->ctx->chain->addr, output)) {
        spk = sato_malloc(SATO_ADDRESS_SCRIPT_MAX);
        if (!sato_address_decode(spk, &spk_len, req->ctx->chain->addr, output, strlen(output))) {
            sato_rpc_error(req, SATO_RPC_INVALID_ADDRESS_OR_KEY, "Error: Invalid address or descriptor");
            goto out;
        }
    }
    txs = sato_calloc(json_array_size(arr) + 1, sizeof(*txs));
    json_array_foreach(arr, i, v) {
        const char *s = json_string_value(v);
        if (s == NULL) {
            sato_rpc_error(req, SATO_RPC_TYPE_ERROR, "JSON value is not a string as expected");
            goto out;
        }
        /* A txid names a mempool transaction. */
        if (is_hash_hex(s)) {
            unsigned char txid[32];
            sato_mempool_entry_t *e = NULL;
            if (req->ctx->mempool != NULL && sato_hex_decode_rev(txid, 32, s))
                e = sato_mempool_get(req->ctx->mempool, txid);
            if (e == NULL) {
                sato_rpc_error(req, SATO_RPC_INVALID_ADDRESS_OR_KEY, "Transaction %s not in mempool.", s);
                goto out;
            }
            sato_tx_copy(&txs[ntxs++], &e->tx);
            continue;
        }
        if (!sato_rpc_decode_hex_tx(&txs[ntxs], s, 1, 1)) {
            sato_rpc_error(req, SATO_RPC_DESERIALIZATION_ERROR,
                           "Transaction decode failed for %s. Make sure the tx has at least one input.", s);
            goto out;
        }
        ntxs++;
    }
    if (!make_template(&t, ctl)) {
        sato_rpc_error(req, SATO_RPC_INTERNAL_ERROR, "Cannot compute the next block's difficulty");
        goto out;
    }
    build_block(&b, &t, sato_chainctl_params(ctl), spk, spk_len, txs, ntxs, 0);
    have_block = 1;
    {
        /* Core's TestBlockValidity before any work is spent on the nonce. */
        sato_block_state_t st;
        sato_err_t serr = sato_chainstate_test_block(sato_chainctl_chainstate(ctl), &st, &b);
        if (serr != SATO_OK) {
            rpc_storage_error(req, ctl, serr, "Failed to read the UTXO set");
            goto out;
        }
        if (!sato_validation_is_valid(&st)) {
            char text[SATO_REJECT_REASON_MAX + SATO_DEBUG_MESSAGE_MAX + 4];
            sato_validation_state_string(text, sizeof(text), &st);
            sato_rpc_error(req, SATO_RPC_VERIFY_ERROR, "TestBlockValidity failed: %s", text);
            goto out;
        }
    }
    if (!solve(&b.header, sato_chainctl_params(ctl), &max_tries)) {
        sato_rpc_error(req, SATO_RPC_MISC_ERROR, "Failed to make block.");
        goto out;
    }
    if (submit && !submit_own(req, ctl, &b, SATO_RPC_VERIFY_ERROR, "TestBlockValidity failed: ")) goto out;
    sato_block_header_hash(hash, &b.header);
    out = json_object();
    json_object_set_new(out, "hash", rpc_hash_json(hash));
    if (!submit) json_object_set_new(out, "hex", sato_block_hex_json(&b));
out:
    if (have_block) sato_block_clear(&b);
    for (i = 0; i < ntxs; i++) sato_tx_clear(&txs[i]);
    free(txs);
    free(spk);
    return out;
}

/* Core's UpdateUncommittedBlockStructures: a block whose coinbase commits
 * to witnesses but carries no witness reserved value gets the default
 * (32 zero bytes), as a miner would have meant. */
static void add_witness_nonce(sato_block_t *b, const sato_blocknode_t *prev, const sato_chainparams_t *p) {
    size_t idx;
    sato_tx_t *cb;
    if (b->txs_len == 0 || prev->height + 1 < p->segwit_height) return;
    cb = &b->txs[0];
    if (cb->vin_len == 0 || cb->vin[0].witness_len != 0) return;
    if (!sato_block_witness_commitment_find(&idx, b)) return;
    sato_tx_make_editable(cb);
    cb->vin[0].witness = sato_calloc(1, sizeof(sato_bytes_t));
    cb->vin[0].witness[0].data = sato_calloc(1, 32);
    cb->vin[0].witness[0].len = 32;
    cb->vin[0].witness_len = 1;
}

static json_t *rpc_submitblock(sato_rpc_request_t *req) {
    const char *hex = sato_rpc_arg_str(req, 0);
    unsigned char *data, hash[32];
    size_t len;
    sato_reader_t r;
    sato_block_t b;
    sato_chainctl_t *ctl = req->chain;
    sato_chainstate_t *cs = sato_chainctl_chainstate(ctl);
    const sato_blocknode_t *prev, *e;
    sato_block_state_t st;
    sato_err_t err;
    int is_new = 0, parsed;
    json_t *out = NULL;
    if ((data = sato_hex_decode_alloc(hex, &len)) == NULL || len == 0) {
        free(data);
        return sato_rpc_error(req, SATO_RPC_DESERIALIZATION_ERROR, "Block decode failed");
    }
    /* Core's DecodeHexBlk reads one block from the bytes and ignores
     * whatever follows it. */
    sato_reader_init(&r, data, len);
    parsed = sato_block_read(&b, &r);
    free(data);
    if (!parsed) return sato_rpc_error(req, SATO_RPC_DESERIALIZATION_ERROR, "Block decode failed");
    if ((prev = sato_chainstate_lookup(cs, b.header.prev_hash)) != NULL)
        add_witness_nonce(&b, prev, sato_chainctl_params(ctl));
    sato_block_header_hash(hash, &b.header);
    err = process_block(ctl, &st, &b, &is_new);
    if (err != SATO_OK) {
        rpc_storage_error(req, ctl, err, "Failed to store a submitted block");
        goto out;
    }
    /* BIP22's answers, as Core gives them. */
    if (sato_validation_is_error(&st)) {
        char text[SATO_REJECT_REASON_MAX + SATO_DEBUG_MESSAGE_MAX + 4];
        sato_validation_state_string(text, sizeof(text), &st);
        sato_rpc_error(req, SATO_RPC_VERIFY_ERROR, "%s", text);
    } else if (sato_validation_is_invalid(&st)) {
        out = json_string(st.reason[0] ? st.reason : "rejected");
    } else if (!is_new) {
        out = json_string("duplicate");
    } else if ((e = sato_chainstate_lookup(cs, hash)) != NULL && (e->status & SATO_BLOCKNODE_SCRIPTS_OK)) {
        out = json_null();
    } else {
        /* Stored but not connected (not on the most-work chain): its
         * scripts were never checked. */
        out = json_string("inconclusive");
    }
out:
    sato_block_clear(&b);
    return out;
}

static json_t *rpc_submitheader(sato_rpc_request_t *req) {
    const char *hex = sato_rpc_arg_str(req, 0);
    unsigned char raw[SATO_BLOCK_HEADER_SIZE];
    size_t len;
    sato_block_header_t h;
    sato_chainctl_t *ctl = req->chain;
    sato_chainstate_t *cs = sato_chainctl_chainstate(ctl);
    sato_block_state_t st;
    sato_err_t err;
    if (!sato_hex_decode(raw, sizeof(raw), &len, hex) || len != sizeof(raw) || !sato_block_header_parse(&h, raw))
        return sato_rpc_error(req, SATO_RPC_DESERIALIZATION_ERROR, "Block header decode failed");
    if (sato_chainstate_lookup(cs, h.prev_hash) == NULL) {
        char prev[65];
        rpc_hash_hex(prev, h.prev_hash);
        return sato_rpc_error(req, SATO_RPC_VERIFY_ERROR, "Must submit previous header (%s) first", prev);
    }
    sato_validation_state_init(&st);
    err = sato_chainstate_process_headers(cs, &st, &h, 1);
    if (err != SATO_OK) return rpc_storage_error(req, ctl, err, "Failed to store a header");
    if (sato_validation_is_valid(&st)) return json_null();
    if (sato_validation_is_error(&st)) {
        char text[SATO_REJECT_REASON_MAX + SATO_DEBUG_MESSAGE_MAX + 4];
        sato_validation_state_string(text, sizeof(text), &st);
        return sato_rpc_error(req, SATO_RPC_VERIFY_ERROR, "%s", text);
    }
    return sato_rpc_error(req, SATO_RPC_VERIFY_ERROR, "%s", st.reason);
}

void sato_rpc_register_mining(sato_rpc_table_t *t) {
    static const sato_rpc_impl_t impls[] = {
        {"generateblock", rpc_generateblock},
        {"generatetoaddress", rpc_generatetoaddress},
        {"generatetodescriptor", rpc_generatetodescriptor},
        {"submitblock", rpc_submitblock},
        {"submitheader", rpc_submitheader},
    };
    sato_rpc_table_bind(t, impls, sizeof(impls) / sizeof(impls[0]));
}
