/* Script numbers: little-endian sign-magnitude integers of bounded
 * length, as arithmetic opcodes read and write them (Core's CScriptNum). */
#include "sato/script.h"

int sato_scriptnum_decode(int64_t *out, const unsigned char *data, size_t len,
                          int require_minimal, size_t max_len) {
    uint64_t mag = 0;
    size_t i;
    *out = 0;
    if (len > max_len || len > 8) return 0;
    if (len == 0) return 1;
    /* Minimal: the top byte carries value bits, unless it only holds the
     * sign for a byte whose own top bit is set. */
    if (require_minimal && (data[len - 1] & 0x7f) == 0 &&
        (len == 1 || (data[len - 2] & 0x80) == 0)) {
        return 0;
    }
    for (i = 0; i < len; i++) mag |= (uint64_t)data[i] << (8 * i);
    if (data[len - 1] & 0x80) {
        mag &= ~((uint64_t)0x80 << (8 * (len - 1)));
        /* Up to 8 bytes with the sign removed fits in 63 bits. */
        *out = -(int64_t)mag;
    } else {
        if (mag > (uint64_t)INT64_MAX) return 0;
        *out = (int64_t)mag;
    }
    return 1;
}

size_t sato_scriptnum_encode(unsigned char out[9], int64_t value) {
    uint64_t mag;
    size_t n = 0;
    int neg = value < 0;
    if (value == 0) return 0;
    mag = neg ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    while (mag) {
        out[n++] = (unsigned char)(mag & 0xff);
        mag >>= 8;
    }
    /* The top bit is the sign: add a byte when the magnitude uses it. */
    if (out[n - 1] & 0x80) {
        out[n++] = neg ? 0x80 : 0x00;
    } else if (neg) {
        out[n - 1] |= 0x80;
    }
    return n;
}
