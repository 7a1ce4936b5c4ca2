/* The script stack: a vector of owned byte strings. */
#include <stdlib.h>
#include <string.h>

#include "sato/mem.h"
#include "sato/script.h"

void sato_stack_init(sato_stack_t *s) {
    s->items = NULL;
    s->len = 0;
    s->cap = 0;
}

void sato_stack_clear(sato_stack_t *s) {
    size_t i;
    for (i = 0; i < s->len; i++) free(s->items[i].data);
    free(s->items);
    sato_stack_init(s);
}

void sato_stack_push(sato_stack_t *s, const unsigned char *data, size_t len) {
    sato_bytes_t *b;
    if (s->len == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 8;
        s->items = sato_realloc(s->items, cap * sizeof(*s->items));
        s->cap = cap;
    }
    b = &s->items[s->len++];
    b->len = len;
    b->data = NULL;
    if (len > 0) {
        b->data = sato_malloc(len);
        memcpy(b->data, data, len);
    }
}
