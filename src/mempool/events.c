/* The pool follows the chain's tip (Core's removeForBlock and
 * MaybeUpdateMempoolForReorg); see mempool_accept.h. Called under the
 * chain lock from sato_chainctl_tip_changed. */
#include <stdlib.h>
#include <string.h>

#include "mempool_impl.h"
#include "sato/clock.h"
#include "sato/log.h"
#include "sato/mem.h"
#include "sato/mempool_accept.h"

/* Core re-adds the transactions of at most 10 disconnected blocks
 * (invalidateblock's limit); deeper reorgs just drop them. */
#define MAX_READD_BLOCKS 10

typedef struct {
    sato_tx_t tx;
    int64_t time;
} pending_t;

typedef struct {
    pending_t *v;
    size_t len, cap;
} pending_list_t;

static void pending_push(pending_list_t *l, const sato_tx_t *tx, int64_t time) {
    if (l->len == l->cap) l->v = sato_realloc(l->v, (l->cap = l->cap ? l->cap * 2 : 32) * sizeof(*l->v));
    sato_tx_init(&l->v[l->len].tx);
    sato_tx_copy(&l->v[l->len].tx, tx);
    l->v[l->len].time = time;
    l->len++;
}

static int by_sequence(const void *a, const void *b) {
    const sato_mempool_entry_t *x = *(sato_mempool_entry_t *const *)a, *y = *(sato_mempool_entry_t *const *)b;
    return x->sequence < y->sequence ? -1 : x->sequence > y->sequence;
}

/* Reads block e; logs and returns 0 on a storage error (which the chain
 * itself reports when it matters: the pool just stops following). */
static int read_block(sato_chainstate_t *cs, sato_block_t *b, const sato_blocknode_t *e) {
    sato_err_t err = sato_chainstate_read_block(cs, b, e);
    if (err == SATO_OK) return 1;
    sato_log_printf("mempool: cannot read block at height %d (%s); its transactions are not updated",
                    (int)e->height, sato_err_str(err));
    return 0;
}

/* A reorg: the disconnected blocks' transactions (oldest block first)
 * and then the pool's own (in entry order, parents before children) go
 * through acceptance again against the new tip. */
static void reorg(sato_mempool_t *pool, sato_chainstate_t *cs, const sato_blocknode_t *old_tip,
                  const sato_blocknode_t *fork) {
    const sato_chainparams_t *params = sato_chainctl_params(pool->ctl);
    pending_list_t l = {NULL, 0, 0};
    const sato_blocknode_t **chain, *e;
    size_t n = 0, i, j, kept = 0;
    int64_t now = sato_clock_now();
    sato_mempool_entry_t **order;

    chain = sato_malloc(MAX_READD_BLOCKS * sizeof(*chain));
    for (e = old_tip; e != NULL && e != fork && n < MAX_READD_BLOCKS; e = e->prev) chain[n++] = e;
    if (e != fork) n = 0; /* too deep: nothing of the old branch comes back */
    for (i = n; i-- > 0;) {
        sato_block_t b;
        sato_block_init(&b);
        if (read_block(cs, &b, chain[i]))
            for (j = 1; j < b.txs_len; j++) pending_push(&l, &b.txs[j], now);
        sato_block_clear(&b);
    }
    free(chain);
    n = sato_mempool_size(pool);
    order = sato_malloc((n + 1) * sizeof(*order));
    for (i = 0; i < n; i++) order[i] = sato_mempool_at(pool, i);
    qsort(order, n, sizeof(*order), by_sequence);
    for (i = 0; i < n; i++) pending_push(&l, &order[i]->tx, order[i]->time);
    free(order);
    sato_mempool_clear(pool);
    for (i = 0; i < l.len; i++) {
        sato_mempool_accept_opts_t opts = {0, 1, l.v[i].time};
        sato_mempool_result_t r;
        if (sato_mempool_accept(pool, cs, params, &l.v[i].tx, &opts, &r) != SATO_OK) {
            sato_log_printf("mempool: storage error while re-adding transactions after a reorg");
            break;
        }
        if (sato_validation_is_valid(&r.state)) kept++;
    }
    SATO_DEBUG(SATO_LOG_MEMPOOL, "mempool: reorg re-checked %zu transactions, %zu kept", l.len, kept);
    for (i = 0; i < l.len; i++) sato_tx_clear(&l.v[i].tx);
    free(l.v);
}

static void on_tip_changed(void *arg, const sato_blocknode_t *fork_ignored, const sato_blocknode_t *tip) {
    sato_mempool_t *pool = arg;
    sato_chainstate_t *cs = sato_chainctl_chainstate(pool->ctl);
    const sato_blocknode_t *old = pool->tip, *fork, *e;
    (void)fork_ignored; /* chainctl's is against its own last tip; ours may be older */
    pool->tip = tip;
    if (old == NULL || old == tip) return;
    fork = sato_blocknode_fork(old, tip);
    if (fork != old) {
        reorg(pool, cs, old, fork);
        return;
    }
    /* Blocks that only extend the old tip: nothing to do for an empty pool
     * (initial download never reads its blocks twice). */
    if (sato_mempool_size(pool) == 0) return;
    for (e = tip; e != fork; e = e->prev) {
        sato_block_t b;
        sato_block_init(&b);
        if (read_block(cs, &b, e)) sato_mempool_remove_for_block(pool, &b);
        sato_block_clear(&b);
    }
}

int sato_mempool_attach(sato_mempool_t *pool, sato_chainctl_t *ctl) {
    sato_chain_listener_t l;
    l.tip_changed = on_tip_changed;
    l.arg = pool;
    if (!sato_chainctl_subscribe(ctl, &l)) return 0;
    pool->ctl = ctl;
    pool->tip = sato_chainstate_tip(sato_chainctl_chainstate(ctl));
    return 1;
}

void sato_mempool_detach(sato_mempool_t *pool, sato_chainctl_t *ctl) {
    sato_chainctl_unsubscribe(ctl, pool);
    pool->ctl = NULL;
    pool->tip = NULL;
}
