/* Fault injection hooks (see include/sato/fault.h). Only built with
 * SATO_FAULT_INJECT; in a normal build this file is empty. */
#ifdef SATO_FAULT_INJECT

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sato/fault.h"

/* Process-wide, behind a mutex: hooks can be reached from any thread. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int loaded;
static char exit_site[64];
static unsigned long exit_n, exit_seen;
static char eio_sites[256];
static int enospc_on;
static unsigned long long enospc_left;

static void load_locked(void) {
    const char *v;
    loaded = 1;
    exit_site[0] = '\0';
    exit_n = exit_seen = 0;
    eio_sites[0] = '\0';
    enospc_on = 0;
    enospc_left = 0;
    if ((v = getenv("FI_EXIT_AT")) != NULL) {
        const char *colon = strrchr(v, ':');
        size_t n = colon ? (size_t)(colon - v) : strlen(v);
        if (n < sizeof(exit_site)) {
            memcpy(exit_site, v, n);
            exit_site[n] = '\0';
            exit_n = colon ? strtoul(colon + 1, NULL, 10) : 1;
            if (exit_n == 0) exit_n = 1;
        }
    }
    if ((v = getenv("FI_EIO_ON")) != NULL && strlen(v) < sizeof(eio_sites)) {
        strcpy(eio_sites, v);
    }
    if ((v = getenv("FI_ENOSPC_AFTER")) != NULL && *v) {
        enospc_on = 1;
        enospc_left = strtoull(v, NULL, 10);
    }
}

/* Whether site is one of the comma-separated names in list. */
static int in_list(const char *list, const char *site) {
    size_t n = strlen(site);
    const char *p = list;
    while ((p = strstr(p, site)) != NULL) {
        int starts = p == list || p[-1] == ',';
        int ends = p[n] == '\0' || p[n] == ',';
        if (starts && ends) return 1;
        p += n;
    }
    return 0;
}

int sato_fault_point(const char *site) {
    int ret = 0;
    pthread_mutex_lock(&lock);
    if (!loaded) load_locked();
    if (exit_site[0] && strcmp(exit_site, site) == 0 && ++exit_seen == exit_n) {
        /* Like kill -9: no atexit handlers, no stdio flush, no unwinding. */
        char msg[128];
        int n = snprintf(msg, sizeof(msg), "fault: FI_EXIT_AT=%s:%lu reached\n", site, exit_n);
        ssize_t w = write(2, msg, n > 0 && (size_t)n < sizeof(msg) ? (size_t)n : 0);
        (void)w;
        _exit(137);
    }
    if (eio_sites[0] && in_list(eio_sites, site)) ret = EIO;
    pthread_mutex_unlock(&lock);
    return ret;
}

size_t sato_fault_write_allow(size_t n) {
    size_t allow = n;
    pthread_mutex_lock(&lock);
    if (!loaded) load_locked();
    if (enospc_on) {
        if ((unsigned long long)n > enospc_left) allow = (size_t)enospc_left;
        enospc_left -= allow;
    }
    pthread_mutex_unlock(&lock);
    return allow;
}

void sato_fault_reload(void) {
    pthread_mutex_lock(&lock);
    load_locked();
    pthread_mutex_unlock(&lock);
}

#else
/* ISO C forbids an empty translation unit. */
typedef int sato_fault_unused_t;
#endif
