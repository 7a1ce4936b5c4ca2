/* Chainstate basics: a chain with P2WPKH/P2TR spends connects; restart
 * after a clean shutdown reopens at the same tip and UTXO hash; -reindex
 * rebuilds the same UTXO set from the block files; reopening checks the
 * last blocks. */
#define _GNU_SOURCE
#include "test_chain_util.h"

#include "test.h"

#define N_BLOCKS 160

int main(void) {
    char dir[256];
    sato_chainstate_t *cs;
    chaingen_t g;
    sato_utxo_stats_t s1, s2, s3;
    int i, ok = 1;
    make_tmpdir(dir, sizeof(dir), "chain-basic");
    cs = cs_open(dir, 2, 0);
    CHECK(cs != NULL);
    if (cs == NULL) return test_report("test_chain_basic");
    CHECK(sato_chainstate_tip(cs)->height == 0);
    chaingen_init(&g, &sato_chainparams_regtest, 1);
    for (i = 0; i < N_BLOCKS; i++) {
        sato_block_t b;
        sato_block_state_t st;
        chaingen_next(&g, &b, 4, 2, 3);
        if (!cs_submit(cs, &b, &st)) {
            ok = 0;
            fprintf(stderr, "block %d rejected: %s %s (%s)\n", i + 1, st.reason, st.debug,
                    sato_chainstate_error(cs));
        }
        sato_block_clear(&b);
        if (!ok) break;
    }
    test_case(ok, "%d blocks with spends connect", N_BLOCKS);
    CHECK(sato_chainstate_tip(cs)->height == N_BLOCKS);
    CHECK(memcmp(sato_chainstate_tip(cs)->hash, g.tip, 32) == 0);
    cs_stats(cs, &s1);
    CHECK(s1.txouts > (uint64_t)N_BLOCKS);
    CHECK(s1.height == N_BLOCKS);
    {
        /* The last block's coinbase output is in the UTXO set, a spent
         * wallet coin is not. */
        sato_outpoint_t op;
        sato_coin_t coin;
        memcpy(op.hash, g.cb.v[g.cb.n - 1].op.hash, 32);
        op.n = 0;
        CHECK(sato_chainstate_get_coin(cs, &op, &coin) == SATO_OK && coin.is_coinbase &&
              coin.height == N_BLOCKS && coin.out.value == g.cb.v[g.cb.n - 1].value);
        op = g.cb.v[0].op; /* height 1's coinbase, spent long ago */
        CHECK(sato_chainstate_get_coin(cs, &op, &coin) == SATO_ENOTFOUND);
    }
    CHECK(sato_chainstate_close(cs) == SATO_OK);

    cs = cs_open(dir, 1, 0); /* reopen: verifies the last 6 blocks */
    CHECK(cs != NULL);
    if (cs != NULL) {
        cs_stats(cs, &s2);
        test_case(stats_equal(&s1, &s2), "restart: same tip and UTXO hash");
        CHECK(sato_chainstate_verify(cs, 50) == SATO_OK);
        CHECK(sato_chainstate_close(cs) == SATO_OK);
    }
    cs = cs_open(dir, 2, 1); /* -reindex */
    CHECK(cs != NULL);
    if (cs != NULL) {
        cs_stats(cs, &s3);
        test_case(stats_equal(&s1, &s3), "reindex: same tip and UTXO hash");
        CHECK(sato_chainstate_close(cs) == SATO_OK);
    }
    chaingen_clear(&g);
    rm_tree(dir);

    /* The verdict on a block does not depend on the number of script
     * threads: with two bad signatures, every thread count reports the
     * first one. */
    {
        sato_block_t prefix[110], bad;
        char reasons[3][512];
        unsigned threads[3] = {1, 2, 4};
        int t;
        chaingen_init(&g, &sato_chainparams_regtest, 2);
        for (i = 0; i < 110; i++) chaingen_next(&g, &prefix[i], 0, 0, 0);
        chaingen_next(&g, &bad, 50, 1, 1);
        /* Spend 2 coins per tx is not possible with 10 mature coinbases:
         * instead 1-input txs, damaged at tx 7 and tx 9 (witness only, so
         * the block's merkle root stays; the commitment is recomputed). */
        bad.txs[7].vin[0].witness[0].data[5] ^= 1;
        bad.txs[9].vin[0].witness[0].data[5] ^= 1;
        chaingen_block_finish(&g, &bad);
        for (t = 0; t < 3; t++) {
            sato_block_state_t st;
            char d[256];
            make_tmpdir(d, sizeof(d), "chain-threads");
            cs = cs_open(d, threads[t], 0);
            CHECK(cs != NULL);
            if (cs == NULL) break;
            for (i = 0; i < 110; i++) CHECK(cs_submit(cs, &prefix[i], NULL));
            CHECK(!cs_submit(cs, &bad, &st));
            snprintf(reasons[t], sizeof(reasons[t]), "%s | %s", st.reason, st.debug);
            CHECK(sato_chainstate_close(cs) == SATO_OK);
            rm_tree(d);
        }
        test_case(strncmp(reasons[0], "block-script-verify-flag-failed", 31) == 0,
                  "bad signature found: %s", reasons[0]);
        test_case(strcmp(reasons[0], reasons[1]) == 0 && strcmp(reasons[0], reasons[2]) == 0,
                  "same verdict on 1, 2, 4 threads: %s / %s / %s", reasons[0], reasons[1],
                  reasons[2]);
        for (i = 0; i < 110; i++) sato_block_clear(&prefix[i]);
        sato_block_clear(&bad);
        chaingen_clear(&g);
    }
    return test_report("test_chain_basic");
}
