/* getrawtransaction: a transaction from a given block, or from the
 * mempool, or from any block of the active chain through -txindex. */
#include <stdlib.h>
#include <string.h>

#include "chain_util.h"
#include "sato/chainstate_query.h"
#include "sato/hex.h"
#include "sato/mem.h"
#include "sato/mempool.h"
#include "sato/rpc_methods.h"
#include "sato/tx_json.h"
#include "sato/txindex.h"

/* Reads block e into *b (the caller clears it) and finds transaction
 * txid there, looking at pos first; *index receives its position.
 * SATO_ENOTFOUND if the block does not hold it. */
static sato_err_t find_in_block(sato_block_t *b, size_t *index, sato_chainstate_t *cs,
                                const sato_blocknode_t *e, const unsigned char txid[32], size_t pos) {
    sato_err_t err;
    size_t i;
    if ((err = sato_chainstate_read_block(cs, b, e)) != SATO_OK) return err;
    for (i = 0; i < b->txs_len; i++) {
        size_t k = (pos + i) % b->txs_len;
        unsigned char h[32];
        sato_tx_txid(h, &b->txs[k]);
        if (memcmp(h, txid, 32) == 0) {
            *index = k;
            return SATO_OK;
        }
    }
    return SATO_ENOTFOUND;
}

static json_t *rpc_getrawtransaction(sato_rpc_request_t *req) {
    unsigned char txid[32], block_hash[32];
    int verbosity;
    json_t *out = NULL;
    sato_chainctl_t *ctl = req->chain;
    sato_chainstate_t *cs = sato_chainctl_chainstate(ctl);
    const sato_blocknode_t *given = NULL, *in_block = NULL;
    sato_txindex_t *ti;
    const sato_tx_t *tx = NULL;
    sato_block_t b; /* the block holding tx, read once */
    size_t index = 0;
    sato_err_t err;

    sato_block_init(&b);
    if (!rpc_param_hash(req, 0, "parameter 1", txid) || !sato_rpc_arg_verbosity(req, 1, &verbosity)) return NULL;
    if (sato_rpc_has_param(req, 2) && !rpc_param_hash(req, 2, "parameter 3", block_hash)) return NULL;
    ti = sato_chainctl_txindex(ctl);
    /* The genesis header is in the index: no block to rebuild. */
    if (memcmp(txid, sato_chainstate_at(cs, 0)->header.merkle_root, 32) == 0) {
        sato_rpc_error(req, SATO_RPC_INVALID_ADDRESS_OR_KEY,
                       "The genesis block coinbase is not considered an ordinary transaction and cannot be "
                       "retrieved");
        goto out;
    }
    if (sato_rpc_has_param(req, 2)) {
        if ((given = sato_chainstate_lookup(cs, block_hash)) == NULL) {
            sato_rpc_error(req, SATO_RPC_INVALID_ADDRESS_OR_KEY, "Block hash not found");
            goto out;
        }
        if (!(given->status & SATO_BLOCKNODE_HAVE_DATA)) {
            sato_rpc_error(req, SATO_RPC_MISC_ERROR, "Block not available");
            goto out;
        }
        err = find_in_block(&b, &index, cs, given, txid, 0);
        if (err == SATO_OK) {
            tx = &b.txs[index];
            in_block = given;
        } else if (err != SATO_ENOTFOUND) {
            rpc_storage_error(req, ctl, err, "Failed to read block");
            goto out;
        }
    } else if (req->ctx->mempool != NULL && sato_mempool_get(req->ctx->mempool, txid) != NULL) {
        tx = &sato_mempool_get(req->ctx->mempool, txid)->tx;
    } else if (ti != NULL) {
        uint32_t pos;
        err = sato_txindex_find(ti, block_hash, &pos, txid);
        if (err == SATO_OK && (in_block = sato_chainstate_lookup(cs, block_hash)) != NULL) {
            err = find_in_block(&b, &index, cs, in_block, txid, pos);
            if (err == SATO_OK) tx = &b.txs[index];
        }
        if (err != SATO_OK && err != SATO_ENOTFOUND) {
            rpc_storage_error(req, ctl, err, "Failed to read the transaction index");
            goto out;
        }
    }
    if (tx == NULL) {
        const char *msg;
        if (given != NULL)
            msg = "No such transaction found in the provided block";
        else if (ti == NULL)
            msg = "No such mempool transaction. Use -txindex or provide a block hash to enable blockchain "
                  "transaction queries";
        else
            msg = "No such mempool or blockchain transaction";
        sato_rpc_error(req, SATO_RPC_INVALID_ADDRESS_OR_KEY, "%s. Use gettransaction for wallet transactions.", msg);
        goto out;
    }
    if (verbosity <= 0) {
        out = sato_tx_hex_json(tx);
        goto out;
    }
    out = json_object();
    if (given != NULL)
        json_object_set_new(out, "in_active_chain", json_boolean(sato_chainstate_at(cs, given->height) == given));
    {
        /* Verbosity 2: the fee and each input's prevout from the block's
         * undo data, where there is some (not for a coinbase). */
        sato_block_undo_t undo;
        const sato_coin_t *spent = NULL;
        json_t *txj;
        memset(&undo, 0, sizeof(undo));
        sato_buf_init(&undo.raw);
        if (verbosity >= 2 && in_block != NULL && !sato_tx_is_coinbase(tx) &&
            (in_block->status & SATO_BLOCKNODE_HAVE_UNDO)) {
            if (sato_chainstate_read_undo(cs, &undo, in_block, &b) != SATO_OK) {
                sato_block_undo_clear(&undo);
                json_decref(out);
                out = sato_rpc_error(req, SATO_RPC_INTERNAL_ERROR,
                                     "Undo data expected but can't be read. This could be due to disk corruption "
                                     "or a conflict with a pruning event.");
                goto out;
            }
            spent = &undo.coins[undo.first[index]];
        }
        txj = rpc_tx_json_undo(req->ctx->chain->addr, tx, spent, 1, 1);
        json_object_update(out, txj);
        json_decref(txj);
        sato_block_undo_clear(&undo);
    }
    if (in_block == NULL) goto out; /* a mempool transaction: no block fields */
    json_object_set_new(out, "blockhash", rpc_hash_json(in_block->hash));
    if (sato_chainstate_at(cs, in_block->height) == in_block) {
        int32_t height = sato_chainstate_tip(cs)->height;
        json_object_set_new(out, "confirmations", json_integer(1 + height - in_block->height));
        json_object_set_new(out, "time", json_integer(in_block->header.time));
        json_object_set_new(out, "blocktime", json_integer(in_block->header.time));
    } else {
        json_object_set_new(out, "confirmations", json_integer(0));
    }
out:
    sato_block_clear(&b);
    return out;
}

void sato_rpc_register_getrawtransaction(sato_rpc_table_t *t) {
    static const sato_rpc_impl_t impls[] = {{"getrawtransaction", rpc_getrawtransaction}};
    sato_rpc_table_bind(t, impls, 1);
}
