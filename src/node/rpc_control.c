/* RPC methods about the daemon itself: stop, uptime, logging,
 * getmemoryinfo, setmocktime. Their interface (arguments, help) is in the rpc layer's
 * method table (src/rpc/spec_control.c), which sato-cli reads too; help
 * is the rpc layer's own. */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "node/node.h"
#include "sato/clock.h"
#include "sato/log.h"
#include "sato/mem.h"

static json_t *rpc_stop(sato_rpc_request_t *req) {
    int64_t wait_ms;
    /* Core's hidden argument: milliseconds to wait before answering. */
    if (!sato_rpc_arg_int(req, 0, INT32_MIN, INT32_MAX, &wait_ms)) return NULL;
    sato_node_request_shutdown(req->node);
    if (wait_ms > 0) {
        struct timespec ts = {(time_t)(wait_ms / 1000), (long)(wait_ms % 1000) * 1000000L};
        while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
        }
    }
    return json_string("Sato server stopping");
}

static json_t *rpc_uptime(sato_rpc_request_t *req) {
    sato_node_t *node = req->node;
    return json_integer((json_int_t)(time(NULL) - node->started));
}

/* Core's setmocktime: the node's clock (network timeouts, addrman and
 * ban times, block times of generate, the IBD tip age) stops at the
 * given second, or runs again with 0. Block times are 32-bit, hence the
 * range. */
static json_t *rpc_setmocktime(sato_rpc_request_t *req) {
    const sato_node_t *node = req->node;
    int64_t t;
    if (strcmp(node->chain->name, "regtest") != 0)
        return sato_rpc_error(req, SATO_RPC_MISC_ERROR, "setmocktime is for regression testing (-regtest mode) only");
    if (!sato_rpc_arg_int(req, 0, INT64_MIN, INT64_MAX, &t)) return NULL;
    if (t < 0 || t > (int64_t)UINT32_MAX)
        return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "Mocktime must be in the range [0, %lu], not %lld.",
                              (unsigned long)UINT32_MAX, (long long)t);
    sato_clock_set_mock(t);
    return json_null();
}

static json_t *rpc_getmemoryinfo(sato_rpc_request_t *req) {
    const char *mode = sato_rpc_arg_str(req, 0);
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
    if (list == NULL) return 1; /* an array: the dispatcher has checked */
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

void sato_node_register_control(sato_rpc_table_t *t) {
    static const sato_rpc_impl_t impls[] = {
        {"getmemoryinfo", rpc_getmemoryinfo},
        {"logging", rpc_logging},
        {"setmocktime", rpc_setmocktime},
        {"stop", rpc_stop},
        {"uptime", rpc_uptime},
    };
    sato_rpc_table_bind(t, impls, sizeof(impls) / sizeof(impls[0]));
}
