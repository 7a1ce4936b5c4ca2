/* Validation outcomes (Bitcoin Core's ValidationState). */
#include <stdio.h>
#include <string.h>

#include "sato/validation.h"

void sato_validation_state_init(sato_validation_state_t *st) {
    memset(st, 0, sizeof(*st));
}

static void copy_string(char *out, size_t out_len, const char *s) {
    size_t n = s == NULL ? 0 : strlen(s);
    if (n >= out_len) n = out_len - 1;
    if (n) memcpy(out, s, n);
    out[n] = '\0';
}

int sato_validation_invalidv(sato_validation_state_t *st, int result, const char *reason,
                             const char *debug_fmt, va_list ap) {
    if (st == NULL) return 0;
    st->result = result;
    copy_string(st->reason, sizeof(st->reason), reason);
    if (debug_fmt != NULL) {
        vsnprintf(st->debug, sizeof(st->debug), debug_fmt, ap);
    } else {
        st->debug[0] = '\0';
    }
    /* An error says the verdict is unknown; a later "invalid" from a
     * caller that carried on must not turn it into one. */
    if (st->mode != SATO_VALIDATION_ERROR) st->mode = SATO_VALIDATION_INVALID;
    return 0;
}

int sato_validation_invalid(sato_validation_state_t *st, int result, const char *reason,
                            const char *debug_fmt, ...) {
    va_list ap;
    va_start(ap, debug_fmt);
    sato_validation_invalidv(st, result, reason, debug_fmt, ap);
    va_end(ap);
    return 0;
}

int sato_validation_error(sato_validation_state_t *st, const char *reason) {
    if (st == NULL) return 0;
    if (st->mode == SATO_VALIDATION_VALID) copy_string(st->reason, sizeof(st->reason), reason);
    st->mode = SATO_VALIDATION_ERROR;
    return 0;
}

int sato_block_state_cacheable(const sato_block_state_t *st) {
    if (st->mode != SATO_VALIDATION_INVALID) return 0;
    switch (st->result) {
    case SATO_BLOCK_CONSENSUS:
    case SATO_BLOCK_INVALID_HEADER:
    case SATO_BLOCK_CACHED_INVALID:
    case SATO_BLOCK_INVALID_PREV:
        return 1;
    default:
        return 0;
    }
}

void sato_validation_state_string(char *out, size_t out_len, const sato_validation_state_t *st) {
    if (out_len == 0) return;
    if (st->mode == SATO_VALIDATION_VALID) {
        snprintf(out, out_len, "Valid");
    } else if (st->debug[0] != '\0') {
        snprintf(out, out_len, "%s, %s", st->reason, st->debug);
    } else {
        snprintf(out, out_len, "%s", st->reason);
    }
}
