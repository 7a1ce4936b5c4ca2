/* The list of every method's interface, and what is read from it without
 * a server: argument look-ups and sato-cli's parameter conversion. */
#include <stdio.h>
#include <string.h>

#include "spec.h"

static const sato_rpc_method_t *const groups[] = {
    sato_rpc_spec_blockchain, sato_rpc_spec_control, sato_rpc_spec_mempool, sato_rpc_spec_mining,
    sato_rpc_spec_net,        sato_rpc_spec_rawtransaction, sato_rpc_spec_util,
};

const sato_rpc_method_t *sato_rpc_method_at(size_t i) {
    size_t g;
    for (g = 0; g < sizeof(groups) / sizeof(groups[0]); g++) {
        const sato_rpc_method_t *m;
        for (m = groups[g]; m->name != NULL; m++)
            if (i-- == 0) return m;
    }
    return NULL;
}

const sato_rpc_method_t *sato_rpc_method_find(const char *name) {
    const sato_rpc_method_t *m;
    size_t i;
    for (i = 0; (m = sato_rpc_method_at(i)) != NULL; i++)
        if (strcmp(m->name, name) == 0) return m;
    return NULL;
}

size_t sato_rpc_method_nargs(const sato_rpc_method_t *m) {
    size_t n = 0;
    while (m->args && m->args[n].names) n++;
    return n;
}

size_t sato_rpc_method_nrequired(const sato_rpc_method_t *m) {
    size_t n = sato_rpc_method_nargs(m);
    while (n > 0 && m->args[n - 1].fallback != SATO_RPC_REQUIRED) n--;
    return n;
}

int sato_rpc_next_name(const char **names, const char **name, size_t *len) {
    const char *bar;
    if (*names == NULL) return 0;
    bar = strchr(*names, '|');
    *name = *names;
    *len = bar ? (size_t)(bar - *names) : strlen(*names);
    *names = bar ? bar + 1 : NULL;
    return 1;
}

/* Whether key is one of the '|'-separated names. */
static int name_matches(const char *names, const char *key) {
    const char *name;
    size_t len, n = strlen(key);
    while (sato_rpc_next_name(&names, &name, &len))
        if (len == n && memcmp(name, key, n) == 0) return 1;
    return 0;
}

const sato_rpc_arg_t *sato_rpc_method_arg(const sato_rpc_method_t *m, const char *name, size_t *pos) {
    size_t i;
    for (i = 0; m->args && m->args[i].names; i++) {
        if (name_matches(m->args[i].names, name)) {
            if (pos) *pos = i;
            return &m->args[i];
        }
    }
    return NULL;
}

/* bitcoin-cli sends as a string what the server reads as one (Core's
 * rule: an argument of type string or hex), everything else as JSON. */
json_t *sato_rpc_cli_param(const char *method, size_t pos, const char *name, const char *text, char *err,
                           size_t errlen) {
    const sato_rpc_method_t *m = sato_rpc_method_find(method);
    const sato_rpc_arg_t *a = NULL;
    json_t *v;
    if (m != NULL) {
        if (name != NULL)
            a = sato_rpc_method_arg(m, name, NULL);
        else if (pos < sato_rpc_method_nargs(m))
            a = &m->args[pos];
    }
    if (a == NULL || a->type == SATO_RPC_ARG_STR || a->type == SATO_RPC_ARG_STR_HEX) return json_string(text);
    v = json_loads(text, JSON_DECODE_ANY, NULL);
    if (v == NULL && (a->opts & SATO_RPC_ARG_CLI_JSON_OR_STRING)) return json_string(text);
    if (v == NULL) snprintf(err, errlen, "Error parsing JSON: %s", text);
    return v;
}
