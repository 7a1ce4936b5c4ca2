#ifndef SATO_POW_H
#define SATO_POW_H

#include <stdint.h>

#include "sato/arith.h"

/* The target nBits stands for, or 0 if it is negative, zero, overflows or
 * is easier than pow_limit (Bitcoin Core's DeriveTarget). */
int sato_pow_derive_target(sato_u256_t *target, uint32_t bits, const sato_u256_t *pow_limit);

/* Bitcoin Core's CheckProofOfWork: bits gives a valid target and the hash
 * (internal byte order), read as a number, does not exceed it. */
int sato_pow_check(const unsigned char hash32[32], uint32_t bits, const sato_u256_t *pow_limit);

/* Core's CalculateNextWorkRequired for a retarget: the time between the
 * first and last block of the period, clamped to [timespan/4, timespan*4],
 * scales the old target, which is then capped at pow_limit. base_bits is
 * the last block's nBits (the first block's under BIP94, testnet4). Times
 * are header times; target_timespan must not be zero. */
uint32_t sato_pow_next_bits(uint32_t base_bits, uint32_t last_time, uint32_t first_time,
                            uint32_t target_timespan, const sato_u256_t *pow_limit);

/* Core's PermittedDifficultyTransition without the min-difficulty switch
 * (callers skip it where the chain allows min-difficulty blocks): at a
 * height that is a multiple of interval, new_bits must lie within what a
 * retarget from old_bits can reach; at other heights it must not change. */
int sato_pow_permitted_transition(int64_t height, uint32_t old_bits, uint32_t new_bits,
                                  int64_t interval, uint32_t target_timespan,
                                  const sato_u256_t *pow_limit);

/* Expected number of hashes to meet the target of bits, 2^256 / (target+1)
 * (Core's GetBlockProof); zero for a negative, overflowing or zero target.
 * Chain work is the sum of these. */
void sato_pow_block_proof(sato_u256_t *work, uint32_t bits);

#endif
