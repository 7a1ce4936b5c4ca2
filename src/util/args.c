#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/args.h"
#include "sato/mem.h"

enum { SRC_CMDLINE = 0, SRC_CONFIG = 1 };

typedef struct {
    const sato_arg_def_t *def;
    char *section; /* NULL: top of the file, or the command line */
    char *value;   /* "0" for a negated option */
    int source;
} setting_t;

struct sato_args {
    const sato_arg_def_t *defs;
    size_t ndefs;
    setting_t *settings;
    size_t nsettings, cap;
    const char **list; /* scratch for sato_args_get_list */
    int ignore_unknown_config;
    char chain[16];
};

static const char *const chain_names[] = {"main", "test", "testnet4", "signet", "regtest"};

static int is_chain(const char *s, size_t n) {
    size_t i;
    for (i = 0; i < sizeof(chain_names) / sizeof(chain_names[0]); i++)
        if (strlen(chain_names[i]) == n && strncmp(chain_names[i], s, n) == 0) return 1;
    return 0;
}

void sato_args_ignore_unknown_config(sato_args_t *a) {
    a->ignore_unknown_config = 1;
}

sato_args_t *sato_args_create(const sato_arg_def_t *defs, size_t ndefs) {
    sato_args_t *a = sato_calloc(1, sizeof(*a));
    a->defs = defs;
    a->ndefs = ndefs;
    strcpy(a->chain, "main");
    return a;
}

void sato_args_destroy(sato_args_t *a) {
    size_t i;
    if (a == NULL) return;
    for (i = 0; i < a->nsettings; i++) {
        free(a->settings[i].section);
        free(a->settings[i].value);
    }
    free(a->settings);
    free(a->list);
    free(a);
}

static const sato_arg_def_t *find_def(const sato_args_t *a, const char *name, size_t n) {
    size_t i;
    for (i = 0; i < a->ndefs; i++)
        if (strlen(a->defs[i].name) == n && strncmp(a->defs[i].name, name, n) == 0) return &a->defs[i];
    return NULL;
}

int sato_parse_int64(const char *s, int64_t *out) {
    char *end;
    long long v;
    *out = 0;
    if (s == NULL || *s == '\0' || isspace((unsigned char)*s)) return 0;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno != 0 || *end != '\0') return 0;
    *out = v;
    return 1;
}

static int parse_bool(const char *s, int *out) {
    int64_t v;
    if (*s == '\0') {
        *out = 1;
        return 1;
    }
    if (!sato_parse_int64(s, &v) || (v != 0 && v != 1)) return 0;
    *out = (int)v;
    return 1;
}

/* Records `[section.]name[=value]` (the dash already stripped) after
 * checking the name and the value against the option table. */
static int add_setting(sato_args_t *a, const char *text, const char *section, int source,
                       char *err, size_t errlen) {
    const char *eq = strchr(text, '=');
    size_t keylen = eq ? (size_t)(eq - text) : strlen(text);
    const char *dot = memchr(text, '.', keylen);
    const char *name = text, *value = eq ? eq + 1 : NULL;
    size_t namelen = keylen;
    int negated = 0, b;
    int64_t iv;
    const sato_arg_def_t *def;
    setting_t *s;
    char *sect = section ? sato_strdup(section) : NULL;

    if (dot != NULL) {
        if (!is_chain(text, (size_t)(dot - text))) {
            snprintf(err, errlen, "Invalid section in -%.*s", (int)keylen, text);
            goto fail;
        }
        free(sect);
        sect = sato_malloc((size_t)(dot - text) + 1);
        memcpy(sect, text, (size_t)(dot - text));
        sect[dot - text] = '\0';
        name = dot + 1;
        namelen = keylen - (size_t)(name - text);
    }
    def = find_def(a, name, namelen);
    if (def == NULL && namelen > 2 && strncmp(name, "no", 2) == 0) {
        def = find_def(a, name + 2, namelen - 2);
        if (def != NULL) negated = 1;
    }
    if (def == NULL && source == SRC_CONFIG && a->ignore_unknown_config) {
        free(sect);
        return 1;
    }
    if (def == NULL) {
        snprintf(err, errlen, "Invalid parameter -%.*s%s", (int)namelen, name,
                 source == SRC_CONFIG ? " in the configuration file" : "");
        goto fail;
    }
    if (source == SRC_CONFIG && (def->flags & SATO_ARG_COMMANDLINE_ONLY)) {
        snprintf(err, errlen, "-%s may only be given on the command line", def->name);
        goto fail;
    }
    if (negated) {
        /* -nofoo is foo=0; -nofoo=0 is a double negative, foo=1. */
        if (def->type == SATO_ARG_INT) {
            snprintf(err, errlen, "Cannot negate -%s", def->name);
            goto fail;
        }
        if (value != NULL && !parse_bool(value, &b)) {
            snprintf(err, errlen, "Invalid value '%s' for -no%s (expected 0 or 1)", value, def->name);
            goto fail;
        }
        value = (value != NULL && !b) ? "1" : "0";
    } else if (def->type == SATO_ARG_BOOL) {
        if (!parse_bool(value ? value : "", &b)) {
            snprintf(err, errlen, "Invalid value '%s' for -%s (expected 0 or 1)", value, def->name);
            goto fail;
        }
        value = b ? "1" : "0";
    } else if (value == NULL || *value == '\0') {
        snprintf(err, errlen, "-%s requires a value", def->name);
        goto fail;
    } else if (def->type == SATO_ARG_INT && !sato_parse_int64(value, &iv)) {
        snprintf(err, errlen, "Invalid value '%s' for -%s (expected an integer)", value, def->name);
        goto fail;
    }
    if (a->nsettings == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 16;
        a->settings = sato_realloc(a->settings, a->cap * sizeof(*a->settings));
    }
    s = &a->settings[a->nsettings++];
    s->def = def;
    s->section = sect;
    s->value = sato_strdup(value);
    s->source = source;
    return 1;
fail:
    free(sect);
    return 0;
}

int sato_args_parse_cmdline(sato_args_t *a, int argc, char **argv, int *positional,
                            char *err, size_t errlen) {
    int i;
    if (positional) *positional = argc;
    for (i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (arg[0] != '-' || arg[1] == '\0') {
            if (positional) {
                *positional = i;
                return 1;
            }
            snprintf(err, errlen, "Command line contains unexpected token '%s'", arg);
            return 0;
        }
        arg++;
        if (arg[0] == '-') arg++;
        if (!add_setting(a, arg, NULL, SRC_CMDLINE, err, errlen)) return 0;
    }
    return 1;
}

static char *trim(char *s) {
    char *e;
    while (isspace((unsigned char)*s)) s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1])) *--e = '\0';
    return s;
}

int sato_args_read_config(sato_args_t *a, const char *path, int required, char *err, size_t errlen) {
    FILE *f = fopen(path, "r");
    char line[4096], section[16] = "";
    int lineno = 0, ok = 0;
    if (f == NULL) {
        if (!required && errno == ENOENT) return 1;
        snprintf(err, errlen, "Cannot read configuration file %s: %s", path, strerror(errno));
        return 0;
    }
    while (fgets(line, sizeof(line), f) != NULL) {
        char *s, *hash, msg[256];
        lineno++;
        if (strchr(line, '\n') == NULL && !feof(f)) {
            snprintf(err, errlen, "%s:%d: line too long", path, lineno);
            goto out;
        }
        if ((hash = strchr(line, '#')) != NULL) *hash = '\0';
        s = trim(line);
        if (*s == '\0') continue;
        if (*s == '[') {
            size_t n = strlen(s);
            if (s[n - 1] != ']' || !is_chain(s + 1, n - 2)) {
                snprintf(err, errlen, "%s:%d: invalid section header %s", path, lineno, s);
                goto out;
            }
            memcpy(section, s + 1, n - 2);
            section[n - 2] = '\0';
            continue;
        }
        if (*s == '-') {
            snprintf(err, errlen, "%s:%d: options in the configuration file are written without '-': %s",
                     path, lineno, s);
            goto out;
        }
        {
            /* Normalise "name = value" to "name=value". */
            char *eq = strchr(s, '='), buf[4096];
            if (eq != NULL) {
                *eq = '\0';
                snprintf(buf, sizeof(buf), "%s=%s", trim(s), trim(eq + 1));
                s = buf;
            }
            if (!add_setting(a, s, section[0] ? section : NULL, SRC_CONFIG, msg, sizeof(msg))) {
                snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
                goto out;
            }
        }
    }
    ok = 1;
out:
    fclose(f);
    return ok;
}

/* Does setting s apply on the selected chain, and with which priority
 * (lower is stronger)? Returns -1 if it does not apply. */
static int priority(const sato_args_t *a, const setting_t *s) {
    if (s->section != NULL) {
        if (strcmp(s->section, a->chain) != 0) return -1;
        return s->source == SRC_CMDLINE ? 0 : 1;
    }
    if (s->source == SRC_CMDLINE) return 0;
    if ((s->def->flags & SATO_ARG_NETWORK_ONLY) && strcmp(a->chain, "main") != 0) return -1;
    return 2;
}

const char *sato_args_get(const sato_args_t *a, const char *name) {
    const char *best = NULL;
    int bestp = 99;
    size_t i;
    for (i = 0; i < a->nsettings; i++) {
        const setting_t *s = &a->settings[i];
        int p;
        if (strcmp(s->def->name, name) != 0 || (p = priority(a, s)) < 0) continue;
        if (p <= bestp) { /* later settings of equal rank win */
            bestp = p;
            best = s->value;
        }
    }
    return best;
}

int sato_args_is_set(const sato_args_t *a, const char *name) {
    return sato_args_get(a, name) != NULL;
}

const char *sato_args_get_str(const sato_args_t *a, const char *name, const char *def) {
    const char *v = sato_args_get(a, name);
    return v ? v : def;
}

int sato_args_get_bool(const sato_args_t *a, const char *name, int def) {
    const char *v = sato_args_get(a, name);
    int b;
    if (v == NULL || !parse_bool(v, &b)) return def;
    return b;
}

int64_t sato_args_get_int(const sato_args_t *a, const char *name, int64_t def) {
    const char *v = sato_args_get(a, name);
    int64_t x;
    if (v == NULL || !sato_parse_int64(v, &x)) return def;
    return x;
}

size_t sato_args_get_list(sato_args_t *a, const char *name, const char ***out) {
    size_t i, n = 0;
    int p;
    free(a->list);
    a->list = sato_calloc(a->nsettings + 1, sizeof(*a->list));
    for (p = 0; p <= 2; p++) {
        for (i = 0; i < a->nsettings; i++) {
            const setting_t *s = &a->settings[i];
            if (strcmp(s->def->name, name) != 0 || priority(a, s) != p) continue;
            if (strcmp(s->value, "0") == 0 && s->def->type != SATO_ARG_LIST) continue;
            a->list[n++] = s->value;
        }
        if (n > 0 && p == 0) break; /* the command line replaces the file */
    }
    *out = a->list;
    return n;
}

int sato_args_select_chain(sato_args_t *a, char *err, size_t errlen) {
    static const char *const flags[][2] = {
        {"regtest", "regtest"}, {"testnet", "test"}, {"testnet4", "testnet4"}, {"signet", "signet"}};
    const char *chosen = NULL, *v;
    size_t i;
    int count = 0;
    strcpy(a->chain, "main");
    for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        if (sato_args_get_bool(a, flags[i][0], 0)) {
            chosen = flags[i][1];
            count++;
        }
    }
    if ((v = sato_args_get(a, "chain")) != NULL) {
        if (!is_chain(v, strlen(v))) {
            snprintf(err, errlen, "Unknown chain '%s' (main, test, testnet4, signet, regtest)", v);
            return 0;
        }
        chosen = v;
        count++;
    }
    if (count > 1) {
        snprintf(err, errlen, "Invalid combination of -regtest, -signet, -testnet, -testnet4 and -chain. Can use at most one.");
        return 0;
    }
    if (chosen) snprintf(a->chain, sizeof(a->chain), "%s", chosen);
    return 1;
}

const char *sato_args_chain(const sato_args_t *a) {
    return a->chain;
}
