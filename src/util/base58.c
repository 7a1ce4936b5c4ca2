/* Base58 and Base58Check as Bitcoin Core does them.
 *
 * Both directions convert between bases with schoolbook multiplication,
 * which is quadratic in the length: the callers' size limits (outcap) are
 * what keep hostile input cheap, since work stops as soon as the result
 * would exceed them. Digits are accumulated little-endian directly in the
 * caller's buffer and reversed at the end, so nothing is allocated. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sato/base58.h"
#include "sato/mem.h"
#include "sato/sha256.h"

static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* The alphabet leaves out 0, I, O and l to avoid look-alikes. */
static int digit_value(unsigned char c) {
    if (c >= '1' && c <= '9') return c - '1';
    if (c >= 'A' && c <= 'H') return c - 'A' + 9;
    if (c >= 'J' && c <= 'N') return c - 'J' + 17;
    if (c >= 'P' && c <= 'Z') return c - 'P' + 22;
    if (c >= 'a' && c <= 'k') return c - 'a' + 33;
    if (c >= 'm' && c <= 'z') return c - 'm' + 44;
    return -1;
}

/* Core's IsSpace: the C locale's whitespace, independent of locale. */
static int is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static void reverse(unsigned char *p, size_t n) {
    size_t i;
    for (i = 0; i < n / 2; i++) {
        unsigned char t = p[i];
        p[i] = p[n - 1 - i];
        p[n - 1 - i] = t;
    }
}

/* Encodes the concatenation a || b, so Base58Check can append its checksum
 * without copying (possibly secret) input. */
static int encode_parts(char *out, size_t outcap, size_t *outlen,
                        const unsigned char *a, size_t alen,
                        const unsigned char *b, size_t blen) {
    size_t total = alen + blen, i, j, zeroes, ndigits = 0;
    unsigned char *digits = (unsigned char *)out;
    *outlen = 0;
    if (outcap == 0) return 0;
    out[0] = '\0';
    for (i = 0; i < total && (i < alen ? a[i] : b[i - alen]) == 0; i++) {}
    zeroes = i;
    if (zeroes >= outcap) return 0;
    /* digits[zeroes + k] holds base-58 digit k, least significant first. */
    for (; i < total; i++) {
        uint32_t carry = i < alen ? a[i] : b[i - alen];
        for (j = 0; j < ndigits; j++) {
            carry += (uint32_t)digits[zeroes + j] << 8;
            digits[zeroes + j] = (unsigned char)(carry % 58);
            carry /= 58;
        }
        while (carry != 0) {
            if (zeroes + ndigits + 1 >= outcap) { /* keep room for the NUL */
                sato_memzero(out, zeroes + ndigits);
                return 0;
            }
            digits[zeroes + ndigits++] = (unsigned char)(carry % 58);
            carry /= 58;
        }
    }
    reverse(digits + zeroes, ndigits);
    for (j = 0; j < ndigits; j++) out[zeroes + j] = alphabet[digits[zeroes + j]];
    memset(out, '1', zeroes);
    out[zeroes + ndigits] = '\0';
    *outlen = zeroes + ndigits;
    return 1;
}

int sato_base58_encode(char *out, size_t outcap, size_t *outlen,
                       const unsigned char *in, size_t inlen) {
    return encode_parts(out, outcap, outlen, in, inlen, NULL, 0);
}

int sato_base58_decode(unsigned char *out, size_t outcap, size_t *outlen,
                       const char *str, size_t len) {
    size_t i = 0, j, zeroes = 0, nbytes = 0;
    *outlen = 0;
    /* A NUL would end the string for Core (ValidAsCString): refuse it. */
    if (len > 0 && memchr(str, '\0', len) != NULL) return 0;
    while (i < len && is_space(str[i])) i++;
    for (; i < len && str[i] == '1'; i++) {
        if (++zeroes > outcap) goto fail;
    }
    /* out[zeroes + k] holds byte k of the value, least significant first. */
    for (; i < len && !is_space(str[i]); i++) {
        int d = digit_value((unsigned char)str[i]);
        uint32_t carry;
        if (d < 0) goto fail;
        carry = (uint32_t)d;
        for (j = 0; j < nbytes; j++) {
            carry += (uint32_t)out[zeroes + j] * 58;
            out[zeroes + j] = (unsigned char)carry;
            carry >>= 8;
        }
        while (carry != 0) {
            if (zeroes + nbytes >= outcap) goto fail;
            out[zeroes + nbytes++] = (unsigned char)carry;
            carry >>= 8;
        }
    }
    while (i < len && is_space(str[i])) i++;
    if (i != len) goto fail;
    if (outcap > 0) {
        reverse(out + zeroes, nbytes);
        memset(out, 0, zeroes);
    }
    *outlen = zeroes + nbytes;
    return 1;
fail:
    if (nbytes > 0) sato_memzero(out + zeroes, nbytes);
    return 0;
}

int sato_base58check_encode(char *out, size_t outcap, size_t *outlen,
                            const unsigned char *in, size_t inlen) {
    unsigned char hash[32];
    int ok;
    sato_sha256d(hash, in, inlen);
    ok = encode_parts(out, outcap, outlen, in, inlen, hash, 4);
    sato_memzero(hash, sizeof(hash));
    return ok;
}

int sato_base58check_decode(unsigned char *out, size_t outcap, size_t *outlen,
                            const char *str, size_t len) {
    unsigned char stackbuf[128], hash[32];
    unsigned char *tmp = stackbuf;
    size_t cap, n = 0;
    int ok = 0;
    *outlen = 0;
    /* A string decodes to at most one byte per character, so a limit above
     * len changes nothing and need not be allocated. */
    if (outcap >= len || len - outcap < 4) {
        cap = len;
    } else {
        cap = outcap + 4;
    }
    if (cap > sizeof(stackbuf)) tmp = sato_malloc(cap);
    if (!sato_base58_decode(tmp, cap, &n, str, len) || n < 4 || n - 4 > outcap) goto out;
    sato_sha256d(hash, tmp, n - 4);
    if (memcmp(hash, tmp + n - 4, 4) != 0) goto out;
    if (n > 4) memcpy(out, tmp, n - 4);
    *outlen = n - 4;
    ok = 1;
out:
    sato_memzero(tmp, n);
    sato_memzero(hash, sizeof(hash));
    if (tmp != stackbuf) free(tmp);
    return ok;
}
