/* Blockchain methods over the chain state: getblockchaininfo,
 * getblockcount, getbestblockhash, getblockhash, getblock,
 * getblockheader, getchaintips, getdifficulty, gettxout, gettxoutsetinfo,
 * invalidateblock, reconsiderblock, verifychain. Their interface is in
 * spec_blockchain.c; the dispatcher holds the chain lock (Core's cs_main)
 * around each and reports the tip after those that may move it. */
#include <stdlib.h>
#include <string.h>

#include "chain_util.h"
#include "sato/chainstate_query.h"
#include "sato/log.h"
#include "sato/hex.h"
#include "sato/json_out.h"
#include "sato/mem.h"
#include "sato/mempool.h"
#include "sato/rpc_methods.h"
#include "sato/tx_json.h"

static json_t *rpc_getblockcount(sato_rpc_request_t *req) {
    return json_integer(sato_chainstate_tip(sato_chainctl_chainstate(req->chain))->height);
}

static json_t *rpc_getbestblockhash(sato_rpc_request_t *req) {
    return rpc_hash_json(sato_chainstate_tip(sato_chainctl_chainstate(req->chain))->hash);
}

static json_t *rpc_getdifficulty(sato_rpc_request_t *req) {
    return json_real(sato_chainctl_difficulty(sato_chainstate_tip(sato_chainctl_chainstate(req->chain))->header.bits));
}

static json_t *rpc_getblockhash(sato_rpc_request_t *req) {
    const sato_blocknode_t *e;
    int64_t height;
    if (!sato_rpc_arg_int(req, 0, INT32_MIN, INT32_MAX, &height)) return NULL;
    e = height < 0 ? NULL : sato_chainstate_at(sato_chainctl_chainstate(req->chain), (int32_t)height);
    return e ? rpc_hash_json(e->hash) : sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "Block height out of range");
}

static json_t *rpc_getblockchaininfo(sato_rpc_request_t *req) {
    sato_chainctl_t *ctl = req->chain;
    sato_chainstate_t *cs = sato_chainctl_chainstate(ctl);
    const sato_blocknode_t *tip, *best;
    const sato_chainparams_t *p;
    json_t *o, *hdr;
    p = sato_chainctl_params(ctl);
    tip = sato_chainstate_tip(cs);
    best = sato_chainstate_best_header(cs);
    hdr = rpc_header_json(ctl, tip);
    o = json_object();
    json_object_set_new(o, "chain", json_string(p->name));
    json_object_set_new(o, "blocks", json_integer(tip->height));
    json_object_set_new(o, "headers", json_integer(best ? best->height : -1));
    json_object_set_new(o, "bestblockhash", rpc_hash_json(tip->hash));
    json_object_set(o, "bits", json_object_get(hdr, "bits"));
    json_object_set(o, "target", json_object_get(hdr, "target"));
    json_object_set(o, "difficulty", json_object_get(hdr, "difficulty"));
    json_object_set(o, "time", json_object_get(hdr, "time"));
    json_object_set(o, "mediantime", json_object_get(hdr, "mediantime"));
    json_object_set_new(o, "verificationprogress", json_real(sato_chainctl_progress(ctl, tip)));
    json_object_set_new(o, "initialblockdownload", json_boolean(sato_chainctl_ibd(ctl)));
    json_object_set(o, "chainwork", json_object_get(hdr, "chainwork"));
    json_object_set_new(o, "size_on_disk", json_integer((json_int_t)sato_chainstate_blocks_size(cs)));
    json_object_set_new(o, "pruned", json_false());
    if (p->signet_blocks)
        json_object_set_new(o, "signet_challenge", sato_json_hex(p->signet_challenge, p->signet_challenge_len));
    json_object_set_new(o, "warnings", json_array());
    json_decref(hdr);
    return o;
}

/* Looks a block up by the hash in parameter 0; NULL with the error set. */
static const sato_blocknode_t *param_block(sato_rpc_request_t *req, sato_chainctl_t *ctl,
                                          const unsigned char hash[32]) {
    const sato_blocknode_t *e = sato_chainstate_lookup(sato_chainctl_chainstate(ctl), hash);
    if (e == NULL) sato_rpc_error(req, SATO_RPC_INVALID_ADDRESS_OR_KEY, "Block not found");
    return e;
}

static json_t *rpc_getblockheader(sato_rpc_request_t *req) {
    unsigned char hash[32], ser[SATO_BLOCK_HEADER_SIZE];
    const sato_blocknode_t *e;
    if (!rpc_param_hash(req, 0, "hash", hash)) return NULL;
    if ((e = param_block(req, req->chain, hash)) == NULL) return NULL;
    if (sato_rpc_arg_bool(req, 1)) return rpc_header_json(req->chain, e);
    sato_block_header_serialize(ser, &e->header);
    return sato_json_hex(ser, sizeof(ser));
}

static json_t *coinbase_json(const sato_tx_t *tx) {
    json_t *o = json_object();
    const sato_txin_t *in = &tx->vin[0];
    json_object_set_new(o, "version", json_integer(tx->version));
    json_object_set_new(o, "locktime", json_integer(tx->locktime));
    json_object_set_new(o, "sequence", json_integer(in->sequence));
    json_object_set_new(o, "coinbase", sato_json_hex(in->script_sig.data, in->script_sig.len));
    if (in->witness_len > 0)
        json_object_set_new(o, "witness", sato_json_hex(in->witness[0].data, in->witness[0].len));
    return o;
}

static json_t *rpc_getblock(sato_rpc_request_t *req) {
    unsigned char hash[32];
    int verbosity;
    sato_chainctl_t *ctl = req->chain;
    const sato_blocknode_t *e;
    sato_block_t block;
    sato_err_t err;
    json_t *out = NULL;
    size_t i;
    if (!rpc_param_hash(req, 0, "blockhash", hash) || !sato_rpc_arg_verbosity(req, 1, &verbosity)) return NULL;
    if ((e = param_block(req, ctl, hash)) == NULL) return NULL;
    if (!(e->status & SATO_BLOCKNODE_HAVE_DATA))
        return sato_rpc_error(req, SATO_RPC_MISC_ERROR, "Block not available (not fully downloaded)");
    err = sato_chainstate_read_block(sato_chainctl_chainstate(ctl), &block, e);
    if (err != SATO_OK) return rpc_storage_error(req, ctl, err, "Failed to read block");
    if (verbosity <= 0) {
        out = sato_block_hex_json(&block);
    } else {
        json_t *txs = json_array();
        sato_block_undo_t undo;
        int have_undo = 0;
        memset(&undo, 0, sizeof(undo));
        sato_buf_init(&undo.raw);
        if (verbosity >= 2) {
            /* Fees (and prevouts at 3) come from the undo data, which only
             * connected blocks have. */
            err = sato_chainstate_read_undo(sato_chainctl_chainstate(ctl), &undo, e, &block);
            have_undo = err == SATO_OK;
            if (err != SATO_OK && err != SATO_ENOTFOUND) {
                sato_block_undo_clear(&undo);
                sato_block_clear(&block);
                json_decref(txs);
                return sato_rpc_error(req, SATO_RPC_INTERNAL_ERROR,
                                      "Undo data expected but can't be read. This could be due to disk corruption "
                                      "or a conflict with a pruning event.");
            }
        }
        out = rpc_header_json(ctl, e);
        json_object_set_new(out, "strippedsize", json_integer((json_int_t)sato_block_size(&block, 0)));
        json_object_set_new(out, "size", json_integer((json_int_t)sato_block_size(&block, 1)));
        json_object_set_new(out, "weight", json_integer((json_int_t)sato_block_weight(&block)));
        if (block.txs_len > 0 && block.txs[0].vin_len > 0)
            json_object_set_new(out, "coinbase_tx", coinbase_json(&block.txs[0]));
        for (i = 0; i < block.txs_len; i++) {
            if (verbosity == 1) {
                unsigned char txid[32];
                sato_tx_txid(txid, &block.txs[i]);
                json_array_append_new(txs, rpc_hash_json(txid));
            } else {
                const sato_coin_t *spent = have_undo && i > 0 ? &undo.coins[undo.first[i]] : NULL;
                json_array_append_new(txs, rpc_tx_json_undo(req->ctx->chain->addr, &block.txs[i], spent,
                                                            verbosity >= 3, 1));
            }
        }
        json_object_set_new(out, "tx", txs);
        sato_block_undo_clear(&undo);
    }
    sato_block_clear(&block);
    return out;
}

typedef struct {
    sato_chainstate_t *cs;
    const sato_blocknode_t **tips;
    size_t n, cap;
} tips_t;

static void collect_tip(void *arg, const sato_blocknode_t *e) {
    tips_t *t = arg;
    /* Off the active chain and without children: the end of a branch. */
    if (sato_chainstate_at(t->cs, e->height) == e || e->first_child != NULL) return;
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 16;
        t->tips = sato_realloc(t->tips, t->cap * sizeof(*t->tips));
    }
    t->tips[t->n++] = e;
}

static int by_height_desc(const void *a, const void *b) {
    const sato_blocknode_t *x = *(const sato_blocknode_t *const *)a, *y = *(const sato_blocknode_t *const *)b;
    if (x->height != y->height) return x->height > y->height ? -1 : 1;
    return memcmp(x->hash, y->hash, 32);
}

static const char *tip_status(const tips_t *t, const sato_blocknode_t *e) {
    if (sato_chainstate_at(t->cs, e->height) == e) return "active";
    if (e->status & SATO_BLOCKNODE_FAILED_MASK) return "invalid";
    if (!e->chain_available) return "headers-only";
    if (e->status & SATO_BLOCKNODE_SCRIPTS_OK) return "valid-fork";
    if (e->status & SATO_BLOCKNODE_HEADER_OK) return "valid-headers";
    return "unknown";
}

static json_t *rpc_getchaintips(sato_rpc_request_t *req) {
    tips_t t;
    const sato_blocknode_t *tip;
    json_t *out;
    size_t i;
    memset(&t, 0, sizeof(t));
    t.cs = sato_chainctl_chainstate(req->chain);
    tip = sato_chainstate_tip(t.cs);
    sato_chainstate_foreach(t.cs, collect_tip, &t);
    t.tips = sato_realloc(t.tips, (t.n + 1) * sizeof(*t.tips));
    t.tips[t.n++] = tip;
    qsort(t.tips, t.n, sizeof(*t.tips), by_height_desc);
    out = json_array();
    for (i = 0; i < t.n; i++) {
        const sato_blocknode_t *e = t.tips[i];
        const sato_blocknode_t *fork = sato_blocknode_fork(tip, e);
        json_t *o = json_object();
        json_object_set_new(o, "height", json_integer(e->height));
        json_object_set_new(o, "hash", rpc_hash_json(e->hash));
        json_object_set_new(o, "branchlen", json_integer(e->height - (fork ? fork->height : -1)));
        json_object_set_new(o, "status", json_string(tip_status(&t, e)));
        json_array_append_new(out, o);
    }
    free(t.tips);
    return out;
}

static json_t *rpc_gettxout(sato_rpc_request_t *req) {
    sato_outpoint_t op;
    int64_t n;
    sato_chainctl_t *ctl = req->chain;
    sato_chainstate_t *cs = sato_chainctl_chainstate(ctl);
    const sato_blocknode_t *tip;
    sato_coin_t coin;
    sato_err_t err;
    json_t *out = NULL;
    sato_mempool_t *pool = sato_rpc_arg_bool(req, 2) ? req->ctx->mempool : NULL;
    const sato_txout_t *pool_out;
    if (!rpc_param_hash(req, 0, "txid", op.hash) || !sato_rpc_arg_int(req, 1, 0, UINT32_MAX, &n)) return NULL;
    op.n = (uint32_t)n;
    tip = sato_chainstate_tip(cs);
    /* With include_mempool, an output a pool transaction spends is gone
     * and one it creates is there, unconfirmed (Core's CCoinsViewMemPool). */
    if (pool != NULL && sato_mempool_spender(pool, &op) != NULL) return json_null();
    if (pool != NULL && (pool_out = sato_mempool_output(pool, &op)) != NULL) {
        coin.out = *pool_out;
        coin.height = tip->height + 1;
        coin.is_coinbase = 0;
        err = SATO_OK;
    } else {
        err = sato_chainstate_get_coin(cs, &op, &coin); /* script borrowed: used under the lock */
    }
    if (err == SATO_ENOTFOUND) {
        out = json_null();
    } else if (err != SATO_OK) {
        rpc_storage_error(req, ctl, err, "Failed to read the UTXO set");
    } else {
        out = json_object();
        json_object_set_new(out, "bestblock", rpc_hash_json(tip->hash));
        json_object_set_new(out, "confirmations", json_integer(tip->height - coin.height + 1));
        json_object_set_new(out, "value", sato_json_amount(coin.out.value));
        json_object_set_new(out, "scriptPubKey",
                            sato_script_json(req->ctx->chain->addr, coin.out.script_pubkey.data,
                                             coin.out.script_pubkey.len, 1, 1, NULL, 0));
        json_object_set_new(out, "coinbase", json_boolean(coin.is_coinbase));
    }
    return out;
}

static json_t *rpc_gettxoutsetinfo(sato_rpc_request_t *req) {
    const char *hash_type = sato_rpc_arg_str(req, 0);
    int with_hash;
    sato_chainctl_t *ctl = req->chain;
    sato_chainstate_t *cs = sato_chainctl_chainstate(ctl);
    sato_utxo_stats_t stats;
    sato_err_t err;
    json_t *out;
    if (strcmp(hash_type, "muhash") == 0)
        return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER,
                              "hash_type muhash is not supported by this node (use hash_serialized_3 or none)");
    if (strcmp(hash_type, "hash_serialized_3") != 0 && strcmp(hash_type, "none") != 0)
        return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "'%s' is not a valid hash_type", hash_type);
    with_hash = strcmp(hash_type, "none") != 0;
    /* hash_or_height (any type: the table skips its check, as Core's)
     * needs coinstatsindex, which this node does not have; use_index then
     * changes nothing. */
    if (sato_rpc_has_param(req, 1))
        return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER,
                              "Querying specific block heights requires coinstatsindex");
    /* utxo_stats flushes, so the database holds the tip's set. */
    if ((err = sato_chainstate_utxo_stats(cs, &stats)) != SATO_OK)
        return rpc_storage_error(req, ctl, err, "Unable to read UTXO set");
    out = json_object();
    json_object_set_new(out, "height", json_integer(stats.height));
    json_object_set_new(out, "bestblock", rpc_hash_json(stats.best_block));
    json_object_set_new(out, "txouts", json_integer((json_int_t)stats.txouts));
    json_object_set_new(out, "bogosize", json_integer((json_int_t)stats.bogosize));
    if (with_hash) json_object_set_new(out, "hash_serialized_3", rpc_hash_json(stats.hash));
    json_object_set_new(out, "total_amount", sato_json_amount(stats.total_amount));
    json_object_set_new(out, "transactions", json_integer((json_int_t)stats.transactions));
    json_object_set_new(out, "disk_size", json_integer((json_int_t)sato_chainstate_coins_disk_size(cs)));
    return out;
}

/* The tip they move is reported by the dispatcher (SATO_RPC_MOVES_TIP). */
static json_t *invalidate_or_reconsider(sato_rpc_request_t *req, int invalidate) {
    unsigned char hash[32];
    sato_chainctl_t *ctl = req->chain;
    sato_block_state_t st;
    sato_err_t err;
    if (!rpc_param_hash(req, 0, "blockhash", hash)) return NULL;
    if (param_block(req, ctl, hash) == NULL) return NULL;
    sato_validation_state_init(&st);
    err = invalidate ? sato_chainstate_invalidate(sato_chainctl_chainstate(ctl), &st, hash)
                     : sato_chainstate_reconsider(sato_chainctl_chainstate(ctl), &st, hash);
    if (err != SATO_OK) return rpc_storage_error(req, ctl, err, invalidate ? "invalidateblock" : "reconsiderblock");
    /* Core answers a failure to activate the best chain with the state's
     * text; reconsidering a block that really is invalid is not one
     * (the block is just marked again). */
    if (invalidate && !sato_validation_is_valid(&st)) {
        char text[SATO_REJECT_REASON_MAX + SATO_DEBUG_MESSAGE_MAX + 4];
        sato_validation_state_string(text, sizeof(text), &st);
        return sato_rpc_error(req, SATO_RPC_DATABASE_ERROR, "%s", text);
    }
    return json_null();
}

static json_t *rpc_invalidateblock(sato_rpc_request_t *req) {
    return invalidate_or_reconsider(req, 1);
}

static json_t *rpc_reconsiderblock(sato_rpc_request_t *req) {
    return invalidate_or_reconsider(req, 0);
}

/* Core's DEFAULT_CHECKLEVEL and DEFAULT_CHECKBLOCKS (the table gives them
 * as hints, as Core's does). */
#define DEFAULT_CHECKLEVEL 3
#define DEFAULT_CHECKBLOCKS 6

static json_t *rpc_verifychain(sato_rpc_request_t *req) {
    int64_t level = DEFAULT_CHECKLEVEL, depth = DEFAULT_CHECKBLOCKS;
    sato_chainctl_t *ctl = req->chain;
    sato_chainstate_t *cs = sato_chainctl_chainstate(ctl);
    sato_err_t err;
    json_t *out = NULL;
    if ((sato_rpc_has_param(req, 0) && !sato_rpc_arg_int(req, 0, INT32_MIN, INT32_MAX, &level)) ||
        (sato_rpc_has_param(req, 1) && !sato_rpc_arg_int(req, 1, INT32_MIN, INT32_MAX, &depth)))
        return NULL;
    /* Core's depth <= 0 means the whole chain. Sato checks every level
     * (block checks, undo checksum, disconnect in a scratch view) whatever
     * the level asked for. */
    (void)level;
    if (depth <= 0 || depth > sato_chainstate_tip(cs)->height) depth = sato_chainstate_tip(cs)->height;
    err = sato_chainstate_verify(cs, (unsigned)depth);
    if (err == SATO_OK) {
        out = json_true();
    } else if (err == SATO_ECORRUPT) {
        sato_log_printf("Verification error: %s", sato_chainstate_error(cs));
        out = json_false();
    } else {
        rpc_storage_error(req, ctl, err, "verifychain");
    }
    return out;
}

void sato_rpc_register_blockchain(sato_rpc_table_t *t) {
    static const sato_rpc_impl_t impls[] = {
        {"getbestblockhash", rpc_getbestblockhash},
        {"getblock", rpc_getblock},
        {"getblockchaininfo", rpc_getblockchaininfo},
        {"getblockcount", rpc_getblockcount},
        {"getblockhash", rpc_getblockhash},
        {"getblockheader", rpc_getblockheader},
        {"getchaintips", rpc_getchaintips},
        {"getdifficulty", rpc_getdifficulty},
        {"gettxout", rpc_gettxout},
        {"gettxoutsetinfo", rpc_gettxoutsetinfo},
        {"invalidateblock", rpc_invalidateblock},
        {"reconsiderblock", rpc_reconsiderblock},
        {"verifychain", rpc_verifychain},
    };
    sato_rpc_table_bind(t, impls, sizeof(impls) / sizeof(impls[0]));
}
