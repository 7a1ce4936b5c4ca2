/* The transaction index follows the active chain from the outside: every
 * transaction of the chain is found at its block and position, a reorg
 * takes the disconnected blocks' transactions out and puts the new ones
 * in, the index survives a reopen and a wipe rebuilds it. Also the
 * chainstate queries the RPC layer uses (coins, median time past, UTXO
 * figures) and the chain control's counts. */
#define _GNU_SOURCE
#include "test_chain_util.h"

#include "sato/chainctl.h"
#include "sato/chainstate_query.h"
#include "sato/txindex.h"
#include "test.h"

#define N_BLOCKS 120

typedef struct {
    unsigned char txid[32];
    unsigned char block[32];
    uint32_t pos;
} seen_t;

static seen_t *seen;
static size_t n_seen;

static void remember(const sato_block_t *b) {
    unsigned char hash[32];
    size_t i;
    sato_block_hash(hash, b);
    for (i = 0; i < b->txs_len; i++) {
        seen = realloc(seen, (n_seen + 1) * sizeof(*seen));
        sato_tx_txid(seen[n_seen].txid, &b->txs[i]);
        memcpy(seen[n_seen].block, hash, 32);
        seen[n_seen].pos = (uint32_t)i;
        n_seen++;
    }
}

/* How many remembered transactions of blocks [from, to) the index finds
 * exactly where they are. */
static size_t count_found(sato_txindex_t *ti, size_t from, size_t to) {
    size_t i, n = 0;
    for (i = from; i < to; i++) {
        unsigned char block[32];
        uint32_t pos;
        if (sato_txindex_find(ti, block, &pos, seen[i].txid) == SATO_OK && memcmp(block, seen[i].block, 32) == 0 &&
            pos == seen[i].pos)
            n++;
    }
    return n;
}

static size_t count_all(sato_txindex_t *ti, size_t from, size_t to) {
    size_t i, n = 0;
    for (i = from; i < to; i++) {
        unsigned char block[32];
        uint32_t pos;
        if (sato_txindex_find(ti, block, &pos, seen[i].txid) == SATO_OK) n++;
    }
    return n;
}

static void count_entry(void *arg, const sato_blocknode_t *e) {
    (void)e;
    (*(size_t *)arg)++;
}

int main(void) {
    char dir[256], tidir[300];
    sato_chainstate_t *cs;
    sato_txindex_t *ti = NULL;
    sato_chainctl_t *ctl;
    chaingen_t g, fork;
    size_t fork_seen = 0, i, entries = 0;
    int ok = 1;
    make_tmpdir(dir, sizeof(dir), "txindex");
    snprintf(tidir, sizeof(tidir), "%s/indexes/txindex", dir);
    cs = cs_open(dir, 1, 0);
    CHECK(cs != NULL);
    if (cs == NULL) return test_report("test_txindex");
    CHECK(sato_txindex_open(&ti, tidir, 0) == SATO_OK);
    if (ti == NULL) return test_report("test_txindex");
    ctl = sato_chainctl_create(cs, &sato_chainparams_regtest, ti, NULL, NULL);
    chaingen_init(&g, &sato_chainparams_regtest, 7);
    for (i = 0; i < N_BLOCKS && ok; i++) {
        sato_block_t b;
        if (i == N_BLOCKS - 5) {
            chaingen_copy(&fork, &g);
            fork_seen = n_seen;
        }
        chaingen_next(&g, &b, 3, 1, 2);
        ok = cs_submit(cs, &b, NULL);
        remember(&b);
        sato_block_clear(&b);
        if (i % 7 == 0) ok = ok && sato_chainctl_tip_changed(ctl) == SATO_OK;
    }
    test_case(ok, "%d blocks connect", N_BLOCKS);
    CHECK(sato_chainctl_tip_changed(ctl) == SATO_OK);
    CHECK(sato_txindex_height(ti) == N_BLOCKS);
    test_case(count_found(ti, 0, n_seen) == n_seen, "all %zu transactions found at their block and position",
              n_seen);
    /* Genesis counts: one transaction per block at least. */
    CHECK(sato_chainctl_chain_tx(ctl, sato_chainstate_tip(cs)) == n_seen + 1);
    CHECK(sato_chainctl_progress(ctl, sato_chainstate_tip(cs)) > 0.0);
    CHECK(sato_chainctl_difficulty(0x1d00ffff) == 1.0);
    CHECK(sato_chainctl_log2_work(&sato_chainstate_tip(cs)->chain_work) > 7.0);

    /* Queries. */
    {
        sato_coin_t coin;
        sato_outpoint_t op;
        sato_utxo_stats_t stats;
        const sato_blocknode_t *tip = sato_chainstate_tip(cs);
        memcpy(op.hash, seen[n_seen - 1].txid, 32);
        op.n = 0;
        CHECK(sato_chainstate_get_coin(cs, &op, &coin) == SATO_OK);
        CHECK(coin.height == N_BLOCKS && !coin.is_coinbase && coin.out.script_pubkey.len > 0);
        op.n = 99;
        CHECK(sato_chainstate_get_coin(cs, &op, &coin) == SATO_ENOTFOUND);
        CHECK(sato_chainstate_utxo_stats(cs, &stats) == SATO_OK);
        CHECK(stats.transactions > 0 && stats.transactions <= stats.txouts);
        CHECK(stats.bogosize >= 50 * stats.txouts && sato_chainstate_coins_disk_size(cs) > 0);
        CHECK(sato_chainstate_blocks_size(cs) > 0);
        /* Blockgen times go up by one: the median of 11 is 5 back. */
        CHECK(sato_blocknode_median_time_past(tip) == (int64_t)tip->header.time - 5);
        sato_chainstate_foreach(cs, count_entry, &entries);
        CHECK(entries == sato_chainstate_index_size(cs));
    }

    /* A longer fork replaces the last five blocks. */
    {
        size_t before = n_seen;
        for (i = 0; i < 7 && ok; i++) {
            sato_block_t b;
            chaingen_next(&fork, &b, 2, 1, 1);
            ok = cs_submit(cs, &b, NULL);
            remember(&b);
            sato_block_clear(&b);
        }
        test_case(ok, "fork blocks connect");
        CHECK(sato_chainstate_tip(cs)->height == N_BLOCKS + 2);
        CHECK(sato_chainctl_tip_changed(ctl) == SATO_OK);
        test_case(count_all(ti, fork_seen, before) == 0, "reorged-out transactions are gone");
        test_case(count_found(ti, before, n_seen) == n_seen - before, "fork transactions are in");
        test_case(count_found(ti, 0, fork_seen) == fork_seen, "common history is kept");
        CHECK(sato_chainctl_chain_tx(ctl, sato_chainstate_tip(cs)) == fork_seen + (n_seen - before) + 1);
        /* Back to the old branch's length is not enough: invalidate the fork. */
        {
            sato_block_state_t st;
            CHECK(sato_chainstate_invalidate(cs, &st, seen[before].block) == SATO_OK);
            CHECK(sato_chainctl_tip_changed(ctl) == SATO_OK);
            CHECK(count_all(ti, before, n_seen) == 0);
            CHECK(count_found(ti, 0, before) == before);
        }
    }
    /* Persistence and wipe. */
    sato_chainctl_destroy(ctl);
    sato_txindex_destroy(ti);
    ti = NULL;
    CHECK(sato_txindex_open(&ti, tidir, 0) == SATO_OK && sato_txindex_height(ti) == -1);
    CHECK(count_all(ti, 0, n_seen) > 0);
    CHECK(sato_txindex_sync(ti, cs) == SATO_OK && sato_txindex_height(ti) == N_BLOCKS);
    sato_txindex_destroy(ti);
    ti = NULL;
    CHECK(sato_txindex_open(&ti, tidir, 1) == SATO_OK);
    test_case(ti != NULL && count_all(ti, 0, n_seen) == 0, "a wiped index is empty");
    CHECK(sato_txindex_sync(ti, cs) == SATO_OK);
    test_case(count_found(ti, 0, n_seen) > 0 && sato_txindex_height(ti) == N_BLOCKS, "and rebuilds");
    sato_txindex_destroy(ti);
    CHECK(sato_chainstate_close(cs) == SATO_OK);
    chaingen_clear(&g);
    chaingen_clear(&fork);
    free(seen);
    rm_tree(dir);
    return test_report("test_txindex");
}
