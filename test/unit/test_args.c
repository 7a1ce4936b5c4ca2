/* Command line and config file parsing, sections and precedence. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sato/args.h"
#include "test.h"

static const sato_arg_def_t defs[] = {
    {"chain", SATO_ARG_STRING, 0, ""},   {"regtest", SATO_ARG_BOOL, 0, ""},
    {"testnet", SATO_ARG_BOOL, 0, ""},   {"testnet4", SATO_ARG_BOOL, 0, ""},
    {"signet", SATO_ARG_BOOL, 0, ""},    {"rpcport", SATO_ARG_INT, SATO_ARG_NETWORK_ONLY, ""},
    {"debug", SATO_ARG_LIST, 0, ""},     {"server", SATO_ARG_BOOL, 0, ""},
    {"rpcuser", SATO_ARG_STRING, 0, ""}, {"conf", SATO_ARG_STRING, SATO_ARG_COMMANDLINE_ONLY, ""},
};
#define NDEFS (sizeof(defs) / sizeof(defs[0]))

static int parse(sato_args_t *a, int argc, const char **argv, char *err) {
    return sato_args_parse_cmdline(a, argc, (char **)argv, NULL, err, 256);
}

static char *write_conf(const char *text) {
    static char path[] = "/tmp/sato_test_args_XXXXXX";
    int fd;
    strcpy(path, "/tmp/sato_test_args_XXXXXX");
    fd = mkstemp(path);
    if (fd < 0) return NULL;
    if (write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        close(fd);
        return NULL;
    }
    close(fd);
    return path;
}

static void test_cmdline(void) {
    char err[256];
    sato_args_t *a = sato_args_create(defs, NDEFS);
    const char *argv[] = {"x", "-server", "--rpcport=99", "-noserver", "-debug=net", "-debug=rpc", "-regtest"};
    const char **list;
    CHECK(parse(a, 7, argv, err));
    CHECK(sato_args_get_bool(a, "server", 1) == 0); /* the later -noserver wins */
    CHECK(sato_args_get_int(a, "rpcport", 0) == 99);
    CHECK(sato_args_get_list(a, "debug", &list) == 2 && strcmp(list[0], "net") == 0);
    CHECK(sato_args_select_chain(a, err, sizeof(err)) && strcmp(sato_args_chain(a), "regtest") == 0);
    sato_args_destroy(a);

    {
        const char *bad[][2] = {{"x", "-bogus"}, {"x", "-rpcport=12x"}, {"x", "-rpcport="},
                                {"x", "-server=2"}, {"x", "-norpcport"}, {"x", "positional"},
                                {"x", "-nochain.rpcport=1"}, {"x", "-foo.rpcport=1"}};
        size_t i;
        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            a = sato_args_create(defs, NDEFS);
            test_case(!parse(a, 2, bad[i], err), "accepted %s", bad[i][1]);
            sato_args_destroy(a);
        }
    }
    {
        const char *two[] = {"x", "-regtest", "-testnet"};
        a = sato_args_create(defs, NDEFS);
        CHECK(parse(a, 3, two, err) && !sato_args_select_chain(a, err, sizeof(err)));
        sato_args_destroy(a);
    }
    {
        const char *dbl[] = {"x", "-noserver=0"};
        a = sato_args_create(defs, NDEFS);
        CHECK(parse(a, 2, dbl, err) && sato_args_get_bool(a, "server", 0) == 1);
        sato_args_destroy(a);
    }
    {
        int pos;
        const char *cli[] = {"x", "-regtest", "getblock", "-1"};
        a = sato_args_create(defs, NDEFS);
        CHECK(sato_args_parse_cmdline(a, 4, (char **)cli, &pos, err, sizeof(err)) && pos == 2);
        sato_args_destroy(a);
    }
}

static void test_config(void) {
    char err[256];
    const char *argv[] = {"x", "-regtest"};
    const char **list;
    char *path = write_conf("# comment\nrpcport=1\nrpcuser = top # trailing\ndebug=a\n"
                            "[regtest]\nrpcport=2\ndebug=b\n[main]\nrpcport=3\nmain.rpcuser=m\n");
    sato_args_t *a = sato_args_create(defs, NDEFS);
    CHECK(path != NULL);
    CHECK(parse(a, 2, argv, err));
    CHECK(sato_args_read_config(a, path, 1, err, sizeof(err)));
    CHECK(sato_args_select_chain(a, err, sizeof(err)));
    CHECK(sato_args_get_int(a, "rpcport", 0) == 2);
    CHECK(strcmp(sato_args_get_str(a, "rpcuser", ""), "top") == 0);
    CHECK(sato_args_get_list(a, "debug", &list) == 2 && strcmp(list[0], "b") == 0 && strcmp(list[1], "a") == 0);
    sato_args_destroy(a);

    /* On main the top-level network-only value applies, behind [main]'s. */
    a = sato_args_create(defs, NDEFS);
    CHECK(sato_args_read_config(a, path, 1, err, sizeof(err)) && sato_args_select_chain(a, err, sizeof(err)));
    CHECK(sato_args_get_int(a, "rpcport", 0) == 3);
    CHECK(strcmp(sato_args_get_str(a, "rpcuser", ""), "m") == 0);
    sato_args_destroy(a);
    unlink(path);

    {
        const char *bad[] = {"nosuch=1\n", "[nosuch]\n", "-rpcport=1\n", "rpcport=abc\n", "conf=x\n",
                             "[regtest\n"};
        size_t i;
        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            path = write_conf(bad[i]);
            a = sato_args_create(defs, NDEFS);
            test_case(path && !sato_args_read_config(a, path, 1, err, sizeof(err)), "config accepted %s", bad[i]);
            sato_args_destroy(a);
            if (path) unlink(path);
        }
    }
    /* sato-cli reads the node's file: unknown names are skipped there, but
     * a known name with a bad value is still refused. */
    path = write_conf("txindex=1\n[regtest]\nnosuch=2\nrpcport=7\n");
    a = sato_args_create(defs, NDEFS);
    sato_args_ignore_unknown_config(a);
    CHECK(path && sato_args_read_config(a, path, 1, err, sizeof(err)));
    CHECK(sato_args_parse_cmdline(a, 2, (char **)argv, NULL, err, sizeof(err)) &&
          sato_args_select_chain(a, err, sizeof(err)) && sato_args_get_int(a, "rpcport", 0) == 7);
    sato_args_destroy(a);
    if (path) unlink(path);
    path = write_conf("rpcport=x\n");
    a = sato_args_create(defs, NDEFS);
    sato_args_ignore_unknown_config(a);
    CHECK(path && !sato_args_read_config(a, path, 1, err, sizeof(err)));
    sato_args_destroy(a);
    if (path) unlink(path);

    a = sato_args_create(defs, NDEFS);
    CHECK(sato_args_read_config(a, "/nonexistent/sato.conf", 0, err, sizeof(err)));
    CHECK(!sato_args_read_config(a, "/nonexistent/sato.conf", 1, err, sizeof(err)));
    sato_args_destroy(a);
}

static void test_int_parse(void) {
    int64_t v;
    CHECK(sato_parse_int64("-42", &v) && v == -42);
    CHECK(sato_parse_int64("9223372036854775807", &v) && v == INT64_MAX);
    CHECK(!sato_parse_int64("9223372036854775808", &v));
    CHECK(!sato_parse_int64("", &v) && !sato_parse_int64(" 1", &v) && !sato_parse_int64("1 ", &v));
    CHECK(!sato_parse_int64("0x10", &v));
}

int main(void) {
    test_cmdline();
    test_config();
    test_int_parse();
    return test_report("args");
}
