/* Transactions: Bitcoin Core's serialization (legacy and BIP144), hashes,
 * sizes, and a one-allocation-per-transaction memory layout. */
#include <stdlib.h>
#include <string.h>

#include "sato/mem.h"
#include "sato/sha256.h"
#include "sato/tx.h"

/* The arena holds, in this order: outputs, inputs, witness items, bytes.
 * Each array's element size is a multiple of the next one's alignment, so
 * every array starts aligned (outputs hold an int64_t, the strictest). */
_Static_assert(sizeof(sato_txout_t) % _Alignof(sato_txin_t) == 0, "arena alignment");
_Static_assert(sizeof(sato_txin_t) % _Alignof(sato_bytes_t) == 0, "arena alignment");

typedef struct {
    size_t nin, nout, nitems, nbytes;
} tx_counts_t;

/* acc += count * unit, refusing to overflow. */
static int size_add(size_t *acc, size_t count, size_t unit) {
    if (unit != 0 && count > (SIZE_MAX - *acc) / unit) return 0;
    *acc += count * unit;
    return 1;
}

static int arena_size(size_t *out, const tx_counts_t *c) {
    *out = 0;
    return size_add(out, c->nout, sizeof(sato_txout_t)) &&
           size_add(out, c->nin, sizeof(sato_txin_t)) &&
           size_add(out, c->nitems, sizeof(sato_bytes_t)) && size_add(out, c->nbytes, 1);
}

/* Points tx's arrays into a fresh arena of the given total size and
 * returns the cursors where witness items and bytes begin. */
static void arena_alloc(sato_tx_t *tx, const tx_counts_t *c, size_t total,
                        sato_bytes_t **items, unsigned char **bytes) {
    unsigned char *mem = sato_malloc(total);
    tx->arena = mem;
    tx->vout = (sato_txout_t *)(void *)mem;
    mem += c->nout * sizeof(sato_txout_t);
    tx->vin = (sato_txin_t *)(void *)mem;
    mem += c->nin * sizeof(sato_txin_t);
    *items = (sato_bytes_t *)(void *)mem;
    mem += c->nitems * sizeof(sato_bytes_t);
    *bytes = mem;
}

void sato_tx_init(sato_tx_t *tx) {
    memset(tx, 0, sizeof(*tx));
}

void sato_tx_clear(sato_tx_t *tx) {
    size_t i, j;
    if (tx == NULL) return;
    if (tx->arena != NULL) {
        free(tx->arena);
    } else {
        for (i = 0; i < tx->vin_len; i++) {
            sato_txin_t *in = &tx->vin[i];
            free(in->script_sig.data);
            for (j = 0; j < in->witness_len; j++) free(in->witness[j].data);
            free(in->witness);
        }
        for (i = 0; i < tx->vout_len; i++) free(tx->vout[i].script_pubkey.data);
        free(tx->vin);
        free(tx->vout);
    }
    sato_tx_init(tx);
}

/* ---- Reading ---------------------------------------------------------- */

/* A read makes two passes over the same bytes. The first (tx == NULL)
 * validates the whole serialization and counts what it holds, allocating
 * nothing; the second copies it into an arena sized by the first, and
 * cannot fail. So input that announces more than it carries never reaches
 * the allocator. */
typedef struct {
    sato_reader_t r;
    sato_tx_t *tx;
    tx_counts_t c;
    sato_bytes_t *items; /* second pass: next free witness item */
    unsigned char *bytes; /* second pass: next free byte */
} walk_t;

static int walk_fail(walk_t *w) {
    w->r.failed = 1;
    return 0;
}

static int walk_bytes(walk_t *w, sato_bytes_t *out) {
    uint64_t n;
    const unsigned char *p;
    if (!sato_read_compactsize(&w->r, &n) || !sato_read_span(&w->r, &p, (size_t)n)) return 0;
    if (w->tx != NULL) {
        out->data = w->bytes;
        out->len = (size_t)n;
        if (n) memcpy(w->bytes, p, (size_t)n);
        w->bytes += n;
    } else {
        w->c.nbytes += (size_t)n;
    }
    return 1;
}

static int walk_inputs(walk_t *w) {
    uint64_t n, i;
    if (!sato_read_compactsize(&w->r, &n)) return 0;
    for (i = 0; i < n; i++) {
        sato_txin_t scratch;
        sato_txin_t *in = w->tx != NULL ? &w->tx->vin[i] : &scratch;
        if (!sato_read_bytes(&w->r, in->prevout.hash, 32) || !sato_read_u32(&w->r, &in->prevout.n) ||
            !walk_bytes(w, &in->script_sig) || !sato_read_u32(&w->r, &in->sequence)) {
            return 0;
        }
        in->witness = NULL;
        in->witness_len = 0;
    }
    w->c.nin = (size_t)n;
    if (w->tx != NULL) w->tx->vin_len = (size_t)n;
    return 1;
}

static int walk_outputs(walk_t *w) {
    uint64_t n, i;
    if (!sato_read_compactsize(&w->r, &n)) return 0;
    for (i = 0; i < n; i++) {
        sato_txout_t scratch;
        sato_txout_t *out = w->tx != NULL ? &w->tx->vout[i] : &scratch;
        if (!sato_read_i64(&w->r, &out->value) || !walk_bytes(w, &out->script_pubkey)) return 0;
    }
    w->c.nout = (size_t)n;
    if (w->tx != NULL) w->tx->vout_len = (size_t)n;
    return 1;
}

/* One witness stack per input; returns in *any whether one is non-empty. */
static int walk_witnesses(walk_t *w, int *any) {
    size_t i;
    uint64_t k, j;
    *any = 0;
    for (i = 0; i < w->c.nin; i++) {
        sato_txin_t *in = w->tx != NULL ? &w->tx->vin[i] : NULL;
        if (!sato_read_compactsize(&w->r, &k)) return 0;
        if (in != NULL) {
            in->witness = w->items;
            in->witness_len = (size_t)k;
            w->items += k;
        } else {
            w->c.nitems += (size_t)k;
        }
        for (j = 0; j < k; j++) {
            sato_bytes_t scratch;
            if (!walk_bytes(w, in != NULL ? &in->witness[j] : &scratch)) return 0;
        }
        if (k) *any = 1;
    }
    return 1;
}

/* Bitcoin Core's UnserializeTransaction, step for step. An empty input
 * vector is either the BIP144 marker or a transaction without inputs; with
 * witnesses allowed the byte after it is taken as the flag, so a zero-input
 * transaction with outputs only parses with allow_witness unset. */
static int walk_tx(walk_t *w, int allow_witness) {
    uint32_t version, locktime;
    uint8_t flags = 0;
    if (!sato_read_u32(&w->r, &version) || !walk_inputs(w)) return 0;
    if (w->c.nin == 0 && allow_witness) {
        if (!sato_read_u8(&w->r, &flags)) return 0;
        if (flags != 0 && (!walk_inputs(w) || !walk_outputs(w))) return 0;
    } else if (!walk_outputs(w)) {
        return 0;
    }
    if ((flags & 1) && allow_witness) {
        int any;
        flags ^= 1;
        if (!walk_witnesses(w, &any)) return 0;
        if (!any) return walk_fail(w); /* "Superfluous witness record" */
    }
    if (flags) return walk_fail(w); /* "Unknown transaction optional data" */
    if (!sato_read_u32(&w->r, &locktime)) return 0;
    if (w->tx != NULL) {
        w->tx->version = version;
        w->tx->locktime = locktime;
    }
    return 1;
}

int sato_tx_read(sato_tx_t *tx, sato_reader_t *r, int allow_witness) {
    walk_t w;
    size_t total;
    memset(&w, 0, sizeof(w));
    sato_tx_init(tx);
    w.r = *r;
    if (!walk_tx(&w, allow_witness) || !arena_size(&total, &w.c)) {
        r->failed = 1;
        return 0;
    }
    /* Second pass over the same bytes, into memory sized by the first. */
    arena_alloc(tx, &w.c, total, &w.items, &w.bytes);
    w.tx = tx;
    w.r = *r;
    if (!walk_tx(&w, allow_witness)) abort(); /* cannot differ from pass one */
    *r = w.r;
    return 1;
}

int sato_tx_parse(sato_tx_t *tx, const unsigned char *data, size_t len, int allow_witness) {
    sato_reader_t r;
    sato_reader_init(&r, data, len);
    if (!sato_tx_read(tx, &r, allow_witness)) return 0;
    if (!sato_reader_done(&r)) {
        sato_tx_clear(tx);
        return 0;
    }
    return 1;
}

/* ---- Copying ---------------------------------------------------------- */

static void count_parts(tx_counts_t *c, const sato_tx_t *tx) {
    size_t i, j;
    memset(c, 0, sizeof(*c));
    c->nin = tx->vin_len;
    c->nout = tx->vout_len;
    for (i = 0; i < tx->vin_len; i++) {
        const sato_txin_t *in = &tx->vin[i];
        c->nbytes += in->script_sig.len;
        c->nitems += in->witness_len;
        for (j = 0; j < in->witness_len; j++) c->nbytes += in->witness[j].len;
    }
    for (i = 0; i < tx->vout_len; i++) c->nbytes += tx->vout[i].script_pubkey.len;
}

static void copy_bytes(sato_bytes_t *dst, const sato_bytes_t *src, unsigned char **cursor) {
    dst->data = *cursor;
    dst->len = src->len;
    if (src->len) memcpy(*cursor, src->data, src->len);
    *cursor += src->len;
}

void sato_tx_copy(sato_tx_t *dst, const sato_tx_t *src) {
    tx_counts_t c;
    size_t total, i, j;
    sato_bytes_t *items;
    unsigned char *bytes;
    count_parts(&c, src);
    if (!arena_size(&total, &c)) abort(); /* cannot exceed what src already holds */
    sato_tx_init(dst);
    arena_alloc(dst, &c, total, &items, &bytes);
    dst->version = src->version;
    dst->locktime = src->locktime;
    dst->vin_len = src->vin_len;
    dst->vout_len = src->vout_len;
    for (i = 0; i < src->vin_len; i++) {
        const sato_txin_t *s = &src->vin[i];
        sato_txin_t *d = &dst->vin[i];
        d->prevout = s->prevout;
        d->sequence = s->sequence;
        copy_bytes(&d->script_sig, &s->script_sig, &bytes);
        d->witness = s->witness_len ? items : NULL;
        d->witness_len = s->witness_len;
        for (j = 0; j < s->witness_len; j++) copy_bytes(&items[j], &s->witness[j], &bytes);
        items += s->witness_len;
    }
    for (i = 0; i < src->vout_len; i++) {
        dst->vout[i].value = src->vout[i].value;
        copy_bytes(&dst->vout[i].script_pubkey, &src->vout[i].script_pubkey, &bytes);
    }
}

static void own_bytes(sato_bytes_t *b) {
    unsigned char *p = NULL;
    if (b->len) {
        p = sato_malloc(b->len);
        memcpy(p, b->data, b->len);
    }
    b->data = p;
}

void sato_tx_make_editable(sato_tx_t *tx) {
    size_t i, j;
    sato_txin_t *vin = NULL;
    sato_txout_t *vout = NULL;
    if (tx->arena == NULL) return;
    if (tx->vin_len) {
        vin = sato_malloc(tx->vin_len * sizeof(*vin));
        memcpy(vin, tx->vin, tx->vin_len * sizeof(*vin));
    }
    if (tx->vout_len) {
        vout = sato_malloc(tx->vout_len * sizeof(*vout));
        memcpy(vout, tx->vout, tx->vout_len * sizeof(*vout));
    }
    for (i = 0; i < tx->vin_len; i++) {
        sato_txin_t *in = &vin[i];
        own_bytes(&in->script_sig);
        if (in->witness_len) {
            sato_bytes_t *w = sato_malloc(in->witness_len * sizeof(*w));
            memcpy(w, in->witness, in->witness_len * sizeof(*w));
            for (j = 0; j < in->witness_len; j++) own_bytes(&w[j]);
            in->witness = w;
        } else {
            in->witness = NULL;
        }
    }
    for (i = 0; i < tx->vout_len; i++) own_bytes(&vout[i].script_pubkey);
    free(tx->arena);
    tx->arena = NULL;
    tx->vin = vin;
    tx->vout = vout;
}

/* ---- Writing and hashing ---------------------------------------------- */

/* Serialization goes to a buffer or straight into a hash, so that txids
 * need no intermediate copy. */
typedef struct {
    sato_buf_t *buf;
    sato_sha256_t *sha;
} sink_t;

static void put(sink_t *s, const unsigned char *p, size_t n) {
    if (s->buf != NULL) {
        sato_buf_write(s->buf, p, n);
    } else if (n) {
        sato_sha256_write(s->sha, p, n);
    }
}

static void put_u32(sink_t *s, uint32_t v) {
    unsigned char b[4];
    sato_put_le32(b, v);
    put(s, b, 4);
}

static void put_compactsize(sink_t *s, uint64_t v) {
    unsigned char b[9];
    size_t n = sato_compactsize_len(v);
    if (n == 1) {
        b[0] = (unsigned char)v;
    } else if (n == 3) {
        b[0] = 253;
        b[1] = (unsigned char)v;
        b[2] = (unsigned char)(v >> 8);
    } else if (n == 5) {
        b[0] = 254;
        sato_put_le32(b + 1, (uint32_t)v);
    } else {
        b[0] = 255;
        sato_put_le64(b + 1, v);
    }
    put(s, b, n);
}

static void put_bytes(sink_t *s, const sato_bytes_t *b) {
    put_compactsize(s, b->len);
    put(s, b->data, b->len);
}

static void tx_serialize(sink_t *s, const sato_tx_t *tx, int with_witness) {
    size_t i, j;
    int extended = with_witness && sato_tx_has_witness(tx);
    put_u32(s, tx->version);
    if (extended) {
        static const unsigned char marker_flag[2] = {0x00, 0x01};
        put(s, marker_flag, 2);
    }
    put_compactsize(s, tx->vin_len);
    for (i = 0; i < tx->vin_len; i++) {
        const sato_txin_t *in = &tx->vin[i];
        put(s, in->prevout.hash, 32);
        put_u32(s, in->prevout.n);
        put_bytes(s, &in->script_sig);
        put_u32(s, in->sequence);
    }
    put_compactsize(s, tx->vout_len);
    for (i = 0; i < tx->vout_len; i++) {
        unsigned char v[8];
        sato_put_le64(v, (uint64_t)tx->vout[i].value);
        put(s, v, 8);
        put_bytes(s, &tx->vout[i].script_pubkey);
    }
    if (extended) {
        for (i = 0; i < tx->vin_len; i++) {
            const sato_txin_t *in = &tx->vin[i];
            put_compactsize(s, in->witness_len);
            for (j = 0; j < in->witness_len; j++) put_bytes(s, &in->witness[j]);
        }
    }
    put_u32(s, tx->locktime);
}

void sato_tx_write(sato_buf_t *b, const sato_tx_t *tx, int with_witness) {
    sink_t s = {b, NULL};
    sato_buf_reserve(b, sato_tx_size(tx, with_witness));
    tx_serialize(&s, tx, with_witness);
}

static size_t bytes_size(const sato_bytes_t *b) {
    return sato_compactsize_len(b->len) + b->len;
}

size_t sato_tx_size(const sato_tx_t *tx, int with_witness) {
    size_t i, j, n = 4 + sato_compactsize_len(tx->vin_len) + sato_compactsize_len(tx->vout_len) + 4;
    for (i = 0; i < tx->vin_len; i++) n += 32 + 4 + bytes_size(&tx->vin[i].script_sig) + 4;
    for (i = 0; i < tx->vout_len; i++) n += 8 + bytes_size(&tx->vout[i].script_pubkey);
    if (with_witness && sato_tx_has_witness(tx)) {
        n += 2;
        for (i = 0; i < tx->vin_len; i++) {
            const sato_txin_t *in = &tx->vin[i];
            n += sato_compactsize_len(in->witness_len);
            for (j = 0; j < in->witness_len; j++) n += bytes_size(&in->witness[j]);
        }
    }
    return n;
}

size_t sato_tx_weight(const sato_tx_t *tx) {
    return sato_tx_size(tx, 0) * 3 + sato_tx_size(tx, 1);
}

int sato_tx_has_witness(const sato_tx_t *tx) {
    size_t i;
    for (i = 0; i < tx->vin_len; i++) {
        if (tx->vin[i].witness_len) return 1;
    }
    return 0;
}

int sato_tx_is_coinbase(const sato_tx_t *tx) {
    return tx->vin_len == 1 && sato_outpoint_is_null(&tx->vin[0].prevout);
}

static void tx_hash(unsigned char out32[32], const sato_tx_t *tx, int with_witness) {
    sato_sha256_t sha;
    sink_t s = {NULL, &sha};
    unsigned char h[32];
    sato_sha256_init(&sha);
    tx_serialize(&s, tx, with_witness);
    sato_sha256_finalize(&sha, h);
    sato_sha256(out32, h, 32);
}

void sato_tx_txid(unsigned char out32[32], const sato_tx_t *tx) {
    tx_hash(out32, tx, 0);
}

void sato_tx_wtxid(unsigned char out32[32], const sato_tx_t *tx) {
    tx_hash(out32, tx, 1);
}

static int bytes_equal(const sato_bytes_t *a, const sato_bytes_t *b) {
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

int sato_tx_equal(const sato_tx_t *a, const sato_tx_t *b) {
    size_t i, j;
    if (a->version != b->version || a->locktime != b->locktime || a->vin_len != b->vin_len ||
        a->vout_len != b->vout_len) {
        return 0;
    }
    for (i = 0; i < a->vin_len; i++) {
        const sato_txin_t *x = &a->vin[i], *y = &b->vin[i];
        if (memcmp(x->prevout.hash, y->prevout.hash, 32) != 0 || x->prevout.n != y->prevout.n ||
            x->sequence != y->sequence || !bytes_equal(&x->script_sig, &y->script_sig) ||
            x->witness_len != y->witness_len) {
            return 0;
        }
        for (j = 0; j < x->witness_len; j++) {
            if (!bytes_equal(&x->witness[j], &y->witness[j])) return 0;
        }
    }
    for (i = 0; i < a->vout_len; i++) {
        if (a->vout[i].value != b->vout[i].value ||
            !bytes_equal(&a->vout[i].script_pubkey, &b->vout[i].script_pubkey)) {
            return 0;
        }
    }
    return 1;
}
