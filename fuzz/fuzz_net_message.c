/* The wire codec: any bytes, split anywhere, through the stream decoder
 * and every message parser. Whatever parses must write back to bytes that
 * parse to the same thing; nothing may crash, leak or overread. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/protocol.h"

#define FUZZ_ASSERT(cond)                                                                \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                     \
        }                                                                                \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void parse_all(const unsigned char *p, size_t len) {
    sato_msg_version_t v, v2;
    sato_msg_inv_t inv, inv2;
    sato_msg_locator_t loc, loc2;
    sato_msg_headers_t hm, hm2;
    sato_msg_addr_t am, am2;
    sato_block_t b;
    sato_tx_t tx;
    sato_buf_t out;
    uint64_t u;
    uint8_t a;
    int64_t f;
    int k;
    sato_buf_init(&out);
    if (sato_msg_version_read(&v, p, len) == SATO_MSG_OK) {
        sato_msg_version_write(&out, &v);
        FUZZ_ASSERT(sato_msg_version_read(&v2, out.data, out.len) == SATO_MSG_OK);
        FUZZ_ASSERT(v2.version == v.version && v2.nonce == v.nonce && strcmp(v2.user_agent, v.user_agent) == 0);
    }
    out.len = 0;
    if (sato_msg_inv_read(&inv, p, len) == SATO_MSG_OK) {
        sato_msg_inv_write(&out, inv.items, inv.n);
        FUZZ_ASSERT(sato_msg_inv_read(&inv2, out.data, out.len) == SATO_MSG_OK && inv2.n == inv.n);
        FUZZ_ASSERT(inv.n == 0 || memcmp(inv.items, inv2.items, inv.n * sizeof(*inv.items)) == 0);
        sato_msg_inv_clear(&inv2);
    }
    sato_msg_inv_clear(&inv);
    out.len = 0;
    if (sato_msg_locator_read(&loc, p, len) == SATO_MSG_OK) {
        sato_msg_locator_write(&out, loc.version, (const unsigned char(*)[32])loc.locator, loc.n, loc.stop);
        FUZZ_ASSERT(sato_msg_locator_read(&loc2, out.data, out.len) == SATO_MSG_OK && loc2.n == loc.n);
        sato_msg_locator_clear(&loc2);
    }
    sato_msg_locator_clear(&loc);
    out.len = 0;
    if (sato_msg_headers_read(&hm, p, len) == SATO_MSG_OK) {
        sato_msg_headers_write(&out, hm.headers, hm.n);
        FUZZ_ASSERT(sato_msg_headers_read(&hm2, out.data, out.len) == SATO_MSG_OK && hm2.n == hm.n);
        sato_msg_headers_clear(&hm2);
    }
    sato_msg_headers_clear(&hm);
    for (k = 0; k < 2; k++) {
        out.len = 0;
        if (sato_msg_addr_read(&am, p, len, k) == SATO_MSG_OK) {
            size_t i;
            sato_msg_addr_write(&out, am.entries, am.n, k);
            FUZZ_ASSERT(sato_msg_addr_read(&am2, out.data, out.len, k) == SATO_MSG_OK && am2.n == am.n);
            for (i = 0; i < am.n; i++) FUZZ_ASSERT(sato_netaddr_equal(&am.entries[i].addr, &am2.entries[i].addr));
            sato_msg_addr_clear(&am2);
        }
        sato_msg_addr_clear(&am);
    }
    (void)sato_msg_nonce_read(&u, p, len);
    (void)sato_msg_sendcmpct_read(&a, &u, p, len);
    (void)sato_msg_feefilter_read(&f, p, len);
    sato_block_init(&b);
    if (sato_msg_block_read(&b, p, len) == SATO_MSG_OK) sato_block_clear(&b);
    sato_tx_init(&tx);
    if (sato_msg_tx_read(&tx, p, len) == SATO_MSG_OK) sato_tx_clear(&tx);
    sato_buf_clear(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const unsigned char magic[4] = {0xfa, 0xbf, 0xb5, 0xda};
    sato_msgreader_t r;
    size_t step, pos = 0;
    if (size == 0) return 0;
    step = 1 + data[0] % 64;
    parse_all(data + 1, size - 1);
    /* The same bytes as a stream, framed or not, in pieces of `step`. */
    sato_msgreader_init(&r, magic);
    while (pos < size) {
        size_t n = size - pos < step ? size - pos : step, off = 0;
        while (off < n) {
            size_t used, plen;
            const unsigned char *p;
            sato_frame_result_t ev = sato_msgreader_feed(&r, data + pos + off, n - off, &used, &p, &plen);
            FUZZ_ASSERT(used <= n - off);
            off += used;
            if (ev == SATO_FRAME_MESSAGE) parse_all(p, plen);
            if (ev == SATO_FRAME_BAD_MAGIC || ev == SATO_FRAME_OVERSIZED) goto out;
            if (ev == SATO_FRAME_NEED_MORE) break;
        }
        pos += n;
    }
out:
    sato_msgreader_clear(&r);
    return 0;
}
