/* The wire codec: framing split at every byte, Core's verdicts on bad
 * magic, oversize lengths (before any allocation), checksums and
 * commands; every message's round trip and the limits of BI01/BI02. */
#include <stdlib.h>
#include <string.h>

#include "sato/mem.h"
#include "sato/protocol.h"
#include "test.h"

static const unsigned char MAGIC[4] = {0xfa, 0xbf, 0xb5, 0xda};

/* Feeds all of data in pieces of `step` bytes; counts the messages and
 * keeps the last command. */
static int feed_all(sato_msgreader_t *r, const unsigned char *data, size_t len, size_t step,
                    sato_frame_result_t *last_event, char *last_cmd, size_t *last_len) {
    size_t pos = 0;
    int msgs = 0;
    while (pos < len) {
        size_t n = len - pos < step ? len - pos : step, off = 0;
        while (off < n) {
            size_t used;
            const unsigned char *p;
            size_t plen;
            sato_frame_result_t ev = sato_msgreader_feed(r, data + pos + off, n - off, &used, &p, &plen);
            off += used;
            if (ev == SATO_FRAME_NEED_MORE) break;
            *last_event = ev;
            if (ev == SATO_FRAME_MESSAGE) {
                msgs++;
                strcpy(last_cmd, r->command);
                *last_len = plen;
            }
            if (ev == SATO_FRAME_BAD_MAGIC || ev == SATO_FRAME_OVERSIZED) return msgs;
        }
        pos += n;
    }
    return msgs;
}

static void test_framing(void) {
    sato_buf_t stream;
    sato_msgreader_t r;
    unsigned char payload[300];
    sato_frame_result_t ev = SATO_FRAME_NEED_MORE;
    char cmd[13] = "";
    size_t step, plen = 0, i;
    int ok = 1;
    for (i = 0; i < sizeof(payload); i++) payload[i] = (unsigned char)i;
    sato_buf_init(&stream);
    sato_msg_frame(&stream, MAGIC, "ping", payload, 8);
    sato_msg_frame(&stream, MAGIC, "verack", NULL, 0);
    sato_msg_frame(&stream, MAGIC, "block", payload, sizeof(payload));
    for (step = 1; step <= stream.len; step++) {
        sato_msgreader_init(&r, MAGIC);
        ok &= feed_all(&r, stream.data, stream.len, step, &ev, cmd, &plen) == 3 && strcmp(cmd, "block") == 0 &&
              plen == sizeof(payload);
        sato_msgreader_clear(&r);
    }
    test_case(ok, "three messages decoded whatever the split");

    /* A wrong checksum drops that message only; a command that is not
     * NUL-padded ASCII too. */
    stream.len = 0;
    sato_msg_frame(&stream, MAGIC, "ping", payload, 8);
    stream.data[20] ^= 1;
    sato_msg_frame(&stream, MAGIC, "pong", payload, 8);
    sato_msgreader_init(&r, MAGIC);
    CHECK(feed_all(&r, stream.data, stream.len, 7, &ev, cmd, &plen) == 1 && strcmp(cmd, "pong") == 0);
    sato_msgreader_clear(&r);
    stream.len = 0;
    sato_msg_frame(&stream, MAGIC, "ver", NULL, 0);
    stream.data[4 + 4] = 'x'; /* "ver\0x...": a byte after the NUL */
    sato_msg_frame(&stream, MAGIC, "verack", NULL, 0);
    {
        size_t used;
        const unsigned char *p;
        sato_msgreader_init(&r, MAGIC);
        CHECK(sato_msgreader_feed(&r, stream.data, stream.len, &used, &p, &plen) == SATO_FRAME_BAD_COMMAND);
        CHECK(sato_msgreader_feed(&r, stream.data + used, stream.len - used, &used, &p, &plen) ==
                  SATO_FRAME_MESSAGE &&
              strcmp(r.command, "verack") == 0);
        sato_msgreader_clear(&r);
    }

    /* Bad magic and an oversize length end the connection; the payload
     * buffer was never grown for the announced length. */
    {
        unsigned char hdr[24];
        size_t used;
        const unsigned char *p;
        stream.len = 0;
        sato_msg_frame(&stream, MAGIC, "ping", payload, 8);
        memcpy(hdr, stream.data, 24);
        hdr[0] ^= 0xff;
        sato_msgreader_init(&r, MAGIC);
        CHECK(sato_msgreader_feed(&r, hdr, 24, &used, &p, &plen) == SATO_FRAME_BAD_MAGIC);
        CHECK(sato_msgreader_feed(&r, stream.data, stream.len, &used, &p, &plen) == SATO_FRAME_BAD_MAGIC);
        sato_msgreader_clear(&r);
        memcpy(hdr, stream.data, 24);
        sato_put_le32(hdr + 16, SATO_MAX_PROTOCOL_MESSAGE_LENGTH + 1);
        sato_msgreader_init(&r, MAGIC);
        CHECK(sato_msgreader_feed(&r, hdr, 24, &used, &p, &plen) == SATO_FRAME_OVERSIZED);
        test_case(r.payload.cap == 0, "nothing allocated for a 4,000,001-byte announcement");
        sato_msgreader_clear(&r);
        sato_put_le32(hdr + 16, SATO_MAX_PROTOCOL_MESSAGE_LENGTH);
        sato_msgreader_init(&r, MAGIC);
        CHECK(sato_msgreader_feed(&r, hdr, 24, &used, &p, &plen) == SATO_FRAME_NEED_MORE && r.payload.cap == 0);
        sato_msgreader_clear(&r);
    }
    sato_buf_clear(&stream);
}

static void test_version(void) {
    sato_msg_version_t v, w;
    sato_buf_t b;
    memset(&v, 0, sizeof(v));
    v.version = SATO_PROTOCOL_VERSION;
    v.services = SATO_NODE_NETWORK | SATO_NODE_WITNESS;
    v.time = 1700000000;
    v.addr_recv.port = 18444;
    v.nonce = 0x1122334455667788ull;
    strcpy(v.user_agent, "/Sato:0.1.0/");
    v.start_height = 123;
    v.relay = 1;
    sato_buf_init(&b);
    sato_msg_version_write(&b, &v);
    CHECK(b.len == 4 + 8 + 8 + 26 + 26 + 8 + 1 + 12 + 4 + 1);
    CHECK(sato_msg_version_read(&w, b.data, b.len) == SATO_MSG_OK && w.version == v.version &&
          w.services == v.services && w.nonce == v.nonce && strcmp(w.user_agent, v.user_agent) == 0 &&
          w.start_height == 123 && w.relay == 1 && w.addr_recv.port == 18444);
    b.data[b.len - 1] = 0;
    CHECK(sato_msg_version_read(&w, b.data, b.len) == SATO_MSG_OK && w.relay == 0);
    CHECK(sato_msg_version_read(&w, b.data, b.len - 1) == SATO_MSG_OK && w.relay == 1); /* absent: true */
    CHECK(sato_msg_version_read(&w, b.data, 40) == SATO_MSG_MALFORMED);
    /* A user agent over 256 bytes is unreadable (Core's LIMITED_STRING). */
    b.len = 0;
    memset(v.user_agent, 'a', SATO_MAX_SUBVERSION_LENGTH);
    v.user_agent[SATO_MAX_SUBVERSION_LENGTH] = '\0';
    sato_msg_version_write(&b, &v);
    CHECK(sato_msg_version_read(&w, b.data, b.len) == SATO_MSG_OK && strlen(w.user_agent) == 256);
    b.len = 4 + 8 + 8 + 26 + 26 + 8;
    sato_buf_write_compactsize(&b, 257);
    {
        unsigned char a[257];
        memset(a, 'a', sizeof(a));
        sato_buf_write(&b, a, sizeof(a));
    }
    CHECK(sato_msg_version_read(&w, b.data, b.len) == SATO_MSG_MALFORMED);
    sato_buf_clear(&b);
}

static void test_lists(void) {
    sato_buf_t b;
    sato_msg_inv_t inv;
    sato_msg_headers_t hm;
    sato_msg_locator_t loc;
    sato_msg_addr_t am;
    sato_inv_t *items = sato_calloc(SATO_MAX_INV_SZ + 1, sizeof(*items));
    sato_block_header_t *hdrs = sato_calloc(SATO_MAX_HEADERS_RESULTS + 1, sizeof(*hdrs));
    unsigned char (*hashes)[32] = sato_calloc(SATO_MAX_LOCATOR_SZ + 1, 32), stop[32] = {0};
    sato_addr_entry_t *addrs = sato_calloc(SATO_MAX_ADDR_TO_SEND + 1, sizeof(*addrs));
    size_t i;
    sato_buf_init(&b);

    for (i = 0; i <= SATO_MAX_INV_SZ; i++) {
        items[i].type = SATO_MSG_WITNESS_BLOCK;
        items[i].hash[0] = (unsigned char)i;
    }
    sato_msg_inv_write(&b, items, SATO_MAX_INV_SZ);
    CHECK(sato_msg_inv_read(&inv, b.data, b.len) == SATO_MSG_OK && inv.n == SATO_MAX_INV_SZ &&
          inv.items[7].type == SATO_MSG_WITNESS_BLOCK && inv.items[7].hash[0] == 7);
    sato_msg_inv_clear(&inv);
    b.len = 0;
    sato_msg_inv_write(&b, items, SATO_MAX_INV_SZ + 1);
    test_case(sato_msg_inv_read(&inv, b.data, b.len) == SATO_MSG_OVERSIZED, "inv of 50,001: misbehaviour");
    b.len = 0;
    sato_msg_inv_write(&b, items, SATO_MAX_INV_SZ + 1);
    b.len -= 1; /* one byte short: unreadable, not misbehaviour */
    CHECK(sato_msg_inv_read(&inv, b.data, b.len) == SATO_MSG_MALFORMED);
    /* A count of 2^32 with nothing behind it costs nothing. */
    b.len = 0;
    sato_buf_write_compactsize(&b, 0x100000000ull);
    CHECK(sato_msg_inv_read(&inv, b.data, b.len) == SATO_MSG_MALFORMED && inv.items == NULL);
    b.len = 0;
    sato_buf_write_compactsize(&b, 1000000);
    CHECK(sato_msg_inv_read(&inv, b.data, b.len) == SATO_MSG_MALFORMED && inv.items == NULL);

    for (i = 0; i <= SATO_MAX_HEADERS_RESULTS; i++) hdrs[i].nonce = (uint32_t)i;
    b.len = 0;
    sato_msg_headers_write(&b, hdrs, SATO_MAX_HEADERS_RESULTS);
    CHECK(sato_msg_headers_read(&hm, b.data, b.len) == SATO_MSG_OK && hm.n == 2000 && hm.headers[1999].nonce == 1999);
    sato_msg_headers_clear(&hm);
    b.len = 0;
    sato_msg_headers_write(&b, hdrs, SATO_MAX_HEADERS_RESULTS + 1);
    test_case(sato_msg_headers_read(&hm, b.data, b.len) == SATO_MSG_OVERSIZED, "headers of 2,001: misbehaviour");
    /* A nonzero transaction count after a header is read and ignored. */
    b.len = 0;
    sato_buf_write_compactsize(&b, 1);
    sato_block_header_write(&b, &hdrs[5]);
    sato_buf_write_u8(&b, 3);
    CHECK(sato_msg_headers_read(&hm, b.data, b.len) == SATO_MSG_OK && hm.n == 1 && hm.headers[0].nonce == 5);
    sato_msg_headers_clear(&hm);

    b.len = 0;
    sato_msg_locator_write(&b, SATO_PROTOCOL_VERSION, (const unsigned char(*)[32])hashes, SATO_MAX_LOCATOR_SZ, stop);
    CHECK(sato_msg_locator_read(&loc, b.data, b.len) == SATO_MSG_OK && loc.n == 101);
    sato_msg_locator_clear(&loc);
    b.len = 0;
    sato_msg_locator_write(&b, SATO_PROTOCOL_VERSION, (const unsigned char(*)[32])hashes, SATO_MAX_LOCATOR_SZ + 1,
                           stop);
    test_case(sato_msg_locator_read(&loc, b.data, b.len) == SATO_MSG_OVERSIZED, "locator of 102: refused");

    for (i = 0; i <= SATO_MAX_ADDR_TO_SEND; i++) {
        unsigned char ip[4] = {8, 8, (unsigned char)(i >> 8), (unsigned char)i};
        addrs[i].time = 1700000000;
        addrs[i].services = SATO_NODE_NETWORK;
        sato_netaddr_ipv4(&addrs[i].addr, ip, 8333);
    }
    for (i = 0; i < 2; i++) {
        int v2 = (int)i;
        b.len = 0;
        sato_msg_addr_write(&b, addrs, SATO_MAX_ADDR_TO_SEND, v2);
        CHECK(sato_msg_addr_read(&am, b.data, b.len, v2) == SATO_MSG_OK && am.n == 1000 &&
              sato_netaddr_equal(&am.entries[999].addr, &addrs[999].addr));
        sato_msg_addr_clear(&am);
        b.len = 0;
        sato_msg_addr_write(&b, addrs, SATO_MAX_ADDR_TO_SEND + 1, v2);
        test_case(sato_msg_addr_read(&am, b.data, b.len, v2) == SATO_MSG_OVERSIZED, "addr%s of 1,001: misbehaviour",
                  v2 ? "v2" : "");
    }
    /* addrv2: an unknown network is skipped, the rest kept. */
    b.len = 0;
    sato_buf_write_compactsize(&b, 2);
    sato_buf_write_u32(&b, 1);
    sato_buf_write_compactsize(&b, 1);
    sato_buf_write_u8(&b, 77);
    sato_buf_write_compactsize(&b, 3);
    sato_buf_write(&b, "abc", 3);
    sato_buf_write(&b, "\x20\x8d", 2);
    sato_buf_write_u32(&b, 2);
    sato_buf_write_compactsize(&b, 1);
    sato_netaddr_write_v2(&b, &addrs[3].addr);
    CHECK(sato_msg_addr_read(&am, b.data, b.len, 1) == SATO_MSG_OK && am.n == 1 && am.skipped == 1 &&
          am.entries[0].time == 2);
    sato_msg_addr_clear(&am);

    sato_buf_clear(&b);
    free(items);
    free(hdrs);
    free(hashes);
    free(addrs);
}

static void test_small(void) {
    sato_buf_t b;
    uint64_t nonce, ver;
    uint8_t announce;
    int64_t fee;
    sato_buf_init(&b);
    sato_msg_nonce_write(&b, 42);
    CHECK(sato_msg_nonce_read(&nonce, b.data, b.len) == SATO_MSG_OK && nonce == 42);
    CHECK(sato_msg_nonce_read(&nonce, b.data, 7) == SATO_MSG_MALFORMED);
    b.len = 0;
    sato_msg_sendcmpct_write(&b, 1, 2);
    CHECK(sato_msg_sendcmpct_read(&announce, &ver, b.data, b.len) == SATO_MSG_OK && announce == 1 && ver == 2);
    b.len = 0;
    sato_msg_feefilter_write(&b, 1000);
    sato_buf_write_u8(&b, 9); /* trailing bytes are ignored, as Core */
    CHECK(sato_msg_feefilter_read(&fee, b.data, b.len) == SATO_MSG_OK && fee == 1000);
    sato_buf_clear(&b);
}

int main(void) {
    test_framing();
    test_version();
    test_lists();
    test_small();
    return test_report("test_protocol");
}
