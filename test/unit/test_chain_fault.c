/* Storage faults never become verdicts on blocks (reliability.md B04,
 * B21, F05): with the disk "full" (FI_ENOSPC_AFTER) or a failing write
 * (FI_EIO_ON) the chainstate returns the error with a message, keeps its
 * tip and marks nothing invalid; once the fault is gone the same blocks
 * are accepted and the node reaches the same UTXO hash as one that never
 * saw a fault, also across a restart without a clean shutdown (required
 * after a failed fdatasync, which the block store latches). Damaged
 * block data is detected at start-up (F06), and -reindex rebuilds. */
#define _GNU_SOURCE
#include "test_chain_util.h"

#include "../../src/chain/chain_internal.h"
#include "sato/fault.h"
#include "test.h"

#define N 150

static sato_chainstate_t *open_f(const char *dir) {
    sato_chainstate_opts_t o;
    sato_chainstate_t *cs = NULL;
    sato_chainstate_opts_init(&o, &sato_chainparams_regtest, dir);
    o.script_threads = 2;
    o.flush_every = 1; /* every block reaches the database: every write site is hit */
    if (sato_chainstate_open(&cs, &o) != SATO_OK) return NULL;
    return cs;
}

static int no_invalid(sato_chainstate_t *cs, sato_block_t *blocks, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        unsigned char h[32];
        const sato_blocknode_t *e;
        sato_block_header_hash(h, &blocks[i].header);
        e = sato_chainstate_lookup(cs, h);
        if (e != NULL && (e->status & SATO_BLOCKNODE_FAILED_MASK)) return 0;
    }
    return 1;
}

static void set_fault(const char *name, const char *value) {
    unsetenv("FI_ENOSPC_AFTER");
    unsetenv("FI_EIO_ON");
    unsetenv("FI_EXIT_AT");
    if (name != NULL) setenv(name, value, 1);
    sato_fault_reload();
}

int main(void) {
    char dir[256], cdir[256];
    sato_block_t blocks[N];
    chaingen_t g;
    sato_chainstate_t *cs;
    sato_utxo_stats_t control, got;
    size_t i, fed = 0, k;
    static const struct {
        const char *var, *value;
    } faults[] = {
        {"FI_ENOSPC_AFTER", "0"},     {"FI_ENOSPC_AFTER", "300"},  {"FI_ENOSPC_AFTER", "2000"},
        {"FI_ENOSPC_AFTER", "3000"}, {"FI_EIO_ON", "blk.write"},  {"FI_EIO_ON", "rev.write"},
        {"FI_EIO_ON", "blk.fsync"},   {"FI_EIO_ON", "rev.fsync"},  {"FI_EIO_ON", "db.put"},
        {"FI_EIO_ON", "db.commit"},   {"FI_EIO_ON", "chain.undo"}, {"FI_EIO_ON", "chain.flush.synced"},
    };
#ifdef SATO_FAULT_INJECT
    const size_t n_faults = sizeof(faults) / sizeof(faults[0]);
#else
    /* Without the hooks compiled in (a plain Release build) only the
     * checks that need no injection run; `make test` builds them in. */
    const size_t n_faults = 0;
#endif

    chaingen_init(&g, &sato_chainparams_regtest, 5);
    for (i = 0; i < N; i++) chaingen_next(&g, &blocks[i], 2, 1, 2);
    make_tmpdir(cdir, sizeof(cdir), "chain-fault-control");
    cs = open_f(cdir);
    CHECK(cs != NULL);
    if (cs == NULL) return test_report("test_chain_fault");
    for (i = 0; i < N; i++) CHECK(cs_submit(cs, &blocks[i], NULL));
    cs_stats(cs, &control);
    CHECK(sato_chainstate_close(cs) == SATO_OK);

    make_tmpdir(dir, sizeof(dir), "chain-fault");
    cs = open_f(dir);
    CHECK(cs != NULL);
    for (fed = 0; fed < 110; fed++) CHECK(cs_submit(cs, &blocks[fed], NULL));
    for (k = 0; k < n_faults; k++) {
        sato_block_state_t st;
        sato_err_t err = SATO_OK;
        int32_t tip_before = sato_chainstate_tip(cs)->height;
        size_t j;
        set_fault(faults[k].var, faults[k].value);
        /* A few blocks under the fault: the first storage error stops us. */
        for (j = 0; j < 3 && err == SATO_OK; j++) {
            err = sato_chainstate_process_block(cs, &st, &blocks[fed + j], 1, NULL);
            if (err == SATO_OK) err = sato_chainstate_flush(cs);
        }
        set_fault(NULL, NULL);
        test_case(err != SATO_OK, "%s=%s: the storage error surfaces", faults[k].var,
                  faults[k].value);
        test_case(err != SATO_OK && *sato_chainstate_error(cs) != '\0',
                  "%s=%s: with a message (%s)", faults[k].var, faults[k].value,
                  sato_chainstate_error(cs));
        test_case(sato_validation_is_valid(&st), "%s=%s: no verdict on the block (%s)",
                  faults[k].var, faults[k].value, st.reason);
        test_case(no_invalid(cs, blocks, N), "%s=%s: nothing marked invalid", faults[k].var,
                  faults[k].value);
        test_case(sato_chainstate_tip(cs)->height >= tip_before,
                  "%s=%s: tip kept", faults[k].var, faults[k].value);
        /* A failed fdatasync is latched by the block store (the kernel
         * may have dropped the dirty pages: fsyncgate), so that one is
         * recovered by a restart; the others also without one. */
        if (strstr(faults[k].value, "fsync") != NULL || k % 3 == 2) {
            sato_chainstate_destroy(cs);
            cs = open_f(dir);
            test_case(cs != NULL, "%s=%s: reopens after the fault", faults[k].var,
                      faults[k].value);
            if (cs == NULL) break;
        }
        /* Space is back: the same blocks go in. */
        for (j = 0; j < 3; j++) {
            int ok = cs_submit(cs, &blocks[fed + j], &st);
            test_case(ok, "%s=%s: block %zu accepted once the fault is gone (%s; %s)",
                      faults[k].var, faults[k].value, j, st.reason, sato_chainstate_error(cs));
        }
        err = sato_chainstate_flush(cs);
        test_case(err == SATO_OK, "%s=%s: flush once the fault is gone (%s)", faults[k].var,
                  faults[k].value, sato_chainstate_error(cs));
        fed += 3;
    }
    if (cs != NULL) {
        for (; fed < N; fed++) CHECK(cs_submit(cs, &blocks[fed], NULL));
        cs_stats(cs, &got);
        test_case(stats_equal(&got, &control), "after every fault: the control's tip and UTXO hash");
        CHECK(sato_chainstate_close(cs) == SATO_OK);
    }

    /* F06: a damaged block among the last 6 stops the start-up check;
     * -reindex (which skips the bad record) cannot rebuild past it but
     * opens, and the good copy of the chain resubmitted restores it. */
    {
        char path[512];
        FILE *f;
        long size;
        sato_chainstate_opts_t o;
        sato_chainstate_t *bad = NULL;
        sato_err_t err;
        snprintf(path, sizeof(path), "%s/blocks/blk00000.dat", dir);
        f = fopen(path, "r+b");
        CHECK(f != NULL);
        if (f != NULL) {
            unsigned char byte;
            fseek(f, 0, SEEK_END);
            size = ftell(f);
            /* The last record's payload: a few hundred bytes before the end
             * of the data (the file may be preallocated: find the data end). */
            {
                long pos = size - 1;
                int c = 0;
                while (pos > 0) {
                    fseek(f, pos, SEEK_SET);
                    c = fgetc(f);
                    if (c != 0) break;
                    pos--;
                }
                fseek(f, pos - 40, SEEK_SET);
                byte = (unsigned char)fgetc(f);
                fseek(f, pos - 40, SEEK_SET);
                fputc(byte ^ 0x55, f);
            }
            fclose(f);
        }
        sato_chainstate_opts_init(&o, &sato_chainparams_regtest, dir);
        err = sato_chainstate_open(&bad, &o);
        test_case(err == SATO_ECORRUPT, "F06 damaged block: start-up check fails (%d)", (int)err);
        sato_chainstate_destroy(bad);
        bad = NULL;
        o.reindex = 1;
        err = sato_chainstate_open(&bad, &o);
        test_case(err == SATO_OK, "F06: -reindex opens (%d)", (int)err);
        if (bad != NULL) {
            for (i = 0; i < N; i++) {
                sato_block_state_t st;
                IGNORE_RESULT(sato_chainstate_process_block(bad, &st, &blocks[i], 1, NULL));
            }
            cs_stats(bad, &got);
            test_case(stats_equal(&got, &control), "F06: after reindex and resubmission, the "
                      "control's tip and UTXO hash (height %d)", got.height);
            CHECK(sato_chainstate_close(bad) == SATO_OK);
        }
    }
    /* Core's free-space check: below the limit nothing is written. */
    {
        sato_chainstate_opts_t o;
        sato_chainstate_t *low = NULL;
        sato_block_state_t st;
        sato_block_t extra;
        sato_err_t err;
        sato_chainstate_opts_init(&o, &sato_chainparams_regtest, dir);
        CHECK(sato_chainstate_open(&low, &o) == SATO_OK);
        if (low != NULL) {
            low->opts.min_free_bytes = INT64_MAX; /* (white-box) the disk is now "full" */
            chaingen_next(&g, &extra, 1, 1, 1);
            err = sato_chainstate_process_block(low, &st, &extra, 1, NULL);
            test_case(err == SATO_ENOSPC && strstr(sato_chainstate_error(low), "disk space") != NULL,
                      "low disk space: refused with a message (%s)", sato_chainstate_error(low));
            test_case(sato_validation_is_valid(&st) && no_invalid(low, &extra, 1),
                      "low disk space: no verdict on the block");
            low->opts.min_free_bytes = 0;
            test_case(cs_submit(low, &extra, &st), "low disk space: accepted once space is back");
            sato_chainstate_destroy(low); /* unflushed: the block is cut off again */
            sato_block_clear(&extra);
        }
    }

    for (i = 0; i < N; i++) sato_block_clear(&blocks[i]);
    chaingen_clear(&g);
    rm_tree(dir);
    rm_tree(cdir);
    return test_report("test_chain_fault");
}
