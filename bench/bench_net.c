/* The network's hot paths. Messages: a stream of framed inv, headers and
 * ping messages through the stream decoder and the parsers, against the
 * double SHA-256 of the same payloads with OpenSSL (every byte must be
 * hashed once for its checksum). Headers: 2,000-header batches checked
 * and stored by the chain state, against OpenSSL's double SHA-256 of the
 * same headers (the proof-of-work hash each one needs). */
#define _GNU_SOURCE
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "chaingen.h"
#include "sato/chainstate.h"
#include "sato/mem.h"
#include "sato/protocol.h"

static const unsigned char MAGIC[4] = {0xfa, 0xbf, 0xb5, 0xda};

typedef struct {
    sato_buf_t stream;
    size_t messages;
    const unsigned char **payloads;
    size_t *lens;
} stream_t;

static void decode_all(void *arg) {
    stream_t *s = arg;
    sato_msgreader_t r;
    size_t pos = 0, n = 0;
    sato_msgreader_init(&r, MAGIC);
    while (pos < s->stream.len) {
        size_t used, plen;
        const unsigned char *p;
        sato_frame_result_t ev = sato_msgreader_feed(&r, s->stream.data + pos, s->stream.len - pos, &used, &p, &plen);
        pos += used;
        if (ev != SATO_FRAME_MESSAGE) continue;
        n++;
        if (strcmp(r.command, "inv") == 0) {
            sato_msg_inv_t m;
            if (sato_msg_inv_read(&m, p, plen) != SATO_MSG_OK) abort();
            sato_msg_inv_clear(&m);
        } else if (strcmp(r.command, "headers") == 0) {
            sato_msg_headers_t m;
            if (sato_msg_headers_read(&m, p, plen) != SATO_MSG_OK) abort();
            sato_msg_headers_clear(&m);
        } else {
            uint64_t nonce;
            if (sato_msg_nonce_read(&nonce, p, plen) != SATO_MSG_OK) abort();
        }
    }
    if (n != s->messages) abort();
    sato_msgreader_clear(&r);
}

static void openssl_checksums(void *arg) {
    stream_t *s = arg;
    size_t i;
    for (i = 0; i < s->messages; i++) {
        unsigned char h[32];
        SHA256(s->payloads[i], s->lens[i], h);
        SHA256(h, 32, h);
    }
}

static void bench_messages(void) {
    stream_t s;
    sato_buf_t payload;
    sato_inv_t inv[500];
    sato_block_header_t hdrs[2000];
    size_t i, k, off;
    double t_ours, t_ossl;
    memset(&s, 0, sizeof(s));
    sato_buf_init(&s.stream);
    sato_buf_init(&payload);
    for (i = 0; i < 500; i++) {
        inv[i].type = SATO_MSG_WITNESS_TX;
        memset(inv[i].hash, (int)i, 32);
    }
    memset(hdrs, 7, sizeof(hdrs));
    s.messages = 300;
    s.payloads = sato_calloc(s.messages, sizeof(*s.payloads));
    s.lens = sato_calloc(s.messages, sizeof(*s.lens));
    for (k = 0; k < s.messages; k++) {
        payload.len = 0;
        if (k % 3 == 0) sato_msg_inv_write(&payload, inv, 500);
        else if (k % 3 == 1) sato_msg_headers_write(&payload, hdrs, k % 30 == 1 ? 2000 : 20);
        else sato_msg_nonce_write(&payload, k);
        sato_msg_frame(&s.stream, MAGIC, k % 3 == 0 ? "inv" : k % 3 == 1 ? "headers" : "ping", payload.data,
                       payload.len);
    }
    /* Where each payload sits in the stream, for the anchor. */
    for (k = 0, off = 0; k < s.messages; k++) {
        uint32_t len = sato_le32(s.stream.data + off + 16);
        s.payloads[k] = s.stream.data + off + 24;
        s.lens[k] = len;
        off += 24 + len;
    }
    bench_compare(decode_all, &s, &t_ours, openssl_checksums, &s, &t_ossl, 2 * BENCH_SECONDS);
    printf("net messages: %.0f msg/s (%.0f MB/s) decoded and parsed; OpenSSL checksums alone %.0f MB/s -> %.2fx "
           "the hashing's time\n",
           (double)s.messages / t_ours, (double)s.stream.len / t_ours / 1e6, (double)s.stream.len / t_ossl / 1e6,
           t_ours / t_ossl);
    free(s.payloads);
    free(s.lens);
    sato_buf_clear(&payload);
    sato_buf_clear(&s.stream);
}

#define N_HEADERS 6000

typedef struct {
    sato_block_header_t *h;
    char dir[256];
} headers_t;

static void store_headers(void *arg) {
    headers_t *x = arg;
    sato_chainstate_opts_t o;
    sato_chainstate_t *cs = NULL;
    size_t i;
    char cmd[300];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", x->dir);
    if (system(cmd) != 0) abort();
    sato_chainstate_opts_init(&o, &sato_chainparams_regtest, x->dir);
    o.no_check_blocks = 1;
    if (sato_chainstate_open(&cs, &o) != SATO_OK) abort();
    for (i = 0; i < N_HEADERS; i += 2000) {
        sato_block_state_t st;
        if (sato_chainstate_process_headers(cs, &st, x->h + i, 2000) != SATO_OK || !sato_validation_is_valid(&st))
            abort();
    }
    sato_chainstate_destroy(cs);
}

static void openssl_header_hashes(void *arg) {
    headers_t *x = arg;
    size_t i;
    for (i = 0; i < N_HEADERS; i++) {
        unsigned char raw[80], h[32];
        sato_block_header_serialize(raw, &x->h[i]);
        SHA256(raw, 80, h);
        SHA256(h, 32, h);
    }
}

static void bench_headers(void) {
    headers_t x;
    chaingen_t g;
    size_t i;
    double t_ours, t_ossl;
    x.h = sato_calloc(N_HEADERS, sizeof(*x.h));
    chaingen_init(&g, &sato_chainparams_regtest, 11);
    for (i = 0; i < N_HEADERS; i++) {
        sato_block_t b;
        chaingen_next(&g, &b, 0, 0, 0);
        x.h[i] = b.header;
        sato_block_clear(&b);
    }
    snprintf(x.dir, sizeof(x.dir), "/tmp/sato-bench-headers-%d", (int)getpid());
    /* Opening an empty chain state is part of each round; it is small
     * next to 6,000 headers but makes the figure a lower bound. */
    bench_compare(store_headers, &x, &t_ours, openssl_header_hashes, &x, &t_ossl, 4 * BENCH_SECONDS);
    printf("headers: %.0f headers/s checked and stored (in 2,000-header batches, chain state open included); "
           "OpenSSL PoW hashes %.0f/s -> %.1fx the hashing's time\n",
           N_HEADERS / t_ours, N_HEADERS / t_ossl, t_ours / t_ossl);
    {
        char cmd[300];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", x.dir);
        if (system(cmd) != 0) abort();
    }
    chaingen_clear(&g);
    free(x.h);
}

void bench_net(void) {
    bench_messages();
    bench_headers();
}
