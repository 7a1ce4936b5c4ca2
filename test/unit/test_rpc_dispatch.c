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

static const char *const echo_args[] = {"a", "b", "c", NULL};
static const sato_rpc_method_t methods[] = {
    {"test", "echo", echo, echo_args, "echo", 0},
    {"test", "fail", fail, echo_args, "fail", 0},
    {"test", "needs2", echo, echo_args, "needs2 a b ( c )\nEchoes.", 2},
};

static json_t *run(const sato_rpc_table_t *t, const char *body, int *status) {
    char *out = sato_rpc_execute_body(t, NULL, body, strlen(body), status);
    json_t *j = out ? json_loads(out, 0, NULL) : NULL;
    free(out);
    return j;
}

static int err_code(const json_t *reply) {
    return (int)json_integer_value(json_object_get(json_object_get(reply, "error"), "code"));
}

static void test_dispatch(void) {
    sato_rpc_table_t *t = sato_rpc_table_create();
    json_t *r;
    int status;
    sato_rpc_table_add(t, methods, 3);

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

    /* Too few or too many arguments: the help text, RPC_MISC_ERROR. */
    r = run(t, "{\"method\":\"needs2\",\"params\":[1],\"id\":1}", &status);
    CHECK(err_code(r) == SATO_RPC_MISC_ERROR &&
          strcmp(json_string_value(json_object_get(json_object_get(r, "error"), "message")),
                 "needs2 a b ( c )\nEchoes.") == 0);
    json_decref(r);
    r = run(t, "{\"method\":\"needs2\",\"params\":[1,2,3,4],\"id\":1}", &status);
    CHECK(err_code(r) == SATO_RPC_MISC_ERROR);
    json_decref(r);
    r = run(t, "{\"method\":\"needs2\",\"params\":{\"b\":1},\"id\":1}", &status);
    /* b alone fills two positions (a is null): the handler's own type
     * checks answer for a, as in Core. */
    CHECK(json_is_null(json_array_get(json_object_get(r, "result"), 0)));
    json_decref(r);
    r = run(t, "{\"method\":\"needs2\",\"params\":[1,2],\"id\":1}", &status);
    CHECK(json_array_size(json_object_get(r, "result")) == 2);
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
    test_base64();
    test_subnets();
    test_rpcauth();
    return test_report("rpc_dispatch");
}
