#ifndef SATO_DIFFICULTY_H
#define SATO_DIFFICULTY_H

/* The chain a new block extends, as the consensus rules see it, and the
 * rules that read it: the nBits a block must carry (Bitcoin Core's
 * GetNextWorkRequired) and the median time past. Pure: the chain is
 * reached through a callback the caller implements over its block index. */

#include <stddef.h>
#include <stdint.h>

#include "sato/chainparams.h"

/* What the rules need of one block on the chain: its header time, nBits
 * and hash (internal byte order). */
typedef struct {
    uint32_t time;
    uint32_t bits;
    unsigned char hash[32];
} sato_chain_entry_t;

/* A read-only view of the chain ending at the block being built on (the
 * parent, Core's pindexPrev), at height `tip_height`. `get` fills *out
 * with the block at `height` on that chain (0 <= height <= tip_height)
 * and returns 1; it returns 0 only if it cannot (a bug or an I/O error in
 * the caller), which the rules report as an error, never as invalidity.
 * tip_height is -1 for an empty chain (the genesis block is being checked). */
typedef struct {
    int (*get)(void *ctx, int32_t height, sato_chain_entry_t *out);
    void *ctx;
    int32_t tip_height;
} sato_chain_view_t;

/* Blocks between retargets: the timespan over the spacing (2016 on the
 * public networks, 144 on regtest). */
int64_t sato_difficulty_interval(const sato_chainparams_t *p);

/* The compact form of the network's proof-of-work limit. */
uint32_t sato_difficulty_limit_bits(const sato_chainparams_t *p);

/* The median of n (at most 11) block times, as Core's GetMedianTimePast
 * takes it: with an even count, the upper of the two middle values. n = 0
 * gives 0. The input is not modified. */
int64_t sato_median_time_past(const uint32_t *times, size_t n);

/* The median time past of the block at `height` on view's chain: the
 * median of it and up to ten ancestors. Returns 0 if the view fails or
 * height is out of range. */
int sato_chain_view_mtp(int64_t *mtp, const sato_chain_view_t *view, int32_t height);

/* The nBits required of a block with timestamp new_time built on view's
 * tip (Core's GetNextWorkRequired):
 *  - off a retarget height, the tip's nBits; where the network allows
 *    min-difficulty blocks (testnet, testnet4, regtest), the limit if
 *    new_time is more than twice the spacing after the tip, else the bits
 *    of the last block that was not a min-difficulty one, walking back no
 *    further than the last retarget height;
 *  - on a retarget height, the previous period's target scaled by its
 *    duration, first to last block, clamped to [1/4, 4] of the timespan
 *    (Core's CalculateNextWorkRequired); under BIP94 (testnet4) scaled
 *    from the period's first block's bits, which cannot be a
 *    min-difficulty block; unchanged where the network does not retarget.
 * Returns 1 with *bits set, or 0 (bits zero) if the view failed or is
 * empty. */
int sato_next_work_required(uint32_t *bits, const sato_chain_view_t *view, int64_t new_time,
                            const sato_chainparams_t *p);

/* Core's CalculateNextWorkRequired on its own: the retarget after the
 * period ending with a block of last_bits and last_time whose first block
 * had first_bits and first_time. */
uint32_t sato_calculate_next_work(uint32_t last_bits, uint32_t last_time, uint32_t first_bits,
                                  uint32_t first_time, const sato_chainparams_t *p);

#endif
