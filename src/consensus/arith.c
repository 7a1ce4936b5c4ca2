/* 256-bit unsigned arithmetic for targets and chain work, with the
 * semantics of Bitcoin Core's arith_uint256 (including its compact form). */
#include <string.h>

#include "sato/arith.h"
#include "sato/buf.h"
#include "sato/hex.h"

void sato_u256_set_u64(sato_u256_t *r, uint64_t v) {
    memset(r, 0, sizeof(*r));
    r->w[0] = (uint32_t)v;
    r->w[1] = (uint32_t)(v >> 32);
}

uint64_t sato_u256_low64(const sato_u256_t *a) {
    return (uint64_t)a->w[0] | (uint64_t)a->w[1] << 32;
}

void sato_u256_from_le(sato_u256_t *r, const unsigned char in32[32]) {
    int i;
    for (i = 0; i < 8; i++) r->w[i] = sato_le32(in32 + 4 * i);
}

void sato_u256_to_le(unsigned char out32[32], const sato_u256_t *a) {
    int i;
    for (i = 0; i < 8; i++) sato_put_le32(out32 + 4 * i, a->w[i]);
}

int sato_u256_from_hex(sato_u256_t *r, const char *hex) {
    unsigned char le[32];
    sato_u256_set_u64(r, 0);
    if (!sato_hex_decode_rev(le, 32, hex)) return 0;
    sato_u256_from_le(r, le);
    return 1;
}

int sato_u256_cmp(const sato_u256_t *a, const sato_u256_t *b) {
    int i;
    for (i = 7; i >= 0; i--) {
        if (a->w[i] != b->w[i]) return a->w[i] < b->w[i] ? -1 : 1;
    }
    return 0;
}

int sato_u256_is_zero(const sato_u256_t *a) {
    int i;
    for (i = 0; i < 8; i++) {
        if (a->w[i]) return 0;
    }
    return 1;
}

unsigned sato_u256_bits(const sato_u256_t *a) {
    int i;
    for (i = 7; i >= 0; i--) {
        uint32_t x = a->w[i];
        unsigned n = 0;
        if (x == 0) continue;
        while (x) {
            n++;
            x >>= 1;
        }
        return 32 * (unsigned)i + n;
    }
    return 0;
}

void sato_u256_not(sato_u256_t *r, const sato_u256_t *a) {
    int i;
    for (i = 0; i < 8; i++) r->w[i] = ~a->w[i];
}

void sato_u256_add(sato_u256_t *r, const sato_u256_t *a, const sato_u256_t *b) {
    uint64_t carry = 0;
    int i;
    for (i = 0; i < 8; i++) {
        carry += (uint64_t)a->w[i] + b->w[i];
        r->w[i] = (uint32_t)carry;
        carry >>= 32;
    }
}

void sato_u256_sub(sato_u256_t *r, const sato_u256_t *a, const sato_u256_t *b) {
    uint64_t borrow = 0;
    int i;
    for (i = 0; i < 8; i++) {
        uint64_t d = (uint64_t)a->w[i] - b->w[i] - borrow;
        r->w[i] = (uint32_t)d;
        borrow = (d >> 32) & 1;
    }
}

void sato_u256_shl(sato_u256_t *r, const sato_u256_t *a, unsigned shift) {
    sato_u256_t x = *a;
    unsigned limbs = shift / 32, bits = shift % 32;
    int i;
    for (i = 7; i >= 0; i--) {
        uint32_t v = 0;
        if ((unsigned)i >= limbs) {
            unsigned src = (unsigned)i - limbs;
            v = x.w[src] << bits;
            if (bits && src > 0) v |= x.w[src - 1] >> (32 - bits);
        }
        r->w[i] = v;
    }
}

void sato_u256_shr(sato_u256_t *r, const sato_u256_t *a, unsigned shift) {
    sato_u256_t x = *a;
    unsigned limbs = shift / 32, bits = shift % 32;
    unsigned i;
    for (i = 0; i < 8; i++) {
        uint32_t v = 0;
        if (limbs < 8 && i < 8 - limbs) {
            unsigned src = i + limbs;
            v = x.w[src] >> bits;
            if (bits && src < 7) v |= x.w[src + 1] << (32 - bits);
        }
        r->w[i] = v;
    }
}

void sato_u256_mul_u32(sato_u256_t *r, const sato_u256_t *a, uint32_t b) {
    uint64_t carry = 0;
    int i;
    for (i = 0; i < 8; i++) {
        carry += (uint64_t)a->w[i] * b;
        r->w[i] = (uint32_t)carry;
        carry >>= 32;
    }
}

void sato_u256_mul(sato_u256_t *r, const sato_u256_t *a, const sato_u256_t *b) {
    sato_u256_t x;
    int i, j;
    memset(&x, 0, sizeof(x));
    for (j = 0; j < 8; j++) {
        uint64_t carry = 0;
        for (i = 0; i + j < 8; i++) {
            carry += x.w[i + j] + (uint64_t)a->w[j] * b->w[i];
            x.w[i + j] = (uint32_t)carry;
            carry >>= 32;
        }
    }
    *r = x;
}

int sato_u256_div(sato_u256_t *r, const sato_u256_t *a, const sato_u256_t *b) {
    sato_u256_t num = *a, div = *b, q;
    unsigned nbits = sato_u256_bits(&num), dbits = sato_u256_bits(&div);
    int shift;
    sato_u256_set_u64(&q, 0);
    if (dbits == 0) {
        *r = q;
        return 0;
    }
    /* Schoolbook binary long division: align the divisor under the
     * dividend's top bit, then subtract and shift back one bit at a time. */
    if (dbits <= nbits) {
        shift = (int)(nbits - dbits);
        sato_u256_shl(&div, &div, (unsigned)shift);
        for (; shift >= 0; shift--) {
            if (sato_u256_cmp(&num, &div) >= 0) {
                sato_u256_sub(&num, &num, &div);
                q.w[shift / 32] |= (uint32_t)1 << (shift % 32);
            }
            sato_u256_shr(&div, &div, 1);
        }
    }
    *r = q;
    return 1;
}

void sato_u256_set_compact(sato_u256_t *r, uint32_t compact, int *negative, int *overflow) {
    unsigned size = compact >> 24;
    uint32_t word = compact & 0x007fffff;
    if (size <= 3) {
        word >>= 8 * (3 - size);
        sato_u256_set_u64(r, word);
    } else {
        sato_u256_set_u64(r, word);
        sato_u256_shl(r, r, 8 * (size - 3));
    }
    /* Both flags look at the mantissa left after a small exponent dropped
     * bytes of it, exactly as Core does. */
    if (negative != NULL) *negative = word != 0 && (compact & 0x00800000) != 0;
    if (overflow != NULL) {
        *overflow = word != 0 && (size > 34 || (word > 0xff && size > 33) ||
                                  (word > 0xffff && size > 32));
    }
}

uint32_t sato_u256_get_compact(const sato_u256_t *a, int negative) {
    unsigned size = (sato_u256_bits(a) + 7) / 8;
    uint32_t compact;
    if (size <= 3) {
        compact = (uint32_t)(sato_u256_low64(a) << 8 * (3 - size));
    } else {
        sato_u256_t t;
        sato_u256_shr(&t, a, 8 * (size - 3));
        compact = (uint32_t)sato_u256_low64(&t);
    }
    /* 0x00800000 is the sign: a mantissa reaching it moves up a byte. */
    if (compact & 0x00800000) {
        compact >>= 8;
        size++;
    }
    compact |= (uint32_t)size << 24;
    if (negative && (compact & 0x007fffff)) compact |= 0x00800000;
    return compact;
}

double sato_u256_to_double(const sato_u256_t *a) {
    double d = 0;
    int i;
    for (i = 7; i >= 0; i--) d = d * 4294967296.0 + (double)a->w[i];
    return d;
}
