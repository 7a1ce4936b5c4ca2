#ifndef SATO_RPC_H
#define SATO_RPC_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sato/chainparams.h"

/* Bitcoin Core's JSON-RPC error codes. */
enum {
    SATO_RPC_INVALID_REQUEST = -32600,
    SATO_RPC_METHOD_NOT_FOUND = -32601,
    SATO_RPC_INVALID_PARAMS = -32602,
    SATO_RPC_INTERNAL_ERROR = -32603,
    SATO_RPC_PARSE_ERROR = -32700,
    SATO_RPC_MISC_ERROR = -1,
    SATO_RPC_TYPE_ERROR = -3,
    SATO_RPC_INVALID_ADDRESS_OR_KEY = -5,
    SATO_RPC_OUT_OF_MEMORY = -7,
    SATO_RPC_INVALID_PARAMETER = -8,
    SATO_RPC_DATABASE_ERROR = -20,
    SATO_RPC_DESERIALIZATION_ERROR = -22,
    SATO_RPC_VERIFY_ERROR = -25,
    SATO_RPC_VERIFY_REJECTED = -26,
    SATO_RPC_VERIFY_ALREADY_IN_CHAIN = -27,
    SATO_RPC_IN_WARMUP = -28,
    SATO_RPC_METHOD_DEPRECATED = -32
};

struct sato_chainctl;

/* Bitcoin Core's warm-up state: from the moment the server listens until
 * the node has loaded, every call (known method or not) is answered
 * RPC_IN_WARMUP with the current status ("RPC server started", then
 * "Loading block index…", "Verifying blocks…"). Thread-safe. */
typedef struct sato_rpc_warmup sato_rpc_warmup_t;
sato_rpc_warmup_t *sato_rpc_warmup_create(void);
void sato_rpc_warmup_destroy(sato_rpc_warmup_t *w);
void sato_rpc_warmup_set_status(sato_rpc_warmup_t *w, const char *status);
/* Ends the warm-up; what was published before it is visible to every
 * call after it. */
void sato_rpc_warmup_finish(sato_rpc_warmup_t *w);
/* 1 (status copied out) while warming up, 0 after. */
int sato_rpc_warmup_status(sato_rpc_warmup_t *w, char *status, size_t len);

/* What every method may use besides its parameters. */
typedef struct {
    const sato_chainparams_t *chain;
    void *node; /* the daemon's state, opaque to the server */
    /* The shared chain state (chainctl.h); NULL where there is none, and
     * then the chain methods answer RPC_IN_WARMUP. */
    struct sato_chainctl *chainctl;
    /* NULL: no warm-up (tests, tools). */
    sato_rpc_warmup_t *warmup;
    /* The peer-to-peer node (net.h); NULL without one. */
    struct sato_net *net;
} sato_rpc_context_t;

/* What a method handler gets: its parameters, already converted from
 * named to positional form (missing trailing ones absent, explicit nulls
 * kept as JSON null), and the context it serves. */
typedef struct {
    json_t *params; /* array */
    const sato_rpc_context_t *ctx;
    void *node; /* ctx->node, for brevity */
    /* Set by the handler on failure. */
    int err_code;
    char err_msg[4096];
} sato_rpc_request_t;

/* Returns the result (a new reference), or NULL with err_code set. */
typedef json_t *(*sato_rpc_handler_t)(sato_rpc_request_t *req);

typedef struct {
    const char *category;
    const char *name;
    sato_rpc_handler_t handler;
    /* Parameter names in order, NULL-terminated, for named calls. */
    const char *const *arg_names;
    /* First line: the call synopsis; the rest: what it does. */
    const char *help;
    /* Leading parameters that must be given. A call with fewer, or with
     * more than arg_names lists, gets the help text as its error
     * (RPC_MISC_ERROR), as Bitcoin Core answers. */
    size_t nrequired;
} sato_rpc_method_t;

/* Fills req's error; always returns NULL so handlers can `return`. */
json_t *sato_rpc_error(sato_rpc_request_t *req, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Parameter access with Bitcoin Core's type errors. `i` is the position. */
int sato_rpc_has_param(const sato_rpc_request_t *req, size_t i);
json_t *sato_rpc_param(const sato_rpc_request_t *req, size_t i);
int sato_rpc_param_int(sato_rpc_request_t *req, size_t i, int64_t def, int64_t *out);
int sato_rpc_param_bool(sato_rpc_request_t *req, size_t i, int def, int *out);
int sato_rpc_param_str(sato_rpc_request_t *req, size_t i, const char *def, const char **out);
/* A required string: null is a type error, as in Core. */
int sato_rpc_param_str_required(sato_rpc_request_t *req, size_t i, const char **out);

/* The method table; modules register theirs before the server starts. */
typedef struct sato_rpc_table sato_rpc_table_t;

sato_rpc_table_t *sato_rpc_table_create(void);
void sato_rpc_table_destroy(sato_rpc_table_t *t);
void sato_rpc_table_add(sato_rpc_table_t *t, const sato_rpc_method_t *methods, size_t n);
const sato_rpc_method_t *sato_rpc_table_find(const sato_rpc_table_t *t, const char *name);
size_t sato_rpc_table_count(const sato_rpc_table_t *t);
const sato_rpc_method_t *sato_rpc_table_at(const sato_rpc_table_t *t, size_t i);

/* Executes one JSON-RPC request object and returns the reply object, or
 * NULL for a JSON-RPC 2.0 notification. *http_status receives the status
 * Bitcoin Core would send for it alone. */
json_t *sato_rpc_execute(const sato_rpc_table_t *t, const sato_rpc_context_t *ctx, const json_t *request,
                         int *http_status);

/* Executes a request body (one object or a batch array) and returns the
 * JSON text to send (caller frees) with its HTTP status; NULL with status
 * 204 when nothing is to be sent. */
char *sato_rpc_execute_body(const sato_rpc_table_t *t, const sato_rpc_context_t *ctx, const char *body,
                            size_t len, int *http_status);

#endif
