#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/mem.h"

static void out_of_memory(size_t n) {
    fprintf(stderr, "sato: out of memory allocating %zu bytes\n", n);
    abort();
}

void *sato_malloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (p == NULL) out_of_memory(n);
    return p;
}

void *sato_calloc(size_t count, size_t size) {
    void *p = calloc(count ? count : 1, size ? size : 1);
    if (p == NULL) out_of_memory(count * size);
    return p;
}

void *sato_realloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (q == NULL) out_of_memory(n);
    return q;
}

char *sato_strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = sato_malloc(n);
    memcpy(p, s, n);
    return p;
}

void sato_memzero(void *p, size_t n) {
    /* A volatile function pointer keeps the compiler from proving the
     * store dead and dropping it. */
    static void *(*const volatile memset_v)(void *, int, size_t) = memset;
    memset_v(p, 0, n);
}
