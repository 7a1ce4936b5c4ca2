#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sato/args.h"
#include "sato/httpd.h"
#include "sato/log.h"
#include "sato/mem.h"
#include "sato/workq.h"

typedef struct {
    int family;
    unsigned char addr[16], mask[16];
} subnet_t;

typedef struct job {
    struct evhttp_request *req;
    sato_httpd_t *h;
    char *body;
    size_t len;
    char *authz;
    char *reply;
    int status;
    struct job *prev, *next; /* every live job, so stop can free them */
} job_t;

struct sato_httpd {
    sato_httpd_config_t cfg;
    struct evhttp *http;
    subnet_t *allow;
    size_t nallow;
    job_t *live; /* touched only on the loop thread (and at stop) */
};

int sato_subnet_parse(const char *text, unsigned char addr[16], unsigned char mask[16], int *family) {
    char host[64];
    const char *slash = strchr(text, '/');
    size_t hl = slash ? (size_t)(slash - text) : strlen(text), alen, i;
    int64_t bits;
    memset(addr, 0, 16);
    memset(mask, 0, 16);
    if (hl == 0 || hl >= sizeof(host)) return 0;
    memcpy(host, text, hl);
    host[hl] = '\0';
    if (inet_pton(AF_INET, host, addr) == 1) {
        *family = AF_INET;
        alen = 4;
    } else if (inet_pton(AF_INET6, host, addr) == 1) {
        *family = AF_INET6;
        alen = 16;
    } else {
        return 0;
    }
    if (slash == NULL) {
        bits = (int64_t)alen * 8;
    } else if (!sato_parse_int64(slash + 1, &bits)) {
        /* A dotted netmask, which must be contiguous ones. */
        unsigned char m[16];
        int seen_zero = 0;
        if (*family != AF_INET || inet_pton(AF_INET, slash + 1, m) != 1) return 0;
        for (i = 0; i < 32; i++) {
            int bit = m[i / 8] >> (7 - i % 8) & 1;
            if (bit && seen_zero) return 0;
            if (!bit) seen_zero = 1;
        }
        memcpy(mask, m, 4);
        for (i = 0; i < 4; i++) addr[i] &= mask[i];
        return 1;
    }
    if (bits < 0 || bits > (int64_t)alen * 8) return 0;
    for (i = 0; i < (size_t)bits; i++) mask[i / 8] |= (unsigned char)(0x80 >> (i % 8));
    for (i = 0; i < alen; i++) addr[i] &= mask[i];
    return 1;
}

static int peer_allowed(const sato_httpd_t *h, const char *ip) {
    unsigned char a[16] = {0};
    size_t i, j, n;
    int family;
    if (inet_pton(AF_INET, ip, a) == 1) {
        family = AF_INET;
        if (a[0] == 127) return 1;
    } else if (inet_pton(AF_INET6, ip, a) == 1) {
        static const unsigned char loop6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        family = AF_INET6;
        if (memcmp(a, loop6, 16) == 0) return 1;
        if (memcmp(a, mapped, 12) == 0) { /* IPv4-mapped: judge as IPv4 */
            memmove(a, a + 12, 4);
            memset(a + 4, 0, 12);
            family = AF_INET;
            if (a[0] == 127) return 1;
        }
    } else {
        return 0;
    }
    n = family == AF_INET ? 4 : 16;
    for (i = 0; i < h->nallow; i++) {
        const subnet_t *s = &h->allow[i];
        if (s->family != family) continue;
        for (j = 0; j < n; j++)
            if ((a[j] & s->mask[j]) != s->addr[j]) break;
        if (j == n) return 1;
    }
    return 0;
}

static void job_free(job_t *j) {
    free(j->body);
    free(j->authz);
    free(j->reply);
    free(j);
}

static void unlink_job(sato_httpd_t *h, job_t *j) {
    if (j->prev) j->prev->next = j->next;
    else h->live = j->next;
    if (j->next) j->next->prev = j->prev;
}

static void send_text(struct evhttp_request *req, int status, const char *text) {
    struct evbuffer *out = evhttp_request_get_output_buffer(req);
    if (text) {
        evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "application/json");
        evbuffer_add(out, text, strlen(text));
        evbuffer_add(out, "\n", 1);
    }
    evhttp_send_reply(req, status, NULL, NULL);
}

/* Runs on the event loop: hands a worker's result to libevent. */
static void deliver(evutil_socket_t fd, short what, void *arg) {
    job_t *j = arg;
    sato_httpd_t *h = j->h;
    (void)fd;
    (void)what;
    unlink_job(h, j);
    if (j->status == 401) {
        evhttp_add_header(evhttp_request_get_output_headers(j->req), "WWW-Authenticate",
                          "Basic realm=\"jsonrpc\"");
        evhttp_send_reply(j->req, 401, NULL, NULL);
    } else {
        send_text(j->req, j->status, j->reply);
    }
    job_free(j);
}

/* Runs on a worker of the shared queue. */
static void execute(void *arg) {
    job_t *j = arg;
    sato_httpd_t *h = j->h;
    struct timeval now = {0, 0};
    if (!sato_rpcauth_check(h->cfg.auth, j->authz)) {
        /* Slows password guessing; only a worker waits, never the loop. */
        struct timespec ts = {0, 250 * 1000 * 1000};
        nanosleep(&ts, NULL);
        sato_log_printf("ThreadRPCServer incorrect password attempt");
        j->status = 401;
    } else {
        j->reply = sato_rpc_execute_body(h->cfg.table, h->cfg.ctx, j->body, j->len, &j->status);
    }
    event_base_once(h->cfg.base, -1, EV_TIMEOUT, deliver, j, &now);
}

/* Runs on the event loop for every request. */
static void on_request(struct evhttp_request *req, void *arg) {
    sato_httpd_t *h = arg;
    struct evhttp_connection *conn = evhttp_request_get_connection(req);
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    const char *authz;
    char *peer = NULL;
    ev_uint16_t port = 0;
    job_t *j;

    if (conn) evhttp_connection_get_peer(conn, &peer, &port);
    if (peer == NULL || !peer_allowed(h, peer)) {
        sato_log_printf("Received a request from %s, which -rpcallowip does not permit",
                        peer ? peer : "?");
        evhttp_send_reply(req, 403, "Forbidden", NULL);
        return;
    }
    if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
        evhttp_send_reply(req, 405, "Method Not Allowed", NULL);
        return;
    }
    authz = evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
    j = sato_calloc(1, sizeof(*j));
    j->req = req;
    j->h = h;
    j->len = evbuffer_get_length(in);
    j->body = sato_malloc(j->len + 1);
    evbuffer_remove(in, j->body, j->len);
    j->body[j->len] = '\0';
    j->authz = authz ? sato_strdup(authz) : NULL;
    j->next = h->live;
    if (h->live) h->live->prev = j;
    h->live = j;
    if (!sato_workq_submit(h->cfg.workq, execute, j)) {
        unlink_job(h, j);
        sato_log_printf("WARNING: request rejected because http work queue depth exceeded, "
                        "it can be increased with the -rpcworkqueue= setting");
        job_free(j);
        evhttp_send_reply(req, 503, "Work queue depth exceeded", NULL);
    }
}

static int bind_one(sato_httpd_t *h, const char *spec, char *err, size_t errlen) {
    char host[256];
    const char *p = spec, *colon;
    int64_t port = h->cfg.port;
    size_t hl;
    if (*p == '[') {
        const char *close = strchr(p, ']');
        if (close == NULL) goto bad;
        hl = (size_t)(close - p - 1);
        if (hl >= sizeof(host)) goto bad;
        memcpy(host, p + 1, hl);
        host[hl] = '\0';
        colon = close[1] == ':' ? close + 1 : NULL;
        if (close[1] != '\0' && colon == NULL) goto bad;
    } else {
        colon = strrchr(p, ':');
        if (colon && strchr(p, ':') != colon) colon = NULL; /* bare IPv6 */
        hl = colon ? (size_t)(colon - p) : strlen(p);
        if (hl >= sizeof(host) || hl == 0) goto bad;
        memcpy(host, p, hl);
        host[hl] = '\0';
    }
    if (colon && (!sato_parse_int64(colon + 1, &port) || port <= 0 || port > 65535)) goto bad;
    if (evhttp_bind_socket(h->http, host, (ev_uint16_t)port) != 0) {
        snprintf(err, errlen, "Unable to bind RPC server to %s port %d", host, (int)port);
        return 0;
    }
    sato_log_printf("Binding RPC on address %s port %d", host, (int)port);
    return 1;
bad:
    snprintf(err, errlen, "Invalid -rpcbind address '%s'", spec);
    return 0;
}

sato_httpd_t *sato_httpd_start(const sato_httpd_config_t *cfg, char *err, size_t errlen) {
    sato_httpd_t *h = sato_calloc(1, sizeof(*h));
    size_t i;
    int bound = 0;
    h->cfg = *cfg;
    h->allow = sato_calloc(cfg->nallow + 1, sizeof(*h->allow));
    for (i = 0; i < cfg->nallow; i++) {
        if (!sato_subnet_parse(cfg->allow[i], h->allow[i].addr, h->allow[i].mask, &h->allow[i].family)) {
            snprintf(err, errlen, "Invalid -rpcallowip subnet specification: %s. Valid are a single IP "
                     "(e.g. 1.2.3.4), a network/netmask (e.g. 1.2.3.4/255.255.255.0) or a network/CIDR "
                     "(e.g. 1.2.3.4/24).", cfg->allow[i]);
            goto fail;
        }
        h->nallow++;
    }
    h->http = evhttp_new(cfg->base);
    evhttp_set_max_body_size(h->http, (ev_ssize_t)cfg->max_body);
    evhttp_set_max_headers_size(h->http, 8192);
    evhttp_set_timeout(h->http, cfg->timeout_s > 0 ? cfg->timeout_s : 30);
    evhttp_set_allowed_methods(h->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                            EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE | EVHTTP_REQ_OPTIONS);
    evhttp_set_gencb(h->http, on_request, h);
    if (cfg->nbind == 0) {
        /* Loopback only, on both families; one of them may be missing. */
        char e2[256];
        if (bind_one(h, "127.0.0.1", err, errlen)) bound++;
        if (bind_one(h, "::1", e2, sizeof(e2))) bound++;
    } else {
        for (i = 0; i < cfg->nbind; i++) {
            if (!bind_one(h, cfg->bind[i], err, errlen)) goto fail;
            bound++;
        }
    }
    if (bound == 0) goto fail;
    return h;
fail:
    sato_httpd_stop(h);
    return NULL;
}

void sato_httpd_stop(sato_httpd_t *h) {
    if (h == NULL) return;
    /* evhttp_free closes connections and frees their requests; the jobs
     * that referred to them are freed here. */
    if (h->http) evhttp_free(h->http);
    while (h->live) {
        job_t *j = h->live;
        unlink_job(h, j);
        job_free(j);
    }
    free(h->allow);
    free(h);
}
