/* Initial sync over loopback: a node syncs the chain of bench_chain
 * (full blocks of 2,000 P2WPKH/P2TR inputs, then 2,100 empty blocks so
 * that -assumevalid can apply) from a peer, with and without
 * -assumevalid, beside the same chain connected locally from memory into
 * a fresh chain state (the anchor, measured in the same run). Uses the
 * satod and sato-cli built next to sato_bench. SATO_BENCH_SYNC_BLOCKS sets
 * the number of blocks before the empty ones (default 250, of which 121
 * are the set-up: 129 full blocks). Not in
 * `make bench` by default: `./build/sato_bench sync`. */
#define _GNU_SOURCE
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "sato/chainstate.h"
#include "sato/hex.h"

#define EMPTY_AFTER 2100

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int rm_entry(const char *p, const struct stat *st, int f, struct FTW *w) {
    (void)st;
    (void)f;
    (void)w;
    return remove(p);
}

static char bindir[PATH_MAX];

static pid_t spawn_satod(const char *datadir, int port, int rpcport, const char *extra1, const char *extra2) {
    pid_t pid = fork();
    if (pid == 0) {
        char exe[PATH_MAX + 8], dd[PATH_MAX + 16], p[32], rp[32];
        snprintf(exe, sizeof(exe), "%s/satod", bindir);
        snprintf(dd, sizeof(dd), "-datadir=%s", datadir);
        snprintf(p, sizeof(p), "-port=%d", port);
        snprintf(rp, sizeof(rp), "-rpcport=%d", rpcport);
        execl(exe, exe, "-regtest", dd, p, rp, "-printtoconsole=0", extra1 ? extra1 : "-listen=1",
              extra2 ? extra2 : "-listen=1", (char *)NULL);
        _exit(127);
    }
    return pid;
}

static long block_count(const char *datadir, int rpcport) {
    char cmd[PATH_MAX * 2 + 64], out[64] = "";
    FILE *f;
    snprintf(cmd, sizeof(cmd), "%s/sato-cli -regtest -datadir=%s -rpcport=%d -rpcwait getblockcount 2>/dev/null",
             bindir, datadir, rpcport);
    if ((f = popen(cmd, "r")) == NULL) return -1;
    if (fgets(out, sizeof(out), f) == NULL) out[0] = '\0';
    pclose(f);
    return out[0] ? strtol(out, NULL, 10) : -1;
}

static void stop(pid_t pid) {
    int st;
    kill(pid, SIGTERM);
    waitpid(pid, &st, 0);
}

/* Seconds until the node at datadir reaches height (or 0 on a timeout). */
static double wait_height(const char *datadir, int rpcport, long height, double t0) {
    while (now_s() - t0 < 600) {
        if (block_count(datadir, rpcport) >= height) return now_s() - t0;
        usleep(100 * 1000);
    }
    return 0;
}

void bench_sync(void) {
    const char *env = getenv("SATO_BENCH_SYNC_BLOCKS");
    size_t full = env ? strtoul(env, NULL, 10) : 250, n, i;
    sato_block_t *blocks;
    char base[64], a[128], b[128], av[80], hex[65];
    double t0, t_local, t_sync, t_sync_av;
    int port = 30000 + (int)(getpid() % 20000);
    ssize_t len = readlink("/proc/self/exe", bindir, sizeof(bindir) - 1);
    sato_chainstate_opts_t o;
    sato_chainstate_t *cs;
    pid_t pa, pb;
    if (len <= 0) return;
    bindir[len] = '\0';
    *strrchr(bindir, '/') = '\0';
    if (full < 130) full = 130;
    n = full + EMPTY_AFTER;
    blocks = calloc(n, sizeof(*blocks));
    t0 = now_s();
    bench_chain_build(blocks, full, EMPTY_AFTER);
    printf("sync: built %zu blocks (%zu of them full, ~2,000 inputs each) in %.1f s\n", n, full - 121,
           now_s() - t0);
    snprintf(base, sizeof(base), "/tmp/sato-bench-sync-%d", (int)getpid());
    snprintf(a, sizeof(a), "%s/a", base);
    snprintf(b, sizeof(b), "%s/b", base);
    mkdir(base, 0700);
    mkdir(a, 0700);
    /* The anchor: the peer's own chain state, connected from memory. */
    {
        char chaindir[160];
        snprintf(chaindir, sizeof(chaindir), "%s/regtest", a);
        sato_chainstate_opts_init(&o, &sato_chainparams_regtest, chaindir);
        if (sato_chainstate_open(&cs, &o) != SATO_OK) return;
        t0 = now_s();
        for (i = 0; i < n; i++) {
            sato_block_state_t st;
            if (sato_chainstate_process_block(cs, &st, &blocks[i], 1, NULL) != SATO_OK) abort();
        }
        if (sato_chainstate_close(cs) != SATO_OK) abort();
        t_local = now_s() - t0;
    }
    {
        unsigned char h[32];
        sato_block_header_hash(h, &blocks[n - 1].header);
        sato_hex_encode_rev(hex, h, 32);
    }
    /* The peer is in initial download (the chain's times are old): it
     * serves headers only to noban peers, as Core. */
    pa = spawn_satod(a, port, port + 1, "-whitelist=noban@127.0.0.1", NULL);
    if (block_count(a, port + 1) != (long)n) fprintf(stderr, "sync: the peer did not load its chain\n");
    {
        char connect[64];
        snprintf(connect, sizeof(connect), "-connect=127.0.0.1:%d", port);
        mkdir(b, 0700);
        t0 = now_s();
        pb = spawn_satod(b, port + 2, port + 3, connect, "-assumevalid=0");
        t_sync = wait_height(b, port + 3, (long)n, t0);
        stop(pb);
        nftw(b, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        mkdir(b, 0700);
        snprintf(av, sizeof(av), "-assumevalid=%s", hex);
        t0 = now_s();
        pb = spawn_satod(b, port + 2, port + 3, connect, av);
        t_sync_av = wait_height(b, port + 3, (long)n, t0);
        stop(pb);
    }
    stop(pa);
    printf("sync: connected locally from memory: %.1f blocks/s (%.1f s)\n", n / t_local, t_local);
    printf("sync: over loopback from a peer:       %.1f blocks/s (%.1f s) -> %.2fx the local time\n",
           t_sync > 0 ? n / t_sync : 0, t_sync, t_sync / t_local);
    printf("sync: the same with -assumevalid:      %.1f blocks/s (%.1f s) -> %.2fx the local time\n",
           t_sync_av > 0 ? n / t_sync_av : 0, t_sync_av, t_sync_av / t_local);
    nftw(base, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    for (i = 0; i < n; i++) sato_block_clear(&blocks[i]);
    free(blocks);
}
