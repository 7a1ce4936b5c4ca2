#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sato/hex.h"
#include "sato/mem.h"
#include "sato/script.h"
#include "script_asm.h"

void script_asm_push_data(sato_buf_t *out, const unsigned char *data, size_t len) {
    if (len < SATO_OP_PUSHDATA1) {
        sato_buf_write_u8(out, (uint8_t)len);
    } else if (len <= 0xff) {
        sato_buf_write_u8(out, SATO_OP_PUSHDATA1);
        sato_buf_write_u8(out, (uint8_t)len);
    } else if (len <= 0xffff) {
        sato_buf_write_u8(out, SATO_OP_PUSHDATA2);
        sato_buf_write_u16(out, (uint16_t)len);
    } else {
        sato_buf_write_u8(out, SATO_OP_PUSHDATA4);
        sato_buf_write_u32(out, (uint32_t)len);
    }
    sato_buf_write(out, data, len);
}

/* `CScript() << n`: small values as opcodes, others as number pushes. */
static void push_int(sato_buf_t *out, int64_t n) {
    unsigned char buf[9];
    size_t len;
    if (n == -1 || (n >= 1 && n <= 16)) {
        sato_buf_write_u8(out, (uint8_t)(n + (SATO_OP_1 - 1)));
        return;
    }
    if (n == 0) {
        sato_buf_write_u8(out, SATO_OP_0);
        return;
    }
    len = sato_scriptnum_encode(buf, n);
    script_asm_push_data(out, buf, len);
}

static int all_digits(const char *s, size_t n) {
    size_t i;
    if (n == 0) return 0;
    for (i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) return 0;
    }
    return 1;
}

static int lookup_opcode(const char *name) {
    int op;
    const char *bare = strncmp(name, "OP_", 3) == 0 ? name + 3 : name;
    /* Names Core's GetOpName spells as numbers, and the NOP aliases. */
    if (strcmp(bare, "0") == 0 || strcmp(bare, "FALSE") == 0) return SATO_OP_0;
    if (strcmp(bare, "1NEGATE") == 0) return SATO_OP_1NEGATE;
    if (strcmp(bare, "TRUE") == 0) return SATO_OP_1;
    if (strcmp(bare, "NOP2") == 0) return SATO_OP_NOP2;
    if (strcmp(bare, "NOP3") == 0) return SATO_OP_NOP3;
    if (bare != name) {
        char *end;
        long v = strtol(bare, &end, 10);
        if (*end == '\0' && end != bare && v >= 1 && v <= 16) return SATO_OP_1 + (int)v - 1;
    }
    for (op = SATO_OP_PUSHDATA1; op <= 0xff; op++) {
        const char *n = sato_opcode_name(op);
        if (strncmp(n, "OP_", 3) != 0 || strcmp(n, "OP_UNKNOWN") == 0) continue;
        if (strcmp(n + 3, bare) == 0) return op;
    }
    return -1;
}

int script_asm_parse(sato_buf_t *out, const char *text) {
    const char *p = text;
    char tok[4096];
    while (*p) {
        size_t n = 0;
        while (*p && isspace((unsigned char)*p)) p++;
        if (!*p) break;
        while (p[n] && !isspace((unsigned char)p[n])) n++;
        if (n >= sizeof(tok)) return 0;
        memcpy(tok, p, n);
        tok[n] = '\0';
        p += n;

        if (all_digits(tok, n) || (tok[0] == '-' && all_digits(tok + 1, n - 1))) {
            long long v = strtoll(tok, NULL, 10);
            if (v > 0xffffffffLL || v < -0xffffffffLL) return 0;
            push_int(out, (int64_t)v);
        } else if (n > 2 && tok[0] == '0' && tok[1] == 'x') {
            size_t len;
            unsigned char *bytes = sato_hex_decode_alloc(tok + 2, &len);
            if (bytes == NULL) return 0;
            sato_buf_write(out, bytes, len);
            free(bytes);
        } else if (n >= 2 && tok[0] == '\'' && tok[n - 1] == '\'') {
            script_asm_push_data(out, (const unsigned char *)tok + 1, n - 2);
        } else {
            int op = lookup_opcode(tok);
            if (op < 0) return 0;
            sato_buf_write_u8(out, (uint8_t)op);
        }
    }
    return 1;
}

int script_asm_parse_flags(unsigned int *flags, const char *text) {
    char name[128];
    const char *p = text;
    *flags = 0;
    while (*p) {
        size_t n = strcspn(p, ",");
        int ok;
        unsigned int f;
        if (n >= sizeof(name)) return 0;
        memcpy(name, p, n);
        name[n] = '\0';
        f = sato_script_flag_from_name(name, &ok);
        if (!ok) return 0;
        *flags |= f;
        p += n;
        if (*p == ',') p++;
    }
    return 1;
}
