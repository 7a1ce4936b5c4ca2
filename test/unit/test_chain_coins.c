/* The UTXO cache: Core's DIRTY/FRESH rules across a child cache, a base
 * cache and LMDB: a coin created and spent between flushes never reaches
 * the disk, a spend of a stored coin deletes it at the flush, a child
 * thrown away changes nothing, key order is (txid, vout) numerically;
 * and the memory each cached coin costs. */
#define _GNU_SOURCE
#include "test_chain_util.h"

#include "sato/coinscache.h"
#include "sato/db.h"
#include "test.h"

static const char *const TABLES[] = {"coins"};

static void op_make(sato_outpoint_t *op, unsigned i, uint32_t n) {
    memset(op->hash, 0, 32);
    op->hash[0] = (unsigned char)i;
    op->hash[1] = (unsigned char)(i >> 8);
    op->hash[2] = (unsigned char)(i >> 16);
    op->n = n;
}

static void coin_make(sato_coin_t *c, int64_t v, const unsigned char *spk, size_t len) {
    memset(c, 0, sizeof(*c));
    c->out.value = v;
    c->out.script_pubkey.data = (unsigned char *)spk;
    c->out.script_pubkey.len = len;
    c->height = 7;
}

static int db_has(sato_db_t *db, const sato_outpoint_t *op) {
    sato_db_txn_t *t = NULL;
    sato_buf_t v;
    unsigned char key[SATO_COIN_KEY_SIZE];
    sato_err_t err;
    sato_buf_init(&v);
    sato_coin_key(key, op);
    if (sato_db_begin_read(db, &t) != SATO_OK) return -1;
    err = sato_db_get(t, &v, 0, key, sizeof(key));
    sato_db_abort(t);
    sato_buf_clear(&v);
    return err == SATO_OK;
}

static int flush(sato_db_t *db, sato_coins_t *c, int erase) {
    sato_db_txn_t *t = NULL;
    if (sato_db_begin_write(db, &t) != SATO_OK) return 0;
    if (sato_coins_write(c, t) != SATO_OK) {
        sato_db_abort(t);
        return 0;
    }
    if (sato_db_commit(t) != SATO_OK) return 0;
    sato_coins_written(c, erase);
    return 1;
}

int main(void) {
    char dir[256];
    sato_db_t *db = NULL;
    sato_coins_t *base, *child;
    sato_outpoint_t a, b, c2, d;
    sato_coin_t coin, got;
    static const unsigned char spk[22] = {0x00, 0x14, 1, 2, 3};
    unsigned i;
    make_tmpdir(dir, sizeof(dir), "chain-coins");
    CHECK(sato_db_open(&db, dir, TABLES, 1, NULL, NULL) == SATO_OK);
    if (db == NULL) return test_report("test_chain_coins");
    base = sato_coins_create(db, 0, NULL);
    op_make(&a, 1, 0);
    op_make(&b, 2, 0);
    op_make(&c2, 3, 0);
    op_make(&d, 4, 256);
    coin_make(&coin, 1000, spk, sizeof(spk));
    sato_coins_add(base, &a, &coin, 0);
    sato_coins_add(base, &b, &coin, 0);
    CHECK(flush(db, base, 1));
    CHECK(db_has(db, &a) == 1 && db_has(db, &b) == 1);

    /* Child: spend a (stored), create c2 and spend it again (FRESH),
     * create d; throw the child away: nothing changes. */
    child = sato_coins_create(NULL, 0, base);
    CHECK(sato_coins_spend(child, &a, &got) == SATO_OK && got.out.value == 1000 &&
          got.out.script_pubkey.len == 22 && got.height == 7);
    free(got.out.script_pubkey.data);
    CHECK(sato_coins_get(child, &a, &got) == SATO_ENOTFOUND);
    sato_coins_add(child, &c2, &coin, 0);
    CHECK(sato_coins_spend(child, &c2, NULL) == SATO_OK);
    sato_coins_add(child, &d, &coin, 0);
    sato_coins_reset(child);
    CHECK(sato_coins_get(child, &a, &got) == SATO_OK);
    CHECK(sato_coins_get(base, &d, &got) == SATO_ENOTFOUND);

    /* Again, merged this time. */
    CHECK(sato_coins_spend(child, &a, NULL) == SATO_OK);
    sato_coins_add(child, &c2, &coin, 0);
    CHECK(sato_coins_spend(child, &c2, NULL) == SATO_OK);
    sato_coins_add(child, &d, &coin, 0);
    sato_coins_merge(child);
    CHECK(sato_coins_count(child) == 0);
    CHECK(sato_coins_get(base, &a, &got) == SATO_ENOTFOUND);
    CHECK(sato_coins_get(base, &d, &got) == SATO_OK && got.out.value == 1000);
    /* The FRESH coin created and spent never got an entry. */
    CHECK(sato_coins_get(base, &c2, &got) == SATO_ENOTFOUND);
    CHECK(db_has(db, &a) == 1); /* not yet flushed */
    CHECK(flush(db, base, 0));
    CHECK(db_has(db, &a) == 0 && db_has(db, &b) == 1 && db_has(db, &c2) == 0 &&
          db_has(db, &d) == 1);
    /* A spend in the base of a flushed coin, then a re-add (not FRESH:
     * the delete must still reach the disk first... and then the put). */
    CHECK(sato_coins_spend(base, &b, NULL) == SATO_OK);
    coin.out.value = 5;
    sato_coins_add(base, &b, &coin, 0);
    CHECK(flush(db, base, 1));
    CHECK(sato_coins_get(base, &b, &got) == SATO_OK && got.out.value == 5);
    sato_coins_destroy(child);

    /* Key order is numeric (txid bytes, then vout big-endian). */
    {
        unsigned char k1[SATO_COIN_KEY_SIZE], k2[SATO_COIN_KEY_SIZE];
        sato_outpoint_t x, y;
        op_make(&x, 9, 255);
        op_make(&y, 9, 256);
        sato_coin_key(k1, &x);
        sato_coin_key(k2, &y);
        CHECK(memcmp(k1, k2, sizeof(k1)) < 0);
        sato_coin_key_read(&y, k1);
        CHECK(y.n == 255 && y.hash[0] == 9);
    }

    /* Memory per cached coin (P2WPKH-sized scripts), 100,000 coins. */
    {
        size_t mem;
        sato_coins_reset(base);
        for (i = 0; i < 100000; i++) {
            sato_outpoint_t op;
            op_make(&op, 100 + i, i & 3);
            sato_coins_add(base, &op, &coin, 0);
        }
        mem = sato_coins_memory(base);
        fprintf(stderr, "test_chain_coins: %zu coins, %zu bytes, %.0f bytes per cached coin\n",
                sato_coins_count(base), mem, (double)mem / (double)sato_coins_count(base));
        CHECK(sato_coins_count(base) == 100000);
        for (i = 0; i < 100000; i += 2) {
            sato_outpoint_t op;
            op_make(&op, 100 + i, i & 3);
            CHECK(sato_coins_spend(base, &op, NULL) == SATO_OK);
        }
        CHECK(sato_coins_count(base) == 50000); /* FRESH spends leave no entry */
        for (i = 1; i < 100000; i += 2) {
            sato_outpoint_t op;
            op_make(&op, 100 + i, i & 3);
            if (sato_coins_get(base, &op, &got) != SATO_OK) break;
        }
        test_case(i >= 100000, "every unspent coin still found after backward-shift deletes");
    }
    sato_coins_destroy(base);
    sato_db_destroy(db);
    rm_tree(dir);
    return test_report("test_chain_coins");
}
