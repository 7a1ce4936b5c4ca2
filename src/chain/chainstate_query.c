/* Read-only queries over a chain state for the RPC layer (see
 * chainstate_query.h). Lives beside the chain code because it reads the
 * chain state's own structure (chain_internal.h). */
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "chain_internal.h"
#include "sato/chainstate_query.h"
#include "sato/coinscache.h"
#include "sato/difficulty.h"
#include "sato/mem.h"

typedef struct {
    void (*cb)(void *arg, const sato_blocknode_t *e);
    void *arg;
} foreach_ctx_t;

static void foreach_cb(void *arg, sato_blocknode_t *e) {
    foreach_ctx_t *f = arg;
    f->cb(f->arg, e);
}

void sato_chainstate_foreach(const sato_chainstate_t *cs,
                             void (*cb)(void *arg, const sato_blocknode_t *e), void *arg) {
    foreach_ctx_t f;
    f.cb = cb;
    f.arg = arg;
    sato_blockindex_foreach(cs->index, foreach_cb, &f);
}

uint64_t sato_chainstate_coins_disk_size(const sato_chainstate_t *cs) {
    return sato_db_disk_size(cs->db);
}

sato_err_t sato_chainstate_read_undo(sato_chainstate_t *cs, sato_block_undo_t *out,
                                     const sato_blocknode_t *e, const sato_block_t *b) {
    sato_reader_t r;
    uint64_t n;
    size_t i, j, total = 0;
    sato_err_t err;
    memset(out, 0, sizeof(*out));
    sato_buf_init(&out->raw);
    if (!(e->status & SATO_BLOCKNODE_HAVE_UNDO) || b->txs_len == 0) return SATO_ENOTFOUND;
    err = sato_blockstore_read_undo(cs->bs, &out->raw, e->hash, e->undo_pos);
    if (err != SATO_OK) return err;
    for (i = 1; i < b->txs_len; i++) total += b->txs[i].vin_len;
    out->coins = sato_calloc(total + 1, sizeof(*out->coins));
    out->first = sato_calloc(b->txs_len, sizeof(*out->first));
    out->n_txs = b->txs_len;
    sato_reader_init(&r, out->raw.data, out->raw.len);
    if (!sato_read_compactsize(&r, &n) || n + 1 != b->txs_len) return SATO_ECORRUPT;
    for (i = 1, total = 0; i < b->txs_len; i++) {
        uint64_t m;
        out->first[i] = total;
        if (!sato_read_compactsize(&r, &m) || m != b->txs[i].vin_len) return SATO_ECORRUPT;
        for (j = 0; j < m; j++)
            if (!chain_read_undo_coin(&r, &out->coins[total++])) return SATO_ECORRUPT;
    }
    return sato_reader_done(&r) ? SATO_OK : SATO_ECORRUPT;
}

void sato_block_undo_clear(sato_block_undo_t *u) {
    free(u->coins);
    free(u->first);
    sato_buf_clear(&u->raw);
    memset(u, 0, sizeof(*u));
    sato_buf_init(&u->raw);
}

uint64_t sato_chainstate_blocks_size(const sato_chainstate_t *cs) {
    return sato_blockstore_disk_size(cs->bs);
}
