/* RPC methods about the server itself: help, stop, uptime, logging,
 * getmemoryinfo. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "node/node.h"
#include "sato/log.h"
#include "sato/mem.h"

static int by_category_then_name(const void *a, const void *b) {
    const sato_rpc_method_t *x = *(const sato_rpc_method_t *const *)a, *y = *(const sato_rpc_method_t *const *)b;
    int c = strcmp(x->category, y->category);
    return c ? c : strcmp(x->name, y->name);
}

static json_t *rpc_help(sato_rpc_request_t *req) {
    sato_node_t *node = req->node;
    const char *cmd;
    size_t i, len = 0, n;
    const sato_rpc_method_t **sorted;
    char *text;
    json_t *out;
    const char *last = NULL;
    if (!sato_rpc_param_str(req, 0, NULL, &cmd)) return NULL;
    if (cmd != NULL) {
        const sato_rpc_method_t *m = sato_rpc_table_find(node->rpc, cmd);
        if (m == NULL) return json_sprintf("help: unknown command: %s", cmd);
        return json_string(m->help);
    }
    /* As Bitcoin Core: grouped by category, each sorted by name. */
    n = sato_rpc_table_count(node->rpc);
    sorted = sato_calloc(n + 1, sizeof(*sorted));
    for (i = 0; i < n; i++) {
        sorted[i] = sato_rpc_table_at(node->rpc, i);
        len += strlen(sorted[i]->help) + strlen(sorted[i]->category) + 16;
    }
    qsort(sorted, n, sizeof(*sorted), by_category_then_name);
    text = sato_calloc(1, len + 1);
    for (i = 0; i < n; i++) {
        const sato_rpc_method_t *m = sorted[i];
        const char *nl = strchr(m->help, '\n');
        size_t first_line = nl ? (size_t)(nl - m->help) : strlen(m->help);
        if (last == NULL || strcmp(last, m->category) != 0) {
            size_t at = strlen(text);
            sprintf(text + at, "%s== %c%s ==\n", last ? "\n" : "", m->category[0] - 32, m->category + 1);
            last = m->category;
        }
        strncat(text, m->help, first_line);
        strcat(text, "\n");
    }
    free(sorted);
    len = strlen(text);
    if (len > 0) text[len - 1] = '\0';
    out = json_string(text);
    free(text);
    return out;
}

static json_t *rpc_stop(sato_rpc_request_t *req) {
    sato_node_request_shutdown(req->node);
    return json_string("Sato server stopping");
}

static json_t *rpc_uptime(sato_rpc_request_t *req) {
    sato_node_t *node = req->node;
    return json_integer((json_int_t)(time(NULL) - node->started));
}

static json_t *rpc_getmemoryinfo(sato_rpc_request_t *req) {
    const char *mode;
    if (!sato_rpc_param_str(req, 0, "stats", &mode)) return NULL;
    if (strcmp(mode, "stats") == 0) {
        /* Sato keeps no locked-memory pool yet, so every figure is truly 0. */
        return json_pack("{s:{s:i,s:i,s:i,s:i,s:i,s:i}}", "locked", "used", 0, "free", 0, "total", 0,
                         "locked", 0, "chunks_used", 0, "chunks_free", 0);
    }
    if (strcmp(mode, "mallocinfo") == 0) {
        char *buf = NULL;
        size_t len = 0;
        json_t *out;
        FILE *f = open_memstream(&buf, &len);
        if (f == NULL) return sato_rpc_error(req, SATO_RPC_MISC_ERROR, "mallocinfo unavailable");
        malloc_info(0, f);
        fclose(f);
        out = json_stringn(buf, len);
        free(buf);
        return out;
    }
    return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "unknown mode %s", mode);
}

static int apply_categories(sato_rpc_request_t *req, size_t pos, int enable) {
    json_t *list = sato_rpc_param(req, pos), *v;
    size_t i;
    if (list == NULL) return 1;
    if (!json_is_array(list)) {
        sato_rpc_error(req, SATO_RPC_TYPE_ERROR, "JSON value is not an array as expected");
        return 0;
    }
    json_array_foreach(list, i, v) {
        const char *name = json_string_value(v);
        if (name == NULL) {
            sato_rpc_error(req, SATO_RPC_TYPE_ERROR, "JSON value is not a string as expected");
            return 0;
        }
        if (!(enable ? sato_log_enable(name) : sato_log_disable(name))) {
            sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "unknown logging category %s", name);
            return 0;
        }
    }
    return 1;
}

static json_t *rpc_logging(sato_rpc_request_t *req) {
    json_t *out;
    uint32_t bit;
    if (!apply_categories(req, 0, 1) || !apply_categories(req, 1, 0)) return NULL;
    out = json_object();
    for (bit = 1; bit != 0; bit <<= 1) {
        const char *name = sato_log_category_name(bit);
        if (name) json_object_set_new(out, name, json_boolean(sato_log_categories() & bit));
    }
    return out;
}

static const char *const args_help[] = {"command", NULL};
static const char *const args_memory[] = {"mode", NULL};
static const char *const args_logging[] = {"include", "exclude", NULL};
static const char *const args_none[] = {NULL};

static const sato_rpc_method_t control_methods[] = {
    {"control", "getmemoryinfo", rpc_getmemoryinfo, args_memory,
     "getmemoryinfo ( \"mode\" )\nReturns an object with information about memory usage.\n"
     "mode \"stats\" (default) gives the locked-memory pool; \"mallocinfo\" gives glibc's malloc_info XML.", 0},
    {"control", "help", rpc_help, args_help,
     "help ( \"command\" )\nList all commands, or get help for a specified command.", 0},
    {"control", "logging", rpc_logging, args_logging,
     "logging ( [\"include_category\",...] [\"exclude_category\",...] )\n"
     "Gets and sets the logging configuration; returns an object of category -> active.", 0},
    {"control", "stop", rpc_stop, args_none, "stop\nRequest a graceful shutdown of Sato.", 0},
    {"control", "uptime", rpc_uptime, args_none, "uptime\nReturns the total uptime of the server in seconds.", 0},
};

void sato_node_register_control(sato_rpc_table_t *t) {
    sato_rpc_table_add(t, control_methods, sizeof(control_methods) / sizeof(control_methods[0]));
}
