/* JSON-RPC execution without sockets: shapes, errors, named params,
 * batches, base64 and -rpcallowip subnets, rpcauth. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "sato/base64.h"
#include "sato/httpd.h"
#include "sato/rpc.h"
#include "sato/rpcauth.h"
#include "test.h"

static json_t *echo(sato_rpc_request_t *req) {
    return json_incref(req->params);
}

static json_t *fail(sato_rpc_request_t *req) {
    return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "bad %d", 7);
}

/* Methods of the test's own: echo takes three untyped optional
 * arguments, needs2 a required string, a required number and an optional
 * bool. */
static const sato_rpc_arg_t echo_args[] = {
    {.names = "a", .type = SATO_RPC_ARG_STR, .fallback = SATO_RPC_OMITTED, .opts = SATO_RPC_ARG_SKIP_TYPE_CHECK},
    {.names = "b", .type = SATO_RPC_ARG_STR, .fallback = SATO_RPC_OMITTED, .opts = SATO_RPC_ARG_SKIP_TYPE_CHECK},
    {.names = "c", .type = SATO_RPC_ARG_STR, .fallback = SATO_RPC_OMITTED, .opts = SATO_RPC_ARG_SKIP_TYPE_CHECK},
    {0},
};
static const sato_rpc_arg_t needs2_args[] = {
    {.names = "a", .type = SATO_RPC_ARG_STR, .fallback = SATO_RPC_REQUIRED, .description = "A string"},
    {.names = "b|bee", .type = SATO_RPC_ARG_NUM, .fallback = SATO_RPC_REQUIRED, .description = "A number"},
    {.names = "c", .type = SATO_RPC_ARG_BOOL, .fallback = SATO_RPC_DEFAULT, .def = "true", .description = "A bool"},
    {0},
};
static const sato_rpc_result_t any_result[] = {{.type = SATO_RPC_RESULT_ANY}, {0}};
static const sato_rpc_method_t m_echo = {"test", "echo", "Echoes.", echo_args, any_result, "", 0};
static const sato_rpc_method_t m_fail = {"test", "fail", "Fails.", echo_args, any_result, "", 0};
static const sato_rpc_method_t m_needs2 = {"test", "needs2", "Echoes.", needs2_args, any_result, "", 0};

/* needs2's help text, as Core would render its RPCHelpMan. */
static const char needs2_help[] = "needs2 \"a\" b ( c )\n\nEchoes.\n\nArguments:\n"
                                  "1. a    (string, required) A string\n"
                                  "2. b    (numeric, required) A number\n"
                                  "3. c    (boolean, optional, default=true) A bool\n";

/* What the handler read: c with its table default. */
static json_t *read_args(sato_rpc_request_t *req) {
    return json_pack("{s:b, s:b}", "c", sato_rpc_arg_bool(req, 2), "has_c", sato_rpc_has_param(req, 2));
}
static const sato_rpc_method_t m_read = {"test", "readargs", "Reads.", needs2_args, any_result, "", 0};

static json_t *run(const sato_rpc_table_t *t, const char *body, int *status) {
    char *out = sato_rpc_execute_body(t, NULL, body, strlen(body), status);
    json_t *j = out ? json_loads(out, 0, NULL) : NULL;
    free(out);
    return j;
}

static int err_code(const json_t *reply) {
    return (int)json_integer_value(json_object_get(json_object_get(reply, "error"), "code"));
}

static const char *err_msg(const json_t *reply) {
    const char *m = json_string_value(json_object_get(json_object_get(reply, "error"), "message"));
    return m ? m : "";
}

static void test_dispatch(void) {
    sato_rpc_table_t *t = sato_rpc_table_create();
    json_t *r;
    int status;
    sato_rpc_table_add(t, &m_echo, echo);
    sato_rpc_table_add(t, &m_fail, fail);
    sato_rpc_table_add(t, &m_needs2, echo);
    sato_rpc_table_add(t, &m_read, read_args);

    r = run(t, "{\"method\":\"echo\",\"params\":[1,2],\"id\":3}", &status);
    CHECK(status == 200 && json_array_size(json_object_get(r, "result")) == 2);
    CHECK(json_is_null(json_object_get(r, "error")) && json_integer_value(json_object_get(r, "id")) == 3);
    json_decref(r);

    r = run(t, "{\"method\":\"echo\",\"params\":{\"c\":5,\"a\":1},\"id\":1}", &status);
    CHECK(r && json_array_size(json_object_get(r, "result")) == 3);
    CHECK(json_is_null(json_array_get(json_object_get(r, "result"), 1)));
    json_decref(r);

    r = run(t, "{\"method\":\"echo\",\"params\":{\"z\":5},\"id\":1}", &status);
    CHECK(err_code(r) == SATO_RPC_INVALID_PARAMETER && status == 500);
    json_decref(r);

    r = run(t, "{\"method\":\"nope\",\"id\":1}", &status);
    CHECK(err_code(r) == SATO_RPC_METHOD_NOT_FOUND && status == 404);
    json_decref(r);

    r = run(t, "{\"method\":\"fail\",\"id\":1}", &status);
    CHECK(err_code(r) == SATO_RPC_INVALID_PARAMETER && status == 500);
    CHECK(strcmp(json_string_value(json_object_get(json_object_get(r, "error"), "message")), "bad 7") == 0);
    json_decref(r);

    r = run(t, "{\"jsonrpc\":\"2.0\",\"method\":\"fail\",\"id\":1}", &status);
    CHECK(status == 200 && json_object_get(r, "result") == NULL && err_code(r) == SATO_RPC_INVALID_PARAMETER);
    json_decref(r);

    r = run(t, "{\"jsonrpc\":\"2.0\",\"method\":\"echo\"}", &status);
    CHECK(r == NULL && status == 204);

    r = run(t, "{\"jsonrpc\":\"3.0\",\"method\":\"echo\",\"id\":1}", &status);
    CHECK(err_code(r) == SATO_RPC_INVALID_REQUEST && status == 400);
    json_decref(r);

    r = run(t, "{\"id\":1}", &status);
    CHECK(err_code(r) == SATO_RPC_INVALID_REQUEST);
    json_decref(r);

    /* Too few or too many arguments: the whole help text, RPC_MISC_ERROR. */
    r = run(t, "{\"method\":\"needs2\",\"params\":[\"x\"],\"id\":1}", &status);
    CHECK(err_code(r) == SATO_RPC_MISC_ERROR && strcmp(err_msg(r), needs2_help) == 0);
    json_decref(r);
    r = run(t, "{\"method\":\"needs2\",\"params\":[\"x\",2,true,4],\"id\":1}", &status);
    CHECK(err_code(r) == SATO_RPC_MISC_ERROR);
    json_decref(r);
    /* b alone fills two positions (a is null): a required argument given
     * as null is a type error, before the handler runs, as in Core. */
    r = run(t, "{\"method\":\"needs2\",\"params\":{\"b\":1},\"id\":1}", &status);
    CHECK(err_code(r) == SATO_RPC_TYPE_ERROR &&
          strcmp(err_msg(r), "JSON value of type null is not of expected type string") == 0);
    json_decref(r);
    r = run(t, "{\"method\":\"needs2\",\"params\":[\"x\",2],\"id\":1}", &status);
    CHECK(json_array_size(json_object_get(r, "result")) == 2);
    json_decref(r);
    /* The types the table gives, checked in order; an optional argument
     * may be null; untyped ones take anything. */
    r = run(t, "{\"method\":\"needs2\",\"params\":[\"x\",\"2\"],\"id\":1}", &status);
    CHECK(err_code(r) == SATO_RPC_TYPE_ERROR &&
          strcmp(err_msg(r), "JSON value of type string is not of expected type number") == 0);
    json_decref(r);
    r = run(t, "{\"method\":\"needs2\",\"params\":[5,\"2\"],\"id\":1}", &status);
    CHECK(strcmp(err_msg(r), "JSON value of type number is not of expected type string") == 0);
    json_decref(r);
    r = run(t, "{\"method\":\"needs2\",\"params\":[\"x\",2.5,1],\"id\":1}", &status);
    CHECK(strcmp(err_msg(r), "JSON value of type number is not of expected type bool") == 0);
    json_decref(r);
    r = run(t, "{\"method\":\"needs2\",\"params\":[\"x\",2,null],\"id\":1}", &status);
    CHECK(json_array_size(json_object_get(r, "result")) == 3);
    json_decref(r);
    r = run(t, "{\"method\":\"echo\",\"params\":[{},[],7],\"id\":1}", &status);
    CHECK(json_array_size(json_object_get(r, "result")) == 3);
    json_decref(r);
    /* An alias by name; both names of one argument: the second is unknown,
     * as Core's transformNamedArguments leaves it over. */
    r = run(t, "{\"method\":\"needs2\",\"params\":{\"a\":\"x\",\"bee\":3},\"id\":1}", &status);
    CHECK(json_integer_value(json_array_get(json_object_get(r, "result"), 1)) == 3);
    json_decref(r);
    r = run(t, "{\"method\":\"needs2\",\"params\":{\"a\":\"x\",\"b\":3,\"bee\":4},\"id\":1}", &status);
    CHECK(err_code(r) == SATO_RPC_INVALID_PARAMETER && strcmp(err_msg(r), "Unknown named parameter bee") == 0);
    json_decref(r);
    /* The accessors give the table's default for an absent or null argument. */
    r = run(t, "{\"method\":\"readargs\",\"params\":[\"x\",1],\"id\":1}", &status);
    CHECK(json_is_true(json_object_get(json_object_get(r, "result"), "c")));
    json_decref(r);
    r = run(t, "{\"method\":\"readargs\",\"params\":[\"x\",1,null],\"id\":1}", &status);
    CHECK(json_is_true(json_object_get(json_object_get(r, "result"), "c")) &&
          json_is_false(json_object_get(json_object_get(r, "result"), "has_c")));
    json_decref(r);
    r = run(t, "{\"method\":\"readargs\",\"params\":[\"x\",1,false],\"id\":1}", &status);
    CHECK(json_is_false(json_object_get(json_object_get(r, "result"), "c")));
    json_decref(r);

    r = run(t, "nonsense", &status);
    CHECK(err_code(r) == SATO_RPC_PARSE_ERROR && status == 500);
    json_decref(r);

    r = run(t, "42", &status);
    CHECK(err_code(r) == SATO_RPC_PARSE_ERROR);
    json_decref(r);

    r = run(t, "[{\"method\":\"echo\",\"id\":1},7,{\"jsonrpc\":\"2.0\",\"method\":\"echo\"}]", &status);
    CHECK(status == 200 && json_array_size(r) == 2);
    CHECK(err_code(json_array_get(r, 1)) == SATO_RPC_INVALID_REQUEST);
    json_decref(r);
    sato_rpc_table_destroy(t);
}

/* Core's warm-up: every call, known method or not, gets -28 with the
 * status until the node has loaded; no method is let through. */
static void test_warmup(void) {
    sato_rpc_table_t *t = sato_rpc_table_create();
    sato_rpc_context_t ctx;
    const char *calls[] = {"{\"method\":\"echo\",\"id\":1}", "{\"method\":\"nope\",\"id\":1}"};
    size_t i;
    int status;
    memset(&ctx, 0, sizeof(ctx));
    ctx.warmup = sato_rpc_warmup_create();
    sato_rpc_table_add(t, &m_echo, echo);
    sato_rpc_warmup_set_status(ctx.warmup, "Loading block index\xe2\x80\xa6");
    for (i = 0; i < 2; i++) {
        char *out = sato_rpc_execute_body(t, &ctx, calls[i], strlen(calls[i]), &status);
        json_t *r = json_loads(out, 0, NULL);
        CHECK(err_code(r) == SATO_RPC_IN_WARMUP && strcmp(err_msg(r), "Loading block index\xe2\x80\xa6") == 0);
        json_decref(r);
        free(out);
    }
    sato_rpc_warmup_finish(ctx.warmup);
    for (i = 0; i < 2; i++) {
        char *out = sato_rpc_execute_body(t, &ctx, calls[i], strlen(calls[i]), &status);
        json_t *r = json_loads(out, 0, NULL);
        CHECK(i == 0 ? json_is_null(json_object_get(r, "error")) : err_code(r) == SATO_RPC_METHOD_NOT_FOUND);
        json_decref(r);
        free(out);
    }
    sato_rpc_warmup_destroy(ctx.warmup);
    sato_rpc_table_destroy(t);
}

static void test_base64(void) {
    static const char *const pairs[][2] = {{"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"},
                                          {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
    size_t i, n;
    char enc[32];
    unsigned char dec[32];
    for (i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        sato_base64_encode(enc, (const unsigned char *)pairs[i][0], strlen(pairs[i][0]));
        CHECK(strcmp(enc, pairs[i][1]) == 0);
        CHECK(sato_base64_decode(dec, sizeof(dec), &n, pairs[i][1], strlen(pairs[i][1])) &&
              n == strlen(pairs[i][0]) && memcmp(dec, pairs[i][0], n) == 0);
    }
    CHECK(!sato_base64_decode(dec, sizeof(dec), &n, "Zg=", 3));
    CHECK(!sato_base64_decode(dec, sizeof(dec), &n, "Zh==", 4)); /* non-zero pad bits */
    CHECK(!sato_base64_decode(dec, sizeof(dec), &n, "Z===", 4));
    CHECK(!sato_base64_decode(dec, sizeof(dec), &n, "Zm9v!A==", 8));
    CHECK(!sato_base64_decode(dec, sizeof(dec), &n, "=Zm9", 4));
    CHECK(!sato_base64_decode(dec, 2, &n, "Zm9v", 4));
}

static void test_subnets(void) {
    unsigned char a[16], m[16];
    int fam;
    CHECK(sato_subnet_parse("1.2.3.4", a, m, &fam) && fam == AF_INET && m[3] == 0xff);
    CHECK(sato_subnet_parse("10.1.2.3/8", a, m, &fam) && a[1] == 0 && m[0] == 0xff && m[1] == 0);
    CHECK(sato_subnet_parse("10.0.0.0/255.255.0.0", a, m, &fam) && m[1] == 0xff && m[2] == 0);
    CHECK(!sato_subnet_parse("10.0.0.0/255.0.255.0", a, m, &fam));
    CHECK(sato_subnet_parse("fe80::1/10", a, m, &fam) && fam == AF_INET6 && m[1] == 0xc0);
    CHECK(!sato_subnet_parse("1.2.3.4/33", a, m, &fam));
    CHECK(!sato_subnet_parse("300.1.1.1", a, m, &fam));
    CHECK(!sato_subnet_parse("", a, m, &fam));
    CHECK(!sato_subnet_parse("1.2.3.4/", a, m, &fam));
}

static void test_rpcauth(void) {
    /* Entry made like share/rpcauth/rpcauth.py: HMAC-SHA256(salt, password). */
    sato_rpcauth_t *a = sato_rpcauth_create();
    char header[128];
    CHECK(sato_rpcauth_add(a, "alice:cb77f0957de88ff388cf817ddbc7273$"
                              "7b4a0d4cf56a7f80dcdc8bd9a0fa0eb2ee51d1c3b8bd8b8c3a6cf47d8c0e0a12") == 1);
    CHECK(!sato_rpcauth_add(a, "nouser"));
    CHECK(!sato_rpcauth_add(a, "bob:salt$zz"));
    CHECK(!sato_rpcauth_add(a, ":salt$00"));
    sato_rpcauth_set_userpass(a, "bob", "pw");
    strcpy(header, "Basic ");
    sato_base64_encode(header + 6, (const unsigned char *)"bob:pw", 6);
    CHECK(sato_rpcauth_check(a, header));
    sato_base64_encode(header + 6, (const unsigned char *)"bob:px", 6);
    CHECK(!sato_rpcauth_check(a, header));
    CHECK(!sato_rpcauth_check(a, "Bearer x"));
    CHECK(!sato_rpcauth_check(a, NULL));
    sato_rpcauth_destroy(a);
}

int main(void) {
    test_dispatch();
    test_warmup();
    test_base64();
    test_subnets();
    test_rpcauth();
    return test_report("rpc_dispatch");
}
