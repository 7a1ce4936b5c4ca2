#ifndef SATO_HTTPD_H
#define SATO_HTTPD_H

#include <stddef.h>
#include <stdint.h>

#include "sato/rpc.h"
#include "sato/rpcauth.h"

struct event_base;

/* The JSON-RPC HTTP server: libevent's evhttp accepts and reads requests
 * on the event loop; the node's shared work queue (workq.h) authenticates
 * and executes them; replies go back through the loop. A full queue is
 * answered 503. */
typedef struct {
    struct event_base *base; /* created after evthread_use_pthreads() */
    const sato_rpc_table_t *table;
    const sato_rpc_context_t *ctx;
    const sato_rpcauth_t *auth;
    const char *const *bind; /* "host", "host:port", "[v6]:port" */
    size_t nbind;
    uint16_t port;
    const char *const *allow; /* subnets beyond loopback: "1.2.3.4", "10.0.0.0/8", "fe80::/10" */
    size_t nallow;
    struct sato_workq *workq; /* owned by the caller, outlives the server's loop */
    size_t max_body;
    int timeout_s;
} sato_httpd_config_t;

typedef struct sato_httpd sato_httpd_t;

/* Binds and starts the workers. Returns NULL with a message on failure
 * (e.g. an address in use or a malformed -rpcallowip). */
sato_httpd_t *sato_httpd_start(const sato_httpd_config_t *cfg, char *err, size_t errlen);
/* Closes the listeners and frees what requests were left; call after the
 * loop ended and the work queue was destroyed. */
void sato_httpd_stop(sato_httpd_t *h);

/* Parses a -rpcallowip subnet (exposed for tests); 0 if malformed. */
int sato_subnet_parse(const char *text, unsigned char addr[16], unsigned char mask[16], int *family);

#endif
