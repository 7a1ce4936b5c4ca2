#ifndef SATO_TEST_CHAIN_UTIL_H
#define SATO_TEST_CHAIN_UTIL_H

/* Helpers shared by the test_chain_* programs (static: each program has
 * its own copy). The including file defines _GNU_SOURCE first. */

#include <string.h>

#include "chaingen.h"
#include "sato/chainstate.h"
#include "sato/hex.h"
#include "test_store_util.h"

static inline sato_chainstate_t *cs_open(const char *dir, unsigned threads, int reindex) {
    sato_chainstate_opts_t o;
    sato_chainstate_t *cs = NULL;
    sato_chainstate_opts_init(&o, &sato_chainparams_regtest, dir);
    o.script_threads = threads;
    o.reindex = reindex;
    o.max_file_size = 1u << 20; /* several blk/rev files even for small chains */
    if (sato_chainstate_open(&cs, &o) != SATO_OK) return NULL;
    return cs;
}

/* Feeds b (forced, as submitblock) and returns 1 if it was accepted
 * without a storage error and with a valid state. */
static inline int cs_submit(sato_chainstate_t *cs, const sato_block_t *b, sato_block_state_t *st) {
    sato_block_state_t local;
    if (st == NULL) st = &local;
    if (sato_chainstate_process_block(cs, st, b, 1, NULL) != SATO_OK) return 0;
    return sato_validation_is_valid(st);
}

static inline void cs_stats(sato_chainstate_t *cs, sato_utxo_stats_t *s) {
    if (sato_chainstate_utxo_stats(cs, s) != SATO_OK) memset(s, 0xee, sizeof(*s));
}

static inline int stats_equal(const sato_utxo_stats_t *a, const sato_utxo_stats_t *b) {
    return memcmp(a->hash, b->hash, 32) == 0 && a->txouts == b->txouts &&
           a->total_amount == b->total_amount && a->height == b->height &&
           memcmp(a->best_block, b->best_block, 32) == 0;
}

#endif
