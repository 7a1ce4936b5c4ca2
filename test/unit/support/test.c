#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "sato/hex.h"
#include "sato/mem.h"
#include "test.h"

int test_passed;
int test_failed;

void test_case(int ok, const char *fmt, ...) {
    va_list ap;
    if (ok) {
        test_passed++;
        return;
    }
    test_failed++;
    fputs("FAIL: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int test_report(const char *name) {
    printf("%s: %d passed, %d failed\n", name, test_passed, test_failed);
    return test_failed == 0 && test_passed > 0 ? 0 : 1;
}

static const char *join(const char *env, const char *fallback, const char *rel) {
    static char path[4096];
    const char *base = getenv(env);
    if (base == NULL || base[0] == '\0') base = fallback;
    snprintf(path, sizeof(path), "%s/%s", base, rel);
    return path;
}

const char *test_vector_path(const char *rel) {
    return join("SATO_VECTORS", SATO_VECTORS_DEFAULT, rel);
}

const char *test_spec_path(const char *rel) {
    return join("SATO_SPECS", SATO_SPECS_DEFAULT, rel);
}

char *test_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0, got;
    if (f == NULL) return NULL;
    do {
        if (n + 4096 + 1 > cap) {
            cap = cap ? cap * 2 : 65536;
            buf = sato_realloc(buf, cap);
        }
        got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
    } while (got > 0);
    fclose(f);
    buf[n] = '\0';
    if (len) *len = n;
    return buf;
}

int test_tx_from_hex(sato_tx_t *tx, const char *hex) {
    size_t len;
    unsigned char *raw = sato_hex_decode_alloc(hex ? hex : "", &len);
    int ok;
    sato_tx_init(tx);
    if (raw == NULL) return 0;
    ok = sato_tx_parse(tx, raw, len, 1);
    free(raw);
    return ok;
}

json_t *test_load_json(const char *rel) {
    json_error_t err;
    const char *path = test_vector_path(rel);
    json_t *j = json_load_file(path, 0, &err);
    test_case(j != NULL, "cannot load %s: %s (line %d)", path, err.text, err.line);
    return j;
}
