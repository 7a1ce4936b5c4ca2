/* Start-up recovery: blocks stored after the last flush survive a crash
 * (they are read back from the blk files and connected again), a reindex
 * stopped by a shutdown request resumes on a plain open, and open reports
 * Core's init messages. Each case ends at the UTXO hash of a chain state
 * that was never interrupted. */
#define _GNU_SOURCE
#include "test_chain_util.h"

#include "test.h"

#define N_BLOCKS 150
#define FLUSH_AT 50

typedef struct {
    char seen[4][64];
    int n;
    int *interrupt_on_load; /* set when "Loading block index" is reported */
} status_log_t;

static void on_status(void *arg, const char *status) {
    status_log_t *s = arg;
    if (s->n < 4) snprintf(s->seen[s->n++], sizeof(s->seen[0]), "%s", status);
    if (s->interrupt_on_load != NULL && strncmp(status, "Loading block index", 19) == 0)
        __atomic_store_n(s->interrupt_on_load, 1, __ATOMIC_SEQ_CST);
}

static sato_err_t open_with(sato_chainstate_t **cs, const char *dir, int reindex, status_log_t *log,
                            const int *interrupt) {
    sato_chainstate_opts_t o;
    sato_chainstate_opts_init(&o, &sato_chainparams_regtest, dir);
    o.script_threads = 2;
    o.reindex = reindex;
    o.max_file_size = 1u << 20;
    o.on_status = on_status;
    o.status_ctx = log;
    o.interrupt = interrupt;
    return sato_chainstate_open(cs, &o);
}

int main(void) {
    char dir[256], ref_dir[256];
    sato_block_t blocks[N_BLOCKS];
    sato_chainstate_t *cs, *ref;
    sato_utxo_stats_t want, got;
    status_log_t log;
    chaingen_t g;
    int i, ok = 1, stop = 0;

    make_tmpdir(dir, sizeof(dir), "chain-recover");
    make_tmpdir(ref_dir, sizeof(ref_dir), "chain-recover-ref");
    chaingen_init(&g, &sato_chainparams_regtest, 1);
    for (i = 0; i < N_BLOCKS; i++) chaingen_next(&g, &blocks[i], 4, 2, 3);

    ref = cs_open(ref_dir, 2, 0);
    CHECK(ref != NULL);
    if (ref == NULL) return test_report("test_chain_recover");
    for (i = 0; i < N_BLOCKS; i++) ok &= cs_submit(ref, &blocks[i], NULL);
    CHECK(ok);
    cs_stats(ref, &want);
    CHECK(want.height == N_BLOCKS);
    CHECK(sato_chainstate_close(ref) == SATO_OK);

    /* A crash 100 blocks after the last flush. */
    memset(&log, 0, sizeof(log));
    CHECK(open_with(&cs, dir, 0, &log, NULL) == SATO_OK);
    test_case(log.n >= 1 && strcmp(log.seen[0], "Loading block index\u2026") == 0,
              "open reports Core's first init message");
    for (i = 0; i < N_BLOCKS && ok; i++) {
        ok &= cs_submit(cs, &blocks[i], NULL);
        if (i + 1 == FLUSH_AT) CHECK(sato_chainstate_flush(cs) == SATO_OK);
    }
    CHECK(ok);
    sato_chainstate_destroy(cs); /* no flush: what kill -9 leaves */
    memset(&log, 0, sizeof(log));
    CHECK(open_with(&cs, dir, 0, &log, NULL) == SATO_OK);
    if (cs != NULL) {
        CHECK(log.n == 2 && strcmp(log.seen[1], "Verifying blocks\u2026") == 0);
        test_case(sato_chainstate_tip(cs)->height == N_BLOCKS,
                  "after a crash: every stored block is back (height %d)",
                  (int)sato_chainstate_tip(cs)->height);
        cs_stats(cs, &got);
        test_case(stats_equal(&want, &got), "after a crash: the uninterrupted UTXO hash");
        CHECK(sato_chainstate_close(cs) == SATO_OK);
    }

    /* A reindex stopped while it reads the block files fails with
     * SATO_EINTR; a plain open then resumes it. */
    memset(&log, 0, sizeof(log));
    log.interrupt_on_load = &stop;
    test_case(open_with(&cs, dir, 1, &log, &stop) == SATO_EINTR && cs == NULL,
              "a shutdown request stops the reindex");
    stop = 0;
    memset(&log, 0, sizeof(log));
    CHECK(open_with(&cs, dir, 0, &log, &stop) == SATO_OK);
    if (cs != NULL) {
        cs_stats(cs, &got);
        test_case(stats_equal(&want, &got), "the resumed reindex: the uninterrupted UTXO hash");
        CHECK(sato_chainstate_close(cs) == SATO_OK);
    }
    /* The flag is gone: the next open verifies as usual. */
    memset(&log, 0, sizeof(log));
    CHECK(open_with(&cs, dir, 0, &log, NULL) == SATO_OK);
    CHECK(log.n == 2);
    if (cs != NULL) CHECK(sato_chainstate_close(cs) == SATO_OK);

    for (i = 0; i < N_BLOCKS; i++) sato_block_clear(&blocks[i]);
    chaingen_clear(&g);
    rm_tree(dir);
    rm_tree(ref_dir);
    return test_report("test_chain_recover");
}
