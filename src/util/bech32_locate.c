/* Explaining an invalid Bech32/Bech32m string as Bitcoin Core's
 * bech32::LocateErrors does: the first character-level problem, or for a
 * bad checksum the positions of up to two substituted characters.
 *
 * The checksum is a BCH code over GF(32) whose generator g(x) has the
 * roots a^997, a^998 and a^999 for a primitive element a of GF(1024).
 * Substituting value e at position p (counted from the string's end) adds
 * e*x^p to the string's polynomial, so the residue r(x) = (string mod g)
 * evaluated at those roots gives the syndromes s_j = e * a^((997+j)p).
 * One or two errors can be solved from three syndromes; a solution only
 * counts if every error value lies in the subfield GF(32) and every
 * position lies inside the data part, which is what makes a wrong guess
 * unlikely when there are more errors. */
#include <stdint.h>
#include <string.h>

#include "sato/bech32.h"

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

#define GF1024_ORDER 1023 /* size of the multiplicative group */
#define FIRST_ROOT 997    /* g's roots are a^997, a^998, a^999 */
/* a = 23 + 9z in the representation below, found by testing every
 * primitive element for g(a^997) = g(a^998) = g(a^999) = 0 (its conjugate
 * 30 + 9z, the image under z -> z + 1, passes too and locates the same). */
#define GF1024_ALPHA (23u | 9u << 5)

/* GF(32) as BIP173 defines it: polynomials over GF(2) mod x^5 + x^3 + 1. */
static unsigned gf32_mul(unsigned a, unsigned b) {
    unsigned r = 0;
    int i;
    for (i = 0; i < 5; i++) {
        if ((b >> i) & 1) r ^= a << i;
    }
    for (i = 8; i >= 5; i--) {
        if ((r >> i) & 1) r ^= 0x29u << (i - 5);
    }
    return r;
}

/* GF(1024) as GF(32)[z] / (z^2 + z + 1), irreducible since 1 has trace 1
 * in GF(32). lo | hi << 5 stands for lo + hi*z, so a GF(32) value is
 * itself. */
static unsigned gf1024_mul(unsigned x, unsigned y) {
    unsigned hh = gf32_mul(x >> 5, y >> 5);
    unsigned lo = gf32_mul(x & 31, y & 31) ^ hh;
    unsigned hi = gf32_mul(x & 31, y >> 5) ^ gf32_mul(x >> 5, y & 31) ^ hh;
    return lo | hi << 5;
}

/* Powers and logarithms of a, built per call on the stack (cheap next to
 * the search, and it keeps the module free of global state). */
typedef struct {
    uint16_t exp[GF1024_ORDER];
    int16_t log[1024]; /* -1 for 0 */
} gf1024_t;

static void gf1024_init(gf1024_t *f) {
    unsigned x = 1;
    int i;
    f->log[0] = -1;
    for (i = 0; i < GF1024_ORDER; i++) {
        f->exp[i] = (uint16_t)x;
        f->log[x] = (int16_t)i;
        x = gf1024_mul(x, GF1024_ALPHA);
    }
}

/* s * a^k, for k >= 0. */
static unsigned gf1024_mul_pow(const gf1024_t *f, unsigned s, size_t k) {
    if (s == 0) return 0;
    return f->exp[((size_t)f->log[s] + k) % GF1024_ORDER];
}

/* Whether e = E * a^(-997 p), given log E, is a nonzero GF(32) value: those
 * are the powers of a divisible by 1023 / 31 = 33. */
static int error_value_in_gf32(int log_big_e, size_t p) {
    return ((size_t)log_big_e + (GF1024_ORDER - FIRST_ROOT) * p) % 33 == 0;
}

/* Positions (from the end) of one or two substitutions explaining residue
 * within the last length characters, largest first; returns 0 if none. */
static size_t solve(const gf1024_t *f, uint32_t residue, size_t length, size_t pos[2]) {
    unsigned s[3];
    int l0, l1, l2, j, i;
    size_t p1;
    for (j = 0; j < 3; j++) {
        s[j] = 0;
        for (i = 0; i < 6; i++) {
            unsigned c = (residue >> (5 * i)) & 31;
            s[j] ^= gf1024_mul_pow(f, c, (size_t)((FIRST_ROOT + j) * i));
        }
    }
    l0 = f->log[s[0]];
    l1 = f->log[s[1]];
    l2 = f->log[s[2]];
    if (l0 >= 0 && l1 >= 0 && l2 >= 0 && (2 * l1 - l2 - l0 + 2 * GF1024_ORDER) % GF1024_ORDER == 0) {
        /* s1^2 = s0 s2: one error, with a^p = s1 / s0. */
        p1 = (size_t)(l1 - l0 + GF1024_ORDER) % GF1024_ORDER;
        if (p1 >= length || !error_value_in_gf32(l0, p1)) return 0;
        pos[0] = p1;
        return 1;
    }
    /* Two errors with X = a^p and E = e a^(997p): s1 + s0 X1 = E2 (X1 + X2)
     * and s2 + s1 X1 = E2 X2 (X1 + X2), so each guess of p1 yields X2. */
    for (p1 = 0; p1 < length; p1++) {
        unsigned a = s[2] ^ gf1024_mul_pow(f, s[1], p1), b = s[1] ^ gf1024_mul_pow(f, s[0], p1), c;
        size_t p2;
        int inv_sum;
        if (a == 0 || b == 0) continue;
        p2 = (size_t)(f->log[a] - f->log[b] + GF1024_ORDER) % GF1024_ORDER;
        if (p2 >= length || p2 == p1) continue;
        c = s[1] ^ gf1024_mul_pow(f, s[0], p2); /* = E1 (X1 + X2) */
        if (c == 0) continue;
        inv_sum = GF1024_ORDER - f->log[f->exp[p1] ^ f->exp[p2]]; /* log 1/(X1 + X2) */
        if (!error_value_in_gf32(f->log[b] + inv_sum, p2)) continue;
        if (!error_value_in_gf32(f->log[c] + inv_sum, p1)) continue;
        pos[0] = p1 > p2 ? p1 : p2;
        pos[1] = p1 > p2 ? p2 : p1;
        return 2;
    }
    return 0;
}

static size_t add_position(int *positions, size_t cap, size_t n, size_t pos) {
    if (n < cap) positions[n++] = (int)pos;
    return n;
}

size_t sato_bech32_locate_errors(int *positions, size_t cap, const char *str, size_t len,
                                 const char **message) {
    char hrp[SATO_BECH32_MAX_LEN];
    unsigned char values[SATO_BECH32_MAX_LEN];
    size_t i, n = 0, nbad = 0, sep = len, best_n = 0, best[2] = {0, 0};
    int lower = 0, upper = 0, enc, best_enc = 0;
    gf1024_t f;

    *message = "";
    if (len > SATO_BECH32_MAX_LEN) {
        for (i = SATO_BECH32_MAX_LEN; i < len; i++) n = add_position(positions, cap, n, i);
        *message = "Bech32 string too long";
        return n;
    }
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)str[i];
        int bad = c < 33 || c > 126;
        /* The first letter fixes the case; Core blames every letter of
         * the other case after it. */
        if (c >= 'a' && c <= 'z') {
            if (upper) bad = 1;
            else lower = 1;
        } else if (c >= 'A' && c <= 'Z') {
            if (lower) bad = 1;
            else upper = 1;
        }
        if (bad) {
            nbad++;
            n = add_position(positions, cap, n, i);
        }
    }
    if (nbad > 0) {
        *message = "Invalid character or mixed case";
        return n;
    }
    for (i = len; i > 0; i--) {
        if (str[i - 1] == '1') {
            sep = i - 1;
            break;
        }
    }
    if (sep == len) {
        *message = "Missing separator";
        return 0;
    }
    if (sep == 0 || sep + 6 >= len) {
        *message = "Invalid separator position";
        return add_position(positions, cap, 0, sep);
    }
    for (i = 0; i < sep; i++) hrp[i] = (char)(str[i] >= 'A' && str[i] <= 'Z' ? str[i] - 'A' + 'a' : str[i]);
    for (i = sep + 1; i < len; i++) {
        char c = (char)(str[i] >= 'A' && str[i] <= 'Z' ? str[i] - 'A' + 'a' : str[i]);
        const char *p = strchr(charset, c); /* c is never NUL here */
        if (p == NULL) {
            *message = "Invalid Base 32 character";
            return add_position(positions, cap, 0, i);
        }
        values[i - sep - 1] = (unsigned char)(p - charset);
    }

    gf1024_init(&f);
    for (enc = SATO_BECH32; enc <= SATO_BECH32M; enc++) {
        size_t pos[2] = {0, 0}, k;
        uint32_t residue = sato_bech32_residue(hrp, sep, values, len - sep - 1, (sato_bech32_encoding_t)enc);
        if (residue == 0) return 0; /* valid: nothing to explain */
        k = solve(&f, residue, len - sep - 1, pos);
        /* Core keeps the first encoding's answer unless the second needs
         * fewer errors (or the first found none). */
        if (best_n == 0 || (k > 0 && k < best_n)) {
            best_n = k;
            best[0] = pos[0];
            best[1] = pos[1];
            best_enc = k > 0 ? enc : 0;
        }
    }
    *message = best_enc == SATO_BECH32M ? "Invalid Bech32m checksum"
             : best_enc == SATO_BECH32  ? "Invalid Bech32 checksum"
                                        : "Invalid checksum";
    for (i = 0; i < best_n; i++) n = add_position(positions, cap, n, len - 1 - best[i]);
    return n;
}
