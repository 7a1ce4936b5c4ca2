/* Proof of work: target checks, retargeting and block work, as pure
 * functions of their arguments (Bitcoin Core's pow.cpp). */
#include <stddef.h>

#include "sato/pow.h"

int sato_pow_derive_target(sato_u256_t *target, uint32_t bits, const sato_u256_t *pow_limit) {
    int negative, overflow;
    sato_u256_set_compact(target, bits, &negative, &overflow);
    if (negative || overflow || sato_u256_is_zero(target) ||
        sato_u256_cmp(target, pow_limit) > 0) {
        sato_u256_set_u64(target, 0);
        return 0;
    }
    return 1;
}

int sato_pow_check(const unsigned char hash32[32], uint32_t bits, const sato_u256_t *pow_limit) {
    sato_u256_t target, h;
    if (!sato_pow_derive_target(&target, bits, pow_limit)) return 0;
    sato_u256_from_le(&h, hash32);
    return sato_u256_cmp(&h, &target) <= 0;
}

/* old target * timespan / target_timespan, capped at pow_limit. Core
 * multiplies by the timespan as a uint32_t and divides as a 256-bit value;
 * so does this. */
static void retarget(sato_u256_t *r, uint32_t old_bits, int64_t timespan, uint32_t target_timespan,
                     const sato_u256_t *pow_limit) {
    sato_u256_t d;
    sato_u256_set_compact(r, old_bits, NULL, NULL);
    sato_u256_mul_u32(r, r, (uint32_t)timespan);
    sato_u256_set_u64(&d, target_timespan);
    sato_u256_div(r, r, &d);
    if (sato_u256_cmp(r, pow_limit) > 0) *r = *pow_limit;
}

uint32_t sato_pow_next_bits(uint32_t base_bits, uint32_t last_time, uint32_t first_time,
                            uint32_t target_timespan, const sato_u256_t *pow_limit) {
    int64_t actual = (int64_t)last_time - (int64_t)first_time;
    int64_t lo = target_timespan / 4, hi = (int64_t)target_timespan * 4;
    sato_u256_t t;
    if (actual < lo) actual = lo;
    if (actual > hi) actual = hi;
    retarget(&t, base_bits, actual, target_timespan, pow_limit);
    return sato_u256_get_compact(&t, 0);
}

int sato_pow_permitted_transition(int64_t height, uint32_t old_bits, uint32_t new_bits,
                                  int64_t interval, uint32_t target_timespan,
                                  const sato_u256_t *pow_limit) {
    sato_u256_t observed, bound, rounded;
    if (interval <= 0 || height % interval != 0) return old_bits == new_bits;
    sato_u256_set_compact(&observed, new_bits, NULL, NULL);
    /* The easiest target a retarget could reach, rounded through the
     * compact form as a real header would carry it. */
    retarget(&bound, old_bits, (int64_t)target_timespan * 4, target_timespan, pow_limit);
    sato_u256_set_compact(&rounded, sato_u256_get_compact(&bound, 0), NULL, NULL);
    if (sato_u256_cmp(&rounded, &observed) < 0) return 0;
    /* And the hardest. */
    retarget(&bound, old_bits, target_timespan / 4, target_timespan, pow_limit);
    sato_u256_set_compact(&rounded, sato_u256_get_compact(&bound, 0), NULL, NULL);
    if (sato_u256_cmp(&rounded, &observed) > 0) return 0;
    return 1;
}

void sato_pow_block_proof(sato_u256_t *work, uint32_t bits) {
    sato_u256_t target, inv, t1, one;
    int negative, overflow;
    sato_u256_set_compact(&target, bits, &negative, &overflow);
    sato_u256_set_u64(work, 0);
    if (negative || overflow || sato_u256_is_zero(&target)) return;
    /* 2^256 does not fit, but 2^256 / (t+1) = (2^256 - t - 1) / (t+1) + 1
     * and 2^256 - t - 1 is ~t. */
    sato_u256_set_u64(&one, 1);
    sato_u256_not(&inv, &target);
    sato_u256_add(&t1, &target, &one);
    sato_u256_div(work, &inv, &t1);
    sato_u256_add(work, work, &one);
}
