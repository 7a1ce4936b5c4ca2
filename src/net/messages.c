/* The messages of protocol 70016 (see protocol.h). Counts are checked
 * against the protocol's limit and against the bytes actually present
 * before anything is allocated. Trailing bytes are ignored, as Core's
 * stream reads ignore them. */
#include <stdlib.h>
#include <string.h>

#include "sato/mem.h"
#include "sato/protocol.h"

/* A count of entries of at least min_size bytes each. In Core's order: a
 * vector that cannot be read whole (count over MAX_SIZE, or more entries
 * than bytes) makes the message unreadable; only a readable one over the
 * protocol's limit is misbehaviour. Nothing is allocated before this. */
static sato_msg_result_t read_count(sato_reader_t *r, uint64_t *n, size_t min_size) {
    if (!sato_read_compactsize(r, n)) return SATO_MSG_MALFORMED;
    if (*n * min_size > sato_reader_left(r)) return SATO_MSG_MALFORMED;
    return SATO_MSG_OK;
}

/* Entries past the limit are still read (so that an unreadable message
 * stays unreadable) but not kept. */
static size_t kept(uint64_t n, size_t limit) {
    return (size_t)(n < limit ? n : limit);
}

static int read_legacy_addr(sato_reader_t *r, sato_legacy_addr_t *a) {
    const unsigned char *port;
    return sato_read_u64(r, &a->services) && sato_read_bytes(r, a->ip, 16) && sato_read_span(r, &port, 2) &&
           ((a->port = (uint16_t)(port[0] << 8 | port[1])), 1);
}

static void write_legacy_addr(sato_buf_t *b, const sato_legacy_addr_t *a) {
    unsigned char port[2] = {(unsigned char)(a->port >> 8), (unsigned char)a->port};
    sato_buf_write_u64(b, a->services);
    sato_buf_write(b, a->ip, 16);
    sato_buf_write(b, port, 2);
}

sato_msg_result_t sato_msg_version_read(sato_msg_version_t *v, const unsigned char *p, size_t len) {
    sato_reader_t r;
    uint64_t n;
    const unsigned char *ua;
    uint8_t relay;
    memset(v, 0, sizeof(*v));
    v->relay = 1;
    sato_reader_init(&r, p, len);
    if (!sato_read_i32(&r, &v->version) || !sato_read_u64(&r, &v->services) || !sato_read_i64(&r, &v->time) ||
        !read_legacy_addr(&r, &v->addr_recv))
        return SATO_MSG_MALFORMED;
    /* The rest is optional, field by field, as very old peers sent less. */
    if (sato_reader_left(&r) == 0) return SATO_MSG_OK;
    if (!read_legacy_addr(&r, &v->addr_from) || !sato_read_u64(&r, &v->nonce)) return SATO_MSG_MALFORMED;
    if (sato_reader_left(&r) == 0) return SATO_MSG_OK;
    if (!sato_read_compactsize_any(&r, &n) || n > SATO_MAX_SUBVERSION_LENGTH || !sato_read_span(&r, &ua, (size_t)n))
        return SATO_MSG_MALFORMED;
    memcpy(v->user_agent, ua, (size_t)n);
    v->user_agent[n] = '\0';
    if (sato_reader_left(&r) == 0) return SATO_MSG_OK;
    if (!sato_read_i32(&r, &v->start_height)) return SATO_MSG_MALFORMED;
    if (sato_reader_left(&r) == 0) return SATO_MSG_OK;
    if (!sato_read_u8(&r, &relay)) return SATO_MSG_MALFORMED;
    v->relay = relay != 0;
    return SATO_MSG_OK;
}

void sato_msg_version_write(sato_buf_t *out, const sato_msg_version_t *v) {
    sato_buf_write_u32(out, (uint32_t)v->version);
    sato_buf_write_u64(out, v->services);
    sato_buf_write_u64(out, (uint64_t)v->time);
    write_legacy_addr(out, &v->addr_recv);
    write_legacy_addr(out, &v->addr_from);
    sato_buf_write_u64(out, v->nonce);
    sato_buf_write_varbytes(out, (const unsigned char *)v->user_agent, strlen(v->user_agent));
    sato_buf_write_u32(out, (uint32_t)v->start_height);
    sato_buf_write_u8(out, v->relay ? 1 : 0);
}

sato_msg_result_t sato_msg_inv_read(sato_msg_inv_t *m, const unsigned char *p, size_t len) {
    sato_reader_t r;
    uint64_t n, i;
    sato_msg_result_t res;
    memset(m, 0, sizeof(*m));
    sato_reader_init(&r, p, len);
    if ((res = read_count(&r, &n, 36)) != SATO_MSG_OK) return res;
    m->items = sato_malloc((kept(n, SATO_MAX_INV_SZ) + 1) * sizeof(*m->items));
    for (i = 0; i < n; i++) {
        sato_inv_t scratch, *it = i < SATO_MAX_INV_SZ ? &m->items[i] : &scratch;
        if (!sato_read_u32(&r, &it->type) || !sato_read_bytes(&r, it->hash, 32)) {
            sato_msg_inv_clear(m);
            return SATO_MSG_MALFORMED;
        }
    }
    m->n = kept(n, SATO_MAX_INV_SZ);
    if (n > SATO_MAX_INV_SZ) {
        sato_msg_inv_clear(m);
        return SATO_MSG_OVERSIZED;
    }
    return SATO_MSG_OK;
}

void sato_msg_inv_write(sato_buf_t *out, const sato_inv_t *items, size_t n) {
    size_t i;
    sato_buf_write_compactsize(out, n);
    for (i = 0; i < n; i++) {
        sato_buf_write_u32(out, items[i].type);
        sato_buf_write(out, items[i].hash, 32);
    }
}

void sato_msg_inv_clear(sato_msg_inv_t *m) {
    free(m->items);
    memset(m, 0, sizeof(*m));
}

sato_msg_result_t sato_msg_locator_read(sato_msg_locator_t *m, const unsigned char *p, size_t len) {
    sato_reader_t r;
    uint64_t n, i;
    sato_msg_result_t res;
    memset(m, 0, sizeof(*m));
    sato_reader_init(&r, p, len);
    if (!sato_read_u32(&r, &m->version)) return SATO_MSG_MALFORMED;
    if ((res = read_count(&r, &n, 32)) != SATO_MSG_OK) return res;
    m->locator = sato_malloc((kept(n, SATO_MAX_LOCATOR_SZ) + 1) * 32);
    for (i = 0; i < n; i++) {
        unsigned char scratch[32];
        if (!sato_read_bytes(&r, i < SATO_MAX_LOCATOR_SZ ? m->locator[i] : scratch, 32)) goto bad;
    }
    m->n = kept(n, SATO_MAX_LOCATOR_SZ);
    if (!sato_read_bytes(&r, m->stop, 32)) goto bad;
    if (n > SATO_MAX_LOCATOR_SZ) {
        sato_msg_locator_clear(m);
        return SATO_MSG_OVERSIZED;
    }
    return SATO_MSG_OK;
bad:
    sato_msg_locator_clear(m);
    return SATO_MSG_MALFORMED;
}

void sato_msg_locator_write(sato_buf_t *out, uint32_t version, const unsigned char (*locator)[32],
                            size_t n, const unsigned char stop[32]) {
    size_t i;
    sato_buf_write_u32(out, version);
    sato_buf_write_compactsize(out, n);
    for (i = 0; i < n; i++) sato_buf_write(out, locator[i], 32);
    sato_buf_write(out, stop, 32);
}

void sato_msg_locator_clear(sato_msg_locator_t *m) {
    free(m->locator);
    memset(m, 0, sizeof(*m));
}

sato_msg_result_t sato_msg_headers_read(sato_msg_headers_t *m, const unsigned char *p, size_t len) {
    sato_reader_t r;
    uint64_t n, i, txs;
    sato_msg_result_t res;
    memset(m, 0, sizeof(*m));
    sato_reader_init(&r, p, len);
    if ((res = read_count(&r, &n, SATO_BLOCK_HEADER_SIZE + 1)) != SATO_MSG_OK) return res;
    m->headers = sato_malloc((kept(n, SATO_MAX_HEADERS_RESULTS) + 1) * sizeof(*m->headers));
    for (i = 0; i < n; i++) {
        sato_block_header_t scratch;
        /* The transaction count after each header is read and ignored. */
        if (!sato_block_header_read(i < SATO_MAX_HEADERS_RESULTS ? &m->headers[i] : &scratch, &r) ||
            !sato_read_compactsize(&r, &txs)) {
            sato_msg_headers_clear(m);
            return SATO_MSG_MALFORMED;
        }
    }
    m->n = kept(n, SATO_MAX_HEADERS_RESULTS);
    if (n > SATO_MAX_HEADERS_RESULTS) {
        sato_msg_headers_clear(m);
        return SATO_MSG_OVERSIZED;
    }
    return SATO_MSG_OK;
}

void sato_msg_headers_write(sato_buf_t *out, const sato_block_header_t *headers, size_t n) {
    size_t i;
    sato_buf_write_compactsize(out, n);
    for (i = 0; i < n; i++) {
        sato_block_header_write(out, &headers[i]);
        sato_buf_write_u8(out, 0);
    }
}

void sato_msg_headers_clear(sato_msg_headers_t *m) {
    free(m->headers);
    memset(m, 0, sizeof(*m));
}

sato_msg_result_t sato_msg_addr_read(sato_msg_addr_t *m, const unsigned char *p, size_t len, int v2) {
    sato_reader_t r;
    uint64_t n, i;
    sato_msg_result_t res;
    memset(m, 0, sizeof(*m));
    sato_reader_init(&r, p, len);
    /* addrv2 entries are at least 4 + 1 + 1 + 1 + 2 bytes; legacy 30. */
    if ((res = read_count(&r, &n, v2 ? 9 : 30)) != SATO_MSG_OK) return res;
    m->entries = sato_malloc((kept(n, SATO_MAX_ADDR_TO_SEND) + 1) * sizeof(*m->entries));
    for (i = 0; i < n; i++) {
        sato_addr_entry_t scratch, *e = m->n < SATO_MAX_ADDR_TO_SEND ? &m->entries[m->n] : &scratch;
        if (!sato_read_u32(&r, &e->time)) goto bad;
        if (v2) {
            int rc;
            if (!sato_read_compactsize_any(&r, &e->services)) goto bad;
            rc = sato_netaddr_read_v2(&r, &e->addr);
            if (rc == 0) goto bad;
            if (rc < 0) {
                m->skipped++;
                continue;
            }
        } else {
            sato_legacy_addr_t la;
            if (!read_legacy_addr(&r, &la)) goto bad;
            e->services = la.services;
            if (!sato_netaddr_from_legacy(&e->addr, la.ip, la.port)) {
                m->skipped++;
                continue;
            }
        }
        if (e != &scratch) m->n++;
    }
    if (n > SATO_MAX_ADDR_TO_SEND) {
        sato_msg_addr_clear(m);
        return SATO_MSG_OVERSIZED;
    }
    return SATO_MSG_OK;
bad:
    sato_msg_addr_clear(m);
    return SATO_MSG_MALFORMED;
}

void sato_msg_addr_write(sato_buf_t *out, const sato_addr_entry_t *entries, size_t n, int v2) {
    size_t i;
    sato_buf_write_compactsize(out, n);
    for (i = 0; i < n; i++) {
        sato_buf_write_u32(out, entries[i].time);
        if (v2) {
            sato_buf_write_compactsize(out, entries[i].services);
            sato_netaddr_write_v2(out, &entries[i].addr);
        } else {
            sato_legacy_addr_t la;
            la.services = entries[i].services;
            sato_netaddr_to_legacy(la.ip, &entries[i].addr);
            la.port = entries[i].addr.port;
            write_legacy_addr(out, &la);
        }
    }
}

void sato_msg_addr_clear(sato_msg_addr_t *m) {
    free(m->entries);
    memset(m, 0, sizeof(*m));
}

sato_msg_result_t sato_msg_nonce_read(uint64_t *nonce, const unsigned char *p, size_t len) {
    sato_reader_t r;
    *nonce = 0;
    sato_reader_init(&r, p, len);
    return sato_read_u64(&r, nonce) ? SATO_MSG_OK : SATO_MSG_MALFORMED;
}

void sato_msg_nonce_write(sato_buf_t *out, uint64_t nonce) {
    sato_buf_write_u64(out, nonce);
}

sato_msg_result_t sato_msg_sendcmpct_read(uint8_t *announce, uint64_t *version, const unsigned char *p,
                                          size_t len) {
    sato_reader_t r;
    sato_reader_init(&r, p, len);
    return sato_read_u8(&r, announce) && sato_read_u64(&r, version) ? SATO_MSG_OK : SATO_MSG_MALFORMED;
}

void sato_msg_sendcmpct_write(sato_buf_t *out, int announce, uint64_t version) {
    sato_buf_write_u8(out, announce ? 1 : 0);
    sato_buf_write_u64(out, version);
}

sato_msg_result_t sato_msg_feefilter_read(int64_t *feerate, const unsigned char *p, size_t len) {
    sato_reader_t r;
    sato_reader_init(&r, p, len);
    return sato_read_i64(&r, feerate) ? SATO_MSG_OK : SATO_MSG_MALFORMED;
}

void sato_msg_feefilter_write(sato_buf_t *out, int64_t feerate) {
    sato_buf_write_u64(out, (uint64_t)feerate);
}

sato_msg_result_t sato_msg_block_read(sato_block_t *b, const unsigned char *p, size_t len) {
    sato_reader_t r;
    sato_reader_init(&r, p, len);
    if (!sato_block_read(b, &r)) return SATO_MSG_MALFORMED;
    return SATO_MSG_OK;
}

sato_msg_result_t sato_msg_tx_read(sato_tx_t *tx, const unsigned char *p, size_t len) {
    sato_reader_t r;
    sato_reader_init(&r, p, len);
    return sato_tx_read(tx, &r, 1) ? SATO_MSG_OK : SATO_MSG_MALFORMED;
}
