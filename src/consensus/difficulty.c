/* Which nBits a block must carry, and the median time past (Bitcoin Core's
 * GetNextWorkRequired and CBlockIndex::GetMedianTimePast), over a caller's
 * view of the chain. */
#include <string.h>

#include "sato/difficulty.h"
#include "sato/pow.h"

/* Core's nMedianTimeSpan. */
#define MEDIAN_TIME_SPAN 11

int64_t sato_difficulty_interval(const sato_chainparams_t *p) {
    return p->pow_target_timespan / p->pow_target_spacing;
}

uint32_t sato_difficulty_limit_bits(const sato_chainparams_t *p) {
    sato_u256_t limit;
    sato_chainparams_pow_limit(&limit, p);
    return sato_u256_get_compact(&limit, 0);
}

int64_t sato_median_time_past(const uint32_t *times, size_t n) {
    uint32_t sorted[MEDIAN_TIME_SPAN], v;
    size_t i, j;
    if (n == 0) return 0;
    if (n > MEDIAN_TIME_SPAN) n = MEDIAN_TIME_SPAN;
    /* Insertion sort: eleven values at most. */
    for (i = 0; i < n; i++) {
        v = times[i];
        for (j = i; j > 0 && sorted[j - 1] > v; j--) sorted[j] = sorted[j - 1];
        sorted[j] = v;
    }
    return sorted[n / 2];
}

int sato_chain_view_mtp(int64_t *mtp, const sato_chain_view_t *view, int32_t height) {
    uint32_t times[MEDIAN_TIME_SPAN];
    sato_chain_entry_t e;
    size_t n = 0;
    *mtp = 0;
    if (height < 0 || height > view->tip_height) return 0;
    /* The block and up to ten ancestors: fewer near genesis. */
    while (n < MEDIAN_TIME_SPAN && height - (int32_t)n >= 0) {
        if (!view->get(view->ctx, height - (int32_t)n, &e)) return 0;
        times[n++] = e.time;
    }
    *mtp = sato_median_time_past(times, n);
    return 1;
}

uint32_t sato_calculate_next_work(uint32_t last_bits, uint32_t last_time, uint32_t first_bits,
                                  uint32_t first_time, const sato_chainparams_t *p) {
    sato_u256_t limit;
    if (p->pow_no_retargeting) return last_bits;
    sato_chainparams_pow_limit(&limit, p);
    /* BIP94: the first block of a period can never be a min-difficulty
     * block, so its bits keep the real difficulty; the last block's may
     * not (the testnet3 "difficulty reset" that blocks storms exploited). */
    return sato_pow_next_bits(p->enforce_bip94 ? first_bits : last_bits, last_time, first_time,
                              (uint32_t)p->pow_target_timespan, &limit);
}

/* Testnet's special rule off a retarget height: the bits of the last block
 * that was not mined under the 20-minute exception, found by walking back
 * over min-difficulty blocks, but never past the period's first block (or
 * genesis), whose bits are always real. */
static int last_real_bits(uint32_t *bits, const sato_chain_view_t *view, int64_t interval,
                          uint32_t limit_bits) {
    sato_chain_entry_t e;
    int32_t h = view->tip_height;
    for (;;) {
        if (!view->get(view->ctx, h, &e)) return 0;
        if (h == 0 || h % interval == 0 || e.bits != limit_bits) break;
        h--;
    }
    *bits = e.bits;
    return 1;
}

int sato_next_work_required(uint32_t *bits, const sato_chain_view_t *view, int64_t new_time,
                            const sato_chainparams_t *p) {
    int64_t interval = sato_difficulty_interval(p);
    int32_t tip = view->tip_height;
    uint32_t limit_bits = sato_difficulty_limit_bits(p);
    sato_chain_entry_t last, first;
    *bits = 0;
    if (tip < 0 || !view->get(view->ctx, tip, &last)) return 0;
    if (((int64_t)tip + 1) % interval != 0) {
        if (!p->pow_allow_min_difficulty_blocks) {
            *bits = last.bits;
            return 1;
        }
        /* A block more than two spacings after its parent may (must, in
         * Core's words) be mined at the limit. */
        if (new_time > (int64_t)last.time + p->pow_target_spacing * 2) {
            *bits = limit_bits;
            return 1;
        }
        return last_real_bits(bits, view, interval, limit_bits);
    }
    /* A retarget: the period is the interval blocks ending at the tip. */
    if (!view->get(view->ctx, (int32_t)(tip - (interval - 1)), &first)) return 0;
    *bits = sato_calculate_next_work(last.bits, last.time, first.bits, first.time, p);
    return 1;
}
