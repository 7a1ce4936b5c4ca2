/* The method table: Core's help text for the methods whose text is
 * compared word for word (test/functional/data/core_help/), complete help
 * for every method, the help list, and sato-cli's parameter conversion,
 * all read from the one table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rpc/spec.h"
#include "sato/log.h"
#include "sato/rpc.h"
#include "sato/rpc_methods.h"
#include "sato/script.h"
#include "test.h"

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (f == NULL) return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) n = 0;
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* The first line where a and b differ, for the failure message. */
static int first_diff_line(const char *a, const char *b) {
    int line = 1;
    while (*a && *a == *b) {
        if (*a == '\n') line++;
        a++, b++;
    }
    return *a == *b ? 0 : line;
}

static void test_core_texts(void) {
    static const char *const methods[] = {"getblock", "getblockchaininfo", "getblockheader", "generatetoaddress"};
    size_t i;
    for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
        char path[512], *want, *got;
        const sato_rpc_method_t *m = sato_rpc_method_find(methods[i]);
        snprintf(path, sizeof(path), "%s/test/functional/data/core_help/%s.txt", SATO_SOURCE_DIR, methods[i]);
        want = read_file(path);
        CHECK(want != NULL && m != NULL);
        if (want == NULL || m == NULL) continue;
        got = sato_rpc_help_text(m);
        test_case(strcmp(got, want) == 0, "help %s is Core's text (first difference: line %d)", methods[i],
                  first_diff_line(got, want));
        free(got);
        free(want);
    }
}

static int scalar_result(sato_rpc_result_type_t t) {
    return t == SATO_RPC_RESULT_STR || t == SATO_RPC_RESULT_NUM || t == SATO_RPC_RESULT_BOOL ||
           t == SATO_RPC_RESULT_AMOUNT || t == SATO_RPC_RESULT_STR_HEX || t == SATO_RPC_RESULT_TIME;
}

/* Every member of an object has a key, every value a description (as
 * Core's help has), containers have what they contain. */
static int results_complete(const sato_rpc_result_t *r, int in_object, const char *method) {
    int ok = 1;
    for (; r->type != SATO_RPC_RESULT_END; r++) {
        int container = r->type == SATO_RPC_RESULT_OBJ || r->type == SATO_RPC_RESULT_ARR ||
                        r->type == SATO_RPC_RESULT_OBJ_DYN || r->type == SATO_RPC_RESULT_ARR_FIXED;
        if (in_object && r->type != SATO_RPC_RESULT_ELIDED && (r->key == NULL || r->key[0] == '\0')) {
            fprintf(stderr, "  %s: an object member without a key\n", method);
            ok = 0;
        }
        if ((scalar_result(r->type) || r->type == SATO_RPC_RESULT_ELIDED) &&
            (r->description == NULL || r->description[0] == '\0')) {
            fprintf(stderr, "  %s: %s has no description\n", method, r->key ? r->key : "?");
            ok = 0;
        }
        if (r->type == SATO_RPC_RESULT_ARR && (r->inner == NULL || r->inner[0].type == SATO_RPC_RESULT_END)) {
            fprintf(stderr, "  %s: array %s without its element\n", method, r->key);
            ok = 0;
        }
        if (container && r->inner != NULL)
            ok &= results_complete(r->inner, r->type == SATO_RPC_RESULT_OBJ || r->type == SATO_RPC_RESULT_OBJ_DYN,
                                   method);
    }
    return ok;
}

/* A default is JSON of the argument's type, which the accessors return. */
static int default_fits(const sato_rpc_arg_t *a) {
    json_t *v = json_loads(a->def, JSON_DECODE_ANY, NULL);
    int ok = 0;
    if (v == NULL) return 0;
    switch (a->type) {
    case SATO_RPC_ARG_STR:
    case SATO_RPC_ARG_STR_HEX: ok = json_is_string(v); break;
    case SATO_RPC_ARG_NUM: ok = json_is_number(v); break;
    case SATO_RPC_ARG_AMOUNT: ok = json_is_number(v) || json_is_string(v); break;
    case SATO_RPC_ARG_RANGE: ok = json_is_number(v) || json_is_array(v); break;
    case SATO_RPC_ARG_BOOL: ok = json_is_boolean(v); break;
    case SATO_RPC_ARG_OBJ:
    case SATO_RPC_ARG_OBJ_USER_KEYS: ok = json_is_object(v); break;
    case SATO_RPC_ARG_ARR: ok = json_is_array(v); break;
    }
    json_decref(v);
    return ok;
}

static int args_complete(const sato_rpc_arg_t *a, int top, const char *method) {
    int ok = 1;
    for (; a && a->names; a++) {
        if (top && (a->description == NULL || a->description[0] == '\0')) {
            fprintf(stderr, "  %s: argument %s has no description\n", method, a->names);
            ok = 0;
        }
        if ((a->fallback == SATO_RPC_HINT && (a->def == NULL || a->def[0] == '\0')) ||
            (a->fallback == SATO_RPC_DEFAULT && !default_fits(a))) {
            fprintf(stderr, "  %s: argument %s has a bad default\n", method, a->names);
            ok = 0;
        }
        if ((a->type == SATO_RPC_ARG_ARR || a->type == SATO_RPC_ARG_OBJ) && (a->inner == NULL || !a->inner[0].names)) {
            fprintf(stderr, "  %s: argument %s does not say what it holds\n", method, a->names);
            ok = 0;
        }
        if (a->inner) ok &= args_complete(a->inner, 0, method);
    }
    return ok;
}

static void test_every_method_documented(void) {
    const sato_rpc_method_t *m;
    size_t i, n = 0;
    int ok = 1;
    for (i = 0; (m = sato_rpc_method_at(i)) != NULL; i++, n++) {
        size_t k;
        char *text;
        if (m->description == NULL || m->description[0] == '\0' || m->category == NULL) {
            fprintf(stderr, "  %s: no description or category\n", m->name);
            ok = 0;
        }
        ok &= args_complete(m->args, 1, m->name);
        if (m->results == NULL || m->results[0].type == SATO_RPC_RESULT_END) {
            fprintf(stderr, "  %s: no result documented\n", m->name);
            ok = 0;
        } else {
            ok &= results_complete(m->results, 0, m->name);
        }
        /* Several results: each says when it is the answer. */
        if (m->results && m->results[0].type != SATO_RPC_RESULT_END && m->results[1].type != SATO_RPC_RESULT_END &&
            m->results[1].type != SATO_RPC_RESULT_ANY)
            for (k = 0; m->results[k].type != SATO_RPC_RESULT_END; k++)
                if (m->results[k].cond == NULL) {
                    fprintf(stderr, "  %s: result %zu has no condition\n", m->name, k);
                    ok = 0;
                }
        if (sato_rpc_method_find(m->name) != m) {
            fprintf(stderr, "  %s: listed twice\n", m->name);
            ok = 0;
        }
        /* The text renders, with its sections. */
        text = sato_rpc_help_text(m);
        if (strncmp(text, m->name, strlen(m->name)) != 0 || strstr(text, "\nResult") == NULL ||
            (sato_rpc_method_nargs(m) > 0 && !(m->args[0].opts & SATO_RPC_ARG_HIDDEN) &&
             strstr(text, "\nArguments:\n1. ") == NULL)) {
            fprintf(stderr, "  %s: help text lacks a section\n", m->name);
            ok = 0;
        }
        free(text);
    }
    test_case(ok && n == 50, "all %zu methods have a description, documented arguments and results", n);
}

/* The daemon binds the control methods; every other entry is bound by
 * the rpc layer's groups, and nothing is bound that the table lacks. */
static void test_every_method_bound(void) {
    static const char *const daemon_methods[] = {"getmemoryinfo", "logging", "setmocktime", "stop", "uptime"};
    sato_rpc_table_t *t = sato_rpc_table_create();
    const sato_rpc_method_t *m;
    size_t i, k;
    int ok = 1;
    sato_rpc_register_help(t);
    sato_rpc_register_rawtransaction(t);
    sato_rpc_register_util(t);
    sato_rpc_register_blockchain(t);
    sato_rpc_register_mining(t);
    sato_rpc_register_getrawtransaction(t);
    sato_rpc_register_net(t);
    sato_rpc_register_mempool(t);
    for (i = 0; (m = sato_rpc_method_at(i)) != NULL; i++) {
        int daemon = 0;
        for (k = 0; k < sizeof(daemon_methods) / sizeof(daemon_methods[0]); k++)
            daemon |= strcmp(daemon_methods[k], m->name) == 0;
        if ((sato_rpc_table_find(t, m->name) != NULL) == daemon) {
            fprintf(stderr, "  %s: %s\n", m->name, daemon ? "bound by the rpc layer" : "not bound");
            ok = 0;
        }
    }
    test_case(ok && sato_rpc_table_count(t) + 5 == i, "the rpc layer binds %zu of the %zu methods, the daemon the rest",
              sato_rpc_table_count(t), i);
    sato_rpc_table_destroy(t);
}

static void test_help_list(void) {
    sato_rpc_table_t *t = sato_rpc_table_create();
    char *list;
    sato_rpc_register_help(t);
    sato_rpc_register_blockchain(t);
    sato_rpc_register_mining(t);
    list = sato_rpc_help_list(t);
    /* Core's layout: a heading per category, one synopsis a line, a blank
     * line between categories, the hidden ones left out. */
    CHECK(strncmp(list, "== Blockchain ==\ngetbestblockhash\ngetblock \"blockhash\" ( verbosity )\n", 69) == 0);
    CHECK(strstr(list, "verifychain ( checklevel nblocks )\n\n== Control ==\nhelp ( \"command\" )\n\n== Mining ==\n"
                       "submitblock \"hexdata\" ( \"dummy\" )\nsubmitheader \"hexdata\"") != NULL);
    CHECK(list[strlen(list) - 1] != '\n');
    CHECK(strstr(list, "generatetoaddress") == NULL && strstr(list, "invalidateblock") == NULL);
    free(list);
    sato_rpc_table_destroy(t);
}

/* Texts that name Sato's own lists: they must list what the code has. */
static void test_lists_in_texts(void) {
    const sato_rpc_method_t *logging = sato_rpc_method_find("logging");
    const char *names[32];
    char want[1024] = "The categories are: ";
    size_t n = 0, i, j;
    uint32_t bit;
    sato_txout_type_t ty;
    char types[512] = "";
    for (bit = 1; bit != 0; bit <<= 1) {
        const char *name = sato_log_category_name(bit);
        if (name != NULL) names[n++] = name;
    }
    for (i = 1; i < n; i++) /* sorted, as Core lists its categories */
        for (j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            const char *x = names[j];
            names[j] = names[j - 1];
            names[j - 1] = x;
        }
    for (i = 0; i < n; i++) {
        strcat(want, names[i]);
        strcat(want, i + 1 < n ? ", " : "\n");
    }
    CHECK(logging != NULL && strstr(logging->description, want) != NULL);
    for (ty = SATO_TXOUT_NONSTANDARD; ty <= SATO_TXOUT_WITNESS_UNKNOWN; ty++) {
        if (ty != SATO_TXOUT_NONSTANDARD) strcat(types, ", ");
        strcat(types, sato_txout_type_name(ty));
    }
    CHECK(strcmp(types, OUTPUT_TYPES) == 0);
}

static int cli_is(const char *method, size_t pos, const char *name, const char *text, const char *want_json) {
    char err[256] = "";
    json_t *v = sato_rpc_cli_param(method, pos, name, text, err, sizeof(err));
    json_t *want = json_loads(want_json, JSON_DECODE_ANY, NULL);
    int ok = v != NULL && want != NULL && json_equal(v, want);
    json_decref(v);
    json_decref(want);
    return ok;
}

static void test_cli_conversion(void) {
    const char *h = "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206";
    char quoted[80], err[256];
    const sato_rpc_method_t *m;
    size_t i, k;
    int ok = 1;
    json_t *v;
    snprintf(quoted, sizeof(quoted), "\"%s\"", h);
    /* getblock <hash> 2, generatetoaddress 3 <addr>, getblockheader <hash> false */
    CHECK(cli_is("getblock", 0, NULL, h, quoted) && cli_is("getblock", 1, NULL, "2", "2"));
    CHECK(cli_is("generatetoaddress", 0, NULL, "3", "3") &&
          cli_is("generatetoaddress", 1, NULL, "bcrt1qtmp74ayg7p24uslctssvjm06q5phz4yrxucgnv",
                 "\"bcrt1qtmp74ayg7p24uslctssvjm06q5phz4yrxucgnv\""));
    CHECK(cli_is("getblockheader", 0, NULL, h, quoted) && cli_is("getblockheader", 1, NULL, "false", "false"));
    /* -named getblock blockhash=<hash> verbosity=0, and the alias verbose */
    CHECK(cli_is("getblock", 0, "blockhash", h, quoted) && cli_is("getblock", 0, "verbosity", "0", "0") &&
          cli_is("getblock", 0, "verbose", "1", "1"));
    /* A hash that reads as a number stays a string; so do unknown names,
     * unknown methods and extra positions. */
    CHECK(cli_is("getblock", 0, NULL, "1234", "\"1234\"") && cli_is("getblock", 0, "bogus", "1", "\"1\"") &&
          cli_is("nosuchmethod", 0, NULL, "1", "\"1\"") && cli_is("getblock", 5, NULL, "1", "\"1\""));
    CHECK(cli_is("logging", 0, NULL, "[\"net\"]", "[\"net\"]") && cli_is("generateblock", 1, NULL, "[]", "[]"));
    /* hash_or_height: JSON if it parses, else the string (bitcoin-cli's JSON_OR_STRING) */
    CHECK(cli_is("gettxoutsetinfo", 1, NULL, "1000", "1000") && cli_is("gettxoutsetinfo", 1, NULL, h, quoted));
    CHECK(cli_is("stop", 0, NULL, "1000", "1000")); /* the hidden wait */
    v = sato_rpc_cli_param("logging", 0, NULL, "[not json", err, sizeof(err));
    CHECK(v == NULL && strcmp(err, "Error parsing JSON: [not json") == 0);
    v = sato_rpc_cli_param("getblock", 1, NULL, "x", err, sizeof(err));
    CHECK(v == NULL && strcmp(err, "Error parsing JSON: x") == 0);
    /* The rule for every argument of every method, by position and by each
     * alias: a string for string and hex arguments, JSON for the rest. */
    for (i = 0; (m = sato_rpc_method_at(i)) != NULL; i++) {
        for (k = 0; k < sato_rpc_method_nargs(m); k++) {
            const sato_rpc_arg_t *a = &m->args[k];
            int str = a->type == SATO_RPC_ARG_STR || a->type == SATO_RPC_ARG_STR_HEX;
            const char *names = a->names, *alias;
            size_t len;
            ok &= cli_is(m->name, k, NULL, "7", str ? "\"7\"" : "7");
            while (sato_rpc_next_name(&names, &alias, &len)) {
                char name[64];
                snprintf(name, sizeof(name), "%.*s", (int)len, alias);
                ok &= cli_is(m->name, 0, name, "7", str ? "\"7\"" : "7");
            }
        }
    }
    test_case(ok, "sato-cli converts every argument of every method as its type says");
}

int main(void) {
    test_core_texts();
    test_every_method_documented();
    test_every_method_bound();
    test_help_list();
    test_lists_in_texts();
    test_cli_conversion();
    return test_report("rpc_help");
}
