/* -assumevalid (Core's rules): a block with a bad signature buried more
 * than two weeks of work under the assumed-valid block is accepted without
 * its scripts checked when the headers are known first; without the
 * setting, or with an assumed block the node does not know, the same
 * block is refused. */
#define _GNU_SOURCE
#include "test_chain_util.h"

#include "sato/mem.h"
#include "test.h"

#define N_BEFORE 110
#define N_AFTER 2100
#define N_TOTAL (N_BEFORE + 1 + N_AFTER)

static sato_chainstate_t *open_av(const char *dir, const unsigned char *av) {
    sato_chainstate_opts_t o;
    sato_chainstate_t *cs = NULL;
    sato_chainstate_opts_init(&o, &sato_chainparams_regtest, dir);
    o.script_threads = 2;
    o.assume_valid = av;
    if (sato_chainstate_open(&cs, &o) != SATO_OK) return NULL;
    return cs;
}

/* Headers of blocks[0..n_headers) first, then every block. Returns the
 * tip height; *reason gets the first rejection. */
static int32_t feed(sato_chainstate_t *cs, const sato_block_t *blocks, size_t n_headers, char *reason) {
    sato_block_header_t *h = sato_malloc(2000 * sizeof(*h));
    size_t i, k;
    reason[0] = '\0';
    for (i = 0; i < n_headers; i += k) {
        sato_block_state_t st;
        for (k = 0; k < 2000 && i + k < n_headers; k++) h[k] = blocks[i + k].header;
        if (sato_chainstate_process_headers(cs, &st, h, k) != SATO_OK || !sato_validation_is_valid(&st)) break;
    }
    free(h);
    for (i = 0; i < N_TOTAL; i++) {
        sato_block_state_t st;
        if (sato_chainstate_process_block(cs, &st, &blocks[i], 1, NULL) != SATO_OK) break;
        if (!sato_validation_is_valid(&st) && reason[0] == '\0') snprintf(reason, 128, "%s", st.reason);
    }
    return sato_chainstate_tip(cs)->height;
}

int main(void) {
    sato_block_t *blocks = sato_calloc(N_TOTAL, sizeof(*blocks));
    unsigned char last[32], unknown[32];
    char dir[256], reason[128];
    chaingen_t g;
    sato_chainstate_t *cs;
    size_t i;
    int32_t h;

    chaingen_init(&g, &sato_chainparams_regtest, 7);
    for (i = 0; i < N_BEFORE; i++) chaingen_next(&g, &blocks[i], 0, 0, 0);
    {
        /* One spend whose signature is wrong (a byte of it flipped). */
        sato_block_t *b = &blocks[N_BEFORE];
        sato_tx_t tx;
        if (!chaingen_spend(&g, &tx, 1, 2, 1000)) abort();
        tx.vin[0].witness[0].data[10] ^= 0x01;
        chaingen_block_init(&g, b, 1000);
        chaingen_block_add(b, &tx);
        chaingen_block_finish(&g, b);
        chaingen_accept(&g, b);
    }
    for (i = N_BEFORE + 1; i < N_TOTAL; i++) chaingen_next(&g, &blocks[i], 0, 0, 0);
    sato_block_header_hash(last, &blocks[N_TOTAL - 1].header);
    memset(unknown, 0x42, sizeof(unknown));

    make_tmpdir(dir, sizeof(dir), "chain-av-none");
    cs = open_av(dir, NULL);
    CHECK(cs != NULL);
    h = feed(cs, blocks, N_TOTAL, reason);
    test_case(h == N_BEFORE && strncmp(reason, "block-script-verify-flag-failed", 31) == 0,
              "without -assumevalid the bad signature is refused (tip %d, %s)", (int)h, reason);
    CHECK(sato_chainstate_close(cs) == SATO_OK);
    rm_tree(dir);

    make_tmpdir(dir, sizeof(dir), "chain-av-deep");
    cs = open_av(dir, last);
    CHECK(cs != NULL);
    h = feed(cs, blocks, N_TOTAL, reason);
    test_case(h == N_TOTAL && reason[0] == '\0',
              "buried %d blocks under the assumed-valid block: its scripts are not checked (tip %d)", N_AFTER,
              (int)h);
    CHECK(sato_chainstate_close(cs) == SATO_OK);
    rm_tree(dir);

    /* The headers stop short of the assumed block: it is unknown, so
     * every script is checked. */
    make_tmpdir(dir, sizeof(dir), "chain-av-short");
    cs = open_av(dir, last);
    CHECK(cs != NULL);
    h = feed(cs, blocks, N_TOTAL - 1, reason);
    test_case(h == N_BEFORE, "assumed block not among the headers: checked and refused (tip %d)", (int)h);
    CHECK(sato_chainstate_close(cs) == SATO_OK);
    rm_tree(dir);

    /* Known and on the chain, but the best header is not two weeks of
     * work above the bad block: checked and refused (Core's depth rule). */
    {
        unsigned char mid[32];
        sato_block_header_hash(mid, &blocks[1500].header);
        make_tmpdir(dir, sizeof(dir), "chain-av-shallow");
        cs = open_av(dir, mid);
        CHECK(cs != NULL);
        h = feed(cs, blocks, 1501, reason);
        test_case(h == N_BEFORE, "only %d blocks of work above it: checked and refused (tip %d)", 1500 - N_BEFORE,
                  (int)h);
        CHECK(sato_chainstate_close(cs) == SATO_OK);
        rm_tree(dir);
    }

    make_tmpdir(dir, sizeof(dir), "chain-av-unknown");
    cs = open_av(dir, unknown);
    CHECK(cs != NULL);
    h = feed(cs, blocks, N_TOTAL, reason);
    test_case(h == N_BEFORE, "an assumed block not on this chain: checked and refused (tip %d)", (int)h);
    CHECK(sato_chainstate_close(cs) == SATO_OK);
    rm_tree(dir);

    for (i = 0; i < N_TOTAL; i++) sato_block_clear(&blocks[i]);
    free(blocks);
    chaingen_clear(&g);
    return test_report("test_chain_assumevalid");
}
