#ifndef SATO_MEM_H
#define SATO_MEM_H

#include <stddef.h>

/* Allocation that never returns NULL: running out of memory aborts the
 * process, as a node cannot continue safely without it. */
void *sato_malloc(size_t n);
void *sato_calloc(size_t count, size_t size);
void *sato_realloc(void *p, size_t n);
char *sato_strdup(const char *s);

/* Overwrite secret material in a way the compiler may not elide. */
void sato_memzero(void *p, size_t n);

#endif
