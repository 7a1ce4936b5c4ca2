#ifndef SATO_ARITH_H
#define SATO_ARITH_H

#include <stdint.h>

/* Unsigned 256-bit integers for targets and chain work, as Bitcoin Core's
 * arith_uint256: eight 32-bit limbs, least significant first, every
 * operation modulo 2^256. Results may alias operands. */
typedef struct {
    uint32_t w[8];
} sato_u256_t;

void sato_u256_set_u64(sato_u256_t *r, uint64_t v);
uint64_t sato_u256_low64(const sato_u256_t *a);
/* From and to 32 little-endian bytes: a hash or uint256 in internal byte
 * order (Core's UintToArith256 / ArithToUint256). */
void sato_u256_from_le(sato_u256_t *r, const unsigned char in32[32]);
void sato_u256_to_le(unsigned char out32[32], const sato_u256_t *a);
/* From 64 hex digits in display order (most significant first), as
 * chain parameters write their limits; 0 if malformed. */
int sato_u256_from_hex(sato_u256_t *r, const char *hex);

int sato_u256_cmp(const sato_u256_t *a, const sato_u256_t *b);
/* The nearest double (Core's arith_uint256::getdouble), for logs and RPC. */
double sato_u256_to_double(const sato_u256_t *a);
int sato_u256_is_zero(const sato_u256_t *a);
/* Position of the highest set bit plus one; 0 for zero. */
unsigned sato_u256_bits(const sato_u256_t *a);

void sato_u256_not(sato_u256_t *r, const sato_u256_t *a);
void sato_u256_add(sato_u256_t *r, const sato_u256_t *a, const sato_u256_t *b);
void sato_u256_sub(sato_u256_t *r, const sato_u256_t *a, const sato_u256_t *b);
void sato_u256_shl(sato_u256_t *r, const sato_u256_t *a, unsigned shift);
void sato_u256_shr(sato_u256_t *r, const sato_u256_t *a, unsigned shift);
void sato_u256_mul_u32(sato_u256_t *r, const sato_u256_t *a, uint32_t b);
void sato_u256_mul(sato_u256_t *r, const sato_u256_t *a, const sato_u256_t *b);
/* r = a / b, rounded down. Returns 0 (r zero) when b is zero. */
int sato_u256_div(sato_u256_t *r, const sato_u256_t *a, const sato_u256_t *b);

/* The compact "nBits" form: a base-256 exponent byte and a 23-bit mantissa
 * with a sign bit. Decoding reports, like Core's SetCompact, whether the
 * value is negative or overflows 256 bits (either may be NULL). */
void sato_u256_set_compact(sato_u256_t *r, uint32_t compact, int *negative, int *overflow);
uint32_t sato_u256_get_compact(const sato_u256_t *a, int negative);

#endif
