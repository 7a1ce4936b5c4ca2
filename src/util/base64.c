#include "sato/base64.h"

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void sato_base64_encode(char *out, const unsigned char *in, size_t n) {
    size_t i, o = 0;
    for (i = 0; i + 2 < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = alphabet[(v >> 6) & 63];
        out[o++] = alphabet[v & 63];
    }
    if (i < n) {
        unsigned v = (unsigned)in[i] << 16 | (i + 1 < n ? (unsigned)in[i + 1] << 8 : 0);
        out[o++] = alphabet[v >> 18];
        out[o++] = alphabet[(v >> 12) & 63];
        out[o++] = i + 1 < n ? alphabet[(v >> 6) & 63] : '=';
        out[o++] = '=';
    }
    out[o] = '\0';
}

static int value_of(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

int sato_base64_decode(unsigned char *out, size_t outcap, size_t *outlen, const char *in, size_t inlen) {
    size_t i, o = 0;
    *outlen = 0;
    if (inlen % 4 != 0) return 0;
    for (i = 0; i < inlen; i += 4) {
        int a = value_of(in[i]), b = value_of(in[i + 1]), c, d;
        int last = i + 4 == inlen;
        int pad2 = last && in[i + 2] == '=' && in[i + 3] == '=';
        int pad1 = last && !pad2 && in[i + 3] == '=';
        unsigned v;
        c = pad2 ? 0 : value_of(in[i + 2]);
        d = (pad1 || pad2) ? 0 : value_of(in[i + 3]);
        if (a < 0 || b < 0 || c < 0 || d < 0) return 0;
        v = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6 | (unsigned)d;
        /* Bits under the padding must be zero, so each text has one meaning. */
        if ((pad2 && (v & 0xffff)) || (pad1 && (v & 0xff))) return 0;
        if (o + 3 - (size_t)pad1 - 2 * (size_t)pad2 > outcap) return 0;
        out[o++] = (unsigned char)(v >> 16);
        if (!pad2) out[o++] = (unsigned char)(v >> 8);
        if (!pad1 && !pad2) out[o++] = (unsigned char)v;
    }
    *outlen = o;
    return 1;
}
