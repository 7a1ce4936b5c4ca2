/* Reader, writer, CompactSize and hex: edges and malformed input. */
#include <stdlib.h>
#include <string.h>

#include "sato/buf.h"
#include "sato/hex.h"
#include "sato/mem.h"
#include "test.h"

static int parse_cs(const char *hex, uint64_t *v, int limited) {
    unsigned char b[16];
    size_t n;
    sato_reader_t r;
    if (!sato_hex_decode(b, sizeof(b), &n, hex)) return -1;
    sato_reader_init(&r, b, n);
    if (limited ? !sato_read_compactsize(&r, v) : !sato_read_compactsize_any(&r, v)) return 0;
    return sato_reader_done(&r);
}

static void test_compactsize(void) {
    static const uint64_t edges[] = {0, 1, 252, 253, 254, 255, 0xffff, 0x10000, 0x10001,
                                     SATO_MAX_SIZE, 0xffffffffULL, 0x100000000ULL,
                                     0xffffffffffffffffULL};
    size_t i;
    uint64_t v;
    for (i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
        sato_buf_t b;
        sato_reader_t r;
        uint64_t got;
        sato_buf_init(&b);
        sato_buf_write_compactsize(&b, edges[i]);
        CHECK(b.len == sato_compactsize_len(edges[i]));
        sato_reader_init(&r, b.data, b.len);
        CHECK(sato_read_compactsize_any(&r, &got) && got == edges[i] && sato_reader_done(&r));
        sato_reader_init(&r, b.data, b.len);
        CHECK(sato_read_compactsize(&r, &got) == (edges[i] <= SATO_MAX_SIZE));
        sato_buf_clear(&b);
    }
    /* Non-canonical encodings are refused, as Bitcoin Core does. */
    CHECK(parse_cs("fdfc00", &v, 0) == 0);
    CHECK(parse_cs("fdfd00", &v, 0) == 1 && v == 253);
    CHECK(parse_cs("feffff0000", &v, 0) == 0);
    CHECK(parse_cs("fe00000100", &v, 0) == 1 && v == 0x10000);
    CHECK(parse_cs("ffffffffff00000000", &v, 0) == 0);
    CHECK(parse_cs("ff0000000001000000", &v, 0) == 1 && v == 0x100000000ULL);
    CHECK(parse_cs("fe01000002", &v, 1) == 0); /* MAX_SIZE + 1 */
    CHECK(parse_cs("fe00000002", &v, 1) == 1 && v == SATO_MAX_SIZE);
    /* Truncated encodings fail and zero the output. */
    v = 7;
    CHECK(parse_cs("fd01", &v, 0) == 0 && v == 0);
    CHECK(parse_cs("", &v, 0) == 0);
}

static void test_reader(void) {
    static const unsigned char data[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    sato_reader_t r;
    uint32_t u32;
    uint64_t u64;
    unsigned char out[4] = {9, 9, 9, 9};
    const unsigned char *span;
    sato_reader_init(&r, data, sizeof(data));
    CHECK(sato_read_u32(&r, &u32) && u32 == 0x04030201);
    CHECK(sato_reader_left(&r) == 5);
    CHECK(!sato_read_u64(&r, &u64) && u64 == 0);
    /* Once failed, every read fails, even one that would fit. */
    CHECK(!sato_read_bytes(&r, out, 1) && out[0] == 0);
    CHECK(sato_reader_left(&r) == 0 && !sato_reader_done(&r));
    sato_reader_init(&r, data, sizeof(data));
    CHECK(sato_read_span(&r, &span, 9) && span == data && sato_reader_done(&r));
    CHECK(!sato_read_span(&r, &span, 1) && span == NULL);
    /* A length near SIZE_MAX must not wrap the bounds check. */
    sato_reader_init(&r, data, sizeof(data));
    CHECK(sato_read_u8(&r, out));
    CHECK(!sato_read_span(&r, &span, (size_t)-1));
}

static void test_hex(void) {
    unsigned char b[8];
    size_t n;
    char s[17];
    unsigned char *a;
    CHECK(sato_hex_decode(b, sizeof(b), &n, "00ffA5") && n == 3 && b[0] == 0 && b[1] == 0xff && b[2] == 0xa5);
    sato_hex_encode(s, b, 3);
    CHECK(strcmp(s, "00ffa5") == 0);
    sato_hex_encode_rev(s, b, 3);
    CHECK(strcmp(s, "a5ff00") == 0);
    CHECK(!sato_hex_decode(b, sizeof(b), &n, "abc"));
    CHECK(!sato_hex_decode(b, sizeof(b), &n, "0g"));
    CHECK(!sato_hex_decode(b, sizeof(b), &n, " 00"));
    CHECK(!sato_hex_decode(b, 2, &n, "000000"));
    CHECK(sato_hex_decode(b, sizeof(b), &n, "") && n == 0);
    CHECK(sato_hex_decode_rev(b, 2, "0102") && b[0] == 2 && b[1] == 1);
    CHECK(!sato_hex_decode_rev(b, 2, "010203"));
    a = sato_hex_decode_alloc("beef", &n);
    CHECK(a != NULL && n == 2 && a[0] == 0xbe);
    free(a);
    CHECK(sato_hex_decode_alloc("xx", &n) == NULL);
}

int main(void) {
    test_compactsize();
    test_reader();
    test_hex();
    return test_report("buf");
}
