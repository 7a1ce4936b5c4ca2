/* 256-bit arithmetic, the compact nBits form and proof of work: Bitcoin
 * Core's unit-test values, edges, and random agreement with 128-bit
 * arithmetic. */
#include <stdlib.h>
#include <string.h>

#include "sato/arith.h"
#include "sato/hex.h"
#include "sato/pow.h"
#include "test.h"

#define MAINNET_POW_LIMIT "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
#define TARGET_TIMESPAN (14 * 24 * 60 * 60)
#define INTERVAL 2016

static void to_hex(char out[65], const sato_u256_t *a) {
    unsigned char le[32];
    sato_u256_to_le(le, a);
    sato_hex_encode_rev(out, le, 32);
}

static int is_hex(const sato_u256_t *a, const char *hex) {
    char got[65];
    to_hex(got, a);
    return strcmp(got, hex) == 0;
}

/* Rows of Core's bignum_SetCompact test: compact in, value, compact out
 * (with the sign requested when the input was negative), flags. */
static void test_compact_vectors(void) {
    static const struct {
        uint32_t in;
        const char *hex; /* value, without leading zeros */
        uint32_t out;
        int negative, overflow;
    } v[] = {
        {0x00000000, "0", 0, 0, 0},          {0x00123456, "0", 0, 0, 0},
        {0x01003456, "0", 0, 0, 0},          {0x02000056, "0", 0, 0, 0},
        {0x03000000, "0", 0, 0, 0},          {0x04000000, "0", 0, 0, 0},
        {0x00923456, "0", 0, 0, 0},          {0x01803456, "0", 0, 0, 0},
        {0x02800056, "0", 0, 0, 0},          {0x03800000, "0", 0, 0, 0},
        {0x04800000, "0", 0, 0, 0},          {0x01123456, "12", 0x01120000, 0, 0},
        {0x01fedcba, "7e", 0x01fe0000, 1, 0}, {0x02123456, "1234", 0x02123400, 0, 0},
        {0x03123456, "123456", 0x03123456, 0, 0}, {0x04123456, "12345600", 0x04123456, 0, 0},
        {0x04923456, "12345600", 0x04923456, 1, 0}, {0x05009234, "92340000", 0x05009234, 0, 0},
        {0x20123456, "1234560000000000000000000000000000000000000000000000000000000000", 0x20123456,
         0, 0},
    };
    size_t i;
    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        sato_u256_t x;
        char want[65];
        int neg = -1, ovf = -1;
        size_t pad = 64 - strlen(v[i].hex);
        memset(want, '0', pad);
        strcpy(want + pad, v[i].hex);
        sato_u256_set_compact(&x, v[i].in, &neg, &ovf);
        test_case(is_hex(&x, want) && sato_u256_get_compact(&x, v[i].negative) == v[i].out &&
                      neg == v[i].negative && ovf == v[i].overflow,
                  "compact %08x", v[i].in);
    }
    {
        sato_u256_t x;
        int neg = -1, ovf = -1;
        sato_u256_set_compact(&x, 0xff123456, &neg, &ovf);
        CHECK(neg == 0 && ovf == 1);
        /* 0x80 must not come out with the sign bit set. */
        sato_u256_set_u64(&x, 0x80);
        CHECK(sato_u256_get_compact(&x, 0) == 0x02008000);
        /* Overflow edges: a one-byte mantissa may sit at exponent 34, two
         * bytes at 33, three at 32, and no further. */
        sato_u256_set_compact(&x, 0x22000001, &neg, &ovf);
        CHECK(ovf == 0 && sato_u256_bits(&x) == 249);
        sato_u256_set_compact(&x, 0x23000001, &neg, &ovf);
        CHECK(ovf == 1);
        sato_u256_set_compact(&x, 0x21000100, &neg, &ovf);
        CHECK(ovf == 0);
        sato_u256_set_compact(&x, 0x22000100, &neg, &ovf);
        CHECK(ovf == 1);
        sato_u256_set_compact(&x, 0x20010000, &neg, &ovf);
        CHECK(ovf == 0);
        sato_u256_set_compact(&x, 0x21010000, &neg, &ovf);
        CHECK(ovf == 1);
        /* Flags may be left out. */
        sato_u256_set_compact(&x, 0x1d00ffff, NULL, NULL);
        CHECK(is_hex(&x, MAINNET_POW_LIMIT) == 0 &&
              is_hex(&x, "00000000ffff0000000000000000000000000000000000000000000000000000"));
    }
}

/* Every exponent with a few mantissas: decoding then encoding gives back
 * a canonical compact, and re-decoding gives the same number. */
static void test_compact_roundtrip(void) {
    static const uint32_t mantissas[] = {0x000001, 0x00007f, 0x000080, 0x0000ff, 0x000100, 0x00ffff,
                                         0x010000, 0x123456, 0x7fffff, 0x7f0000, 0x008000};
    size_t i, good = 0, cases = 0;
    uint32_t e;
    for (e = 0; e < 256; e++) {
        for (i = 0; i < sizeof(mantissas) / sizeof(mantissas[0]); i++) {
            sato_u256_t x, y;
            int neg, ovf;
            uint32_t c = e << 24 | mantissas[i], back;
            sato_u256_set_compact(&x, c, &neg, &ovf);
            if (ovf) continue;
            cases++;
            back = sato_u256_get_compact(&x, 0);
            sato_u256_set_compact(&y, back, &neg, &ovf);
            good += sato_u256_cmp(&x, &y) == 0 && !neg && !ovf &&
                    (sato_u256_is_zero(&x) ? back == 0 : (back & 0x00800000) == 0);
        }
    }
    test_case(good == cases && cases > 300, "compact round trip: %zu of %zu", good, cases);
}

#ifdef __SIZEOF_INT128__
typedef unsigned __int128 u128;

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd(void) {
    /* xorshift64*: a fixed, reproducible sequence. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

static void from128(sato_u256_t *r, u128 v) {
    memset(r, 0, sizeof(*r));
    r->w[0] = (uint32_t)v;
    r->w[1] = (uint32_t)(v >> 32);
    r->w[2] = (uint32_t)(v >> 64);
    r->w[3] = (uint32_t)(v >> 96);
}

static int eq128(const sato_u256_t *a, u128 v) {
    sato_u256_t b;
    from128(&b, v);
    return sato_u256_cmp(a, &b) == 0;
}

/* Random operands of random widths below 2^128, where 128-bit arithmetic
 * gives the exact answer. */
static u128 rnd_wide(void) {
    u128 v = (u128)rnd() << 64 | rnd();
    unsigned width = (unsigned)(rnd() % 129);
    return width == 128 ? v : width == 0 ? 0 : v >> (128 - width);
}

static void test_random_arith(void) {
    size_t i, good = 0, n = 20000;
    for (i = 0; i < n; i++) {
        u128 a = rnd_wide(), b = rnd_wide() >> 1, c = rnd_wide() >> 64;
        uint32_t m = (uint32_t)rnd();
        unsigned s = (unsigned)(rnd() % 64);
        sato_u256_t x, y, r, q;
        int ok = 1;
        a >>= 1;
        from128(&x, a);
        from128(&y, b);
        sato_u256_add(&r, &x, &y);
        ok &= eq128(&r, a + b);
        if (a >= b) {
            sato_u256_sub(&r, &x, &y);
            ok &= eq128(&r, a - b);
        }
        from128(&r, c);
        sato_u256_mul(&r, &r, &y);
        ok &= (c == 0 || b <= ~(u128)0 / c) ? eq128(&r, c * b) : 1;
        sato_u256_mul_u32(&r, &x, m);
        if ((a >> 95) == 0) ok &= eq128(&r, a * m);
        sato_u256_shr(&r, &x, s);
        ok &= eq128(&r, a >> s);
        if ((a >> (127 - s)) == 0) {
            sato_u256_shl(&r, &x, s);
            ok &= eq128(&r, a << s);
        }
        ok &= sato_u256_cmp(&x, &y) == (a < b ? -1 : a > b);
        if (b != 0) {
            ok &= sato_u256_div(&q, &x, &y) && eq128(&q, a / b);
        } else {
            ok &= !sato_u256_div(&q, &x, &y) && sato_u256_is_zero(&q);
        }
        good += ok;
    }
    test_case(good == n, "random arithmetic: %zu of %zu agree with 128-bit", good, n);
}
#endif

/* Values beyond 128 bits: wrap-around, shifts across every limb, and
 * division identities. */
static void test_wide(void) {
    sato_u256_t one, max, x, y, q, r;
    unsigned s;
    size_t good = 0;
    sato_u256_set_u64(&one, 1);
    sato_u256_set_u64(&max, 0);
    sato_u256_not(&max, &max);
    CHECK(sato_u256_bits(&max) == 256 && sato_u256_bits(&one) == 1);
    sato_u256_add(&x, &max, &one);
    CHECK(sato_u256_is_zero(&x));
    sato_u256_sub(&x, &x, &one);
    CHECK(sato_u256_cmp(&x, &max) == 0);
    for (s = 0; s < 256; s++) {
        sato_u256_shl(&x, &one, s);
        sato_u256_shr(&y, &x, s);
        good += sato_u256_bits(&x) == s + 1 && sato_u256_cmp(&y, &one) == 0;
        /* max / 2^s = max >> s */
        sato_u256_div(&q, &max, &x);
        sato_u256_shr(&r, &max, s);
        good += sato_u256_cmp(&q, &r) == 0;
    }
    test_case(good == 512, "shifts and powers of two: %zu of 512", good);
    sato_u256_shl(&x, &one, 256);
    CHECK(sato_u256_is_zero(&x));
    sato_u256_shr(&x, &max, 300);
    CHECK(sato_u256_is_zero(&x));
    /* (2^256 - 1) / (2^128 + 1) = 2^128 - 1 exactly. */
    sato_u256_shl(&y, &one, 128);
    sato_u256_add(&y, &y, &one);
    sato_u256_div(&q, &max, &y);
    CHECK(is_hex(&q, "00000000000000000000000000000000ffffffffffffffffffffffffffffffff"));
    /* Truncating multiplication: (2^255) * 2 wraps to 0, * 3 to 2^255. */
    sato_u256_shl(&x, &one, 255);
    sato_u256_mul_u32(&y, &x, 2);
    CHECK(sato_u256_is_zero(&y));
    sato_u256_set_u64(&y, 3);
    sato_u256_mul(&y, &x, &y);
    CHECK(sato_u256_cmp(&y, &x) == 0);
    /* Aliasing: r may be an operand. */
    sato_u256_set_u64(&x, 7);
    sato_u256_mul(&x, &x, &x);
    sato_u256_add(&x, &x, &x);
    CHECK(sato_u256_low64(&x) == 98);
    sato_u256_div(&x, &x, &x);
    CHECK(sato_u256_low64(&x) == 1);
    /* Hex and byte conversions. */
    CHECK(sato_u256_from_hex(&x, MAINNET_POW_LIMIT) && is_hex(&x, MAINNET_POW_LIMIT));
    CHECK(!sato_u256_from_hex(&x, "00ff"));
    CHECK(!sato_u256_from_hex(&x, "zz000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));
}

/* Core's pow_tests: retargets from real mainnet periods, and the bounds
 * PermittedDifficultyTransition allows around them. */
static void test_retarget(void) {
    static const struct {
        uint32_t first_time, last_time, bits, want;
        int64_t height;
    } v[] = {
        {1261130161, 1262152739, 0x1d00ffff, 0x1d00d86a, 32255}, /* no clamp */
        {1231006505, 1233061996, 0x1d00ffff, 0x1d00ffff, 2015},  /* capped at the limit */
        {1279008237, 1279297671, 0x1c05a3f4, 0x1c0168fd, 68543}, /* fastest clamp */
        {1263163443, 1269211443, 0x1c387f6f, 0x1d00e1fd, 46367}, /* slowest clamp */
    };
    sato_u256_t limit;
    size_t i;
    CHECK(sato_u256_from_hex(&limit, MAINNET_POW_LIMIT));
    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        uint32_t got = sato_pow_next_bits(v[i].bits, v[i].last_time, v[i].first_time, TARGET_TIMESPAN,
                                          &limit);
        test_case(got == v[i].want, "retarget %zu: %08x, want %08x", i, got, v[i].want);
        CHECK(sato_pow_permitted_transition(v[i].height + 1, v[i].bits, v[i].want, INTERVAL,
                                            TARGET_TIMESPAN, &limit));
    }
    /* One step harder than the fastest clamp, one easier than the slowest. */
    CHECK(!sato_pow_permitted_transition(68544, 0x1c05a3f4, 0x1c0168fd - 1, INTERVAL, TARGET_TIMESPAN,
                                         &limit));
    CHECK(!sato_pow_permitted_transition(46368, 0x1c387f6f, 0x1d00e1fd + 1, INTERVAL, TARGET_TIMESPAN,
                                         &limit));
    /* Between retargets nBits may not move at all. */
    CHECK(sato_pow_permitted_transition(100, 0x1c05a3f4, 0x1c05a3f4, INTERVAL, TARGET_TIMESPAN, &limit));
    CHECK(!sato_pow_permitted_transition(100, 0x1c05a3f4, 0x1c05a3f5, INTERVAL, TARGET_TIMESPAN,
                                         &limit));
    /* Time going backwards clamps to the fastest retarget. */
    CHECK(sato_pow_next_bits(0x1c05a3f4, 1000, 5000, TARGET_TIMESPAN, &limit) == 0x1c0168fd);
}

static void test_check_pow(void) {
    sato_u256_t limit, t, x;
    unsigned char hash[32];
    uint32_t bits;
    CHECK(sato_u256_from_hex(&limit, MAINNET_POW_LIMIT));
    /* The limit itself, with a hash of 1. */
    bits = sato_u256_get_compact(&limit, 0);
    memset(hash, 0, 32);
    hash[0] = 1;
    CHECK(bits == 0x1d00ffff && sato_pow_check(hash, bits, &limit));
    /* Negative target. */
    CHECK(!sato_pow_check(hash, sato_u256_get_compact(&limit, 1), &limit));
    /* Overflowing target. */
    CHECK(!sato_pow_check(hash, ~0x00800000u, &limit));
    /* Easier than the limit. */
    sato_u256_mul_u32(&x, &limit, 2);
    CHECK(!sato_pow_check(hash, sato_u256_get_compact(&x, 0), &limit));
    CHECK(!sato_pow_derive_target(&t, sato_u256_get_compact(&x, 0), &limit) && sato_u256_is_zero(&t));
    /* A hash above the target, and exactly at it. */
    CHECK(sato_pow_derive_target(&t, bits, &limit));
    sato_u256_to_le(hash, &t);
    CHECK(sato_pow_check(hash, bits, &limit));
    sato_u256_set_u64(&x, 1);
    sato_u256_add(&x, &t, &x);
    sato_u256_to_le(hash, &x);
    CHECK(!sato_pow_check(hash, bits, &limit));
    sato_u256_mul_u32(&x, &limit, 2);
    sato_u256_to_le(hash, &x);
    CHECK(!sato_pow_check(hash, bits, &limit));
    /* Zero target. */
    memset(hash, 0, 32);
    CHECK(!sato_pow_check(hash, 0, &limit));
}

static void test_block_proof(void) {
    static const struct {
        uint32_t bits;
        const char *work;
    } v[] = {
        {0x1d00ffff, "0000000000000000000000000000000000000000000000000000000100010001"},
        {0x1c3fffc0, "0000000000000000000000000000000000000000000000000000000400040004"},
        {0x207fffff, "0000000000000000000000000000000000000000000000000000000000000002"},
        {0x171bc330, "0000000000000000000000000000000000000000000009389935e5a102d6bcaa"},
        {0x00000000, "0000000000000000000000000000000000000000000000000000000000000000"},
        {0x04923456, "0000000000000000000000000000000000000000000000000000000000000000"},
        {0xff123456, "0000000000000000000000000000000000000000000000000000000000000000"},
    };
    size_t i;
    sato_u256_t w, sum, n;
    for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        char got[65];
        sato_pow_block_proof(&w, v[i].bits);
        to_hex(got, &w);
        test_case(strcmp(got, v[i].work) == 0, "block proof %08x: %s", v[i].bits, got);
    }
    /* Chain work of the mainnet_alt chain: genesis and 2015 blocks at
     * 0x1d00ffff, then one at 0x1c3fffc0. */
    sato_u256_set_u64(&sum, 0);
    for (i = 0; i < 2016; i++) {
        sato_pow_block_proof(&w, 0x1d00ffff);
        sato_u256_add(&sum, &sum, &w);
    }
    sato_pow_block_proof(&w, 0x1c3fffc0);
    sato_u256_add(&sum, &sum, &w);
    sato_u256_set_u64(&n, 2016ULL * 0x100010001ULL + 0x400040004ULL);
    CHECK(sato_u256_cmp(&sum, &n) == 0);
}

int main(void) {
    test_compact_vectors();
    test_compact_roundtrip();
#ifdef __SIZEOF_INT128__
    test_random_arith();
#endif
    test_wide();
    test_retarget();
    test_check_pow();
    test_block_proof();
    return test_report("test_pow");
}
