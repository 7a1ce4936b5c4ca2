/* Help text from the method table, laid out as Bitcoin Core lays it out
 * (RPCHelpMan::ToString in Core's src/rpc/util.cpp): the synopsis, the
 * description, then "Arguments:", "Result:" and "Examples:". Arguments and
 * results are rows of a left column (name, type sketch, JSON skeleton)
 * and a right column (type and description) that starts four spaces after
 * the longest left part of its block. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/buf.h"
#include "sato/mem.h"
#include "sato/rpc.h"
#include "sato/rpc_methods.h"

static void put(sato_buf_t *b, const char *s) {
    sato_buf_write(b, s, strlen(s));
}

static void put_n(sato_buf_t *b, const char *s, size_t n) {
    sato_buf_write(b, s, n);
}

static void put_spaces(sato_buf_t *b, size_t n) {
    while (n-- > 0) sato_buf_write_u8(b, ' ');
}

static char *finish(sato_buf_t *b) {
    sato_buf_write_u8(b, 0);
    return (char *)b->data;
}

/* One row; both columns owned. */
typedef struct {
    char *left, *right;
} row_t;

typedef struct {
    row_t *rows;
    size_t n, cap;
    size_t widest; /* of the left column */
} block_t;

static void block_add(block_t *blk, char *left, char *right) {
    size_t w = strlen(left);
    if (blk->n == blk->cap) {
        blk->cap = blk->cap ? blk->cap * 2 : 32;
        blk->rows = sato_realloc(blk->rows, blk->cap * sizeof(*blk->rows));
    }
    blk->rows[blk->n].left = left;
    blk->rows[blk->n].right = right;
    blk->n++;
    if (w > blk->widest) blk->widest = w;
}

/* The row added last loses its last character (the comma after the last
 * member of an object, which JSON does not allow). */
static void block_drop_comma(block_t *blk) {
    char *l = blk->rows[blk->n - 1].left;
    size_t len = strlen(l);
    if (len > 0) l[len - 1] = '\0';
}

static void block_clear(block_t *blk) {
    size_t i;
    for (i = 0; i < blk->n; i++) {
        free(blk->rows[i].left);
        free(blk->rows[i].right);
    }
    free(blk->rows);
    memset(blk, 0, sizeof(*blk));
}

/* Continuation lines of the right column start under its first line;
 * their own leading spaces are dropped. Core stops at an empty line's
 * break without padding what follows it; so does this, to print the same. */
static void block_write(sato_buf_t *out, const block_t *blk) {
    size_t pad = blk->widest + 4, i;
    for (i = 0; i < blk->n; i++) {
        const char *l = blk->rows[i].left, *r = blk->rows[i].right;
        size_t len = strlen(r), begin = 0, nl;
        const char *p;
        put(out, l);
        if (len == 0) {
            put(out, "\n");
            continue;
        }
        put_spaces(out, pad - strlen(l));
        p = strchr(r, '\n');
        nl = p ? (size_t)(p - r) : len;
        for (;;) {
            put_n(out, r + begin, nl - begin);
            if (nl == len) break;
            put(out, "\n");
            put_spaces(out, pad);
            begin = nl + 1;
            while (begin < len && r[begin] == ' ') begin++;
            if (begin == len) break;
            p = begin + 1 <= len ? strchr(r + begin + 1, '\n') : NULL;
            nl = p ? (size_t)(p - r) : len;
        }
        put(out, "\n");
    }
}

static char *cat(const char *a, const char *b, const char *c) {
    size_t la = strlen(a), lb = strlen(b), lc = strlen(c);
    char *s = sato_malloc(la + lb + lc + 1);
    memcpy(s, a, la);
    memcpy(s + la, b, lb);
    memcpy(s + la + lb, c, lc + 1);
    return s;
}

static char *indent_str(size_t n) {
    char *s = sato_malloc(n + 1);
    memset(s, ' ', n);
    s[n] = '\0';
    return s;
}

/* ---- arguments ---- */

static size_t first_name_len(const sato_rpc_arg_t *a) {
    const char *bar = strchr(a->names, '|');
    return bar ? (size_t)(bar - a->names) : strlen(a->names);
}

static void put_first_name(sato_buf_t *b, const sato_rpc_arg_t *a) {
    put_n(b, a->names, first_name_len(a));
}

static void arg_sketch(sato_buf_t *b, const sato_rpc_arg_t *a, int oneline);

/* A member of an object argument: "name": sketch (Core's ToStringObj). */
static void arg_member_sketch(sato_buf_t *b, const sato_rpc_arg_t *a, int oneline) {
    const sato_rpc_arg_t *in;
    put(b, "\"");
    put_first_name(b, a);
    put(b, oneline ? "\":" : "\": ");
    switch (a->type) {
    case SATO_RPC_ARG_STR: put(b, "\"str\""); break;
    case SATO_RPC_ARG_STR_HEX: put(b, "\"hex\""); break;
    case SATO_RPC_ARG_NUM: put(b, "n"); break;
    case SATO_RPC_ARG_RANGE: put(b, "n or [n,n]"); break;
    case SATO_RPC_ARG_AMOUNT: put(b, "amount"); break;
    case SATO_RPC_ARG_BOOL: put(b, "bool"); break;
    case SATO_RPC_ARG_ARR:
        put(b, "[");
        for (in = a->inner; in && in->names; in++) {
            arg_sketch(b, in, oneline);
            put(b, ",");
        }
        put(b, "...]");
        break;
    case SATO_RPC_ARG_OBJ:
    case SATO_RPC_ARG_OBJ_USER_KEYS:
        abort(); /* Core has no such member either */
    }
}

/* How an argument is written in the synopsis (Core's ToString). */
static void arg_sketch(sato_buf_t *b, const sato_rpc_arg_t *a, int oneline) {
    const sato_rpc_arg_t *in;
    if (oneline && a->oneline != NULL) {
        put(b, a->oneline);
        return;
    }
    switch (a->type) {
    case SATO_RPC_ARG_STR:
    case SATO_RPC_ARG_STR_HEX:
        put(b, "\"");
        put_first_name(b, a);
        put(b, "\"");
        break;
    case SATO_RPC_ARG_NUM:
    case SATO_RPC_ARG_RANGE:
    case SATO_RPC_ARG_AMOUNT:
    case SATO_RPC_ARG_BOOL:
        put_first_name(b, a);
        break;
    case SATO_RPC_ARG_OBJ:
    case SATO_RPC_ARG_OBJ_USER_KEYS:
        put(b, "{");
        for (in = a->inner; in && in->names; in++) {
            if (in != a->inner) put(b, ",");
            arg_member_sketch(b, in, oneline);
        }
        put(b, a->type == SATO_RPC_ARG_OBJ ? "}" : ",...}");
        break;
    case SATO_RPC_ARG_ARR:
        put(b, "[");
        for (in = a->inner; in && in->names; in++) {
            arg_sketch(b, in, oneline);
            put(b, ",");
        }
        put(b, "...]");
        break;
    }
}

static const char *arg_type_name(sato_rpc_arg_type_t t) {
    switch (t) {
    case SATO_RPC_ARG_STR:
    case SATO_RPC_ARG_STR_HEX: return "string";
    case SATO_RPC_ARG_NUM: return "numeric";
    case SATO_RPC_ARG_AMOUNT: return "numeric or string";
    case SATO_RPC_ARG_RANGE: return "numeric or array";
    case SATO_RPC_ARG_BOOL: return "boolean";
    case SATO_RPC_ARG_OBJ:
    case SATO_RPC_ARG_OBJ_USER_KEYS: return "json object";
    case SATO_RPC_ARG_ARR: return "json array";
    }
    return "";
}

/* "(numeric, optional, default=1) description" (Core's ToDescriptionString). */
static char *arg_description(const sato_rpc_arg_t *a, int named) {
    sato_buf_t b;
    sato_buf_init(&b);
    put(&b, "(");
    put(&b, a->type_str ? a->type_str : arg_type_name(a->type));
    switch (a->fallback) {
    case SATO_RPC_DEFAULT:
    case SATO_RPC_HINT:
        put(&b, ", optional, default=");
        put(&b, a->def);
        break;
    case SATO_RPC_OMITTED:
        if (named) put(&b, ", optional");
        break;
    case SATO_RPC_REQUIRED:
        put(&b, ", required");
        break;
    }
    put(&b, ")");
    if (a->description && a->description[0]) {
        put(&b, " ");
        put(&b, a->description);
    }
    return finish(&b);
}

typedef enum { OUTER_NONE, OUTER_OBJ, OUTER_ARR } outer_t;

/* The rows of the inner parts of an argument (Core's Sections::Push);
 * a top-level scalar has none. */
static void arg_rows(block_t *blk, const sato_rpc_arg_t *a, size_t indent, outer_t outer) {
    int named = outer == OUTER_OBJ, top = outer == OUTER_NONE;
    char *ind = indent_str(indent), *ind2 = indent_str(indent + 2);
    const sato_rpc_arg_t *in;
    sato_buf_t b;
    switch (a->type) {
    case SATO_RPC_ARG_STR:
    case SATO_RPC_ARG_STR_HEX:
    case SATO_RPC_ARG_NUM:
    case SATO_RPC_ARG_AMOUNT:
    case SATO_RPC_ARG_RANGE:
    case SATO_RPC_ARG_BOOL:
        if (top) break;
        sato_buf_init(&b);
        put(&b, ind);
        if (named)
            arg_member_sketch(&b, a, 0);
        else
            arg_sketch(&b, a, 0);
        put(&b, ",");
        block_add(blk, finish(&b), arg_description(a, named));
        break;
    case SATO_RPC_ARG_OBJ:
    case SATO_RPC_ARG_OBJ_USER_KEYS:
        sato_buf_init(&b);
        put(&b, ind);
        if (named) {
            put(&b, "\"");
            put_first_name(&b, a);
            put(&b, "\": ");
        }
        put(&b, "{");
        block_add(blk, finish(&b), top ? sato_strdup("") : arg_description(a, named));
        for (in = a->inner; in && in->names; in++) arg_rows(blk, in, indent + 2, OUTER_OBJ);
        if (a->type != SATO_RPC_ARG_OBJ) block_add(blk, cat(ind2, "...", ""), sato_strdup(""));
        block_add(blk, cat(ind, "}", top ? "" : ","), sato_strdup(""));
        break;
    case SATO_RPC_ARG_ARR:
        sato_buf_init(&b);
        put(&b, ind);
        if (named) {
            put(&b, "\"");
            put_first_name(&b, a);
            put(&b, "\": ");
        }
        put(&b, "[");
        block_add(blk, finish(&b), top ? sato_strdup("") : arg_description(a, named));
        for (in = a->inner; in && in->names; in++) arg_rows(blk, in, indent + 2, OUTER_ARR);
        block_add(blk, cat(ind2, "...", ""), sato_strdup(""));
        block_add(blk, cat(ind, "]", top ? "" : ","), sato_strdup(""));
        break;
    }
    free(ind);
    free(ind2);
}

/* ---- results ---- */

static char *result_description(const sato_rpc_result_t *r, const char *type) {
    sato_buf_t b;
    sato_buf_init(&b);
    put(&b, "(");
    put(&b, type);
    if (r->optional) put(&b, ", optional");
    put(&b, ")");
    if (r->description && r->description[0]) {
        put(&b, " ");
        put(&b, r->description);
    }
    return finish(&b);
}

/* Core's RPCResult::ToSections. */
static void result_rows(block_t *blk, const sato_rpc_result_t *r, outer_t outer, size_t indent) {
    char *ind = indent_str(indent), *ind2 = indent_str(indent + 2), *key;
    const char *sep = outer != OUTER_NONE ? "," : "", *sketch = NULL, *type = NULL;
    const sato_rpc_result_t *in, *last = NULL;
    key = outer == OUTER_OBJ ? cat("\"", r->key, "\" : ") : sato_strdup("");
    switch (r->type) {
    case SATO_RPC_RESULT_END:
    case SATO_RPC_RESULT_ANY:
        break;
    case SATO_RPC_RESULT_ELIDED: {
        char *l = cat(ind, "...", sep);
        block_add(blk, l, sato_strdup(r->description ? r->description : ""));
        break;
    }
    case SATO_RPC_RESULT_NONE:
        block_add(blk, cat(ind, "null", sep), result_description(r, "json null"));
        break;
    case SATO_RPC_RESULT_STR: sketch = "\"str\"", type = "string"; break;
    case SATO_RPC_RESULT_AMOUNT: sketch = "n", type = "numeric"; break;
    case SATO_RPC_RESULT_STR_HEX: sketch = "\"hex\"", type = "string"; break;
    case SATO_RPC_RESULT_NUM: sketch = "n", type = "numeric"; break;
    case SATO_RPC_RESULT_TIME: sketch = "xxx", type = "numeric"; break;
    case SATO_RPC_RESULT_BOOL: sketch = "true|false", type = "boolean"; break;
    case SATO_RPC_RESULT_ARR:
    case SATO_RPC_RESULT_ARR_FIXED: {
        char *l = cat(ind, key, "[");
        block_add(blk, l, result_description(r, "json array"));
        for (in = r->inner; in && in->type != SATO_RPC_RESULT_END; in++) {
            result_rows(blk, in, OUTER_ARR, indent + 2);
            last = in;
        }
        if (r->type == SATO_RPC_RESULT_ARR && !(last && last->type == SATO_RPC_RESULT_ELIDED))
            block_add(blk, cat(ind2, "...", ""), sato_strdup(""));
        else
            block_drop_comma(blk);
        block_add(blk, cat(ind, "]", sep), sato_strdup(""));
        break;
    }
    case SATO_RPC_RESULT_OBJ:
    case SATO_RPC_RESULT_OBJ_DYN: {
        char *l;
        if (r->inner == NULL || r->inner[0].type == SATO_RPC_RESULT_END) {
            block_add(blk, cat(ind, key, "{}"), result_description(r, "empty JSON object"));
            break;
        }
        l = cat(ind, key, "{");
        block_add(blk, l, result_description(r, "json object"));
        for (in = r->inner; in->type != SATO_RPC_RESULT_END; in++) result_rows(blk, in, OUTER_OBJ, indent + 2);
        if (r->type == SATO_RPC_RESULT_OBJ_DYN)
            block_add(blk, cat(ind2, "...", ""), sato_strdup(""));
        else
            block_drop_comma(blk);
        block_add(blk, cat(ind, "}", sep), sato_strdup(""));
        break;
    }
    }
    if (sketch != NULL) {
        char *head = cat(ind, key, sketch);
        block_add(blk, cat(head, sep, ""), result_description(r, type));
        free(head);
    }
    free(key);
    free(ind);
    free(ind2);
}

/* ---- the whole text ---- */

static void put_synopsis(sato_buf_t *b, const sato_rpc_method_t *m) {
    const sato_rpc_arg_t *a;
    int was_optional = 0;
    put(b, m->name);
    for (a = m->args; a && a->names; a++) {
        int optional = a->fallback != SATO_RPC_REQUIRED;
        if (a->opts & SATO_RPC_ARG_HIDDEN) break;
        put(b, " ");
        if (optional) {
            if (!was_optional) put(b, "( ");
            was_optional = 1;
        } else {
            if (was_optional) put(b, ") ");
            was_optional = 0;
        }
        arg_sketch(b, a, 1);
    }
    if (was_optional) put(b, " )");
}

static int is_trim_space(char c) {
    return c == ' ' || c == '\f' || c == '\n' || c == '\r' || c == '\t' || c == '\v';
}

char *sato_rpc_help_text(const sato_rpc_method_t *m) {
    sato_buf_t b;
    block_t blk;
    const sato_rpc_arg_t *a;
    const sato_rpc_result_t *r;
    const char *d = m->description ? m->description : "";
    size_t dlen = strlen(d), i;
    sato_buf_init(&b);
    put_synopsis(&b, m);
    /* The description, trimmed. */
    while (dlen > 0 && is_trim_space(d[dlen - 1])) dlen--;
    while (dlen > 0 && is_trim_space(*d)) d++, dlen--;
    put(&b, "\n\n");
    put_n(&b, d, dlen);
    put(&b, "\n");
    memset(&blk, 0, sizeof(blk));
    for (a = m->args, i = 1; a && a->names; a++, i++) {
        sato_buf_t l;
        char num[24];
        if (a->opts & SATO_RPC_ARG_HIDDEN) break;
        sato_buf_init(&l);
        snprintf(num, sizeof(num), "%zu. ", i);
        put(&l, num);
        put_first_name(&l, a);
        block_add(&blk, finish(&l), arg_description(a, 1));
        arg_rows(&blk, a, 5, OUTER_NONE);
    }
    if (blk.n > 0) {
        put(&b, "\nArguments:\n");
        block_write(&b, &blk);
    }
    block_clear(&blk);
    for (r = m->results; r && r->type != SATO_RPC_RESULT_END; r++) {
        if (r->type == SATO_RPC_RESULT_ANY) continue;
        if (r->cond) {
            put(&b, "\nResult (");
            put(&b, r->cond);
            put(&b, "):\n");
        } else {
            put(&b, "\nResult:\n");
        }
        result_rows(&blk, r, OUTER_NONE, 0);
        block_write(&b, &blk);
        block_clear(&blk);
    }
    if (m->examples && m->examples[0]) {
        put(&b, "\nExamples:\n");
        put(&b, m->examples);
    }
    return finish(&b);
}

/* ---- the list ---- */

typedef struct {
    const sato_rpc_method_t *m;
    char *key; /* category then name, as Core sorts them */
} sorted_t;

static int by_key(const void *a, const void *b) {
    return strcmp(((const sorted_t *)a)->key, ((const sorted_t *)b)->key);
}

char *sato_rpc_help_list(const sato_rpc_table_t *t) {
    size_t n = sato_rpc_table_count(t), i;
    sorted_t *s = sato_calloc(n + 1, sizeof(*s));
    const char *category = NULL;
    sato_buf_t b;
    sato_buf_init(&b);
    for (i = 0; i < n; i++) {
        s[i].m = sato_rpc_table_at(t, i);
        s[i].key = cat(s[i].m->category, s[i].m->name, "");
    }
    qsort(s, n, sizeof(*s), by_key);
    for (i = 0; i < n; i++) {
        const sato_rpc_method_t *m = s[i].m;
        if (strcmp(m->category, "hidden") == 0) continue;
        if (category == NULL || strcmp(category, m->category) != 0) {
            char cap[2] = {m->category[0], 0};
            if (cap[0] >= 'a' && cap[0] <= 'z') cap[0] = (char)(cap[0] - 'a' + 'A');
            if (category != NULL) put(&b, "\n");
            put(&b, "== ");
            put(&b, cap);
            put(&b, m->category + 1);
            put(&b, " ==\n");
            category = m->category;
        }
        put_synopsis(&b, m);
        put(&b, "\n");
    }
    for (i = 0; i < n; i++) free(s[i].key);
    free(s);
    if (b.len > 0) b.len--; /* the last newline */
    return finish(&b);
}

/* ---- the help method (Core's, in its RPC server) ---- */

/* Core's undocumented testing aid: [method, position, name, is a string]
 * for every argument name, the conversions bitcoin-cli must make. */
static json_t *dump_conversions(const sato_rpc_table_t *t) {
    json_t *out = json_array();
    size_t i;
    for (i = 0; i < sato_rpc_table_count(t); i++) {
        const sato_rpc_method_t *m = sato_rpc_table_at(t, i);
        size_t pos;
        for (pos = 0; m->args && m->args[pos].names; pos++) {
            const sato_rpc_arg_t *a = &m->args[pos];
            const char *names = a->names, *name;
            size_t len;
            int is_str = a->type == SATO_RPC_ARG_STR || a->type == SATO_RPC_ARG_STR_HEX;
            while (sato_rpc_next_name(&names, &name, &len))
                json_array_append_new(out, json_pack("[s,I,s%,b]", m->name, (json_int_t)pos, name, len, is_str));
        }
    }
    return out;
}

static json_t *rpc_help(sato_rpc_request_t *req) {
    const char *cmd = sato_rpc_arg_str(req, 0);
    const sato_rpc_method_t *m;
    char *text;
    json_t *out;
    if (cmd == NULL || cmd[0] == '\0') {
        text = sato_rpc_help_list(req->table);
    } else if (strcmp(cmd, "dump_all_command_conversions") == 0) {
        return dump_conversions(req->table);
    } else if ((m = sato_rpc_table_find(req->table, cmd)) == NULL) {
        return json_sprintf("help: unknown command: %s", cmd);
    } else {
        text = sato_rpc_help_text(m);
    }
    out = json_string(text);
    free(text);
    return out;
}

void sato_rpc_register_help(sato_rpc_table_t *t) {
    static const sato_rpc_impl_t impls[] = {{"help", rpc_help}};
    sato_rpc_table_bind(t, impls, 1);
}
