/* Reorgs: a chain with spends reorganised DEPTH blocks deep (1,088 by
 * default, reliability.md BI06) and back; after each, the UTXO set hash
 * equals that of a fresh node fed only the winning chain. invalidateblock
 * and reconsiderblock move the tip between the branches the same way. */
#define _GNU_SOURCE
#include "test_chain_util.h"

#include "test.h"

static int feed(sato_chainstate_t *cs, sato_block_t *blocks, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        sato_block_state_t st;
        if (!cs_submit(cs, &blocks[i], &st)) {
            fprintf(stderr, "block %zu: %s %s [%s]\n", i, st.reason, st.debug,
                    sato_chainstate_error(cs));
            return 0;
        }
    }
    return 1;
}

static void build(chaingen_t *g, sato_block_t *out, size_t n, size_t txs) {
    size_t i;
    for (i = 0; i < n; i++) chaingen_next(g, &out[i], txs, 1, 2);
}

static void free_blocks(sato_block_t *b, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) sato_block_clear(&b[i]);
    free(b);
}

/* A fresh node fed `parts` in order; its stats. */
static int fresh_stats(const char *tag, sato_block_t **parts, const size_t *lens, size_t n,
                       sato_utxo_stats_t *s) {
    char dir[256];
    sato_chainstate_t *cs;
    size_t i;
    int ok = 1;
    make_tmpdir(dir, sizeof(dir), tag);
    cs = cs_open(dir, 2, 0);
    if (cs == NULL) return 0;
    for (i = 0; i < n && ok; i++) ok = feed(cs, parts[i], lens[i]);
    cs_stats(cs, s);
    CHECK(sato_chainstate_close(cs) == SATO_OK);
    rm_tree(dir);
    return ok;
}

int main(void) {
    const char *env = getenv("SATO_REORG_DEPTH");
    size_t depth = env ? (size_t)strtoul(env, NULL, 10) : 1088;
    const size_t common_n = 110;
    char dir[256];
    chaingen_t g, gx, gy;
    sato_block_t *common = calloc(common_n, sizeof(sato_block_t));
    sato_block_t *x = calloc(depth + 2, sizeof(sato_block_t));
    sato_block_t *y = calloc(depth + 1, sizeof(sato_block_t));
    sato_chainstate_t *cs;
    sato_utxo_stats_t sa, sb, sc, sd;
    sato_block_state_t st;

    chaingen_init(&g, &sato_chainparams_regtest, 11);
    build(&g, common, common_n, 2);
    chaingen_copy(&gx, &g);
    chaingen_copy(&gy, &g);
    build(&gx, x, depth, 2);    /* branch X: depth blocks */
    build(&gy, y, depth + 1, 2); /* branch Y: one more: wins */
    build(&gx, x + depth, 2, 2); /* X extended by 2: wins back */

    make_tmpdir(dir, sizeof(dir), "chain-reorg");
    cs = cs_open(dir, 2, 0);
    CHECK(cs != NULL);
    if (cs == NULL) return test_report("test_chain_reorg");
    CHECK(feed(cs, common, common_n));
    CHECK(feed(cs, x, depth));
    CHECK(sato_chainstate_tip(cs)->height == (int32_t)(common_n + depth));
    CHECK(memcmp(x[0].header.merkle_root, y[0].header.merkle_root, 32) != 0);
    CHECK(feed(cs, y, depth + 1));
    test_case(memcmp(sato_chainstate_tip(cs)->hash, gy.tip, 32) == 0,
              "reorg of %zu blocks to the branch with more work", depth);
    cs_stats(cs, &sa);
    {
        sato_block_t *parts[2] = {common, y};
        size_t lens[2] = {common_n, depth + 1};
        CHECK(fresh_stats("chain-reorg-b", parts, lens, 2, &sb));
        test_case(stats_equal(&sa, &sb), "after reorg: UTXO hash equals a node that saw only Y");
    }
    CHECK(feed(cs, x + depth, 2));
    test_case(memcmp(sato_chainstate_tip(cs)->hash, gx.tip, 32) == 0,
              "reorg of %zu blocks back", depth + 1);
    cs_stats(cs, &sc);
    {
        sato_block_t *parts[2] = {common, x};
        size_t lens[2] = {common_n, depth + 2};
        CHECK(fresh_stats("chain-reorg-c", parts, lens, 2, &sd));
        test_case(stats_equal(&sc, &sd), "after reorg back: UTXO hash equals a node that saw only X");
    }
    /* invalidateblock on X's first block: the tip goes to Y. */
    {
        unsigned char h0[32];
        sato_block_header_hash(h0, &x[0].header);
        CHECK(sato_chainstate_invalidate(cs, &st, h0) == SATO_OK);
        cs_stats(cs, &sa);
        test_case(stats_equal(&sa, &sb), "invalidateblock: tip and UTXO hash of Y (height %d vs %d, %s)",
                  sa.height, sb.height, st.reason);
        CHECK(sato_chainstate_reconsider(cs, &st, h0) == SATO_OK);
        cs_stats(cs, &sa);
        test_case(stats_equal(&sa, &sd), "reconsiderblock: tip and UTXO hash of X");
    }
    CHECK(sato_chainstate_close(cs) == SATO_OK);
    cs = cs_open(dir, 1, 0);
    CHECK(cs != NULL);
    if (cs != NULL) {
        cs_stats(cs, &sa);
        test_case(stats_equal(&sa, &sd), "restart after the reorgs: same tip and UTXO hash");
        CHECK(sato_chainstate_close(cs) == SATO_OK);
    }
    rm_tree(dir);
    free_blocks(common, common_n);
    free_blocks(x, depth + 2);
    free_blocks(y, depth + 1);
    chaingen_clear(&g);
    chaingen_clear(&gx);
    chaingen_clear(&gy);
    return test_report("test_chain_reorg");
}
