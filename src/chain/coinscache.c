/* UTXO cache: an open-addressing hash table (linear probing, deletion by
 * backward shift) of outpoint -> coin with Core's DIRTY/FRESH semantics. */
#include <stdlib.h>
#include <string.h>

#include "sato/coinscache.h"
#include "sato/mem.h"
#include "sato/random.h"
#include "sato/script.h"
#include "sato/siphash.h"

#define F_DIRTY 1u
#define F_FRESH 2u
#define F_SPENT 4u
#define MIN_CAP 64u

typedef struct {
    sato_outpoint_t op;
    uint8_t used;
    uint8_t flags;
    uint8_t coinbase;
    int32_t height;
    uint32_t script_len;
    int64_t value;
    unsigned char *script; /* sato_malloc'd, NULL when spent or empty */
} entry_t;

struct sato_coins {
    sato_db_t *db;
    unsigned table;
    sato_coins_t *parent;
    entry_t *slots;
    size_t cap; /* power of two */
    size_t count;
    size_t script_bytes;
    uint64_t k0, k1;
};

static void coins_alloc(sato_coins_t *c, size_t cap) {
    c->slots = sato_calloc(cap, sizeof(entry_t));
    c->cap = cap;
    c->count = 0;
}

sato_coins_t *sato_coins_create(sato_db_t *db, unsigned table, sato_coins_t *parent) {
    sato_coins_t *c = sato_calloc(1, sizeof(*c));
    unsigned char salt[16];
    c->db = db;
    c->table = table;
    c->parent = parent;
    sato_random_bytes(salt, sizeof(salt));
    memcpy(&c->k0, salt, 8);
    memcpy(&c->k1, salt + 8, 8);
    coins_alloc(c, MIN_CAP);
    return c;
}

static void free_scripts(sato_coins_t *c) {
    size_t i;
    for (i = 0; i < c->cap; i++) {
        if (c->slots[i].used) free(c->slots[i].script);
    }
}

void sato_coins_destroy(sato_coins_t *c) {
    if (c == NULL) return;
    free_scripts(c);
    free(c->slots);
    free(c);
}

void sato_coins_reset(sato_coins_t *c) {
    free_scripts(c);
    free(c->slots);
    c->script_bytes = 0;
    coins_alloc(c, MIN_CAP);
}

static size_t slot_of(const sato_coins_t *c, const sato_outpoint_t *op) {
    return (size_t)sato_siphash_uint256_extra(c->k0, c->k1, op->hash, op->n) & (c->cap - 1);
}

static int op_eq(const sato_outpoint_t *a, const sato_outpoint_t *b) {
    return a->n == b->n && memcmp(a->hash, b->hash, 32) == 0;
}

static entry_t *find(const sato_coins_t *c, const sato_outpoint_t *op) {
    size_t i = slot_of(c, op);
    while (c->slots[i].used) {
        if (op_eq(&c->slots[i].op, op)) return &c->slots[i];
        i = (i + 1) & (c->cap - 1);
    }
    return NULL;
}

static void grow(sato_coins_t *c) {
    entry_t *old = c->slots;
    size_t old_cap = c->cap, i;
    coins_alloc(c, old_cap * 2);
    for (i = 0; i < old_cap; i++) {
        size_t j;
        if (!old[i].used) continue;
        j = slot_of(c, &old[i].op);
        while (c->slots[j].used) j = (j + 1) & (c->cap - 1);
        c->slots[j] = old[i];
        c->count++;
    }
    free(old);
}

/* A new empty (spent, clean) entry for op, which must be absent. */
static entry_t *insert(sato_coins_t *c, const sato_outpoint_t *op) {
    size_t i;
    if ((c->count + 1) * 5 > c->cap * 4) grow(c); /* load at most 0.8 */
    i = slot_of(c, op);
    while (c->slots[i].used) i = (i + 1) & (c->cap - 1);
    memset(&c->slots[i], 0, sizeof(entry_t));
    c->slots[i].used = 1;
    c->slots[i].flags = F_SPENT;
    c->slots[i].op = *op;
    c->count++;
    return &c->slots[i];
}

/* Removes e, shifting later members of its probe run back. */
static void erase(sato_coins_t *c, entry_t *e) {
    size_t i = (size_t)(e - c->slots), j = i;
    free(e->script);
    c->script_bytes -= e->script_len;
    for (;;) {
        size_t home;
        j = (j + 1) & (c->cap - 1);
        if (!c->slots[j].used) break;
        home = slot_of(c, &c->slots[j].op);
        /* Move j into the hole at i unless its home lies cyclically in (i, j]. */
        if ((i <= j) ? (home > i && home <= j) : (home > i || home <= j)) continue;
        c->slots[i] = c->slots[j];
        i = j;
    }
    c->slots[i].used = 0;
    c->count--;
}

static void set_coin(sato_coins_t *c, entry_t *e, int64_t value, int32_t height, int coinbase,
                     const unsigned char *script, size_t len) {
    free(e->script);
    c->script_bytes -= e->script_len;
    e->script = NULL;
    if (len > 0) {
        e->script = sato_malloc(len);
        memcpy(e->script, script, len);
    }
    e->script_len = (uint32_t)len;
    c->script_bytes += len;
    e->value = value;
    e->height = height;
    e->coinbase = (uint8_t)(coinbase != 0);
    e->flags &= (uint8_t)~F_SPENT;
}

static void mark_spent(sato_coins_t *c, entry_t *e) {
    free(e->script);
    c->script_bytes -= e->script_len;
    e->script = NULL;
    e->script_len = 0;
    e->flags |= F_SPENT;
}

void sato_coin_key(unsigned char key[SATO_COIN_KEY_SIZE], const sato_outpoint_t *op) {
    memcpy(key, op->hash, 32);
    sato_put_be32(key + 32, op->n);
}

void sato_coin_key_read(sato_outpoint_t *op, const unsigned char key[SATO_COIN_KEY_SIZE]) {
    memcpy(op->hash, key, 32);
    op->n = sato_be32(key + 32);
}

int sato_coin_value_read(sato_coin_t *coin, const unsigned char *val, size_t len) {
    uint32_t code;
    memset(coin, 0, sizeof(*coin));
    if (len < 12) return 0;
    code = sato_le32(val);
    coin->height = (int32_t)(code >> 1);
    coin->is_coinbase = (int)(code & 1);
    coin->out.value = (int64_t)sato_le64(val + 4);
    coin->out.script_pubkey.data = (unsigned char *)(len > 12 ? val + 12 : NULL);
    coin->out.script_pubkey.len = len - 12;
    return 1;
}

/* Finds op in c or below it; a found coin is copied into c (clean). */
static sato_err_t fetch(sato_coins_t *c, const sato_outpoint_t *op, entry_t **out) {
    entry_t *e = find(c, op);
    *out = NULL;
    if (e != NULL) {
        *out = e;
        return SATO_OK;
    }
    if (c->parent != NULL) {
        sato_coin_t pc;
        sato_err_t err = sato_coins_get(c->parent, op, &pc);
        if (err != SATO_OK) return err;
        e = insert(c, op);
        set_coin(c, e, pc.out.value, pc.height, pc.is_coinbase, pc.out.script_pubkey.data,
                 pc.out.script_pubkey.len);
    } else {
        unsigned char key[SATO_COIN_KEY_SIZE];
        sato_db_txn_t *txn = NULL;
        sato_buf_t val;
        sato_coin_t coin;
        sato_err_t err;
        sato_coin_key(key, op);
        sato_buf_init(&val);
        err = sato_db_begin_read(c->db, &txn);
        if (err == SATO_OK) err = sato_db_get(txn, &val, c->table, key, sizeof(key));
        sato_db_abort(txn);
        if (err == SATO_OK && !sato_coin_value_read(&coin, val.data, val.len)) err = SATO_ECORRUPT;
        if (err != SATO_OK) {
            sato_buf_clear(&val);
            return err;
        }
        e = insert(c, op);
        set_coin(c, e, coin.out.value, coin.height, coin.is_coinbase,
                 coin.out.script_pubkey.data, coin.out.script_pubkey.len);
        sato_buf_clear(&val);
    }
    *out = e;
    return SATO_OK;
}

sato_err_t sato_coins_get(sato_coins_t *c, const sato_outpoint_t *op, sato_coin_t *out) {
    entry_t *e;
    sato_err_t err = fetch(c, op, &e);
    memset(out, 0, sizeof(*out));
    if (err != SATO_OK) return err;
    if (e->flags & F_SPENT) return SATO_ENOTFOUND;
    out->out.value = e->value;
    out->out.script_pubkey.data = e->script;
    out->out.script_pubkey.len = e->script_len;
    out->height = e->height;
    out->is_coinbase = e->coinbase;
    return SATO_OK;
}

void sato_coins_add(sato_coins_t *c, const sato_outpoint_t *op, const sato_coin_t *coin,
                    int possible_overwrite) {
    entry_t *e = find(c, op);
    int fresh = 0;
    if (e == NULL) {
        e = insert(c, op);
        /* Not in this cache: unless it may be overwriting a coin below,
         * the layers below cannot hold it unspent. */
        fresh = !possible_overwrite;
    } else if (!possible_overwrite) {
        if (!(e->flags & F_SPENT)) abort(); /* overwriting an unspent coin */
        /* Spent here but not yet written: the spend must reach the
         * parent, so the new coin cannot be fresh. */
        fresh = !(e->flags & F_DIRTY);
    }
    set_coin(c, e, coin->out.value, coin->height, coin->is_coinbase, coin->out.script_pubkey.data,
             coin->out.script_pubkey.len);
    e->flags |= F_DIRTY;
    if (fresh) e->flags |= F_FRESH;
}

sato_err_t sato_coins_spend(sato_coins_t *c, const sato_outpoint_t *op, sato_coin_t *moved) {
    entry_t *e;
    sato_err_t err = fetch(c, op, &e);
    if (moved != NULL) memset(moved, 0, sizeof(*moved));
    if (err != SATO_OK) return err;
    if (e->flags & F_SPENT) return SATO_ENOTFOUND;
    if (moved != NULL) {
        moved->out.value = e->value;
        moved->out.script_pubkey.data = e->script;
        moved->out.script_pubkey.len = e->script_len;
        moved->height = e->height;
        moved->is_coinbase = e->coinbase;
        c->script_bytes -= e->script_len;
        e->script = NULL;
        e->script_len = 0;
    }
    if (e->flags & F_FRESH) {
        erase(c, e);
    } else {
        mark_spent(c, e);
        e->flags |= F_DIRTY;
    }
    return SATO_OK;
}

void sato_coins_merge(sato_coins_t *child) {
    sato_coins_t *p = child->parent;
    size_t i;
    for (i = 0; i < child->cap; i++) {
        entry_t *ce = &child->slots[i], *pe;
        if (!ce->used || !(ce->flags & F_DIRTY)) continue;
        pe = find(p, &ce->op);
        if (pe == NULL) {
            if ((ce->flags & F_FRESH) && (ce->flags & F_SPENT)) continue;
            pe = insert(p, &ce->op);
            pe->flags = (uint8_t)(F_DIRTY | (ce->flags & F_FRESH));
            if (ce->flags & F_SPENT) pe->flags |= F_SPENT;
            else set_coin(p, pe, ce->value, ce->height, ce->coinbase, ce->script, ce->script_len);
            continue;
        }
        if ((ce->flags & F_FRESH) && !(pe->flags & F_SPENT)) abort(); /* FRESH over unspent */
        if ((pe->flags & F_FRESH) && (ce->flags & F_SPENT)) {
            erase(p, pe);
            continue;
        }
        if (ce->flags & F_SPENT) mark_spent(p, pe);
        else set_coin(p, pe, ce->value, ce->height, ce->coinbase, ce->script, ce->script_len);
        pe->flags |= F_DIRTY;
    }
    sato_coins_reset(child);
}

sato_err_t sato_coins_write(sato_coins_t *c, sato_db_txn_t *txn) {
    sato_buf_t val;
    sato_err_t err = SATO_OK;
    size_t i;
    sato_buf_init(&val);
    for (i = 0; i < c->cap && err == SATO_OK; i++) {
        entry_t *e = &c->slots[i];
        unsigned char key[SATO_COIN_KEY_SIZE];
        if (!e->used || !(e->flags & F_DIRTY)) continue;
        sato_coin_key(key, &e->op);
        if (e->flags & F_SPENT) {
            /* A FRESH coin never reaches here spent (it was erased), so a
             * missing key means the coin was created and spent in between
             * writes with a parent entry: harmless. */
            err = sato_db_del(txn, c->table, key, sizeof(key));
            if (err == SATO_ENOTFOUND) err = SATO_OK;
        } else {
            val.len = 0;
            sato_buf_write_u32(&val, (uint32_t)e->height * 2u + e->coinbase);
            sato_buf_write_u64(&val, (uint64_t)e->value);
            sato_buf_write(&val, e->script, e->script_len);
            err = sato_db_put(txn, c->table, key, sizeof(key), val.data, val.len);
        }
    }
    sato_buf_clear(&val);
    return err;
}

void sato_coins_written(sato_coins_t *c, int erase_all) {
    size_t i;
    if (erase_all) {
        sato_coins_reset(c);
        return;
    }
    for (i = 0; i < c->cap;) {
        entry_t *e = &c->slots[i];
        if (e->used && (e->flags & F_SPENT)) {
            erase(c, e); /* a later entry may shift into i: look again */
            continue;
        }
        if (e->used) e->flags = 0;
        i++;
    }
}

size_t sato_coins_count(const sato_coins_t *c) {
    return c->count;
}

size_t sato_coins_memory(const sato_coins_t *c) {
    /* Each script allocation costs malloc's header as well. */
    return c->cap * sizeof(entry_t) + c->script_bytes + c->count * 16;
}
