/* Block index: a hash table of entries allocated one by one (so pointers
 * stay valid), keyed by a salted SipHash of the block hash. */
#include <stdlib.h>
#include <string.h>

#include "sato/blockindex.h"
#include "sato/mem.h"
#include "sato/pow.h"
#include "sato/random.h"
#include "sato/siphash.h"

struct sato_blockindex {
    sato_blocknode_t **slots;
    size_t cap;
    size_t count;
    uint64_t k0, k1;
};

sato_blockindex_t *sato_blockindex_create(void) {
    sato_blockindex_t *bi = sato_calloc(1, sizeof(*bi));
    unsigned char salt[16];
    sato_random_bytes(salt, sizeof(salt));
    memcpy(&bi->k0, salt, 8);
    memcpy(&bi->k1, salt + 8, 8);
    bi->cap = 1024;
    bi->slots = sato_calloc(bi->cap, sizeof(*bi->slots));
    return bi;
}

void sato_blockindex_destroy(sato_blockindex_t *bi) {
    size_t i;
    if (bi == NULL) return;
    for (i = 0; i < bi->cap; i++) free(bi->slots[i]);
    free(bi->slots);
    free(bi);
}

static size_t home(const sato_blockindex_t *bi, const unsigned char hash[32]) {
    return (size_t)sato_siphash_uint256(bi->k0, bi->k1, hash) & (bi->cap - 1);
}

sato_blocknode_t *sato_blockindex_find(const sato_blockindex_t *bi, const unsigned char hash[32]) {
    size_t i = home(bi, hash);
    while (bi->slots[i] != NULL) {
        if (memcmp(bi->slots[i]->hash, hash, 32) == 0) return bi->slots[i];
        i = (i + 1) & (bi->cap - 1);
    }
    return NULL;
}

static void place(sato_blockindex_t *bi, sato_blocknode_t *e) {
    size_t i = home(bi, e->hash);
    while (bi->slots[i] != NULL) i = (i + 1) & (bi->cap - 1);
    bi->slots[i] = e;
}

/* Core's skip heights: a power-of-two-ish jump that keeps ancestor
 * lookups logarithmic. */
static int32_t clear_lowest_bit(int32_t n) {
    return n & (n - 1);
}
static int32_t skip_height(int32_t h) {
    if (h < 2) return 0;
    return (h & 1) ? clear_lowest_bit(clear_lowest_bit(h - 1)) + 1 : clear_lowest_bit(h);
}

const sato_blocknode_t *sato_blocknode_ancestor(const sato_blocknode_t *e, int32_t height) {
    if (e == NULL || height > e->height || height < 0) return NULL;
    while (e->height > height) {
        int32_t hs = skip_height(e->height), hs_prev = skip_height(e->height - 1);
        /* Take the skip unless it overshoots, or the parent's skip would
         * get us closer for less. */
        if (e->skip != NULL &&
            (hs == height || (hs > height && !(hs_prev < hs - 2 && hs_prev >= height)))) {
            e = e->skip;
        } else {
            e = e->prev;
        }
    }
    return e;
}

const sato_blocknode_t *sato_blocknode_fork(const sato_blocknode_t *a, const sato_blocknode_t *b) {
    if (a->height > b->height) a = sato_blocknode_ancestor(a, b->height);
    else if (b->height > a->height) b = sato_blocknode_ancestor(b, a->height);
    while (a != b) {
        a = a->prev;
        b = b->prev;
    }
    return a;
}

sato_blocknode_t *sato_blockindex_add(sato_blockindex_t *bi, const unsigned char hash[32],
                                     const sato_block_header_t *header, sato_blocknode_t *prev) {
    sato_blocknode_t *e = sato_calloc(1, sizeof(*e));
    sato_u256_t proof;
    memcpy(e->hash, hash, 32);
    e->header = *header;
    e->prev = prev;
    sato_pow_block_proof(&proof, header->bits);
    if (prev != NULL) {
        e->height = prev->height + 1;
        sato_u256_add(&e->chain_work, &prev->chain_work, &proof);
        /* The index owns its nodes: a node it found may be linked. */
        e->skip = (sato_blocknode_t *)sato_blocknode_ancestor(prev, skip_height(e->height));
        e->next_sibling = prev->first_child;
        prev->first_child = e;
    } else {
        e->chain_work = proof;
    }
    if ((bi->count + 1) * 4 > bi->cap * 3) {
        sato_blocknode_t **old = bi->slots;
        size_t old_cap = bi->cap, i;
        bi->cap *= 2;
        bi->slots = sato_calloc(bi->cap, sizeof(*bi->slots));
        for (i = 0; i < old_cap; i++) {
            if (old[i] != NULL) place(bi, old[i]);
        }
        free(old);
    }
    place(bi, e);
    bi->count++;
    return e;
}

size_t sato_blockindex_size(const sato_blockindex_t *bi) {
    return bi->count;
}

void sato_blockindex_foreach(const sato_blockindex_t *bi,
                             void (*cb)(void *arg, sato_blocknode_t *e), void *arg) {
    size_t i;
    for (i = 0; i < bi->cap; i++) {
        if (bi->slots[i] != NULL) cb(arg, bi->slots[i]);
    }
}

void sato_blocknode_record_write(unsigned char out[SATO_BLOCKNODE_RECORD_SIZE],
                                const sato_blocknode_t *e) {
    sato_block_header_serialize(out, &e->header);
    sato_put_le32(out + 80, (uint32_t)e->height);
    sato_put_le32(out + 84, e->status);
    sato_put_le32(out + 88, e->n_tx);
    sato_put_le32(out + 92, e->data_pos.file);
    sato_put_le32(out + 96, e->data_pos.offset);
    sato_put_le32(out + 100, e->undo_pos.file);
    sato_put_le32(out + 104, e->undo_pos.offset);
    sato_put_le64(out + 108, e->seq);
    memset(out + 116, 0, 8);
}

static int chain_view_get(void *ctx, int32_t height, sato_chain_entry_t *out) {
    const sato_blocknode_t *e = sato_blocknode_ancestor(ctx, height);
    if (e == NULL) return 0;
    out->time = e->header.time;
    out->bits = e->header.bits;
    memcpy(out->hash, e->hash, 32);
    return 1;
}

void sato_blocknode_chain_view(sato_chain_view_t *v, const sato_blocknode_t *prev) {
    v->get = chain_view_get;
    v->ctx = (void *)prev;
    v->tip_height = prev != NULL ? prev->height : -1;
}

int64_t sato_blocknode_median_time_past(const sato_blocknode_t *e) {
    uint32_t times[11];
    size_t n = 0;
    for (; e != NULL && n < 11; e = e->prev) times[n++] = e->header.time;
    return sato_median_time_past(times, n);
}
