#ifndef SATO_BUF_H
#define SATO_BUF_H

#include <stddef.h>
#include <stdint.h>

/* Largest size a CompactSize may announce when it counts or sizes
 * something (Bitcoin Core's MAX_SIZE); larger values are refused before
 * any allocation. */
#define SATO_MAX_SIZE 0x02000000u

/* A bounds-checked cursor over a byte buffer it does not own. Every read
 * either succeeds completely or fails, leaves the cursor in a failed state
 * and zeroes its output; a failed reader fails all later reads. */
typedef struct {
    const unsigned char *data;
    size_t len;
    size_t pos;
    int failed;
} sato_reader_t;

void sato_reader_init(sato_reader_t *r, const unsigned char *data, size_t len);
size_t sato_reader_left(const sato_reader_t *r);
/* Returns 1 if the reader has not failed and consumed all input. */
int sato_reader_done(const sato_reader_t *r);

int sato_read_bytes(sato_reader_t *r, unsigned char *out, size_t n);
/* Points *out at the next n bytes without copying them. */
int sato_read_span(sato_reader_t *r, const unsigned char **out, size_t n);
int sato_read_u8(sato_reader_t *r, uint8_t *out);
int sato_read_u16(sato_reader_t *r, uint16_t *out);
int sato_read_u32(sato_reader_t *r, uint32_t *out);
int sato_read_u64(sato_reader_t *r, uint64_t *out);
int sato_read_i32(sato_reader_t *r, int32_t *out);
int sato_read_i64(sato_reader_t *r, int64_t *out);
/* A CompactSize in canonical (shortest) form, and at most SATO_MAX_SIZE:
 * Bitcoin Core's ReadCompactSize with its range check. */
int sato_read_compactsize(sato_reader_t *r, uint64_t *out);
/* The same without the SATO_MAX_SIZE limit (still canonical). */
int sato_read_compactsize_any(sato_reader_t *r, uint64_t *out);

/* A growable output buffer. Appends cannot fail (OOM aborts). */
typedef struct {
    unsigned char *data;
    size_t len;
    size_t cap;
} sato_buf_t;

void sato_buf_init(sato_buf_t *b);
void sato_buf_clear(sato_buf_t *b);
void sato_buf_reserve(sato_buf_t *b, size_t extra);
void sato_buf_write(sato_buf_t *b, const void *p, size_t n);
void sato_buf_write_u8(sato_buf_t *b, uint8_t v);
void sato_buf_write_u16(sato_buf_t *b, uint16_t v);
void sato_buf_write_u32(sato_buf_t *b, uint32_t v);
void sato_buf_write_u64(sato_buf_t *b, uint64_t v);
void sato_buf_write_compactsize(sato_buf_t *b, uint64_t v);
/* CompactSize length prefix followed by the bytes. */
void sato_buf_write_varbytes(sato_buf_t *b, const unsigned char *p, size_t n);

/* Serialized length of a CompactSize holding v. */
size_t sato_compactsize_len(uint64_t v);

/* Little-endian helpers for fixed-size fields. */
static inline uint32_t sato_le32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline uint64_t sato_le64(const unsigned char *p) {
    return (uint64_t)sato_le32(p) | (uint64_t)sato_le32(p + 4) << 32;
}
static inline void sato_put_le32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}
static inline void sato_put_le64(unsigned char *p, uint64_t v) {
    sato_put_le32(p, (uint32_t)v);
    sato_put_le32(p + 4, (uint32_t)(v >> 32));
}
static inline uint32_t sato_be32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}
static inline void sato_put_be32(unsigned char *p, uint32_t v) {
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8);
    p[3] = (unsigned char)v;
}
static inline uint64_t sato_be64(const unsigned char *p) {
    return (uint64_t)sato_be32(p) << 32 | sato_be32(p + 4);
}
static inline void sato_put_be64(unsigned char *p, uint64_t v) {
    sato_put_be32(p, (uint32_t)(v >> 32));
    sato_put_be32(p + 4, (uint32_t)v);
}

#endif
