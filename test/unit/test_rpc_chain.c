/* What the dispatcher does for the chain methods' flags, on a real regtest
 * chain state: the chain lock held around a SATO_RPC_CHAIN handler (and
 * let go between the steps of a yielding one), the tip reported after a
 * SATO_RPC_MOVES_TIP one (the tx index follows only through that report),
 * -28 without chain state, -20 once the chain state has failed, and a
 * shutdown stopping generatetoaddress between blocks. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <time.h>

#include "test_chain_util.h"

#include "sato/chainctl.h"
#include "sato/rpc.h"
#include "sato/rpc_methods.h"
#include "sato/txindex.h"
#include "test.h"

#define ADDR "bcrt1qtmp74ayg7p24uslctssvjm06q5phz4yrxucgnv"

static const sato_rpc_context_t *g_ctx;
static const sato_rpc_table_t *g_table;

static json_t *call(const char *method, const char *params) {
    char body[8192];
    char *out;
    int status;
    json_t *r;
    snprintf(body, sizeof(body), "{\"method\":\"%s\",\"params\":%s,\"id\":1}", method, params);
    out = sato_rpc_execute_body(g_table, g_ctx, body, strlen(body), &status);
    r = out ? json_loads(out, 0, NULL) : NULL;
    free(out);
    return r;
}

static int code_of(const json_t *r) {
    return (int)json_integer_value(json_object_get(json_object_get(r, "error"), "code"));
}

static const char *message_of(const json_t *r) {
    const char *m = json_string_value(json_object_get(json_object_get(r, "error"), "message"));
    return m ? m : "";
}

static json_int_t int_result(const char *method, const char *params) {
    json_t *r = call(method, params);
    json_int_t v = json_integer_value(json_object_get(r, "result"));
    json_decref(r);
    return v;
}

/* A thread that takes the chain lock once, and says when it has it. */
typedef struct {
    sato_chainctl_t *ctl;
    int got; /* atomic */
} locker_t;

static void *locker(void *arg) {
    locker_t *l = arg;
    sato_chainctl_lock(l->ctl);
    __atomic_store_n(&l->got, 1, __ATOMIC_SEQ_CST);
    sato_chainctl_unlock(l->ctl);
    return NULL;
}

static void sleep_ms(long ms) {
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

/* Starts a locker while the handler holds the lock: it must not get it
 * before the handler returns (the test joins it after the call). */
static locker_t held_locker;
static pthread_t held_thread;

static json_t *holds_lock(sato_rpc_request_t *req) {
    held_locker.ctl = req->chain;
    held_locker.got = 0;
    if (req->chain == NULL || pthread_create(&held_thread, NULL, locker, &held_locker) != 0) return json_false();
    sleep_ms(50);
    return json_boolean(__atomic_load_n(&held_locker.got, __ATOMIC_SEQ_CST));
}

/* Yields until a waiting locker has had the lock. */
static json_t *yields(sato_rpc_request_t *req) {
    locker_t l = {req->chain, 0};
    pthread_t th;
    int i, got = 0;
    if (pthread_create(&th, NULL, locker, &l) != 0) return json_false();
    for (i = 0; i < 1000000 && !got; i++) {
        if (!sato_rpc_chain_yield(req)) break;
        got = __atomic_load_n(&l.got, __ATOMIC_SEQ_CST);
    }
    pthread_join(th, NULL);
    return json_pack("{s:b, s:b}", "locker_got_lock", got, "locked_again", req->chain != NULL);
}

static const sato_rpc_result_t any[] = {{.type = SATO_RPC_RESULT_ANY}, {0}};
static const sato_rpc_method_t m_holds = {"test", "holdslock", "Holds the lock.", NULL, any, "", SATO_RPC_CHAIN};
static const sato_rpc_method_t m_yields = {"test", "yields", "Yields.", NULL, any, "", SATO_RPC_CHAIN};

int main(void) {
    char dir[256], tidir[300];
    sato_chainstate_t *cs;
    sato_txindex_t *ti = NULL;
    sato_chainctl_t *ctl;
    sato_rpc_table_t *t = sato_rpc_table_create();
    sato_rpc_context_t ctx;
    json_t *r, *hashes;
    char params[8192];
    const char *hex;

    make_tmpdir(dir, sizeof(dir), "rpcchain");
    snprintf(tidir, sizeof(tidir), "%s/indexes/txindex", dir);
    cs = cs_open(dir, 1, 0);
    CHECK(cs != NULL);
    if (cs == NULL) return test_report("rpc_chain");
    CHECK(sato_txindex_open(&ti, tidir, 0) == SATO_OK);
    if (ti == NULL) return test_report("rpc_chain");
    ctl = sato_chainctl_create(cs, &sato_chainparams_regtest, ti, NULL, NULL);
    sato_rpc_register_blockchain(t);
    sato_rpc_register_mining(t);
    sato_rpc_table_add(t, &m_holds, holds_lock);
    sato_rpc_table_add(t, &m_yields, yields);
    memset(&ctx, 0, sizeof(ctx));
    ctx.chain = &sato_chainparams_regtest;
    g_ctx = &ctx;
    g_table = t;

    /* No chain state yet: the chain methods answer -28. */
    r = call("getblockcount", "[]");
    CHECK(code_of(r) == SATO_RPC_IN_WARMUP && strcmp(message_of(r), "Chain state is not loaded") == 0);
    json_decref(r);
    ctx.chainctl = ctl;

    /* generatetoaddress moves the tip; the dispatcher's report (with the
     * yields between blocks) brings the tx index to it. */
    r = call("generatetoaddress", "[3, \"" ADDR "\"]");
    hashes = json_object_get(r, "result");
    CHECK(json_array_size(hashes) == 3);
    json_decref(r);
    CHECK(int_result("getblockcount", "[]") == 3);
    test_case(sato_txindex_height(ti) == 3, "the tx index follows generatetoaddress (height %d)",
              (int)sato_txindex_height(ti));

    /* generateblock without submitting, then submitblock: the index follows. */
    r = call("generateblock", "[\"" ADDR "\", [], false]");
    hex = json_string_value(json_object_get(json_object_get(r, "result"), "hex"));
    CHECK(hex != NULL && sato_txindex_height(ti) == 3);
    snprintf(params, sizeof(params), "[\"%s\"]", hex ? hex : "");
    json_decref(r);
    r = call("submitblock", params);
    CHECK(r != NULL && json_is_null(json_object_get(r, "result")) && json_is_null(json_object_get(r, "error")));
    json_decref(r);
    CHECK(int_result("getblockcount", "[]") == 4 && sato_txindex_height(ti) == 4);

    /* invalidateblock and reconsiderblock move it back and forth. */
    r = call("getbestblockhash", "[]");
    snprintf(params, sizeof(params), "[\"%s\"]", json_string_value(json_object_get(r, "result")));
    json_decref(r);
    r = call("invalidateblock", params);
    json_decref(r);
    CHECK(int_result("getblockcount", "[]") == 3 && sato_txindex_height(ti) == 3);
    r = call("reconsiderblock", params);
    json_decref(r);
    CHECK(int_result("getblockcount", "[]") == 4 && sato_txindex_height(ti) == 4);

    /* The lock is held around a chain handler, and let go after it. */
    r = call("holdslock", "[]");
    CHECK(json_is_false(json_object_get(r, "result")));
    json_decref(r);
    pthread_join(held_thread, NULL); /* it gets the lock once the call is over */
    CHECK(held_locker.got == 1);

    /* A yield lets a waiting thread have the lock, then takes it again. */
    r = call("yields", "[]");
    CHECK(json_is_true(json_object_get(json_object_get(r, "result"), "locker_got_lock")));
    CHECK(json_is_true(json_object_get(json_object_get(r, "result"), "locked_again")));
    json_decref(r);

    /* A shutdown request stops generatetoaddress between blocks, with what
     * was made (here nothing). */
    sato_chainctl_interrupt(ctl);
    r = call("generatetoaddress", "[5, \"" ADDR "\"]");
    CHECK(json_is_array(json_object_get(r, "result")) && json_array_size(json_object_get(r, "result")) == 0);
    json_decref(r);

    /* After a storage error every chain call gets -20. */
    sato_chainctl_fatal(ctl, SATO_EIO, "test");
    r = call("getblockcount", "[]");
    CHECK(code_of(r) == SATO_RPC_DATABASE_ERROR &&
          strcmp(message_of(r), "The node hit a storage error and is shutting down") == 0);
    json_decref(r);
    r = call("generatetoaddress", "[1, \"" ADDR "\"]");
    CHECK(code_of(r) == SATO_RPC_DATABASE_ERROR);
    json_decref(r);

    sato_rpc_table_destroy(t);
    sato_chainctl_destroy(ctl);
    sato_txindex_destroy(ti);
    IGNORE_RESULT(sato_chainstate_close(cs)); /* after the injected failure */
    rm_tree(dir);
    return test_report("rpc_chain");
}
