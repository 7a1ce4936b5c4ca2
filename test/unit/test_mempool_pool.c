/* The pool's bookkeeping (src/mempool/mempool.c): indexes, links,
 * ancestors and descendants, clusters and chunks, mining order and
 * selection, removal for a block, and the totals. */
#include <stdlib.h>
#include <string.h>

#include "mempool_util.h"
#include "sato/mempool.h"
#include "test.h"

static const unsigned char coin_a[32] = {1}, coin_d[32] = {2};

static int in_list(sato_mempool_entry_t **l, size_t n, const sato_mempool_entry_t *e) {
    size_t i;
    for (i = 0; i < n; i++)
        if (l[i] == e) return 1;
    return 0;
}

static size_t pos(sato_mempool_entry_t **l, size_t n, const sato_mempool_entry_t *e) {
    size_t i;
    for (i = 0; i < n; i++)
        if (l[i] == e) return i;
    return n;
}

static void test_pool(void) {
    sato_mempool_t *pool = sato_mempool_create();
    sato_tx_t ta, tb, tc, td, tx;
    sato_mempool_entry_t *a, *b, *c, *d, **l;
    sato_mempool_sum_t s;
    sato_outpoint_t op;
    size_t n, count;
    int64_t vsize, fee, weight;
    sato_block_t block;

    /* a <- b <- c (a chain), d alone. */
    mp_tx(&ta, coin_a, 0, 1, 2, 1000, mp_p2wpkh, sizeof(mp_p2wpkh));
    a = sato_mempool_add(pool, &ta, 100, 4, 1000, 10, 1);
    mp_tx(&tb, a->txid, 0, 2, 1, 1000, mp_p2wpkh, sizeof(mp_p2wpkh)); /* spends both of a's outputs */
    b = sato_mempool_add(pool, &tb, 100000, 4, 1001, 10, 0);
    mp_tx(&tc, b->txid, 0, 1, 1, 1000, mp_p2wpkh, sizeof(mp_p2wpkh));
    c = sato_mempool_add(pool, &tc, 100, 4, 1002, 10, 0);
    mp_tx(&td, coin_d, 0, 1, 1, 1000, mp_p2wpkh, sizeof(mp_p2wpkh));
    d = sato_mempool_add(pool, &td, 5000, 4, 1003, 10, 0);

    CHECK(sato_mempool_size(pool) == 4);
    CHECK(sato_mempool_get(pool, a->txid) == a && sato_mempool_get_wtxid(pool, b->wtxid) == b);
    CHECK(sato_mempool_total_fee(pool) == 105200);
    CHECK(sato_mempool_total_vsize(pool) == a->vsize + b->vsize + c->vsize + d->vsize);
    CHECK(a->vsize == (a->weight + 3) / 4 && a->weight == (int64_t)sato_tx_weight(&ta));
    memcpy(op.hash, coin_a, 32);
    op.n = 0;
    CHECK(sato_mempool_spender(pool, &op) == a);
    memcpy(op.hash, a->txid, 32);
    op.n = 1;
    CHECK(sato_mempool_spender(pool, &op) == b && sato_mempool_output(pool, &op) == &a->tx.vout[1]);
    op.n = 2;
    CHECK(sato_mempool_output(pool, &op) == NULL);
    /* b spends a twice but has it once as a parent. */
    CHECK(b->n_parents == 1 && b->parents[0] == a && a->n_children == 1 && a->children[0] == b);

    l = sato_mempool_ancestors(pool, c, &n);
    CHECK(n == 2 && in_list(l, n, a) && in_list(l, n, b));
    free(l);
    l = sato_mempool_descendants(pool, a, &n);
    CHECK(n == 2 && in_list(l, n, b) && in_list(l, n, c));
    free(l);
    l = sato_mempool_descendants(pool, d, &n);
    CHECK(n == 0);
    free(l);
    sato_mempool_ancestor_sum(pool, c, &s);
    CHECK(s.count == 3 && s.fee == 100200 && s.vsize == a->vsize + b->vsize + c->vsize);
    sato_mempool_descendant_sum(pool, b, &s);
    CHECK(s.count == 2 && s.fee == 100100);
    l = sato_mempool_cluster(pool, b, &n);
    CHECK(n == 3 && l[0] == b && in_list(l, n, a) && in_list(l, n, c) && !in_list(l, n, d));
    free(l);

    /* A transaction joining c's and d's clusters makes one of 5. */
    mp_tx(&tx, c->txid, 0, 2, 1, 1000, mp_p2wpkh, sizeof(mp_p2wpkh));
    memcpy(tx.vin[1].prevout.hash, d->txid, 32);
    tx.vin[1].prevout.n = 0;
    sato_mempool_cluster_with(pool, &tx, 100, &count, &vsize);
    CHECK(count == 5 && vsize == 100 + a->vsize + b->vsize + c->vsize + d->vsize);
    sato_tx_clear(&tx);

    /* b pays for a: they form one chunk; c comes after on its own. */
    sato_mempool_chunk(pool, a, &fee, &weight);
    CHECK(fee == 100100 && weight == a->weight + b->weight);
    sato_mempool_chunk(pool, c, &fee, &weight);
    CHECK(fee == 100 && weight == c->weight);
    l = sato_mempool_mining_order(pool, &n);
    CHECK(n == 4 && pos(l, n, a) < pos(l, n, b) && pos(l, n, b) < pos(l, n, c) && pos(l, n, d) > pos(l, n, b) &&
          pos(l, n, d) < pos(l, n, c));
    free(l);
    /* Room for a and b only (and d, which is small): c needs b's place. */
    l = sato_mempool_select(pool, a->weight + b->weight + d->weight, 1000, &n, &fee);
    CHECK(n == 3 && l[0] == a && l[1] == b && l[2] == d && fee == 105100);
    free(l);
    l = sato_mempool_select(pool, a->weight, 1000, &n, &fee); /* only a fits; b waits for room */
    CHECK(n == 1 && l[0] == a && fee == 100);
    free(l);
    l = sato_mempool_select(pool, 4000000, 8, &n, &fee); /* two entries' sigops */
    CHECK(n == 2 && l[0] == a && l[1] == b);
    free(l);

    /* A block confirming b's conflict: a is replaced by another spend of
     * coin_a, so a, b and c leave; d stays. */
    sato_block_init(&block);
    block.txs = sato_calloc(2, sizeof(sato_tx_t));
    block.txs_len = 2;
    mp_tx(&block.txs[0], coin_d, 5, 1, 1, 1, mp_p2wpkh, sizeof(mp_p2wpkh));
    block.txs[0].vin[0].prevout.n = SATO_OUTPOINT_NULL_INDEX; /* not a real coinbase: only its shape */
    memset(block.txs[0].vin[0].prevout.hash, 0, 32);
    mp_tx(&block.txs[1], coin_a, 0, 1, 1, 7, mp_p2wpkh, sizeof(mp_p2wpkh));
    sato_mempool_remove_for_block(pool, &block);
    CHECK(sato_mempool_size(pool) == 1 && sato_mempool_get(pool, d->txid) == d);
    sato_block_clear(&block);

    /* A block confirming d itself: d leaves, its child stays with no parent. */
    mp_tx(&tx, d->txid, 0, 1, 1, 500, mp_p2wpkh, sizeof(mp_p2wpkh));
    c = sato_mempool_add(pool, &tx, 500, 4, 1004, 11, 0);
    CHECK(c->n_parents == 1);
    sato_block_init(&block);
    block.txs = sato_calloc(1, sizeof(sato_tx_t));
    block.txs_len = 1;
    sato_tx_copy(&block.txs[0], &td);
    sato_mempool_remove_for_block(pool, &block);
    CHECK(sato_mempool_size(pool) == 1 && c->n_parents == 0 && sato_mempool_get(pool, c->txid) == c);
    sato_block_clear(&block);
    sato_tx_clear(&tx);

    CHECK(sato_mempool_remove_recursive(pool, c) == 1);
    CHECK(sato_mempool_size(pool) == 0 && sato_mempool_total_fee(pool) == 0 && sato_mempool_total_vsize(pool) == 0);
    sato_mempool_add(pool, &ta, 1, 0, 0, 0, 0);
    sato_mempool_add(pool, &tb, 1, 0, 0, 0, 0);
    sato_mempool_clear(pool);
    CHECK(sato_mempool_size(pool) == 0);
    sato_tx_clear(&ta);
    sato_tx_clear(&tb);
    sato_tx_clear(&tc);
    sato_tx_clear(&td);
    sato_mempool_destroy(pool);
    sato_mempool_destroy(NULL);
}

/* Many entries: the tables grow, and every removal keeps them whole. */
static void test_many(void) {
    sato_mempool_t *pool = sato_mempool_create();
    sato_mempool_entry_t *e[500];
    unsigned char prev[32];
    size_t i;
    int ok = 1;
    for (i = 0; i < 500; i++) {
        sato_tx_t tx;
        memset(prev, 0, 32);
        prev[0] = (unsigned char)i;
        prev[1] = (unsigned char)(i >> 8);
        prev[2] = 0xee;
        mp_tx(&tx, prev, 0, 1, 1, (int64_t)i, mp_p2wpkh, sizeof(mp_p2wpkh));
        e[i] = sato_mempool_add(pool, &tx, 1000, 4, 0, 0, 0);
        sato_tx_clear(&tx);
    }
    for (i = 0; i < 500; i += 2) sato_mempool_remove(pool, e[i]);
    for (i = 1; i < 500; i += 2) {
        sato_outpoint_t op;
        memcpy(op.hash, e[i]->tx.vin[0].prevout.hash, 32);
        op.n = 0;
        ok &= sato_mempool_get(pool, e[i]->txid) == e[i] && sato_mempool_spender(pool, &op) == e[i];
    }
    test_case(ok && sato_mempool_size(pool) == 250, "500 entries in, every other one out, the rest found");
    sato_mempool_destroy(pool);
}

int main(void) {
    test_pool();
    test_many();
    return test_report("mempool_pool");
}
