#include <stdlib.h>
#include <string.h>

#include "sato/buf.h"
#include "sato/mem.h"

void sato_reader_init(sato_reader_t *r, const unsigned char *data, size_t len) {
    r->data = data;
    r->len = len;
    r->pos = 0;
    r->failed = 0;
}

size_t sato_reader_left(const sato_reader_t *r) {
    return r->failed ? 0 : r->len - r->pos;
}

int sato_reader_done(const sato_reader_t *r) {
    return !r->failed && r->pos == r->len;
}

int sato_read_span(sato_reader_t *r, const unsigned char **out, size_t n) {
    *out = NULL;
    if (r->failed || n > r->len - r->pos) {
        r->failed = 1;
        return 0;
    }
    *out = r->data + r->pos;
    r->pos += n;
    return 1;
}

int sato_read_bytes(sato_reader_t *r, unsigned char *out, size_t n) {
    const unsigned char *p;
    if (!sato_read_span(r, &p, n)) {
        if (n) memset(out, 0, n);
        return 0;
    }
    if (n) memcpy(out, p, n);
    return 1;
}

int sato_read_u8(sato_reader_t *r, uint8_t *out) {
    return sato_read_bytes(r, out, 1);
}

int sato_read_u16(sato_reader_t *r, uint16_t *out) {
    unsigned char b[2];
    int ok = sato_read_bytes(r, b, 2);
    *out = (uint16_t)(b[0] | b[1] << 8);
    return ok;
}

int sato_read_u32(sato_reader_t *r, uint32_t *out) {
    unsigned char b[4];
    int ok = sato_read_bytes(r, b, 4);
    *out = sato_le32(b);
    return ok;
}

int sato_read_u64(sato_reader_t *r, uint64_t *out) {
    unsigned char b[8];
    int ok = sato_read_bytes(r, b, 8);
    *out = sato_le64(b);
    return ok;
}

int sato_read_i32(sato_reader_t *r, int32_t *out) {
    uint32_t v;
    int ok = sato_read_u32(r, &v);
    *out = (int32_t)v;
    return ok;
}

int sato_read_i64(sato_reader_t *r, int64_t *out) {
    uint64_t v;
    int ok = sato_read_u64(r, &v);
    *out = (int64_t)v;
    return ok;
}

int sato_read_compactsize_any(sato_reader_t *r, uint64_t *out) {
    uint8_t tag;
    uint64_t v = 0, min = 0;
    *out = 0;
    if (!sato_read_u8(r, &tag)) return 0;
    if (tag < 253) {
        *out = tag;
        return 1;
    }
    if (tag == 253) {
        uint16_t x;
        if (!sato_read_u16(r, &x)) return 0;
        v = x;
        min = 253;
    } else if (tag == 254) {
        uint32_t x;
        if (!sato_read_u32(r, &x)) return 0;
        v = x;
        min = 0x10000;
    } else {
        if (!sato_read_u64(r, &v)) return 0;
        min = 0x100000000ULL;
    }
    /* Only the shortest encoding is accepted ("non-canonical ReadCompactSize()"),
     * so that one value has one serialization. */
    if (v < min) {
        r->failed = 1;
        return 0;
    }
    *out = v;
    return 1;
}

int sato_read_compactsize(sato_reader_t *r, uint64_t *out) {
    if (!sato_read_compactsize_any(r, out)) return 0;
    if (*out > SATO_MAX_SIZE) {
        *out = 0;
        r->failed = 1;
        return 0;
    }
    return 1;
}

void sato_buf_init(sato_buf_t *b) {
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void sato_buf_clear(sato_buf_t *b) {
    if (b == NULL) return;
    free(b->data);
    sato_buf_init(b);
}

void sato_buf_reserve(sato_buf_t *b, size_t extra) {
    size_t need = b->len + extra, cap;
    if (need <= b->cap) return;
    cap = b->cap ? b->cap : 64;
    while (cap < need) cap *= 2;
    b->data = sato_realloc(b->data, cap);
    b->cap = cap;
}

void sato_buf_write(sato_buf_t *b, const void *p, size_t n) {
    if (n == 0) return;
    sato_buf_reserve(b, n);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

void sato_buf_write_u8(sato_buf_t *b, uint8_t v) {
    sato_buf_write(b, &v, 1);
}

void sato_buf_write_u16(sato_buf_t *b, uint16_t v) {
    unsigned char x[2];
    x[0] = (unsigned char)v;
    x[1] = (unsigned char)(v >> 8);
    sato_buf_write(b, x, 2);
}

void sato_buf_write_u32(sato_buf_t *b, uint32_t v) {
    unsigned char x[4];
    sato_put_le32(x, v);
    sato_buf_write(b, x, 4);
}

void sato_buf_write_u64(sato_buf_t *b, uint64_t v) {
    unsigned char x[8];
    sato_put_le64(x, v);
    sato_buf_write(b, x, 8);
}

size_t sato_compactsize_len(uint64_t v) {
    if (v < 253) return 1;
    if (v <= 0xffff) return 3;
    if (v <= 0xffffffffULL) return 5;
    return 9;
}

void sato_buf_write_compactsize(sato_buf_t *b, uint64_t v) {
    if (v < 253) {
        sato_buf_write_u8(b, (uint8_t)v);
    } else if (v <= 0xffff) {
        sato_buf_write_u8(b, 253);
        sato_buf_write_u16(b, (uint16_t)v);
    } else if (v <= 0xffffffffULL) {
        sato_buf_write_u8(b, 254);
        sato_buf_write_u32(b, (uint32_t)v);
    } else {
        sato_buf_write_u8(b, 255);
        sato_buf_write_u64(b, v);
    }
}

void sato_buf_write_varbytes(sato_buf_t *b, const unsigned char *p, size_t n) {
    sato_buf_write_compactsize(b, n);
    sato_buf_write(b, p, n);
}
