#include <stdlib.h>
#include <string.h>

#include "sato/hex.h"
#include "sato/mem.h"

static const char hexdigits[] = "0123456789abcdef";

void sato_hex_encode(char *out, const unsigned char *in, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = hexdigits[in[i] >> 4];
        out[2 * i + 1] = hexdigits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

void sato_hex_encode_rev(char *out, const unsigned char *in, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = hexdigits[in[n - 1 - i] >> 4];
        out[2 * i + 1] = hexdigits[in[n - 1 - i] & 15];
    }
    out[2 * n] = '\0';
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

int sato_hex_decode(unsigned char *out, size_t outcap, size_t *outlen, const char *hex) {
    size_t n = strlen(hex), i;
    *outlen = 0;
    if (n % 2 != 0 || n / 2 > outcap) return 0;
    for (i = 0; i < n / 2; i++) {
        int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) return 0;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    *outlen = n / 2;
    return 1;
}

int sato_hex_decode_rev(unsigned char *out, size_t n, const char *hex) {
    size_t got, i;
    if (strlen(hex) != 2 * n || !sato_hex_decode(out, n, &got, hex)) return 0;
    for (i = 0; i < n / 2; i++) {
        unsigned char t = out[i];
        out[i] = out[n - 1 - i];
        out[n - 1 - i] = t;
    }
    return 1;
}

unsigned char *sato_hex_decode_alloc(const char *hex, size_t *outlen) {
    size_t cap = strlen(hex) / 2;
    unsigned char *out = sato_malloc(cap);
    if (!sato_hex_decode(out, cap, outlen, hex)) {
        free(out);
        return NULL;
    }
    return out;
}
