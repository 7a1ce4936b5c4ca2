/* JSON-RPC request execution: the method table, request validation, named
 * parameters and the reply shapes of JSON-RPC 1.0 (Bitcoin Core's legacy
 * form) and 2.0. Transport-free, so it is tested without sockets. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/json_out.h"
#include "sato/mem.h"
#include "sato/rpc.h"

struct sato_rpc_table {
    const sato_rpc_method_t **methods;
    size_t n, cap;
};

sato_rpc_table_t *sato_rpc_table_create(void) {
    return sato_calloc(1, sizeof(sato_rpc_table_t));
}

void sato_rpc_table_destroy(sato_rpc_table_t *t) {
    if (t == NULL) return;
    free(t->methods);
    free(t);
}

void sato_rpc_table_add(sato_rpc_table_t *t, const sato_rpc_method_t *methods, size_t n) {
    size_t i;
    for (i = 0; i < n; i++) {
        if (t->n == t->cap) {
            t->cap = t->cap ? t->cap * 2 : 32;
            t->methods = sato_realloc(t->methods, t->cap * sizeof(*t->methods));
        }
        t->methods[t->n++] = &methods[i];
    }
}

const sato_rpc_method_t *sato_rpc_table_find(const sato_rpc_table_t *t, const char *name) {
    size_t i;
    for (i = 0; i < t->n; i++)
        if (strcmp(t->methods[i]->name, name) == 0) return t->methods[i];
    return NULL;
}

size_t sato_rpc_table_count(const sato_rpc_table_t *t) {
    return t->n;
}

const sato_rpc_method_t *sato_rpc_table_at(const sato_rpc_table_t *t, size_t i) {
    return i < t->n ? t->methods[i] : NULL;
}

json_t *sato_rpc_error(sato_rpc_request_t *req, int code, const char *fmt, ...) {
    va_list ap;
    req->err_code = code;
    va_start(ap, fmt);
    vsnprintf(req->err_msg, sizeof(req->err_msg), fmt, ap);
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

static const char *type_name(const json_t *v) {
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

int sato_rpc_param_int(sato_rpc_request_t *req, size_t i, int64_t def, int64_t *out) {
    json_t *v = sato_rpc_param(req, i);
    *out = def;
    if (v == NULL) return 1;
    if (!json_is_integer(v)) {
        sato_rpc_error(req, SATO_RPC_TYPE_ERROR, "JSON value of type %s is not of expected type number",
                       type_name(v));
        return 0;
    }
    *out = json_integer_value(v);
    return 1;
}

int sato_rpc_param_bool(sato_rpc_request_t *req, size_t i, int def, int *out) {
    json_t *v = sato_rpc_param(req, i);
    *out = def;
    if (v == NULL) return 1;
    if (!json_is_boolean(v)) {
        sato_rpc_error(req, SATO_RPC_TYPE_ERROR, "JSON value of type %s is not of expected type bool",
                       type_name(v));
        return 0;
    }
    *out = json_is_true(v);
    return 1;
}

int sato_rpc_param_str_required(sato_rpc_request_t *req, size_t i, const char **out) {
    json_t *v = json_array_get(req->params, i);
    *out = NULL;
    if (!json_is_string(v)) {
        sato_rpc_error(req, SATO_RPC_TYPE_ERROR, "JSON value of type %s is not of expected type string",
                       v ? type_name(v) : "null");
        return 0;
    }
    *out = json_string_value(v);
    return 1;
}

int sato_rpc_param_str(sato_rpc_request_t *req, size_t i, const char *def, const char **out) {
    json_t *v = sato_rpc_param(req, i);
    *out = def;
    if (v == NULL) return 1;
    if (!json_is_string(v)) {
        sato_rpc_error(req, SATO_RPC_TYPE_ERROR, "JSON value of type %s is not of expected type string",
                       type_name(v));
        return 0;
    }
    *out = json_string_value(v);
    return 1;
}

/* Whether key is one of the '|'-separated names of an argument (Core's
 * aliases, e.g. "verbosity|verbose"). */
static int arg_name_matches(const char *names, const char *key) {
    size_t n = strlen(key);
    for (;;) {
        const char *bar = strchr(names, '|');
        size_t len = bar ? (size_t)(bar - names) : strlen(names);
        if (len == n && memcmp(names, key, n) == 0) return 1;
        if (bar == NULL) return 0;
        names = bar + 1;
    }
}

/* The value given for argument i under any of its names (NULL if none). */
static json_t *named_value(json_t *named, const char *names) {
    const char *key;
    json_t *val;
    json_object_foreach(named, key, val) {
        if (arg_name_matches(names, key)) return val;
    }
    return NULL;
}

/* Named parameters become positions by the method's argument names;
 * gaps are JSON null and trailing gaps are dropped. */
static json_t *positional_params(sato_rpc_request_t *req, const sato_rpc_method_t *m, json_t *named) {
    json_t *out = json_array();
    const char *key;
    json_t *val;
    size_t i, last = 0, nargs = 0;
    while (m->arg_names && m->arg_names[nargs]) nargs++;
    json_object_foreach(named, key, val) {
        for (i = 0; i < nargs; i++)
            if (arg_name_matches(m->arg_names[i], key)) break;
        if (i == nargs) {
            json_decref(out);
            return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "Unknown named parameter %s", key);
        }
        if (i + 1 > last) last = i + 1;
    }
    for (i = 0; i < last; i++) {
        json_t *v = named_value(named, m->arg_names[i]);
        json_array_append(out, v ? v : json_null());
    }
    return out;
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
    const sato_rpc_method_t *m;
    const json_t *id = NULL, *method, *params, *version;
    json_t *result = NULL;
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
    m = sato_rpc_table_find(t, json_string_value(method));
    if (m == NULL) {
        sato_rpc_error(&req, SATO_RPC_METHOD_NOT_FOUND, "Method not found");
        goto fail;
    }
    if (params != NULL && json_is_object(params)) {
        if ((req.params = positional_params(&req, m, (json_t *)params)) == NULL) goto fail;
    } else if (params != NULL && json_is_array(params)) {
        req.params = json_incref((json_t *)params);
    } else {
        req.params = json_array();
    }
    {
        size_t nargs = 0, n = json_array_size(req.params);
        while (m->arg_names && m->arg_names[nargs]) nargs++;
        if (n < m->nrequired || n > nargs) {
            json_decref(req.params);
            sato_rpc_error(&req, SATO_RPC_MISC_ERROR, "%s", m->help);
            goto fail;
        }
    }
    result = m->handler(&req);
    json_decref(req.params);
    if (result == NULL) {
        if (req.err_code == 0) sato_rpc_error(&req, SATO_RPC_INTERNAL_ERROR, "Internal error");
        goto fail;
    }
    if (v2 && id == NULL) { /* a notification: no reply */
        json_decref(result);
        *http_status = 204;
        return NULL;
    }
    return reply(v2, result, NULL, id);
fail:
    if (v2 && id == NULL && req.err_code != SATO_RPC_INVALID_REQUEST) {
        *http_status = 204;
        return NULL;
    }
    *http_status = v2 ? 200 : legacy_status(req.err_code);
    return reply(v2, NULL, error_object(req.err_code, req.err_msg), id);
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
