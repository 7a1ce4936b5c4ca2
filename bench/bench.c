/* sato_bench: runs every registered benchmark, or those whose name
 * contains one of the command-line arguments. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "crypto/sha256_impl.h"
#include "sato/sha256.h"

static const struct {
    const char *name;
    void (*fn)(void);
} benches[] = {
    {"sha256", bench_sha256},
    {"merkle", bench_merkle},
    {"sig", bench_sig},
    {"script", bench_script},
    {"chain", bench_chain},
    {"net", bench_net},
    {"sync", bench_sync},
};

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double bench_best(void (*fn)(void *arg), void *arg, double seconds) {
    double start = now(), best = 1e30;
    size_t batch = 1, i;
    fn(arg); /* warm caches and lazy initialisation */
    while (now() - start < seconds) {
        double t0 = now(), dt;
        for (i = 0; i < batch; i++) fn(arg);
        dt = (now() - t0) / (double)batch;
        if (dt < best) best = dt;
        /* Batches of at least ~10 ms keep clock overhead out of the figure. */
        if ((now() - t0) < 0.01) batch *= 2;
    }
    return best;
}

void bench_compare(void (*a)(void *), void *arg_a, double *best_a,
                   void (*b)(void *), void *arg_b, double *best_b, double seconds) {
    enum { ROUNDS = 6 };
    int r;
    *best_a = *best_b = 1e30;
    for (r = 0; r < ROUNDS; r++) {
        double ta = bench_best(a, arg_a, seconds / (2 * ROUNDS));
        double tb = bench_best(b, arg_b, seconds / (2 * ROUNDS));
        if (ta < *best_a) *best_a = ta;
        if (tb < *best_b) *best_b = tb;
    }
}

int main(int argc, char **argv) {
    size_t i;
    int a;
    printf("sato_bench: best of repeated runs, ~%.1f s per figure; sha256 impl: %s\n", BENCH_SECONDS,
           sato_sha256_impl());
    for (i = 0; i < sizeof(benches) / sizeof(benches[0]); i++) {
        int want = argc < 2;
        for (a = 1; a < argc; a++) want |= strstr(benches[i].name, argv[a]) != NULL;
        if (!want) continue;
        benches[i].fn();
    }
    return 0;
}
