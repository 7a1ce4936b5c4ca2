/* Block and transaction validation rules on arbitrary blocks in arbitrary
 * contexts: nothing may crash, every rejection carries a reason and a
 * class, results are deterministic, and the quick mutation test agrees
 * with the full check on the merkle tree.
 *
 * Input: 16 bytes of context, then a serialized block.
 *   [0]      network (mod 5)
 *   [1..4]   height of the block (LE, top bit cleared)
 *   [5..8]   the parent's median time past (LE)
 *   [9..12]  the node's clock (LE)
 *   [13]     bits of every block of the made-up parent chain:
 *            even = the network's limit, odd = the block's own bits
 *   [14]     coin heights: how far below the block the spent coins are
 *   [15]     bit 0: coins are coinbases; bit 1: a coin is missing */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/amount.h"
#include "sato/block_check.h"
#include "sato/mem.h"
#include "sato/tx_check.h"
#include "sato/tx_verify.h"

#define FUZZ_ASSERT(cond)                                                                \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                     \
        }                                                                                \
    } while (0)

#define CONTEXT_SIZE 16
/* The made-up parent chain is this long at most, so a walk back stays cheap. */
#define MAX_TIP 300

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    uint32_t bits;
    uint32_t time;
    int32_t tip;
} fake_chain_t;

static int fake_get(void *ctx, int32_t height, sato_chain_entry_t *out) {
    const fake_chain_t *c = ctx;
    if (height < 0 || height > c->tip) return 0;
    memset(out, 0, sizeof(*out));
    out->bits = c->bits;
    /* Times rise 600 s a block up to the tip's. */
    out->time = c->time - (uint32_t)(c->tip - height) * 600u;
    out->hash[0] = (unsigned char)height;
    return 1;
}

static int fake_mtp(void *ctx, int32_t height, int64_t *mtp) {
    const int64_t *base = ctx;
    if (height < 0) return 0;
    *mtp = *base + (int64_t)height;
    return 1;
}

/* A rejection is complete: invalid with a reason, or an error. */
static void check_state(int ok, const sato_validation_state_t *st) {
    if (ok) {
        FUZZ_ASSERT(st->mode == SATO_VALIDATION_VALID && st->reason[0] == '\0');
    } else {
        FUZZ_ASSERT(st->mode != SATO_VALIDATION_VALID && st->reason[0] != '\0');
        FUZZ_ASSERT(memchr(st->reason, 0, sizeof(st->reason)) != NULL);
    }
}

static void check_txs(const sato_block_t *b, int32_t height, int64_t mtp, uint8_t depth,
                      uint8_t coin_flags, const sato_chainparams_t *p) {
    sato_block_connect_t c;
    sato_block_state_t st;
    unsigned char hash[32];
    size_t i, j;
    int ok = 1;
    sato_block_hash(hash, b);
    sato_block_connect_init(&c, height, hash, mtp, p);
    sato_validation_state_init(&st);
    for (i = 0; i < b->txs_len && ok; i++) {
        const sato_tx_t *tx = &b->txs[i];
        sato_coin_t *coins = sato_calloc(tx->vin_len + 1, sizeof(*coins));
        const sato_coin_t **ptrs = sato_calloc(tx->vin_len + 1, sizeof(*ptrs));
        int32_t *heights = sato_calloc(tx->vin_len + 1, sizeof(*heights));
        sato_lock_pair_t lp;
        sato_tx_state_t ts;
        int64_t fee;
        /* Coins made from the transaction's own outputs, cycled. */
        for (j = 0; j < tx->vin_len; j++) {
            if (tx->vout_len) coins[j].out = tx->vout[j % tx->vout_len];
            coins[j].height = height - depth > 0 ? height - depth : 0;
            coins[j].is_coinbase = coin_flags & 1;
            ptrs[j] = &coins[j];
            heights[j] = coins[j].height;
        }
        if ((coin_flags & 2) && tx->vin_len) ptrs[tx->vin_len - 1] = NULL;
        (void)sato_tx_is_final(tx, height, mtp);
        FUZZ_ASSERT(sato_sequence_locks_calculate(&lp, tx, SATO_LOCKTIME_VERIFY_SEQUENCE, heights,
                                                  fake_mtp, &mtp));
        FUZZ_ASSERT(lp.min_height >= -1 && lp.min_time >= -1);
        if (!sato_tx_check(tx, NULL)) {
            ok = 0; /* the connect functions assume CheckTransaction passed */
        } else if (sato_tx_is_coinbase(tx)) {
            ok = sato_block_connect_tx(&c, &st, tx, NULL, fake_mtp, &mtp);
            check_state(ok, &st);
        } else {
            sato_validation_state_init(&ts);
            ok = sato_tx_check_inputs(&ts, &fee, tx, ptrs, height);
            check_state(ok, &ts);
            FUZZ_ASSERT(ok ? sato_money_range(fee) : fee == 0);
            if (!(coin_flags & 2)) {
                FUZZ_ASSERT(sato_tx_sigop_cost(tx, ptrs, c.script_flags) >=
                            (int64_t)sato_tx_legacy_sigops(tx) * SATO_WITNESS_SCALE_FACTOR);
            }
            ok = sato_block_connect_tx(&c, &st, tx, ptrs, fake_mtp, &mtp);
            check_state(ok, &st);
        }
        free(coins);
        free(ptrs);
        free(heights);
    }
    if (ok && b->txs_len) {
        ok = sato_block_connect_finish(&c, &st, b);
        check_state(ok, &st);
    }
    /* The fee sum may pass the limit once (that is the rejection), never wrap. */
    FUZZ_ASSERT(c.sigop_cost >= 0 && c.fees >= 0 && c.fees <= 2 * SATO_MAX_MONEY);
}

static void check_block(const sato_block_t *b, const uint8_t *ctx) {
    static const sato_chainparams_t *const nets[5] = {
        &sato_chainparams_main, &sato_chainparams_testnet, &sato_chainparams_testnet4,
        &sato_chainparams_signet, &sato_chainparams_regtest};
    const sato_chainparams_t *p = nets[ctx[0] % 5];
    int32_t height = (int32_t)(((uint32_t)ctx[1] | (uint32_t)ctx[2] << 8 | (uint32_t)ctx[3] << 16 |
                                (uint32_t)ctx[4] << 24) & 0x7fffffffu);
    int64_t mtp = (uint32_t)ctx[5] | (uint32_t)ctx[6] << 8 | (uint32_t)ctx[7] << 16 |
                  (uint32_t)ctx[8] << 24;
    int64_t now = (uint32_t)ctx[9] | (uint32_t)ctx[10] << 8 | (uint32_t)ctx[11] << 16 |
                  (uint32_t)ctx[12] << 24;
    sato_block_state_t st, st2;
    fake_chain_t chain;
    sato_chain_view_t view;
    uint32_t bits;
    int ok, ok2, mutated;

    /* Context-free, twice: deterministic. */
    sato_validation_state_init(&st);
    ok = sato_block_check(&st, b, p, 1, 1);
    check_state(ok, &st);
    sato_validation_state_init(&st2);
    ok2 = sato_block_check(&st2, b, p, 1, 1);
    FUZZ_ASSERT(ok == ok2 && st.result == st2.result && strcmp(st.reason, st2.reason) == 0);
    sato_validation_state_init(&st2);
    ok2 = sato_block_check(&st2, b, p, 0, 0);
    FUZZ_ASSERT(!ok || ok2); /* fewer checks never reject more */
    if (!ok2) FUZZ_ASSERT(st2.result == SATO_BLOCK_CONSENSUS);

    /* The quick test agrees with the full one on the merkle tree. */
    sato_validation_state_init(&st2);
    mutated = sato_block_is_mutated(&st2, b, 1);
    if (mutated) {
        FUZZ_ASSERT(st2.mode == SATO_VALIDATION_INVALID && st2.result == SATO_BLOCK_MUTATED);
    }
    sato_validation_state_init(&st2);
    if (!sato_block_check_merkle_root(&st2, b)) FUZZ_ASSERT(mutated);
    if (ok) {
        sato_validation_state_init(&st2);
        ok2 = sato_block_verify(&st2, b, height, mtp, p);
        check_state(ok2, &st2);
        /* Witness faults are mutations in both. */
        if (!ok2 && st2.result == SATO_BLOCK_MUTATED && height >= p->segwit_height)
            FUZZ_ASSERT(mutated);
    }

    /* The header on a made-up parent chain. */
    chain.bits = (ctx[13] & 1) ? b->header.bits : sato_difficulty_limit_bits(p);
    chain.time = (uint32_t)mtp;
    chain.tip = height > MAX_TIP ? MAX_TIP : height;
    view.get = fake_get;
    view.ctx = &chain;
    view.tip_height = chain.tip;
    FUZZ_ASSERT(sato_next_work_required(&bits, &view, b->header.time, p));
    sato_validation_state_init(&st2);
    ok2 = sato_block_verify_header(&st2, &b->header, &view, now, p);
    check_state(ok2, &st2);
    if (!ok2 && st2.mode == SATO_VALIDATION_INVALID) {
        FUZZ_ASSERT(st2.result == SATO_BLOCK_INVALID_HEADER ||
                    st2.result == SATO_BLOCK_TIME_FUTURE);
        FUZZ_ASSERT(sato_block_state_cacheable(&st2) == (st2.result == SATO_BLOCK_INVALID_HEADER));
    }

    /* Signet solutions, whatever the network: the PoW gate above lets
     * few blocks reach them. */
    {
        static const unsigned char op_true[1] = {0x51};
        sato_signet_txs_t txs;
        if (sato_signet_txs_create(&txs, b, op_true, 1)) {
            FUZZ_ASSERT(txs.to_spend.vin[0].script_sig.len == 74);
            sato_signet_txs_clear(&txs);
        }
        (void)sato_signet_check_block(b, &sato_chainparams_signet);
    }
    (void)sato_block_script_flags(height, b->header.prev_hash, p);
    (void)sato_bip30_enforced(height, b->header.prev_hash, b->header.merkle_root, p);
    check_txs(b, height, mtp, ctx[14], ctx[15], p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    sato_reader_t r;
    sato_block_t block;
    if (size < CONTEXT_SIZE) return 0;
    sato_reader_init(&r, data + CONTEXT_SIZE, size - CONTEXT_SIZE);
    if (!sato_block_read(&block, &r)) return 0;
    check_block(&block, data);
    sato_block_clear(&block);
    return 0;
}
