/* Bech32 and Bech32m (BIP173, BIP350) and segwit addresses.
 *
 * The checksum is a BCH code over GF(32): the string's HRP is expanded to
 * its high bits, a zero and its low bits so that case and every bit of the
 * HRP are covered, then the data values and six checksum values follow.
 * The two encodings differ only in the constant the result must equal. */
#include <stdint.h>
#include <string.h>

#include "sato/bech32.h"

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

#define BECH32_CONST 1u
#define BECH32M_CONST 0x2bc830a3u
#define CHECKSUM_LEN 6

static uint32_t polymod_step(uint32_t chk, unsigned v) {
    uint32_t top = chk >> 25;
    chk = ((chk & 0x1ffffffu) << 5) ^ v;
    if (top & 1) chk ^= 0x3b6a57b2u;
    if (top & 2) chk ^= 0x26508e6du;
    if (top & 4) chk ^= 0x1ea119fau;
    if (top & 8) chk ^= 0x3d4233ddu;
    if (top & 16) chk ^= 0x2a1462b3u;
    return chk;
}

/* Checksum state after the expanded HRP (which must be lower case) and the
 * data values. */
static uint32_t polymod_prefix(const char *hrp, size_t hrplen,
                               const unsigned char *data, size_t datalen) {
    uint32_t chk = 1;
    size_t i;
    for (i = 0; i < hrplen; i++) chk = polymod_step(chk, (unsigned char)hrp[i] >> 5);
    chk = polymod_step(chk, 0);
    for (i = 0; i < hrplen; i++) chk = polymod_step(chk, (unsigned char)hrp[i] & 31);
    for (i = 0; i < datalen; i++) chk = polymod_step(chk, data[i]);
    return chk;
}

static uint32_t encoding_const(sato_bech32_encoding_t encoding) {
    return encoding == SATO_BECH32 ? BECH32_CONST : BECH32M_CONST;
}

uint32_t sato_bech32_residue(const char *hrp, size_t hrplen, const unsigned char *values,
                             size_t nvalues, sato_bech32_encoding_t encoding) {
    return polymod_prefix(hrp, hrplen, values, nvalues) ^ encoding_const(encoding);
}

static int charset_value(char c) {
    const char *p;
    if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
    p = c != '\0' ? strchr(charset, c) : NULL;
    return p != NULL ? (int)(p - charset) : -1;
}

int sato_bech32_encode(char *out, size_t outcap, const char *hrp,
                       const unsigned char *data, size_t datalen,
                       sato_bech32_encoding_t encoding) {
    size_t hrplen = strlen(hrp), i, pos;
    uint32_t chk;
    if (outcap > 0) out[0] = '\0';
    if (encoding != SATO_BECH32 && encoding != SATO_BECH32M) return 0;
    if (hrplen == 0 || hrplen + 1 + CHECKSUM_LEN > SATO_BECH32_MAX_LEN) return 0;
    if (datalen > SATO_BECH32_MAX_LEN - hrplen - 1 - CHECKSUM_LEN) return 0;
    if (outcap < hrplen + 1 + datalen + CHECKSUM_LEN + 1) return 0;
    for (i = 0; i < hrplen; i++) {
        unsigned char c = (unsigned char)hrp[i];
        if (c < 33 || c > 126 || (c >= 'A' && c <= 'Z')) return 0;
    }
    for (i = 0; i < datalen; i++) {
        if (data[i] > 31) return 0;
    }
    chk = polymod_prefix(hrp, hrplen, data, datalen);
    for (i = 0; i < CHECKSUM_LEN; i++) chk = polymod_step(chk, 0);
    chk ^= encoding_const(encoding);
    memcpy(out, hrp, hrplen);
    pos = hrplen;
    out[pos++] = '1';
    for (i = 0; i < datalen; i++) out[pos++] = charset[data[i]];
    for (i = 0; i < CHECKSUM_LEN; i++) out[pos++] = charset[(chk >> (5 * (5 - i))) & 31];
    out[pos] = '\0';
    return 1;
}

sato_bech32_encoding_t sato_bech32_decode(char hrp[SATO_BECH32_MAX_LEN],
                                          unsigned char data[SATO_BECH32_MAX_LEN],
                                          size_t *datalen,
                                          const char *str, size_t len) {
    unsigned char values[SATO_BECH32_MAX_LEN];
    size_t i, sep = 0, nvalues;
    int has_lower = 0, has_upper = 0, found_sep = 0;
    uint32_t chk;
    *datalen = 0;
    hrp[0] = '\0';
    if (len > SATO_BECH32_MAX_LEN) return SATO_BECH32_INVALID;
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)str[i];
        if (c < 33 || c > 126) return SATO_BECH32_INVALID;
        if (c >= 'a' && c <= 'z') has_lower = 1;
        if (c >= 'A' && c <= 'Z') has_upper = 1;
        if (c == '1') {
            sep = i;
            found_sep = 1;
        }
    }
    /* Either case is fine, a mix is not: it would hide transcription slips. */
    if (has_lower && has_upper) return SATO_BECH32_INVALID;
    if (!found_sep || sep == 0 || len - sep - 1 < CHECKSUM_LEN) return SATO_BECH32_INVALID;
    nvalues = len - sep - 1;
    for (i = 0; i < nvalues; i++) {
        int v = charset_value(str[sep + 1 + i]);
        if (v < 0) return SATO_BECH32_INVALID;
        values[i] = (unsigned char)v;
    }
    for (i = 0; i < sep; i++) {
        char c = str[i];
        hrp[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    hrp[sep] = '\0';
    chk = polymod_prefix(hrp, sep, values, nvalues);
    if (chk != BECH32_CONST && chk != BECH32M_CONST) {
        hrp[0] = '\0';
        return SATO_BECH32_INVALID;
    }
    memcpy(data, values, nvalues - CHECKSUM_LEN);
    *datalen = nvalues - CHECKSUM_LEN;
    return chk == BECH32_CONST ? SATO_BECH32 : SATO_BECH32M;
}

int sato_bech32_convertbits(unsigned char *out, size_t outcap, size_t *outlen, int tobits,
                            const unsigned char *in, size_t inlen, int frombits, int pad) {
    uint32_t acc = 0, maxv, maxacc;
    int bits = 0;
    size_t i, n = 0;
    *outlen = 0;
    if (frombits < 1 || frombits > 8 || tobits < 1 || tobits > 8) return 0;
    maxv = (1u << tobits) - 1;
    /* Only the bits not yet emitted are kept, so acc never overflows. */
    maxacc = (1u << (frombits + tobits - 1)) - 1;
    for (i = 0; i < inlen; i++) {
        if (in[i] >> frombits) goto fail;
        acc = ((acc << frombits) | in[i]) & maxacc;
        bits += frombits;
        while (bits >= tobits) {
            bits -= tobits;
            if (n >= outcap) goto fail;
            out[n++] = (unsigned char)((acc >> bits) & maxv);
        }
    }
    if (pad) {
        if (bits > 0) {
            if (n >= outcap) goto fail;
            out[n++] = (unsigned char)((acc << (tobits - bits)) & maxv);
        }
    } else if (bits >= frombits || ((acc << (tobits - bits)) & maxv) != 0) {
        /* A whole unused input group, or non-zero padding: not canonical. */
        goto fail;
    }
    *outlen = n;
    return 1;
fail:
    if (n > 0) memset(out, 0, n);
    return 0;
}

int sato_segwit_encode(char out[SATO_BECH32_MAX_LEN + 1], const char *hrp,
                       int version, const unsigned char *program, size_t programlen) {
    unsigned char data[SATO_BECH32_MAX_LEN];
    size_t n;
    out[0] = '\0';
    if (version < 0 || version > 16) return 0;
    if (programlen < 2 || programlen > SATO_SEGWIT_PROGRAM_MAX) return 0;
    if (version == 0 && programlen != 20 && programlen != 32) return 0;
    data[0] = (unsigned char)version;
    if (!sato_bech32_convertbits(data + 1, sizeof(data) - 1, &n, 5, program, programlen, 8, 1)) {
        return 0;
    }
    return sato_bech32_encode(out, SATO_BECH32_MAX_LEN + 1, hrp, data, n + 1,
                              version == 0 ? SATO_BECH32 : SATO_BECH32M);
}

int sato_segwit_decode(int *version, unsigned char program[SATO_SEGWIT_PROGRAM_MAX],
                       size_t *programlen, const char *hrp, const char *addr, size_t len) {
    char got_hrp[SATO_BECH32_MAX_LEN];
    unsigned char data[SATO_BECH32_MAX_LEN], prog[SATO_BECH32_MAX_LEN];
    size_t datalen, proglen;
    sato_bech32_encoding_t encoding;
    int v;
    *version = 0;
    *programlen = 0;
    encoding = sato_bech32_decode(got_hrp, data, &datalen, addr, len);
    if (encoding == SATO_BECH32_INVALID || strcmp(got_hrp, hrp) != 0 || datalen == 0) return 0;
    v = data[0];
    if (v > 16) return 0;
    /* BIP350: version 0 keeps Bech32, every later version uses Bech32m. */
    if (encoding != (v == 0 ? SATO_BECH32 : SATO_BECH32M)) return 0;
    if (!sato_bech32_convertbits(prog, sizeof(prog), &proglen, 8, data + 1, datalen - 1, 5, 0)) {
        return 0;
    }
    if (proglen < 2 || proglen > SATO_SEGWIT_PROGRAM_MAX) return 0;
    if (v == 0 && proglen != 20 && proglen != 32) return 0;
    memcpy(program, prog, proglen);
    *programlen = proglen;
    *version = v;
    return 1;
}
