#ifndef SATO_BENCH_H
#define SATO_BENCH_H

/* Shared helpers for sato_bench. Every bench/bench_<name>.c defines
 * `void bench_<name>(void)` and is listed in the table in bench.c; results
 * are printed as rates and as ratios against an anchor (OpenSSL, raw
 * libsecp256k1) measured in the same run. */

#include <stddef.h>

/* Calls fn(arg) in growing batches until about `seconds` have passed and
 * returns the best observed time per call, in seconds. */
double bench_best(void (*fn)(void *arg), void *arg, double seconds);

/* Measures a and b alternately in several rounds (so drifting machine load
 * hits both alike) for about `seconds` in all; best time per call of each. */
void bench_compare(void (*a)(void *), void *arg_a, double *best_a,
                   void (*b)(void *), void *arg_b, double *best_b, double seconds);

/* Default measuring time per figure. */
#define BENCH_SECONDS 0.5

void bench_sha256(void);
void bench_merkle(void);
void bench_sig(void);
void bench_script(void);
void bench_chain(void);
void bench_net(void);
void bench_sync(void);

#include "sato/block.h"
/* The chain bench_chain connects: 120 empty blocks, a fan-out, then full
 * blocks up to n (2,000 inputs each), then n_empty_after empty ones.
 * blocks must hold n + n_empty_after. */
void bench_chain_build(sato_block_t *blocks, size_t n, size_t n_empty_after);

#endif
