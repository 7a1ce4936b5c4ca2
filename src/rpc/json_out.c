/* Core-compatible JSON text. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/buf.h"
#include "sato/hex.h"
#include "sato/json_out.h"
#include "sato/mem.h"

/* An amount is an object with this single key: JSON text can never carry a
 * NUL in a key (jansson refuses \u0000 without JSON_ALLOW_NUL), so no
 * request can forge one. */
static const char amount_key[] = "\0sato-amount";
#define AMOUNT_KEYLEN (sizeof(amount_key) - 1)

json_t *sato_json_amount(int64_t sats) {
    json_t *o = json_object();
    json_object_setn_new(o, amount_key, AMOUNT_KEYLEN, json_integer(sats));
    return o;
}

int sato_json_is_amount(const json_t *v, int64_t *sats) {
    json_t *n;
    if (!json_is_object(v) || json_object_size(v) != 1) return 0;
    n = json_object_getn(v, amount_key, AMOUNT_KEYLEN);
    if (!json_is_integer(n)) return 0;
    if (sats) *sats = json_integer_value(n);
    return 1;
}

static void put(sato_buf_t *b, const char *s) {
    sato_buf_write(b, s, strlen(s));
}

static void put_string(sato_buf_t *b, const char *s, size_t n) {
    size_t i;
    sato_buf_write_u8(b, '"');
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        switch (c) {
        case '"': put(b, "\\\""); break;
        case '\\': put(b, "\\\\"); break;
        case '\b': put(b, "\\b"); break;
        case '\f': put(b, "\\f"); break;
        case '\n': put(b, "\\n"); break;
        case '\r': put(b, "\\r"); break;
        case '\t': put(b, "\\t"); break;
        default:
            if (c < 0x20 || c == 0x7f) {
                snprintf(esc, sizeof(esc), "\\u%04x", c);
                put(b, esc);
            } else {
                sato_buf_write_u8(b, c);
            }
        }
    }
    sato_buf_write_u8(b, '"');
}

static void put_amount(sato_buf_t *b, int64_t sats) {
    char s[40];
    uint64_t abs = sats < 0 ? (uint64_t)0 - (uint64_t)sats : (uint64_t)sats;
    snprintf(s, sizeof(s), "%s%" PRIu64 ".%08" PRIu64, sats < 0 ? "-" : "", abs / 100000000u,
             abs % 100000000u);
    put(b, s);
}

static int dump(sato_buf_t *b, const json_t *v) {
    char num[64];
    int64_t sats;
    size_t i;
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *key;
        json_t *val;
        int first = 1;
        if (sato_json_is_amount(v, &sats)) {
            put_amount(b, sats);
            return 1;
        }
        sato_buf_write_u8(b, '{');
        json_object_foreach((json_t *)v, key, val) {
            if (!first) sato_buf_write_u8(b, ',');
            first = 0;
            put_string(b, key, strlen(key));
            sato_buf_write_u8(b, ':');
            if (!dump(b, val)) return 0;
        }
        sato_buf_write_u8(b, '}');
        return 1;
    }
    case JSON_ARRAY:
        sato_buf_write_u8(b, '[');
        for (i = 0; i < json_array_size(v); i++) {
            if (i) sato_buf_write_u8(b, ',');
            if (!dump(b, json_array_get(v, i))) return 0;
        }
        sato_buf_write_u8(b, ']');
        return 1;
    case JSON_STRING:
        put_string(b, json_string_value(v), json_string_length(v));
        return 1;
    case JSON_INTEGER:
        snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        put(b, num);
        return 1;
    case JSON_REAL:
        /* UniValue prints doubles with 16 significant digits. */
        snprintf(num, sizeof(num), "%.16g", json_real_value(v));
        put(b, num);
        return 1;
    case JSON_TRUE: put(b, "true"); return 1;
    case JSON_FALSE: put(b, "false"); return 1;
    case JSON_NULL: put(b, "null"); return 1;
    }
    return 0;
}

json_t *sato_json_hex(const unsigned char *p, size_t n) {
    char *h = sato_malloc(2 * n + 1);
    json_t *s;
    sato_hex_encode(h, p, n);
    s = json_stringn(h, 2 * n);
    free(h);
    return s;
}

char *sato_json_dumps(const json_t *v) {
    sato_buf_t b;
    sato_buf_init(&b);
    if (v == NULL || !dump(&b, v)) {
        sato_buf_clear(&b);
        return NULL;
    }
    sato_buf_write_u8(&b, 0);
    return (char *)b.data;
}

static void newline(sato_buf_t *b, int depth) {
    int i;
    sato_buf_write_u8(b, '\n');
    for (i = 0; i < depth; i++) put(b, "  ");
}

char *sato_json_reindent(const char *text) {
    sato_buf_t b;
    int depth = 0, in_string = 0, escaped = 0;
    const char *p;
    sato_buf_init(&b);
    for (p = text; *p; p++) {
        char c = *p;
        if (in_string) {
            sato_buf_write_u8(&b, (unsigned char)c);
            if (escaped) escaped = 0;
            else if (c == '\\') escaped = 1;
            else if (c == '"') in_string = 0;
            continue;
        }
        switch (c) {
        case '"':
            in_string = 1;
            sato_buf_write_u8(&b, '"');
            break;
        case '{':
        case '[':
            /* Empty containers stay on one line, as UniValue prints them. */
            if ((c == '{' && p[1] == '}') || (c == '[' && p[1] == ']')) {
                sato_buf_write_u8(&b, (unsigned char)c);
                sato_buf_write_u8(&b, (unsigned char)p[1]);
                p++;
                break;
            }
            sato_buf_write_u8(&b, (unsigned char)c);
            newline(&b, ++depth);
            break;
        case '}':
        case ']':
            if (depth == 0) goto bad;
            newline(&b, --depth);
            sato_buf_write_u8(&b, (unsigned char)c);
            break;
        case ',':
            sato_buf_write_u8(&b, ',');
            newline(&b, depth);
            break;
        case ':':
            put(&b, ": ");
            break;
        case ' ':
        case '\n':
        case '\r':
        case '\t':
            break;
        default:
            sato_buf_write_u8(&b, (unsigned char)c);
        }
    }
    if (in_string || depth != 0) goto bad;
    sato_buf_write_u8(&b, 0);
    return (char *)b.data;
bad:
    sato_buf_clear(&b);
    return NULL;
}

/* Skips one JSON value starting at text[*i] (after whitespace); 0 if the
 * text ends first or brackets do not match. */
static int skip_value(const char *text, size_t *i) {
    int depth = 0, in_string = 0, escaped = 0;
    size_t p = *i;
    while (text[p] == ' ' || text[p] == '\n' || text[p] == '\r' || text[p] == '\t') p++;
    *i = p;
    for (; text[p]; p++) {
        char c = text[p];
        if (in_string) {
            if (escaped) escaped = 0;
            else if (c == '\\') escaped = 1;
            else if (c == '"') {
                in_string = 0;
                if (depth == 0) {
                    *i = p + 1;
                    return 1;
                }
            }
            continue;
        }
        if (c == '"') in_string = 1;
        else if (c == '{' || c == '[') depth++;
        else if (c == '}' || c == ']') {
            if (depth == 0) break; /* end of the enclosing container */
            if (--depth == 0) {
                *i = p + 1;
                return 1;
            }
        } else if (depth == 0 && (c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t')) {
            break;
        }
    }
    if (in_string || depth != 0 || p == *i) return 0;
    *i = p;
    return 1;
}

int sato_json_find_member(const char *text, const char *key, size_t *start, size_t *len) {
    size_t i = 0, klen = strlen(key);
    while (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t') i++;
    if (text[i++] != '{') return 0;
    for (;;) {
        size_t kstart, kend, vstart;
        while (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t' || text[i] == ',') i++;
        if (text[i] != '"') return 0;
        kstart = i + 1;
        if (!skip_value(text, &i)) return 0;
        kend = i - 1; /* the closing quote */
        while (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t') i++;
        if (text[i++] != ':') return 0;
        while (text[i] == ' ' || text[i] == '\n' || text[i] == '\r' || text[i] == '\t') i++;
        vstart = i;
        if (!skip_value(text, &i)) return 0;
        if (kend - kstart == klen && strncmp(text + kstart, key, klen) == 0) {
            *start = vstart;
            *len = i - vstart;
            return 1;
        }
    }
}
