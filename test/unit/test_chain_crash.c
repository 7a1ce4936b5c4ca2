/* Crash safety (reliability.md F01/F03): a child process connects a
 * regtest chain (one P2WPKH/P2TR spend per block from height 101) and is
 * killed with SIGKILL, or exits at a fault site of the store (FI_EXIT_AT);
 * the parent then reopens the data directory, checks the recovered tip is
 * a block of the chain, feeds the rest, and must reach the same tip and
 * UTXO set hash as an uninterrupted run.
 *
 * Where a run is killed does not depend on the machine's speed or load:
 * the child reports each block it has taken through a pipe, and is killed
 * once it reports block k (k drawn from a fixed seed). In half the runs
 * it waits there to be killed (a crash right after block k); in the other
 * half it goes on, so the kill lands somewhere in the blocks after k.
 *
 * The same with crashes during a 400-block reorg (F02), at the k-th block
 * disconnected or the k-th undo record written (FI_EXIT_AT): the restart
 * reaches the winning branch's tip and UTXO hash.
 *
 * SATO_CRASH_BLOCKS (default 5000) and SATO_CRASH_RUNS (default 20) set
 * the size; the FI_EXIT_AT rounds need a SATO_FAULT_INJECT build. */
#define _GNU_SOURCE
#include "test_chain_util.h"

#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#include "sato/fault.h"
#include "test.h"

static sato_block_t *blocks;
static size_t n_blocks;
/* F02: a reorg from our chain's first REORG_A blocks to a branch of
 * REORG_B blocks forking after block REORG_FORK. */
#define REORG_FORK 200
#define REORG_A 600
#define REORG_B 420
#define REORG_RUNS 8
static sato_block_t *branch;

static int feed_range(sato_chainstate_t *cs, const sato_block_t *b, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        sato_block_state_t st;
        if (!cs_submit(cs, &b[i], &st)) return 0;
    }
    return 1;
}

static sato_chainstate_t *open_small(const char *dir) {
    sato_chainstate_opts_t o;
    sato_chainstate_t *cs = NULL;
    sato_chainstate_opts_init(&o, &sato_chainparams_regtest, dir);
    o.script_threads = 1;
    o.max_file_size = 256u << 10;
    o.dbcache_bytes = 96u << 10; /* flushes (and cache wipes) from the size limit too */
    o.flush_every = 97;
    if (sato_chainstate_open(&cs, &o) != SATO_OK) return NULL;
    return cs;
}

/* Feeds every block; 1 if all went in. With report_fd >= 0, writes a
 * byte to it after block `report_at` and, if wait, stops there until the
 * parent kills it. */
static int run_all_reporting(sato_chainstate_t *cs, int report_fd, size_t report_at, int wait) {
    size_t i;
    for (i = 0; i < n_blocks; i++) {
        sato_block_state_t st;
        if (!cs_submit(cs, &blocks[i], &st)) return 0;
        if (report_fd >= 0 && i + 1 == report_at) {
            char c = 'k';
            if (write(report_fd, &c, 1) != 1) _exit(4);
            while (wait) pause();
        }
    }
    return 1;
}

static int run_all(sato_chainstate_t *cs) {
    return run_all_reporting(cs, -1, 0, 0);
}

/* The recovered tip is genesis or one of our blocks at its height. */
static int tip_on_chain(sato_chainstate_t *cs) {
    const sato_blocknode_t *t = sato_chainstate_tip(cs);
    unsigned char h[32];
    if (t->height == 0) return 1;
    if (t->height > (int32_t)n_blocks) return 0;
    sato_block_header_hash(h, &blocks[t->height - 1].header);
    return memcmp(h, t->hash, 32) == 0;
}

int main(void) {
    const char *eb = getenv("SATO_CRASH_BLOCKS"), *er = getenv("SATO_CRASH_RUNS");
    size_t runs = er ? strtoul(er, NULL, 10) : 20, r, killed_midway = 0, waited = 0;
    char dir[256];
    chaingen_t g;
    sato_utxo_stats_t control, got, control_b;
    chaingen_t gb;
    sato_chainstate_t *cs;
    uint64_t seed = 0x5eed;
    size_t i;
    static const char *const sites[] = {"blk.appended", "blk.fsync",     "rev.appended",
                                         "store.flushed", "db.commit",    "db.committed",
                                         "chain.flush.synced", "blk.torn", "rev.torn"};
    n_blocks = eb ? strtoul(eb, NULL, 10) : 5000;
    memset(&gb, 0, sizeof(gb));
    blocks = calloc(n_blocks, sizeof(*blocks));
    chaingen_init(&g, &sato_chainparams_regtest, 3);
    for (i = 0; i < n_blocks; i++) {
        chaingen_next(&g, &blocks[i], 1, 1, 2);
        if (i + 1 == REORG_FORK) chaingen_copy(&gb, &g);
    }
    branch = calloc(REORG_B, sizeof(*branch));
    if (n_blocks >= REORG_A) {
        for (i = 0; i < REORG_B; i++) chaingen_next(&gb, &branch[i], 1, 1, 2);
    }

    /* The uninterrupted run. */
    make_tmpdir(dir, sizeof(dir), "chain-crash-control");
    cs = open_small(dir);
    CHECK(cs != NULL);
    if (cs == NULL) return test_report("test_chain_crash");
    CHECK(run_all(cs));
    CHECK(sato_chainstate_close(cs) == SATO_OK);
    cs = open_small(dir);
    CHECK(cs != NULL);
    cs_stats(cs, &control);
    CHECK(sato_chainstate_close(cs) == SATO_OK);
    rm_tree(dir);
    CHECK(control.height == (int32_t)n_blocks);

    for (r = 0; r < runs + sizeof(sites) / sizeof(sites[0]); r++) {
        int fault_round = r >= runs, wait = r % 2 == 0, status = 0, ok, report[2] = {-1, -1};
        size_t kill_at = 1 + (size_t)(rng_next(&seed) % (n_blocks > 1 ? n_blocks - 1 : 1));
        pid_t pid;
        make_tmpdir(dir, sizeof(dir), "chain-crash");
        if (!fault_round) CHECK(pipe(report) == 0);
        pid = fork();
        if (pid == 0) {
            if (fault_round) {
                char spec[64];
                /* Somewhere in the middle of the run. */
                snprintf(spec, sizeof(spec), "%s:%u", sites[r - runs], 3u + (unsigned)(r * 7 % 11));
                setenv("FI_EXIT_AT", spec, 1);
                sato_fault_reload();
            } else {
                close(report[0]);
            }
            cs = open_small(dir);
            if (cs == NULL) _exit(3);
            run_all_reporting(cs, report[1], kill_at, wait);
            _exit(sato_chainstate_close(cs) == SATO_OK ? 0 : 5);
        }
        if (!fault_round) {
            char c;
            close(report[1]);
            /* Blocks until the child has taken block kill_at (or died). */
            if (read(report[0], &c, 1) == 1) kill(pid, SIGKILL);
            close(report[0]);
            waited += wait;
        }
        waitpid(pid, &status, 0);
        if ((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ||
            (WIFEXITED(status) && WEXITSTATUS(status) == 137))
            killed_midway++;
        cs = open_small(dir);
        test_case(cs != NULL, "run %zu: reopens after the crash", r);
        if (cs == NULL) {
            rm_tree(dir);
            continue;
        }
        test_case(tip_on_chain(cs), "run %zu: recovered tip (height %d) is on the chain", r,
                  sato_chainstate_tip(cs)->height);
        ok = run_all(cs);
        cs_stats(cs, &got);
        test_case(ok && stats_equal(&got, &control), "run %zu%s%s: same tip and UTXO hash as the "
                  "uninterrupted run (height %d)", r, fault_round ? " FI_EXIT_AT " : "",
                  fault_round ? sites[r - runs] : "", got.height);
        CHECK(sato_chainstate_close(cs) == SATO_OK);
        rm_tree(dir);
    }
    /* F02: killed while reorganising 400 blocks deep. */
    if (n_blocks >= REORG_A) {
        char tmpl[256], cmd[600];
        size_t reorg_killed = 0;
        make_tmpdir(dir, sizeof(dir), "chain-crash-b");
        cs = open_small(dir);
        CHECK(cs != NULL && feed_range(cs, blocks, REORG_FORK) &&
              feed_range(cs, branch, REORG_B));
        cs_stats(cs, &control_b);
        CHECK(sato_chainstate_close(cs) == SATO_OK);
        rm_tree(dir);
        make_tmpdir(tmpl, sizeof(tmpl), "chain-crash-a");
        cs = open_small(tmpl);
        CHECK(cs != NULL && feed_range(cs, blocks, REORG_A));
        CHECK(sato_chainstate_close(cs) == SATO_OK);
        for (r = 0; r < REORG_RUNS; r++) {
            int status = 0, ok;
            pid_t pid;
            /* The reorg disconnects REORG_A - REORG_FORK blocks, then
             * connects the branch, writing one undo record each. */
            const char *site = r % 2 == 0 ? "chain.disconnect" : "rev.appended";
            unsigned span = r % 2 == 0 ? REORG_A - REORG_FORK : REORG_B;
            unsigned at = 1 + (unsigned)(rng_next(&seed) % span);
            make_tmpdir(dir, sizeof(dir), "chain-crash-r");
            snprintf(cmd, sizeof(cmd), "cp -a %s/. %s/", tmpl, dir);
            CHECK(system(cmd) == 0);
            pid = fork();
            if (pid == 0) {
                char spec[64];
                snprintf(spec, sizeof(spec), "%s:%u", site, at);
                setenv("FI_EXIT_AT", spec, 1);
                sato_fault_reload();
                cs = open_small(dir);
                if (cs == NULL) _exit(3);
                feed_range(cs, branch, REORG_B);
                _exit(sato_chainstate_close(cs) == SATO_OK ? 0 : 5);
            }
            waitpid(pid, &status, 0);
            if (WIFEXITED(status) && WEXITSTATUS(status) == 137) reorg_killed++;
            cs = open_small(dir);
            test_case(cs != NULL, "reorg run %zu: reopens after the crash", r);
            if (cs == NULL) {
                rm_tree(dir);
                continue;
            }
            ok = feed_range(cs, blocks, REORG_A) && feed_range(cs, branch, REORG_B);
            cs_stats(cs, &got);
            test_case(ok && stats_equal(&got, &control_b),
                      "reorg run %zu: killed mid-reorg, reaches the winning branch's tip and "
                      "UTXO hash (height %d)", r, got.height);
            CHECK(sato_chainstate_close(cs) == SATO_OK);
            rm_tree(dir);
        }
        rm_tree(tmpl);
        fprintf(stderr, "test_chain_crash: %d runs crashed during a %d-block reorg, %zu before "
                "the end\n", REORG_RUNS, REORG_A - REORG_FORK, reorg_killed);
#ifdef SATO_FAULT_INJECT
        test_case(reorg_killed == REORG_RUNS, "every reorg run crashed mid-reorg (%zu)", reorg_killed);
#endif
    }
    fprintf(stderr, "test_chain_crash: %zu blocks, %zu runs, %zu interrupted before the end\n",
            n_blocks, runs + sizeof(sites) / sizeof(sites[0]), killed_midway);
    /* The runs that waited at their block were killed there, whatever
     * the load; the others almost always are. */
    test_case(killed_midway >= waited, "the runs were interrupted (%zu, at least %zu)", killed_midway,
              waited);
    for (i = 0; i < n_blocks; i++) sato_block_clear(&blocks[i]);
    free(blocks);
    for (i = 0; i < REORG_B; i++) sato_block_clear(&branch[i]);
    free(branch);
    chaingen_clear(&g);
    chaingen_clear(&gb);
    return test_report("test_chain_crash");
}
