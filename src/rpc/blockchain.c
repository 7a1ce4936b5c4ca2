/* Blockchain methods over the chain state: getblockchaininfo,
 * getblockcount, getbestblockhash, getblockhash, getblock,
 * getblockheader, getchaintips, getdifficulty, gettxout, gettxoutsetinfo,
 * invalidateblock, reconsiderblock, verifychain. Every call holds the
 * chain lock (Core's cs_main) while it reads the chain state. */
#include <stdlib.h>
#include <string.h>

#include "chain_util.h"
#include "sato/chainstate_query.h"
#include "sato/log.h"
#include "sato/hex.h"
#include "sato/json_out.h"
#include "sato/mem.h"
#include "sato/rpc_methods.h"
#include "sato/tx_json.h"

static json_t *rpc_getblockcount(sato_rpc_request_t *req) {
    sato_chainctl_t *ctl = rpc_chain_lock(req);
    json_t *out;
    if (ctl == NULL) return NULL;
    out = json_integer(sato_chainstate_tip(sato_chainctl_chainstate(ctl))->height);
    sato_chainctl_unlock(ctl);
    return out;
}

static json_t *rpc_getbestblockhash(sato_rpc_request_t *req) {
    sato_chainctl_t *ctl = rpc_chain_lock(req);
    json_t *out;
    if (ctl == NULL) return NULL;
    out = rpc_hash_json(sato_chainstate_tip(sato_chainctl_chainstate(ctl))->hash);
    sato_chainctl_unlock(ctl);
    return out;
}

static json_t *rpc_getdifficulty(sato_rpc_request_t *req) {
    sato_chainctl_t *ctl = rpc_chain_lock(req);
    json_t *out;
    if (ctl == NULL) return NULL;
    out = json_real(sato_chainctl_difficulty(sato_chainstate_tip(sato_chainctl_chainstate(ctl))->header.bits));
    sato_chainctl_unlock(ctl);
    return out;
}

static json_t *rpc_getblockhash(sato_rpc_request_t *req) {
    sato_chainctl_t *ctl;
    const sato_blocknode_t *e;
    int32_t height;
    json_t *out;
    if (!rpc_param_int32(req, 0, 0, &height)) return NULL;
    if ((ctl = rpc_chain_lock(req)) == NULL) return NULL;
    e = height < 0 ? NULL : sato_chainstate_at(sato_chainctl_chainstate(ctl), height);
    out = e ? rpc_hash_json(e->hash) : sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "Block height out of range");
    sato_chainctl_unlock(ctl);
    return out;
}

static json_t *rpc_getblockchaininfo(sato_rpc_request_t *req) {
    sato_chainctl_t *ctl = rpc_chain_lock(req);
    sato_chainstate_t *cs;
    const sato_blocknode_t *tip, *best;
    const sato_chainparams_t *p;
    json_t *o, *hdr;
    if (ctl == NULL) return NULL;
    cs = sato_chainctl_chainstate(ctl);
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
    sato_chainctl_unlock(ctl);
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
    unsigned char hash[32];
    int verbose;
    sato_chainctl_t *ctl;
    const sato_blocknode_t *e;
    json_t *out = NULL;
    if (!rpc_param_hash(req, 0, "hash", hash) || !sato_rpc_param_bool(req, 1, 1, &verbose)) return NULL;
    if ((ctl = rpc_chain_lock(req)) == NULL) return NULL;
    if ((e = param_block(req, ctl, hash)) != NULL) {
        if (verbose) {
            out = rpc_header_json(ctl, e);
        } else {
            unsigned char ser[SATO_BLOCK_HEADER_SIZE];
            sato_block_header_serialize(ser, &e->header);
            out = sato_json_hex(ser, sizeof(ser));
        }
    }
    sato_chainctl_unlock(ctl);
    return out;
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
    int64_t verbosity = 1;
    sato_chainctl_t *ctl;
    const sato_blocknode_t *e;
    sato_block_t block;
    sato_err_t err;
    json_t *out = NULL, *v;
    size_t i;
    if (!rpc_param_hash(req, 0, "blockhash", hash)) return NULL;
    /* Core's ParseVerbosity: a bool is accepted, true meaning 1. */
    v = sato_rpc_param(req, 1);
    if (v != NULL && json_is_boolean(v))
        verbosity = json_is_true(v);
    else if (!sato_rpc_param_int(req, 1, 1, &verbosity))
        return NULL;
    if ((ctl = rpc_chain_lock(req)) == NULL) return NULL;
    if ((e = param_block(req, ctl, hash)) == NULL) goto out;
    if (!(e->status & SATO_BLOCKNODE_HAVE_DATA)) {
        sato_rpc_error(req, SATO_RPC_MISC_ERROR, "Block not available (not fully downloaded)");
        goto out;
    }
    err = sato_chainstate_read_block(sato_chainctl_chainstate(ctl), &block, e);
    if (err != SATO_OK) {
        rpc_storage_error(req, ctl, err, "Failed to read block");
        goto out;
    }
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
                sato_rpc_error(req, SATO_RPC_INTERNAL_ERROR,
                               "Undo data expected but can't be read. This could be due to disk corruption or a "
                               "conflict with a pruning event.");
                goto out;
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
out:
    sato_chainctl_unlock(ctl);
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
    sato_chainctl_t *ctl = rpc_chain_lock(req);
    tips_t t;
    const sato_blocknode_t *tip;
    json_t *out;
    size_t i;
    if (ctl == NULL) return NULL;
    memset(&t, 0, sizeof(t));
    t.cs = sato_chainctl_chainstate(ctl);
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
    sato_chainctl_unlock(ctl);
    return out;
}

static json_t *rpc_gettxout(sato_rpc_request_t *req) {
    sato_outpoint_t op;
    int64_t n;
    int include_mempool;
    sato_chainctl_t *ctl;
    sato_chainstate_t *cs;
    const sato_blocknode_t *tip;
    sato_coin_t coin;
    sato_err_t err;
    json_t *out = NULL;
    if (!rpc_param_hash(req, 0, "txid", op.hash) || !sato_rpc_param_int(req, 1, 0, &n)) return NULL;
    if (n < 0 || n > UINT32_MAX) return sato_rpc_error(req, SATO_RPC_MISC_ERROR, "JSON integer out of range");
    op.n = (uint32_t)n;
    /* include_mempool is accepted for compatibility; there is no mempool
     * yet, so the answer is always the confirmed UTXO set. */
    if (!sato_rpc_param_bool(req, 2, 1, &include_mempool)) return NULL;
    if ((ctl = rpc_chain_lock(req)) == NULL) return NULL;
    cs = sato_chainctl_chainstate(ctl);
    tip = sato_chainstate_tip(cs);
    err = sato_chainstate_get_coin(cs, &op, &coin); /* script borrowed: used under the lock */
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
    sato_chainctl_unlock(ctl);
    return out;
}

static json_t *rpc_gettxoutsetinfo(sato_rpc_request_t *req) {
    const char *hash_type;
    int use_index, with_hash;
    sato_chainctl_t *ctl;
    sato_chainstate_t *cs;
    sato_utxo_stats_t stats;
    sato_err_t err;
    json_t *out = NULL;
    if (!sato_rpc_param_str(req, 0, "hash_serialized_3", &hash_type)) return NULL;
    if (strcmp(hash_type, "muhash") == 0)
        return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER,
                              "hash_type muhash is not supported by this node (use hash_serialized_3 or none)");
    if (strcmp(hash_type, "hash_serialized_3") != 0 && strcmp(hash_type, "none") != 0)
        return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "'%s' is not a valid hash_type", hash_type);
    with_hash = strcmp(hash_type, "none") != 0;
    if (sato_rpc_has_param(req, 1))
        return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER,
                              "Querying specific block heights requires coinstatsindex");
    if (!sato_rpc_param_bool(req, 2, 1, &use_index)) return NULL;
    if ((ctl = rpc_chain_lock(req)) == NULL) return NULL;
    cs = sato_chainctl_chainstate(ctl);
    /* utxo_stats flushes, so the database holds the tip's set. */
    if ((err = sato_chainstate_utxo_stats(cs, &stats)) != SATO_OK) {
        rpc_storage_error(req, ctl, err, "Unable to read UTXO set");
        goto out;
    }
    out = json_object();
    json_object_set_new(out, "height", json_integer(stats.height));
    json_object_set_new(out, "bestblock", rpc_hash_json(stats.best_block));
    json_object_set_new(out, "txouts", json_integer((json_int_t)stats.txouts));
    json_object_set_new(out, "bogosize", json_integer((json_int_t)stats.bogosize));
    if (with_hash) json_object_set_new(out, "hash_serialized_3", rpc_hash_json(stats.hash));
    json_object_set_new(out, "total_amount", sato_json_amount(stats.total_amount));
    json_object_set_new(out, "transactions", json_integer((json_int_t)stats.transactions));
    json_object_set_new(out, "disk_size", json_integer((json_int_t)sato_chainstate_coins_disk_size(cs)));
out:
    sato_chainctl_unlock(ctl);
    return out;
}

static json_t *invalidate_or_reconsider(sato_rpc_request_t *req, int invalidate) {
    unsigned char hash[32];
    sato_chainctl_t *ctl;
    sato_block_state_t st;
    sato_err_t err;
    json_t *out = NULL;
    if (!rpc_param_hash(req, 0, "blockhash", hash)) return NULL;
    if ((ctl = rpc_chain_lock(req)) == NULL) return NULL;
    if (param_block(req, ctl, hash) == NULL) goto out;
    sato_validation_state_init(&st);
    err = invalidate ? sato_chainstate_invalidate(sato_chainctl_chainstate(ctl), &st, hash)
                     : sato_chainstate_reconsider(sato_chainctl_chainstate(ctl), &st, hash);
    if (err != SATO_OK) {
        rpc_storage_error(req, ctl, err, invalidate ? "invalidateblock" : "reconsiderblock");
        goto out;
    }
    if (sato_chainctl_tip_changed(ctl) != SATO_OK) {
        sato_rpc_error(req, SATO_RPC_DATABASE_ERROR, "Failed to update the indexes");
        goto out;
    }
    /* Core answers a failure to activate the best chain with the state's
     * text; reconsidering a block that really is invalid is not one
     * (the block is just marked again). */
    if (invalidate && !sato_validation_is_valid(&st)) {
        char text[SATO_REJECT_REASON_MAX + SATO_DEBUG_MESSAGE_MAX + 4];
        sato_validation_state_string(text, sizeof(text), &st);
        sato_rpc_error(req, SATO_RPC_DATABASE_ERROR, "%s", text);
        goto out;
    }
    out = json_null();
out:
    sato_chainctl_unlock(ctl);
    return out;
}

static json_t *rpc_invalidateblock(sato_rpc_request_t *req) {
    return invalidate_or_reconsider(req, 1);
}

static json_t *rpc_reconsiderblock(sato_rpc_request_t *req) {
    return invalidate_or_reconsider(req, 0);
}

static json_t *rpc_verifychain(sato_rpc_request_t *req) {
    int32_t level, depth;
    sato_chainctl_t *ctl;
    sato_chainstate_t *cs;
    sato_err_t err;
    json_t *out = NULL;
    if (!rpc_param_int32(req, 0, 3, &level) || !rpc_param_int32(req, 1, 6, &depth)) return NULL;
    if ((ctl = rpc_chain_lock(req)) == NULL) return NULL;
    cs = sato_chainctl_chainstate(ctl);
    /* Core's depth <= 0 means the whole chain. Sato checks every level
     * (block checks, undo checksum, disconnect in a scratch view) whatever
     * the level asked for. */
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
    sato_chainctl_unlock(ctl);
    return out;
}

static const char *const args_none[] = {NULL};
static const char *const args_height[] = {"height", NULL};
static const char *const args_getblock[] = {"blockhash", "verbosity|verbose", NULL};
static const char *const args_getblockheader[] = {"blockhash", "verbose", NULL};
static const char *const args_gettxout[] = {"txid", "n", "include_mempool", NULL};
static const char *const args_gettxoutsetinfo[] = {"hash_type", "hash_or_height", "use_index", NULL};
static const char *const args_blockhash[] = {"blockhash", NULL};
static const char *const args_verifychain[] = {"checklevel", "nblocks", NULL};

static const sato_rpc_method_t methods[] = {
    {"blockchain", "getbestblockhash", rpc_getbestblockhash, args_none,
     "getbestblockhash\nReturns the hash of the best (tip) block in the most-work fully-validated chain.", 0},
    {"blockchain", "getblock", rpc_getblock, args_getblock,
     "getblock \"blockhash\" ( verbosity )\n"
     "If verbosity is 0, returns a string that is serialized, hex-encoded data for block 'hash'.\n"
     "If verbosity is 1, returns an Object with information about block <hash>.\n"
     "If verbosity is 2, returns an Object with information about block <hash> and information about each "
     "transaction.\nIf verbosity is 3, also each input's prevout (for connected blocks).",
     1},
    {"blockchain", "getblockchaininfo", rpc_getblockchaininfo, args_none,
     "getblockchaininfo\nReturns an object containing various state info regarding blockchain processing.", 0},
    {"blockchain", "getblockcount", rpc_getblockcount, args_none,
     "getblockcount\nReturns the height of the most-work fully-validated chain.", 0},
    {"blockchain", "getblockhash", rpc_getblockhash, args_height,
     "getblockhash height\nReturns hash of block in best-block-chain at height provided.", 1},
    {"blockchain", "getblockheader", rpc_getblockheader, args_getblockheader,
     "getblockheader \"blockhash\" ( verbose )\n"
     "If verbose is false, returns a string that is serialized, hex-encoded data for blockheader 'hash'.\n"
     "If verbose is true, returns an Object with information about blockheader <hash>.",
     1},
    {"blockchain", "getchaintips", rpc_getchaintips, args_none,
     "getchaintips\nReturn information about all known tips in the block tree, including the main chain as "
     "well as orphaned branches.",
     0},
    {"blockchain", "getdifficulty", rpc_getdifficulty, args_none,
     "getdifficulty\nReturns the proof-of-work difficulty as a multiple of the minimum difficulty.", 0},
    {"blockchain", "gettxout", rpc_gettxout, args_gettxout,
     "gettxout \"txid\" n ( include_mempool )\nReturns details about an unspent transaction output.\n"
     "include_mempool is accepted but has no effect: this node has no mempool yet.",
     2},
    {"blockchain", "gettxoutsetinfo", rpc_gettxoutsetinfo, args_gettxoutsetinfo,
     "gettxoutsetinfo ( \"hash_type\" hash_or_height use_index )\n"
     "Returns statistics about the unspent transaction output set.\n"
     "hash_type: hash_serialized_3 (default) or none; muhash is not supported yet.",
     0},
    {"blockchain", "invalidateblock", rpc_invalidateblock, args_blockhash,
     "invalidateblock \"blockhash\"\nPermanently marks a block as invalid, as if it violated a consensus rule.", 1},
    {"blockchain", "reconsiderblock", rpc_reconsiderblock, args_blockhash,
     "reconsiderblock \"blockhash\"\nRemoves invalidity status of a block, its ancestors and its descendants, "
     "reconsider them for activation.",
     1},
    {"blockchain", "verifychain", rpc_verifychain, args_verifychain,
     "verifychain ( checklevel nblocks )\nVerifies blockchain database.", 0},
};

void sato_rpc_register_blockchain(sato_rpc_table_t *t) {
    sato_rpc_table_add(t, methods, sizeof(methods) / sizeof(methods[0]));
}
