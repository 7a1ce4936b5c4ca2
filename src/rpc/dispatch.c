/* JSON-RPC request execution: the server's table (each method's interface
 * with its handler), request validation, named parameters, the argument
 * checks the interface implies (count, types), the chain lock and tip
 * reports the method's flags ask for, and the reply shapes of JSON-RPC
 * 1.0 (Bitcoin Core's legacy form) and 2.0. Transport-free, so it is
 * tested without sockets. */
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/chainctl.h"
#include "sato/json_out.h"
#include "sato/mem.h"
#include "sato/rpc.h"

typedef struct {
    const sato_rpc_method_t *m;
    sato_rpc_handler_t handler;
} entry_t;

struct sato_rpc_table {
    entry_t *entries;
    size_t n, cap;
};

sato_rpc_table_t *sato_rpc_table_create(void) {
    return sato_calloc(1, sizeof(sato_rpc_table_t));
}

void sato_rpc_table_destroy(sato_rpc_table_t *t) {
    if (t == NULL) return;
    free(t->entries);
    free(t);
}

void sato_rpc_table_add(sato_rpc_table_t *t, const sato_rpc_method_t *m, sato_rpc_handler_t handler) {
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        t->entries = sato_realloc(t->entries, t->cap * sizeof(*t->entries));
    }
    t->entries[t->n].m = m;
    t->entries[t->n].handler = handler;
    t->n++;
}

void sato_rpc_table_bind(sato_rpc_table_t *t, const sato_rpc_impl_t *impls, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        const sato_rpc_method_t *m = sato_rpc_method_find(impls[i].name);
        if (m == NULL) {
            fprintf(stderr, "RPC method %s has no entry in the method table\n", impls[i].name);
            abort();
        }
        sato_rpc_table_add(t, m, impls[i].handler);
    }
}

static const entry_t *find_entry(const sato_rpc_table_t *t, const char *name) {
    size_t i;
    for (i = 0; i < t->n; i++)
        if (strcmp(t->entries[i].m->name, name) == 0) return &t->entries[i];
    return NULL;
}

const sato_rpc_method_t *sato_rpc_table_find(const sato_rpc_table_t *t, const char *name) {
    const entry_t *e = find_entry(t, name);
    return e ? e->m : NULL;
}

size_t sato_rpc_table_count(const sato_rpc_table_t *t) {
    return t->n;
}

const sato_rpc_method_t *sato_rpc_table_at(const sato_rpc_table_t *t, size_t i) {
    return i < t->n ? t->entries[i].m : NULL;
}

json_t *sato_rpc_error(sato_rpc_request_t *req, int code, const char *fmt, ...) {
    va_list ap, again;
    int n;
    req->err_code = code;
    va_start(ap, fmt);
    va_copy(again, ap);
    n = vsnprintf(req->err_msg, sizeof(req->err_msg), fmt, ap);
    free(req->err_long);
    req->err_long = NULL;
    if (n >= (int)sizeof(req->err_msg)) { /* a help text, say */
        req->err_long = sato_malloc((size_t)n + 1);
        vsnprintf(req->err_long, (size_t)n + 1, fmt, again);
    }
    va_end(again);
    va_end(ap);
    return NULL;
}

int sato_rpc_has_param(const sato_rpc_request_t *req, size_t i) {
    json_t *v = json_array_get(req->params, i);
    return v != NULL && !json_is_null(v);
}

json_t *sato_rpc_param(const sato_rpc_request_t *req, size_t i) {
    json_t *v = json_array_get(req->params, i);
    return (v == NULL || json_is_null(v)) ? NULL : v;
}

/* UniValue's type names, as Core's type errors print them. */
static const char *type_name(const json_t *v) {
    if (v == NULL) return "null";
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER:
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "bool";
    default: return "null";
    }
}

static json_t *type_error(sato_rpc_request_t *req, const json_t *v, const char *expected) {
    return sato_rpc_error(req, SATO_RPC_TYPE_ERROR, "JSON value of type %s is not of expected type %s",
                          type_name(v), expected);
}

json_t *sato_rpc_arg(sato_rpc_request_t *req, size_t i) {
    const sato_rpc_arg_t *a;
    json_t *v = sato_rpc_param(req, i), *d;
    if (v != NULL) return v;
    if (req->method == NULL || i >= sato_rpc_method_nargs(req->method)) return NULL;
    a = &req->method->args[i];
    if (a->fallback != SATO_RPC_DEFAULT) return NULL;
    if (req->defaults == NULL) req->defaults = json_object();
    if ((d = json_object_get(req->defaults, a->names)) == NULL) {
        d = json_loads(a->def, JSON_DECODE_ANY, NULL);
        if (d == NULL) abort(); /* a default in the table that is not JSON */
        json_object_set_new(req->defaults, a->names, d);
    }
    return d;
}

int sato_rpc_arg_int(sato_rpc_request_t *req, size_t i, int64_t min, int64_t max, int64_t *out) {
    json_t *v = sato_rpc_arg(req, i);
    *out = 0;
    if (v == NULL) return 1;
    if (json_is_real(v)) {
        sato_rpc_error(req, SATO_RPC_MISC_ERROR, "JSON integer out of range");
        return 0;
    }
    if (!json_is_integer(v)) {
        type_error(req, v, "number");
        return 0;
    }
    if (json_integer_value(v) < min || json_integer_value(v) > max) {
        sato_rpc_error(req, SATO_RPC_MISC_ERROR, "JSON integer out of range");
        return 0;
    }
    *out = json_integer_value(v);
    return 1;
}

int sato_rpc_arg_bool(sato_rpc_request_t *req, size_t i) {
    return json_is_true(sato_rpc_arg(req, i));
}

const char *sato_rpc_arg_str(sato_rpc_request_t *req, size_t i) {
    return json_string_value(sato_rpc_arg(req, i));
}

int sato_rpc_arg_verbosity(sato_rpc_request_t *req, size_t i, int *out) {
    json_t *v = sato_rpc_arg(req, i);
    int64_t n;
    *out = 0;
    if (v != NULL && json_is_boolean(v)) {
        *out = json_is_true(v);
        return 1;
    }
    if (!sato_rpc_arg_int(req, i, INT32_MIN, INT32_MAX, &n)) return 0;
    *out = (int)n;
    return 1;
}

/* Core's RPCArg::MatchesType: what the argument's type demands of the
 * JSON value, NULL when anything goes. */
static const char *expected_type(const sato_rpc_arg_t *a) {
    if (a->opts & SATO_RPC_ARG_SKIP_TYPE_CHECK) return NULL;
    switch (a->type) {
    case SATO_RPC_ARG_STR:
    case SATO_RPC_ARG_STR_HEX: return "string";
    case SATO_RPC_ARG_NUM: return "number";
    case SATO_RPC_ARG_BOOL: return "bool";
    case SATO_RPC_ARG_OBJ:
    case SATO_RPC_ARG_OBJ_USER_KEYS: return "object";
    case SATO_RPC_ARG_ARR: return "array";
    case SATO_RPC_ARG_AMOUNT:
    case SATO_RPC_ARG_RANGE: return NULL; /* the handler reads either form */
    }
    return NULL;
}

/* The first argument whose value is not of its type: RPC_TYPE_ERROR with
 * UniValue's words. (Core lists every mismatch under "Wrong type
 * passed:"; Sato keeps the single line its tests and clients know.) */
static int check_types(sato_rpc_request_t *req, const sato_rpc_method_t *m) {
    size_t i, n = sato_rpc_method_nargs(m);
    for (i = 0; i < n; i++) {
        const sato_rpc_arg_t *a = &m->args[i];
        json_t *v = json_array_get(req->params, i);
        const char *want = expected_type(a);
        if (v != NULL && json_is_null(v)) v = NULL;
        if (want == NULL || (v == NULL && a->fallback != SATO_RPC_REQUIRED)) continue;
        if (strcmp(want, type_name(v)) != 0) {
            type_error(req, v, want);
            return 0;
        }
    }
    return 1;
}

/* Named parameters become positions by the method's argument names, as
 * Core's transformNamedArguments: each argument takes the first of its
 * names that was given; gaps are JSON null and trailing gaps are dropped;
 * a name left over (unknown, or a second alias) is an error. */
static json_t *positional_params(sato_rpc_request_t *req, const sato_rpc_method_t *m, json_t *named) {
    json_t *out = json_array(), *used = json_object(), *val;
    const char *key;
    size_t i, last = 0, nargs = sato_rpc_method_nargs(m);
    json_t **at = sato_calloc(nargs + 1, sizeof(*at));
    for (i = 0; i < nargs; i++) {
        const char *names = m->args[i].names, *name;
        size_t len;
        while (sato_rpc_next_name(&names, &name, &len)) {
            if ((val = json_object_getn(named, name, len)) != NULL) {
                at[i] = val;
                json_object_setn_new(used, name, len, json_true());
                last = i + 1;
                break;
            }
        }
    }
    json_object_foreach(named, key, val) {
        if (json_object_get(used, key) == NULL) {
            sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "Unknown named parameter %s", key);
            json_decref(out);
            out = NULL;
            goto done;
        }
    }
    for (i = 0; i < last; i++) json_array_append(out, at[i] ? at[i] : json_null());
done:
    json_decref(used);
    free(at);
    return out;
}

/* Takes the chain lock for a SATO_RPC_CHAIN method; 0 with req's error
 * set when there is no chain state to lock or it has failed. */
static int chain_begin(sato_rpc_request_t *req) {
    sato_chainctl_t *ctl = req->ctx ? req->ctx->chainctl : NULL;
    if (ctl == NULL) {
        sato_rpc_error(req, SATO_RPC_IN_WARMUP, "Chain state is not loaded");
        return 0;
    }
    sato_chainctl_lock(ctl);
    if (sato_chainctl_failed(ctl)) {
        sato_chainctl_unlock(ctl);
        sato_rpc_error(req, SATO_RPC_DATABASE_ERROR, "The node hit a storage error and is shutting down");
        return 0;
    }
    req->chain = ctl;
    return 1;
}

/* After the handler (or a step of it): a method that may have moved the
 * tip reports it, unless the node has already failed. 0 on a failure to
 * report, with req's error set unless it holds the handler's own. */
static int chain_report(sato_rpc_request_t *req, int keep_error) {
    if (!(req->method->flags & SATO_RPC_MOVES_TIP) || sato_chainctl_failed(req->chain)) return 1;
    if (sato_chainctl_tip_changed(req->chain) != SATO_OK) {
        if (!keep_error) sato_rpc_error(req, SATO_RPC_DATABASE_ERROR, "Failed to update the indexes");
        return 0;
    }
    return 1;
}

int sato_rpc_chain_yield(sato_rpc_request_t *req) {
    sato_chainctl_t *ctl = req->chain;
    if (!chain_report(req, 0)) return 0;
    sato_chainctl_unlock(ctl);
    req->chain = NULL;
    sched_yield(); /* give a waiting call its turn */
    return chain_begin(req);
}

/* Runs the handler with what the method's flags ask for around it. */
static json_t *invoke(sato_rpc_request_t *req, sato_rpc_handler_t handler) {
    json_t *result;
    if (!(req->method->flags & SATO_RPC_CHAIN)) return handler(req);
    if (!chain_begin(req)) return NULL;
    result = handler(req);
    if (req->chain != NULL) { /* a failed yield has already let go */
        if (!chain_report(req, result == NULL) && result != NULL) {
            json_decref(result);
            result = NULL;
        }
        sato_chainctl_unlock(req->chain);
        req->chain = NULL;
    }
    return result;
}

static json_t *error_object(int code, const char *msg) {
    return json_pack("{s:i, s:s}", "code", code, "message", msg);
}

static json_t *reply(int v2, json_t *result, json_t *error, const json_t *id) {
    json_t *r = json_object();
    if (v2) {
        json_object_set_new(r, "jsonrpc", json_string("2.0"));
        if (error) json_object_set_new(r, "error", error);
        else json_object_set_new(r, "result", result ? result : json_null());
    } else {
        json_object_set_new(r, "result", result ? result : json_null());
        json_object_set_new(r, "error", error ? error : json_null());
    }
    json_object_set(r, "id", id ? (json_t *)id : json_null());
    return r;
}

static int legacy_status(int code) {
    if (code == SATO_RPC_INVALID_REQUEST) return 400;
    if (code == SATO_RPC_METHOD_NOT_FOUND) return 404;
    return 500;
}

json_t *sato_rpc_execute(const sato_rpc_table_t *t, const sato_rpc_context_t *ctx, const json_t *request,
                         int *http_status) {
    sato_rpc_request_t req;
    const entry_t *e;
    const json_t *id = NULL, *method, *params, *version;
    json_t *result = NULL, *out;
    int v2 = 0;

    memset(&req, 0, sizeof(req));
    req.ctx = ctx;
    req.node = ctx ? ctx->node : NULL;
    *http_status = 200;
    if (!json_is_object(request)) {
        sato_rpc_error(&req, SATO_RPC_INVALID_REQUEST, "Invalid Request object");
        goto fail;
    }
    id = json_object_get(request, "id");
    version = json_object_get(request, "jsonrpc");
    if (version != NULL && !json_is_null(version)) {
        if (json_is_string(version) && strcmp(json_string_value(version), "2.0") == 0) {
            v2 = 1;
        } else if (!(json_is_string(version) && strcmp(json_string_value(version), "1.0") == 0)) {
            sato_rpc_error(&req, SATO_RPC_INVALID_REQUEST, "JSON-RPC version not supported");
            goto fail;
        }
    }
    method = json_object_get(request, "method");
    if (method == NULL || json_is_null(method)) {
        sato_rpc_error(&req, SATO_RPC_INVALID_REQUEST, "Missing method");
        goto fail;
    }
    if (!json_is_string(method)) {
        sato_rpc_error(&req, SATO_RPC_INVALID_REQUEST, "Method must be a string");
        goto fail;
    }
    params = json_object_get(request, "params");
    if (params != NULL && !json_is_null(params) && !json_is_array(params) && !json_is_object(params)) {
        sato_rpc_error(&req, SATO_RPC_INVALID_REQUEST, "Params must be an array or object");
        goto fail;
    }
    if (ctx != NULL && ctx->warmup != NULL &&
        sato_rpc_warmup_status(ctx->warmup, req.err_msg, sizeof(req.err_msg))) {
        req.err_code = SATO_RPC_IN_WARMUP;
        goto fail;
    }
    e = find_entry(t, json_string_value(method));
    if (e == NULL) {
        sato_rpc_error(&req, SATO_RPC_METHOD_NOT_FOUND, "Method not found");
        goto fail;
    }
    req.method = e->m;
    req.table = t;
    if (params != NULL && json_is_object(params)) {
        if ((req.params = positional_params(&req, e->m, (json_t *)params)) == NULL) goto fail;
    } else if (params != NULL && json_is_array(params)) {
        req.params = json_incref((json_t *)params);
    } else {
        req.params = json_array();
    }
    {
        /* Core's IsValidNumArgs: the help text, RPC_MISC_ERROR. */
        size_t n = json_array_size(req.params);
        if (n < sato_rpc_method_nrequired(e->m) || n > sato_rpc_method_nargs(e->m)) {
            char *help = sato_rpc_help_text(e->m);
            json_decref(req.params);
            sato_rpc_error(&req, SATO_RPC_MISC_ERROR, "%s", help);
            free(help);
            goto fail;
        }
    }
    result = check_types(&req, e->m) ? invoke(&req, e->handler) : NULL;
    json_decref(req.params);
    json_decref(req.defaults);
    if (result == NULL) {
        if (req.err_code == 0) sato_rpc_error(&req, SATO_RPC_INTERNAL_ERROR, "Internal error");
        goto fail;
    }
    free(req.err_long);
    if (v2 && id == NULL) { /* a notification: no reply */
        json_decref(result);
        *http_status = 204;
        return NULL;
    }
    return reply(v2, result, NULL, id);
fail:
    if (v2 && id == NULL && req.err_code != SATO_RPC_INVALID_REQUEST) {
        free(req.err_long);
        *http_status = 204;
        return NULL;
    }
    *http_status = v2 ? 200 : legacy_status(req.err_code);
    out = reply(v2, NULL, error_object(req.err_code, req.err_long ? req.err_long : req.err_msg), id);
    free(req.err_long);
    return out;
}

char *sato_rpc_execute_body(const sato_rpc_table_t *t, const sato_rpc_context_t *ctx, const char *body, size_t len,
                            int *http_status) {
    json_error_t jerr;
    json_t *request = json_loadb(body, len, JSON_DECODE_ANY, &jerr), *out = NULL;
    char *text;
    if (request == NULL || (!json_is_object(request) && !json_is_array(request))) {
        json_t *e = error_object(SATO_RPC_PARSE_ERROR,
                                 request ? "Top-level object parse error" : "Parse error");
        json_decref(request);
        out = reply(0, NULL, e, NULL);
        *http_status = 500;
    } else if (json_is_array(request)) {
        size_t i;
        json_t *item;
        int status;
        out = json_array();
        json_array_foreach(request, i, item) {
            json_t *r = sato_rpc_execute(t, ctx, item, &status);
            if (r != NULL) json_array_append_new(out, r);
        }
        *http_status = 200;
        json_decref(request);
    } else {
        out = sato_rpc_execute(t, ctx, request, http_status);
        json_decref(request);
        if (out == NULL) return NULL;
    }
    text = sato_json_dumps(out);
    json_decref(out);
    return text;
}
