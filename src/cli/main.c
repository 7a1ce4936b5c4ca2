/* sato-cli: bitcoin-cli's command line against a Sato node. Which
 * parameters go as JSON comes from the rpc layer's method table, the one
 * the node checks calls against (sato_rpc_cli_param). */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "sato/args.h"
#include "sato/base64.h"
#include "sato/chainparams.h"
#include "sato/json_out.h"
#include "sato/mem.h"
#include "sato/rpc.h"
#include "sato/rpcauth.h"

#include "cli/netinfo.h"

static const sato_arg_def_t cli_options[] = {
    SATO_ARGS_CHAIN_OPTIONS,
    {"rpcconnect", SATO_ARG_STRING, 0, "=<ip>  Send commands to this node (default: 127.0.0.1)"},
    {"rpcport", SATO_ARG_INT, SATO_ARG_NETWORK_ONLY, "=<port>  Connect to this JSON-RPC port"},
    {"rpcuser", SATO_ARG_STRING, 0, "=<user>  JSON-RPC user name"},
    {"rpcpassword", SATO_ARG_STRING, 0, "=<pw>  JSON-RPC password"},
    {"rpccookiefile", SATO_ARG_STRING, 0, "=<file>  Cookie file (default: the chain's .cookie)"},
    {"rpcwait", SATO_ARG_BOOL, 0, "  Wait for the server to start"},
    {"rpcwaittimeout", SATO_ARG_INT, 0, "=<n>  Give up waiting after n seconds (default: 0, never)"},
    {"rpcclienttimeout", SATO_ARG_INT, 0, "=<n>  HTTP timeout in seconds (default: 900)"},
    {"named", SATO_ARG_BOOL, 0, "  Pass arguments as name=value"},
    {"stdin", SATO_ARG_BOOL, 0, "  Read extra arguments from standard input, one per line"},
    {"stdinrpcpass", SATO_ARG_BOOL, 0, "  Read the RPC password from standard input's first line"},
    {"getinfo", SATO_ARG_BOOL, 0, "  Print a summary of the node's state"},
    {"netinfo", SATO_ARG_BOOL, 0,
     "  Print a dashboard of the peer connections; an optional level from 0 to 4 (default 0) selects the peers "
     "listing, and with a level above 0 \"outonly\" (or \"o\") lists outbound peers only. Pass \"help\" (or \"h\") "
     "for the details"},
    {"help", SATO_ARG_BOOL, SATO_ARG_COMMANDLINE_ONLY, "  This help"},
    {"version", SATO_ARG_BOOL, SATO_ARG_COMMANDLINE_ONLY, "  Print the version and exit"},
};


typedef struct {
    int status;
    char *body;
} http_reply_t;

/* One HTTP/1.1 POST over a fresh connection, read to the end. Returns 0
 * with errno-style text when the server cannot be reached. */
static int http_post(const char *host, int port, const char *authz, const char *body, int timeout_s,
                     http_reply_t *reply, char *err, size_t errlen) {
    struct addrinfo hints, *res = NULL, *ai;
    char portstr[16], *req = NULL, *buf = NULL, *p;
    size_t cap = 0, len = 0, reqlen;
    int fd = -1, ok = 0, gai;
    struct timeval tv;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    snprintf(portstr, sizeof(portstr), "%d", port);
    if ((gai = getaddrinfo(host, portstr, &hints, &res)) != 0) {
        snprintf(err, errlen, "cannot resolve %s: %s", host, gai_strerror(gai));
        return 0;
    }
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0) {
        snprintf(err, errlen, "Could not connect to the server %s:%d\n\nMake sure the satod server is "
                 "running and that you are connecting to the correct RPC port.", host, port);
        return 0;
    }
    tv.tv_sec = timeout_s;
    tv.tv_usec = 0;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    reqlen = strlen(body) + strlen(authz) + strlen(host) + 256;
    req = sato_malloc(reqlen);
    snprintf(req, reqlen,
             "POST / HTTP/1.1\r\nHost: %s\r\nConnection: close\r\nContent-Type: application/json\r\n"
             "Authorization: Basic %s\r\nContent-Length: %zu\r\n\r\n%s",
             host, authz, strlen(body), body);
    reqlen = strlen(req);
    for (len = 0; len < reqlen;) {
        ssize_t w = send(fd, req + len, reqlen - len, MSG_NOSIGNAL);
        if (w <= 0) {
            snprintf(err, errlen, "error sending request: %s", strerror(errno));
            goto out;
        }
        len += (size_t)w;
    }
    len = 0;
    for (;;) {
        ssize_t r;
        if (len + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            buf = sato_realloc(buf, cap);
        }
        r = recv(fd, buf + len, cap - len - 1, 0);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) {
            snprintf(err, errlen, "timeout on transient error: %s", strerror(errno));
            goto out;
        }
        if (r == 0) break;
        len += (size_t)r;
    }
    if (buf == NULL) buf = sato_malloc(1);
    buf[len] = '\0';
    if (sscanf(buf, "HTTP/1.%*d %d", &reply->status) != 1 || (p = strstr(buf, "\r\n\r\n")) == NULL) {
        snprintf(err, errlen, "no response from server");
        goto out;
    }
    reply->body = sato_strdup(p + 4);
    ok = 1;
out:
    free(req);
    free(buf);
    close(fd);
    return ok;
}

static char *path_join(const char *dir, const char *name) {
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p;
    if (name[0] == '/') return sato_strdup(name);
    p = sato_malloc(n);
    snprintf(p, n, "%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] != '/' ? "/" : "", name);
    return p;
}

/* Prints the reply's result as the server wrote it: strings bare, other
 * values re-indented without reparsing numbers (so amounts keep their
 * eight decimals). */
static void print_result(const char *body) {
    size_t start, len;
    char *raw, *pretty;
    json_t *v;
    if (!sato_json_find_member(body, "result", &start, &len)) return;
    raw = sato_malloc(len + 1);
    memcpy(raw, body + start, len);
    raw[len] = '\0';
    v = json_loads(raw, JSON_DECODE_ANY, NULL);
    if (json_is_string(v)) {
        puts(json_string_value(v));
    } else if (v != NULL && !json_is_null(v)) {
        pretty = sato_json_reindent(raw);
        puts(pretty ? pretty : raw);
        free(pretty);
    }
    json_decref(v);
    free(raw);
}

/* The raw text of member key of the object text[0..len), NUL-terminated
 * (caller frees); NULL if absent. */
static char *member_text(const char *text, size_t len, const char *key) {
    char *obj = sato_malloc(len + 1), *out = NULL;
    size_t start, n;
    memcpy(obj, text, len);
    obj[len] = '\0';
    if (sato_json_find_member(obj, key, &start, &n)) {
        out = sato_malloc(n + 1);
        memcpy(out, obj + start, n);
        out[n] = '\0';
        if (n >= 2 && out[0] == '"') {
            memmove(out, out + 1, n - 2);
            out[n - 2] = '\0';
        }
    }
    free(obj);
    return out;
}

/* bitcoin-cli -getinfo's text, for the parts this node has: the chain
 * and the network.
 * Numbers are printed as the server wrote them, as Core does. The network
 * and wallet sections are left out, with a line saying why, rather than
 * filled with made-up values. */
static void print_getinfo(const char *body, const char *net_body) {
    static const char *const keys[] = {"chain", "blocks", "headers", "verificationprogress", "difficulty"};
    char *v[5];
    size_t start, len, i;
    double progress;
    if (!sato_json_find_member(body, "result", &start, &len)) return;
    for (i = 0; i < 5; i++) v[i] = member_text(body + start, len, keys[i]);
    progress = v[3] ? strtod(v[3], NULL) : 0;
    printf("Chain: %s\nBlocks: %s\nHeaders: %s\n", v[0] ? v[0] : "", v[1] ? v[1] : "", v[2] ? v[2] : "");
    printf("Verification progress: ");
    if (progress < 0.99 && progress >= 0) {
        /* Core's bar: one block per 5%. */
        int k;
        for (k = 0; k < progress / 0.05; k++) fputs("\u2592", stdout);
        for (k = 0; k < (1 - progress) / 0.05; k++) fputs("\u2591", stdout);
        fputs(" ", stdout);
    }
    printf("%.4f%%\n", progress * 100);
    printf("Difficulty: %s\n\n", v[4] ? v[4] : "");
    if (net_body != NULL && sato_json_find_member(net_body, "result", &start, &len)) {
        static const char *const nkeys[] = {"connections_in", "connections_out", "connections", "version",
                                            "timeoffset", "relayfee"};
        char *n[6];
        for (i = 0; i < 6; i++) n[i] = member_text(net_body + start, len, nkeys[i]);
        printf("Network: in %s, out %s, total %s\n", n[0] ? n[0] : "", n[1] ? n[1] : "", n[2] ? n[2] : "");
        printf("Version: %s\nTime offset (s): %s\nProxies: n/a\n", n[3] ? n[3] : "", n[4] ? n[4] : "");
        printf("Min tx relay fee rate (BTC/kvB): %s\n\n", n[5] ? n[5] : "");
        for (i = 0; i < 6; i++) free(n[i]);
    } else {
        printf("Network: not available (getnetworkinfo failed)\n");
    }
    printf("Wallet: not available (this node has no wallet yet)\n\n");
    printf("Warnings: (none)\n");
    for (i = 0; i < 5; i++) free(v[i]);
}

/* The error of one reply, as bitcoin-cli prints it; its exit status. */
static int print_error(const json_t *e) {
    json_int_t code = json_integer_value(json_object_get(e, "code"));
    const char *msg = json_string_value(json_object_get(e, "message"));
    fprintf(stderr, "error code: %lld\nerror message:\n%s\n", (long long)code, msg ? msg : "");
    return code < 0 ? (int)-code : (code > 0 ? (int)code : 1);
}

/* -netinfo: the batch's two answers, by id, into the dashboard. */
static int print_netinfo(const json_t *batch, int level, int outonly, const char *chain) {
    const json_t *res[2] = {NULL, NULL}, *v;
    size_t i;
    char *text;
    json_array_foreach(batch, i, v) {
        json_int_t id = json_integer_value(json_object_get(v, "id"));
        const json_t *e = json_object_get(v, "error");
        if (id != 0 && id != 1) continue;
        if (e != NULL && !json_is_null(e)) return print_error(e);
        res[id] = json_object_get(v, "result");
    }
    if (!json_is_array(res[0]) || !json_is_object(res[1])) {
        fprintf(stderr, "error: the server's answer to -netinfo's calls is incomplete\n");
        return 1;
    }
    text = sato_netinfo_render(res[0], res[1], level, outonly, chain, (int64_t)time(NULL));
    printf("%s\n", text);
    free(text);
    return 0;
}

static char *read_line(FILE *f) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n = getline(&line, &cap, f);
    if (n < 0) {
        free(line);
        return NULL;
    }
    while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = '\0';
    return line;
}

/* 1 if a reply body is the RPC_IN_WARMUP error (-28). */
static int in_warmup(const char *body) {
    json_t *reply = body ? json_loads(body, 0, NULL) : NULL;
    json_t *e = reply ? json_object_get(reply, "error") : NULL;
    int warm = json_is_object(e) && json_integer_value(json_object_get(e, "code")) == -28;
    json_decref(reply);
    return warm;
}

int main(int argc, char **argv) {
    sato_args_t *args = sato_args_create(cli_options, sizeof(cli_options) / sizeof(cli_options[0]));
    char err[512], userpass[512], *authz = NULL, *datadir = NULL, *chaindir = NULL, *conf, *body = NULL;
    char **extra = NULL;
    const char *method, *home = getenv("HOME"), *chain;
    const sato_chainparams_t *chainparams;
    int first, rc = 1, i, nextra = 0, port = 0, named, wait_s, getinfo, netinfo, level = 0, outonly = 0;
    size_t ci;
    json_t *params = NULL, *request = NULL, *reply = NULL;
    http_reply_t hr = {0, NULL};
    time_t start = time(NULL);

    if (!sato_args_parse_cmdline(args, argc, argv, &first, err, sizeof(err))) {
        fprintf(stderr, "Error: %s\n", err);
        goto out;
    }
    if (sato_args_get_bool(args, "version", 0)) {
        printf("Sato RPC client version %s\n", SATO_VERSION);
        rc = 0;
        goto out;
    }
    netinfo = sato_args_get_bool(args, "netinfo", 0);
    if (sato_args_get_bool(args, "help", 0) || (first >= argc && !sato_args_get_bool(args, "getinfo", 0) && !netinfo &&
                                               !sato_args_get_bool(args, "stdin", 0))) {
        printf("Sato RPC client version %s\n\nUsage: sato-cli [options] <command> [params]\n"
               "       sato-cli [options] -named <command> [name=value]...\n"
               "       sato-cli [options] help    List commands\n\nOptions:\n", SATO_VERSION);
        for (ci = 0; ci < sizeof(cli_options) / sizeof(cli_options[0]); ci++)
            printf("  -%s%s\n", cli_options[ci].name, cli_options[ci].help);
        rc = sato_args_get_bool(args, "help", 0) ? 0 : 1;
        goto out;
    }
    sato_args_ignore_unknown_config(args); /* the node's options live there too */
    /* bitcoin-cli's CheckDataDirOption: a -datadir given must be a
     * directory (the parser refuses an empty one). */
    if (sato_args_is_set(args, "datadir")) {
        const char *dd = sato_args_get(args, "datadir");
        struct stat st;
        if (stat(dd, &st) != 0 || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "Error: Specified data directory \"%s\" does not exist.\n", dd);
            goto out;
        }
        datadir = sato_strdup(dd);
    } else {
        datadir = path_join(home ? home : ".", ".sato");
    }
    conf = path_join(datadir, sato_args_get_str(args, "conf", "sato.conf"));
    if (!sato_args_read_config(args, conf, sato_args_is_set(args, "conf"), err, sizeof(err))) {
        fprintf(stderr, "Error reading configuration file: %s\n", err);
        free(conf);
        goto out;
    }
    free(conf);
    if (!sato_args_select_chain(args, err, sizeof(err))) {
        fprintf(stderr, "Error: %s\n", err);
        goto out;
    }
    chain = sato_args_chain(args);
    if (netinfo && sato_netinfo_wants_help((const char *const *)argv + first, (size_t)(argc - first))) {
        printf("%s\n", sato_netinfo_help);
        rc = 0;
        goto out;
    }
    chainparams = sato_chainparams_by_name(chain);
    chaindir = path_join(datadir, chainparams->subdir);
    port = (int)sato_args_get_int(args, "rpcport", chainparams->rpc_port);
    named = sato_args_get_bool(args, "named", 0);
    wait_s = (int)sato_args_get_int(args, "rpcwaittimeout", 0);

    if (sato_args_get_bool(args, "stdinrpcpass", 0)) {
        char *pw = read_line(stdin);
        if (pw == NULL) {
            fprintf(stderr, "Error: -stdinrpcpass specified but failed to read from standard input\n");
            goto out;
        }
        snprintf(userpass, sizeof(userpass), "%s:%s", sato_args_get_str(args, "rpcuser", ""), pw);
        free(pw);
    } else if (sato_args_is_set(args, "rpcpassword")) {
        snprintf(userpass, sizeof(userpass), "%s:%s", sato_args_get_str(args, "rpcuser", ""),
                 sato_args_get(args, "rpcpassword"));
    } else {
        char *cookie = path_join(chaindir, sato_args_get_str(args, "rpccookiefile", ".cookie"));
        userpass[0] = '\0';
        if (!sato_rpcauth_read_cookie(cookie, userpass, sizeof(userpass)) && !sato_args_get_bool(args, "rpcwait", 0)) {
            fprintf(stderr, "Error: Could not locate RPC credentials. No authentication cookie could be "
                    "found, and RPC password is not set. See -rpcpassword and -stdinrpcpass. "
                    "Configuration file: (%s/sato.conf)\n", datadir);
            free(cookie);
            goto out;
        }
        free(cookie);
    }
    if (sato_args_get_bool(args, "stdin", 0)) {
        char *line;
        while ((line = read_line(stdin)) != NULL) {
            extra = sato_realloc(extra, (size_t)(nextra + 1) * sizeof(*extra));
            extra[nextra++] = line;
        }
    }
    getinfo = sato_args_get_bool(args, "getinfo", 0);
    if (getinfo) {
        if (first < argc || nextra > 0) {
            fprintf(stderr, "error: -getinfo takes no arguments\n");
            goto out;
        }
        /* Core batches getnetworkinfo, getblockchaininfo, getwalletinfo
         * and getbalances; this node has no wallet yet, and the network
         * part is a second call below. */
        extra = sato_realloc(extra, sizeof(*extra));
        extra[nextra++] = sato_strdup("getblockchaininfo");
    }
    if (netinfo) {
        /* Its arguments are the dashboard's; the calls are a batch of two. */
        const char **list = sato_malloc((size_t)(argc - first + nextra + 1) * sizeof(*list));
        size_t nl = 0;
        int ok;
        for (i = first; i < argc; i++) list[nl++] = argv[i];
        for (i = 0; i < nextra; i++) list[nl++] = extra[i];
        ok = sato_netinfo_parse(&level, &outonly, list, nl, err, sizeof(err));
        free(list);
        if (!ok) {
            fprintf(stderr, "error: %s\n", err);
            goto out;
        }
        body = sato_strdup("[{\"jsonrpc\":\"1.0\",\"id\":0,\"method\":\"getpeerinfo\",\"params\":[]},"
                           "{\"jsonrpc\":\"1.0\",\"id\":1,\"method\":\"getnetworkinfo\",\"params\":[]}]");
        goto send;
    }
    /* The command and its parameters: the command line's, then stdin's. */
    for (i = first; i < argc; i++) {
        extra = sato_realloc(extra, (size_t)(nextra + 1) * sizeof(*extra));
        memmove(extra + (i - first) + 1, extra + (i - first), (size_t)(nextra - (i - first)) * sizeof(*extra));
        extra[i - first] = sato_strdup(argv[i]);
        nextra++;
    }
    if (nextra == 0) {
        fprintf(stderr, "Error: too few parameters\n");
        goto out;
    }
    method = extra[0];
    params = named ? json_object() : json_array();
    for (i = 1; i < nextra; i++) {
        const char *text = extra[i];
        json_t *v;
        if (named) {
            const char *eq = strchr(text, '=');
            char name[128];
            if (eq == NULL || (size_t)(eq - text) >= sizeof(name)) {
                fprintf(stderr, "error: No '=' in named argument '%s', this may be because a positional "
                        "argument was given with -named\n", text);
                goto out;
            }
            memcpy(name, text, (size_t)(eq - text));
            name[eq - text] = '\0';
            if ((v = sato_rpc_cli_param(method, 0, name, eq + 1, err, sizeof(err))) == NULL) {
                fprintf(stderr, "error: %s\n", err);
                goto out;
            }
            json_object_set_new(params, name, v);
        } else {
            if ((v = sato_rpc_cli_param(method, (size_t)(i - 1), NULL, text, err, sizeof(err))) == NULL) {
                fprintf(stderr, "error: %s\n", err);
                goto out;
            }
            json_array_append_new(params, v);
        }
    }
    request = json_pack("{s:s, s:s, s:O, s:i}", "jsonrpc", "1.0", "method", method, "params", params, "id", 1);
    body = json_dumps(request, JSON_COMPACT);

send:
    for (;;) {
        char b64[700];
        size_t ul = strlen(userpass);
        if (userpass[0] == '\0') {
            char *cookie = path_join(chaindir, sato_args_get_str(args, "rpccookiefile", ".cookie"));
            sato_rpcauth_read_cookie(cookie, userpass, sizeof(userpass));
            free(cookie);
            ul = strlen(userpass);
        }
        sato_base64_encode(b64, (const unsigned char *)userpass, ul);
        free(authz);
        authz = sato_strdup(b64);
        if (http_post(sato_args_get_str(args, "rpcconnect", "127.0.0.1"), port, authz, body,
                      (int)sato_args_get_int(args, "rpcclienttimeout", 900), &hr, err, sizeof(err))) {
            if (hr.status == 401 && sato_args_get_bool(args, "rpcwait", 0) && !sato_args_is_set(args, "rpcpassword")) {
                /* The node may have written a new cookie since we read it. */
                free(hr.body);
                hr.body = NULL;
                userpass[0] = '\0';
            } else if (sato_args_get_bool(args, "rpcwait", 0) && in_warmup(hr.body)) {
                /* Still loading: as bitcoin-cli, a transient error. */
                snprintf(err, sizeof(err), "server in warmup");
                free(hr.body);
                hr.body = NULL;
            } else {
                break;
            }
        } else if (!sato_args_get_bool(args, "rpcwait", 0)) {
            fprintf(stderr, "error: %s\n", err);
            goto out;
        }
        if (wait_s > 0 && time(NULL) - start >= wait_s) {
            fprintf(stderr, "error: timeout on transient error: %s\n", err);
            goto out;
        }
        sleep(1);
    }
    if (hr.status == 401) {
        fprintf(stderr, "error: Authorization failed: Incorrect rpcuser or rpcpassword\n");
        goto out;
    }
    if (hr.status == 403) {
        fprintf(stderr, "error: server refused the connection (check -rpcallowip)\n");
        goto out;
    }
    reply = json_loads(hr.body, 0, NULL);
    if (netinfo && json_is_array(reply)) {
        rc = print_netinfo(reply, level, outonly, chain);
        goto out;
    }
    if (reply == NULL || !json_is_object(reply)) {
        fprintf(stderr, "error: server returned HTTP %d with a body that is not JSON\n", hr.status);
        goto out;
    }
    {
        json_t *e = json_object_get(reply, "error");
        if (e != NULL && !json_is_null(e)) {
            rc = print_error(e); /* as bitcoin-cli */
            goto out;
        }
        if (getinfo) {
            /* The network part: one more call (Core batches them). */
            http_reply_t nr;
            char nerr[256];
            memset(&nr, 0, sizeof(nr));
            if (http_post(sato_args_get_str(args, "rpcconnect", "127.0.0.1"), port, authz,
                          "{\"jsonrpc\":\"1.0\",\"id\":2,\"method\":\"getnetworkinfo\",\"params\":[]}",
                          (int)sato_args_get_int(args, "rpcclienttimeout", 900), &nr, nerr, sizeof(nerr)) &&
                nr.status == 200)
                print_getinfo(hr.body, nr.body);
            else
                print_getinfo(hr.body, NULL);
            free(nr.body);
        }
        else
            print_result(hr.body);
        rc = 0;
    }
out:
    for (i = 0; i < nextra; i++) free(extra[i]);
    free(extra);
    json_decref(params);
    json_decref(request);
    json_decref(reply);
    free(body);
    free(hr.body);
    free(authz);
    free(datadir);
    free(chaindir);
    sato_args_destroy(args);
    return rc;
}
