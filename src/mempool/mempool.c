/* The pool's bookkeeping: entries, indexes, links, traversals (see
 * mempool.h). Acceptance (accept.c) decides what comes in. */
#include <stdlib.h>
#include <string.h>

#include "mempool_impl.h"
#include "sato/mem.h"
#include "sato/mempool.h"
#include "sato/tx_check.h"

sato_mempool_t *sato_mempool_create(void) {
    sato_mempool_t *p = sato_calloc(1, sizeof(*p));
    sato_hmap_init(&p->by_txid);
    sato_hmap_init(&p->by_wtxid);
    sato_hmap_init(&p->spent);
    sato_policy_init(&p->policy);
    return p;
}

static void entry_free(sato_mempool_entry_t *e) {
    sato_tx_clear(&e->tx);
    free(e->parents);
    free(e->children);
    free(e);
}

void sato_mempool_destroy(sato_mempool_t *p) {
    size_t i;
    if (p == NULL) return;
    for (i = 0; i < p->len; i++) entry_free(p->entries[i]);
    free(p->entries);
    sato_hmap_clear(&p->by_txid);
    sato_hmap_clear(&p->by_wtxid);
    sato_hmap_clear(&p->spent);
    free(p);
}

sato_policy_t *sato_mempool_policy(sato_mempool_t *p) {
    return &p->policy;
}

size_t sato_mempool_size(const sato_mempool_t *p) {
    return p->len;
}

int64_t sato_mempool_total_vsize(const sato_mempool_t *p) {
    return p->total_vsize;
}

int64_t sato_mempool_total_fee(const sato_mempool_t *p) {
    return p->total_fee;
}

size_t sato_mempool_usage(const sato_mempool_t *p) {
    /* The tables' slots besides what each entry holds. */
    return p->usage + p->cap * sizeof(void *) +
           (p->by_txid.cap + p->by_wtxid.cap + p->spent.cap) * sizeof(sato_hmap_slot_t);
}

sato_mempool_entry_t *sato_mempool_at(const sato_mempool_t *p, size_t i) {
    return i < p->len ? p->entries[i] : NULL;
}

uint64_t sato_mempool_sequence(const sato_mempool_t *p) {
    return p->sequence;
}

sato_mempool_entry_t *sato_mempool_get(const sato_mempool_t *p, const unsigned char txid[32]) {
    return sato_hmap_get(&p->by_txid, txid, 0);
}

sato_mempool_entry_t *sato_mempool_get_wtxid(const sato_mempool_t *p, const unsigned char wtxid[32]) {
    return sato_hmap_get(&p->by_wtxid, wtxid, 0);
}

sato_mempool_entry_t *sato_mempool_spender(const sato_mempool_t *p, const sato_outpoint_t *op) {
    return sato_hmap_get(&p->spent, op->hash, op->n);
}

const sato_txout_t *sato_mempool_output(const sato_mempool_t *p, const sato_outpoint_t *op) {
    sato_mempool_entry_t *e = sato_mempool_get(p, op->hash);
    if (e == NULL || op->n >= e->tx.vout_len) return NULL;
    return &e->tx.vout[op->n];
}

static void link_push(sato_mempool_entry_t ***arr, size_t *n, sato_mempool_entry_t *e) {
    *arr = sato_realloc(*arr, (*n + 1) * sizeof(**arr));
    (*arr)[(*n)++] = e;
}

static void link_drop(sato_mempool_entry_t **arr, size_t *n, const sato_mempool_entry_t *e) {
    size_t i;
    for (i = 0; i < *n; i++) {
        if (arr[i] == e) {
            arr[i] = arr[--*n];
            return;
        }
    }
}

static int has_link(sato_mempool_entry_t *const *arr, size_t n, const sato_mempool_entry_t *e) {
    size_t i;
    for (i = 0; i < n; i++)
        if (arr[i] == e) return 1;
    return 0;
}

sato_mempool_entry_t *sato_mempool_add(sato_mempool_t *p, const sato_tx_t *tx, int64_t fee, int64_t sigop_cost,
                                       int64_t time, int32_t height, int spends_coinbase) {
    sato_mempool_entry_t *e = sato_calloc(1, sizeof(*e));
    size_t i;
    sato_tx_copy(&e->tx, tx);
    sato_tx_txid(e->txid, &e->tx);
    sato_tx_wtxid(e->wtxid, &e->tx);
    e->fee = fee;
    e->weight = (int64_t)sato_tx_weight(&e->tx);
    e->sigop_cost = sigop_cost;
    e->vsize = sato_policy_vsize(e->weight, sigop_cost, SATO_POLICY_BYTES_PER_SIGOP);
    e->time = time;
    e->height = height;
    e->sequence = p->next_entry++;
    e->spends_coinbase = spends_coinbase;
    for (i = 0; i < e->tx.vin_len; i++) {
        const sato_outpoint_t *op = &e->tx.vin[i].prevout;
        sato_mempool_entry_t *parent = sato_mempool_get(p, op->hash);
        sato_hmap_put(&p->spent, op->hash, op->n, e);
        if (parent != NULL && !has_link(e->parents, e->n_parents, parent)) {
            link_push(&e->parents, &e->n_parents, parent);
            link_push(&parent->children, &parent->n_children, e);
        }
    }
    sato_hmap_put(&p->by_txid, e->txid, 0, e);
    sato_hmap_put(&p->by_wtxid, e->wtxid, 0, e);
    if (p->len == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 64;
        p->entries = sato_realloc(p->entries, p->cap * sizeof(*p->entries));
    }
    e->slot = p->len;
    p->entries[p->len++] = e;
    /* Core's accounting counts the transaction's memory and the entry's. */
    e->usage = sizeof(*e) + sato_tx_size(&e->tx, 1) + e->tx.vin_len * (sizeof(sato_txin_t) + 16) +
               e->tx.vout_len * sizeof(sato_txout_t) + 2 * sizeof(void *) * (e->n_parents + 1);
    p->usage += e->usage;
    p->total_vsize += e->vsize;
    p->total_fee += fee;
    p->sequence++;
    return e;
}

void sato_mempool_remove(sato_mempool_t *p, sato_mempool_entry_t *e) {
    size_t i;
    for (i = 0; i < e->n_parents; i++) link_drop(e->parents[i]->children, &e->parents[i]->n_children, e);
    for (i = 0; i < e->n_children; i++) link_drop(e->children[i]->parents, &e->children[i]->n_parents, e);
    for (i = 0; i < e->tx.vin_len; i++) {
        const sato_outpoint_t *op = &e->tx.vin[i].prevout;
        if (sato_hmap_get(&p->spent, op->hash, op->n) == e) sato_hmap_del(&p->spent, op->hash, op->n);
    }
    sato_hmap_del(&p->by_txid, e->txid, 0);
    sato_hmap_del(&p->by_wtxid, e->wtxid, 0);
    p->entries[e->slot] = p->entries[--p->len];
    p->entries[e->slot]->slot = e->slot;
    p->usage -= e->usage;
    p->total_vsize -= e->vsize;
    p->total_fee -= e->fee;
    p->sequence++;
    entry_free(e);
}

/* Walks parents (up) and/or children (down) from e, e excluded; marks
 * what it finds with a fresh epoch. */
typedef struct {
    sato_mempool_entry_t **v;
    size_t len, cap;
} entry_list_t;

static void list_push(entry_list_t *l, sato_mempool_entry_t *e) {
    if (l->len == l->cap) l->v = sato_realloc(l->v, (l->cap = l->cap ? l->cap * 2 : 16) * sizeof(*l->v));
    l->v[l->len++] = e;
}

static void push_unmarked(entry_list_t *l, sato_mempool_entry_t *const *arr, size_t n, uint64_t epoch) {
    size_t i;
    for (i = 0; i < n; i++) {
        if (arr[i]->mark == epoch) continue;
        arr[i]->mark = epoch;
        list_push(l, arr[i]);
    }
}

static sato_mempool_entry_t **walk(sato_mempool_t *p, const sato_mempool_entry_t *e, int up, int down, size_t *n) {
    entry_list_t l = {NULL, 0, 0};
    size_t head = 0;
    uint64_t epoch = ++p->epoch;
    const sato_mempool_entry_t *cur = e;
    ((sato_mempool_entry_t *)e)->mark = epoch;
    for (;;) {
        if (up) push_unmarked(&l, cur->parents, cur->n_parents, epoch);
        if (down) push_unmarked(&l, cur->children, cur->n_children, epoch);
        if (head == l.len) break;
        cur = l.v[head++];
    }
    *n = l.len;
    return l.v;
}

sato_mempool_entry_t **sato_mempool_ancestors(sato_mempool_t *p, const sato_mempool_entry_t *e, size_t *n) {
    return walk(p, e, 1, 0, n);
}

sato_mempool_entry_t **sato_mempool_descendants(sato_mempool_t *p, const sato_mempool_entry_t *e, size_t *n) {
    return walk(p, e, 0, 1, n);
}

sato_mempool_entry_t **sato_mempool_cluster(sato_mempool_t *p, const sato_mempool_entry_t *e, size_t *n) {
    sato_mempool_entry_t **out = walk(p, e, 1, 1, n);
    out = sato_realloc(out, (*n + 1) * sizeof(*out));
    memmove(out + 1, out, *n * sizeof(*out));
    out[0] = (sato_mempool_entry_t *)e;
    (*n)++;
    return out;
}

static void sum(sato_mempool_entry_t **list, size_t n, const sato_mempool_entry_t *e, sato_mempool_sum_t *out) {
    size_t i;
    out->count = n + 1;
    out->vsize = e->vsize;
    out->fee = e->fee;
    for (i = 0; i < n; i++) {
        out->vsize += list[i]->vsize;
        out->fee += list[i]->fee;
    }
}

void sato_mempool_ancestor_sum(sato_mempool_t *p, const sato_mempool_entry_t *e, sato_mempool_sum_t *out) {
    size_t n;
    sato_mempool_entry_t **list = sato_mempool_ancestors(p, e, &n);
    sum(list, n, e, out);
    free(list);
}

void sato_mempool_descendant_sum(sato_mempool_t *p, const sato_mempool_entry_t *e, sato_mempool_sum_t *out) {
    size_t n;
    sato_mempool_entry_t **list = sato_mempool_descendants(p, e, &n);
    sum(list, n, e, out);
    free(list);
}

static int ptr_cmp(const void *a, const void *b) {
    uintptr_t x = (uintptr_t) * (void *const *)a, y = (uintptr_t) * (void *const *)b;
    return x < y ? -1 : x > y;
}

void sato_mempool_cluster_with(sato_mempool_t *p, const sato_tx_t *tx, int64_t vsize, size_t *count,
                               int64_t *cluster_vsize) {
    entry_list_t l = {NULL, 0, 0};
    size_t i, j;
    *count = 1;
    *cluster_vsize = vsize;
    for (i = 0; i < tx->vin_len; i++) {
        sato_mempool_entry_t *parent = sato_mempool_get(p, tx->vin[i].prevout.hash), **c;
        size_t n;
        if (parent == NULL) continue;
        /* Clusters are disjoint: a parent already collected brings its
         * whole cluster with it. */
        for (j = 0; j < l.len && l.v[j] != parent; j++) {
        }
        if (j < l.len) continue;
        c = sato_mempool_cluster(p, parent, &n);
        for (j = 0; j < n; j++) list_push(&l, c[j]);
        free(c);
    }
    if (l.len > 0) qsort(l.v, l.len, sizeof(*l.v), ptr_cmp);
    for (i = 0; i < l.len; i++) {
        if (i > 0 && l.v[i] == l.v[i - 1]) continue;
        (*count)++;
        *cluster_vsize += l.v[i]->vsize;
    }
    free(l.v);
}

static int64_t adjusted_weight(const sato_mempool_entry_t *e) {
    int64_t s = e->sigop_cost * SATO_POLICY_BYTES_PER_SIGOP;
    return s > e->weight ? s : e->weight;
}

/* fee_a/w_a > fee_b/w_b */
static int rate_gt(int64_t fee_a, int64_t w_a, int64_t fee_b, int64_t w_b) {
    return (__int128)fee_a * w_b > (__int128)fee_b * w_a;
}

typedef struct {
    sato_mempool_entry_t **order; /* the linearization */
    size_t *chunk_end;            /* chunk k is order[chunk_end[k-1] .. chunk_end[k]) */
    int64_t *chunk_fee, *chunk_weight;
    size_t n, n_chunks;
} linearization_t;

/* Appends the not yet taken ancestors of e (within the cluster, marked
 * `left`), parents first. */
static void take_ancestors(linearization_t *lin, sato_mempool_entry_t *e, uint64_t left, uint64_t taken) {
    size_t i;
    for (i = 0; i < e->n_parents; i++)
        if (e->parents[i]->mark == left) take_ancestors(lin, e->parents[i], left, taken);
    if (e->mark != left) return;
    e->mark = taken;
    lin->order[lin->n++] = e;
}

/* Fee and weight of e's not yet taken ancestor set, e included. Marks
 * visited entries with `visit`, which the caller then restores. */
static void ancestor_set_rate(sato_mempool_entry_t *e, uint64_t left, int64_t *fee, int64_t *w,
                              sato_mempool_entry_t **stack, size_t cap, sato_mempool_entry_t **seen, size_t *nseen,
                              uint64_t visit) {
    size_t top = 0, i;
    (void)cap;
    *fee = 0;
    *w = 0;
    stack[top++] = e;
    e->mark = visit;
    seen[(*nseen)++] = e;
    while (top > 0) {
        sato_mempool_entry_t *cur = stack[--top];
        *fee += cur->fee;
        *w += adjusted_weight(cur);
        for (i = 0; i < cur->n_parents; i++) {
            sato_mempool_entry_t *q = cur->parents[i];
            if (q->mark != left) continue;
            q->mark = visit;
            seen[(*nseen)++] = q;
            stack[top++] = q;
        }
    }
}

static void linearize(sato_mempool_t *p, sato_mempool_entry_t **cluster, size_t n, linearization_t *lin) {
    size_t i, k, nseen;
    uint64_t left = ++p->epoch, taken = ++p->epoch, visit = ++p->epoch;
    sato_mempool_entry_t **stack = sato_malloc(n * sizeof(*stack)), **seen = sato_malloc(n * sizeof(*seen));
    memset(lin, 0, sizeof(*lin));
    lin->order = sato_malloc(n * sizeof(*lin->order));
    lin->chunk_end = sato_malloc(n * sizeof(*lin->chunk_end));
    lin->chunk_fee = sato_malloc(n * sizeof(int64_t));
    lin->chunk_weight = sato_malloc(n * sizeof(int64_t));
    for (i = 0; i < n; i++) cluster[i]->mark = left;
    while (lin->n < n) {
        sato_mempool_entry_t *best = NULL;
        int64_t best_fee = 0, best_w = 1;
        for (i = 0; i < n; i++) {
            int64_t fee, w;
            if (cluster[i]->mark != left) continue;
            nseen = 0;
            ancestor_set_rate(cluster[i], left, &fee, &w, stack, n, seen, &nseen, visit);
            for (k = 0; k < nseen; k++) seen[k]->mark = left;
            /* Ties go to the earlier entry, for a stable order. */
            if (best == NULL || rate_gt(fee, w, best_fee, best_w) ||
                (!rate_gt(best_fee, best_w, fee, w) && cluster[i]->sequence < best->sequence)) {
                best = cluster[i];
                best_fee = fee;
                best_w = w;
            }
        }
        take_ancestors(lin, best, left, taken);
        /* The new group is a chunk; merge while it beats the one before. */
        lin->chunk_end[lin->n_chunks] = lin->n;
        lin->chunk_fee[lin->n_chunks] = best_fee;
        lin->chunk_weight[lin->n_chunks] = best_w;
        lin->n_chunks++;
        while (lin->n_chunks > 1 &&
               rate_gt(lin->chunk_fee[lin->n_chunks - 1], lin->chunk_weight[lin->n_chunks - 1],
                       lin->chunk_fee[lin->n_chunks - 2], lin->chunk_weight[lin->n_chunks - 2])) {
            lin->chunk_fee[lin->n_chunks - 2] += lin->chunk_fee[lin->n_chunks - 1];
            lin->chunk_weight[lin->n_chunks - 2] += lin->chunk_weight[lin->n_chunks - 1];
            lin->chunk_end[lin->n_chunks - 2] = lin->chunk_end[lin->n_chunks - 1];
            lin->n_chunks--;
        }
    }
    free(stack);
    free(seen);
}

static void linearization_clear(linearization_t *lin) {
    free(lin->order);
    free(lin->chunk_end);
    free(lin->chunk_fee);
    free(lin->chunk_weight);
}

void sato_mempool_chunk(sato_mempool_t *p, const sato_mempool_entry_t *e, int64_t *fee, int64_t *weight) {
    size_t n, i, k = 0;
    sato_mempool_entry_t **c = sato_mempool_cluster(p, e, &n);
    linearization_t lin;
    linearize(p, c, n, &lin);
    for (i = 0; i < lin.n; i++) {
        while (i >= lin.chunk_end[k]) k++;
        if (lin.order[i] == e) break;
    }
    *fee = lin.chunk_fee[k];
    *weight = lin.chunk_weight[k];
    linearization_clear(&lin);
    free(c);
}

typedef struct {
    int64_t fee, weight;
    size_t cluster, index; /* for a stable order among equal rates */
    sato_mempool_entry_t **txs;
    size_t n;
} chunk_t;

static int chunk_cmp(const void *a, const void *b) {
    const chunk_t *x = a, *y = b;
    if (rate_gt(x->fee, x->weight, y->fee, y->weight)) return -1;
    if (rate_gt(y->fee, y->weight, x->fee, x->weight)) return 1;
    if (x->cluster != y->cluster) return x->cluster < y->cluster ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

sato_mempool_entry_t **sato_mempool_mining_order(sato_mempool_t *p, size_t *n_out) {
    sato_mempool_entry_t **out = sato_malloc((p->len + 1) * sizeof(*out)), **flat;
    chunk_t *chunks = sato_malloc((p->len + 1) * sizeof(*chunks));
    size_t n_chunks = 0, n_clusters = 0, i, k, done = 0, pos = 0;
    /* Each cluster once: entries already placed are skipped. */
    flat = sato_malloc((p->len + 1) * sizeof(*flat));
    {
        unsigned char *placed = sato_calloc(p->len + 1, 1);
        for (i = 0; i < p->len; i++) {
            size_t n;
            sato_mempool_entry_t **c;
            linearization_t lin;
            if (placed[i]) continue;
            c = sato_mempool_cluster(p, p->entries[i], &n);
            for (k = 0; k < n; k++) placed[c[k]->slot] = 1;
            linearize(p, c, n, &lin);
            memcpy(flat + done, lin.order, n * sizeof(*flat));
            for (k = 0; k < lin.n_chunks; k++) {
                size_t begin = k ? lin.chunk_end[k - 1] : 0;
                chunks[n_chunks].fee = lin.chunk_fee[k];
                chunks[n_chunks].weight = lin.chunk_weight[k];
                chunks[n_chunks].cluster = n_clusters;
                chunks[n_chunks].index = k;
                chunks[n_chunks].txs = flat + done + begin;
                chunks[n_chunks].n = lin.chunk_end[k] - begin;
                n_chunks++;
            }
            done += n;
            n_clusters++;
            linearization_clear(&lin);
            free(c);
        }
        free(placed);
    }
    qsort(chunks, n_chunks, sizeof(*chunks), chunk_cmp);
    for (i = 0; i < n_chunks; i++)
        for (k = 0; k < chunks[i].n; k++) out[pos++] = chunks[i].txs[k];
    free(chunks);
    free(flat);
    *n_out = pos;
    return out;
}

size_t sato_mempool_remove_recursive(sato_mempool_t *p, sato_mempool_entry_t *e) {
    size_t n, i;
    sato_mempool_entry_t **d = sato_mempool_descendants(p, e, &n);
    for (i = 0; i < n; i++) sato_mempool_remove(p, d[i]);
    sato_mempool_remove(p, e);
    free(d);
    return n + 1;
}

void sato_mempool_remove_for_block(sato_mempool_t *p, const sato_block_t *block) {
    size_t i, j;
    for (i = 0; i < block->txs_len; i++) {
        const sato_tx_t *tx = &block->txs[i];
        unsigned char txid[32];
        sato_mempool_entry_t *e;
        sato_tx_txid(txid, tx);
        if ((e = sato_mempool_get(p, txid)) != NULL) sato_mempool_remove(p, e);
        if (sato_tx_is_coinbase(tx)) continue;
        for (j = 0; j < tx->vin_len; j++) {
            sato_mempool_entry_t *c = sato_mempool_spender(p, &tx->vin[j].prevout);
            if (c != NULL) sato_mempool_remove_recursive(p, c);
        }
    }
}

void sato_mempool_clear(sato_mempool_t *p) {
    while (p->len > 0) sato_mempool_remove(p, p->entries[p->len - 1]);
}

sato_mempool_entry_t **sato_mempool_select(sato_mempool_t *p, int64_t max_weight, int64_t max_sigop_cost,
                                           size_t *n_out, int64_t *fees) {
    size_t n, i, k, len = 0;
    sato_mempool_entry_t **order = sato_mempool_mining_order(p, &n);
    uint64_t in = ++p->epoch;
    int64_t weight = 0, sigops = 0;
    *fees = 0;
    for (i = 0; i < n; i++) {
        sato_mempool_entry_t *e = order[i];
        int parents_in = 1;
        for (k = 0; k < e->n_parents; k++) parents_in &= e->parents[k]->mark == in;
        /* A parent left out keeps its descendants out too. */
        if (!parents_in || weight + e->weight > max_weight || sigops + e->sigop_cost > max_sigop_cost) continue;
        e->mark = in;
        weight += e->weight;
        sigops += e->sigop_cost;
        *fees += e->fee;
        order[len++] = e;
    }
    *n_out = len;
    return order;
}
