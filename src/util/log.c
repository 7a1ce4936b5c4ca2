#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "sato/log.h"

static const struct {
    uint32_t bit;
    const char *name;
} categories[] = {
    {SATO_LOG_NET, "net"},           {SATO_LOG_MEMPOOL, "mempool"},
    {SATO_LOG_HTTP, "http"},         {SATO_LOG_BENCH, "bench"},
    {SATO_LOG_RPC, "rpc"},           {SATO_LOG_ADDRMAN, "addrman"},
    {SATO_LOG_REINDEX, "reindex"},   {SATO_LOG_CMPCTBLOCK, "cmpctblock"},
    {SATO_LOG_PRUNE, "prune"},       {SATO_LOG_LIBEVENT, "libevent"},
    {SATO_LOG_COINDB, "coindb"},     {SATO_LOG_VALIDATION, "validation"},
    {SATO_LOG_BLOCKSTORAGE, "blockstorage"}, {SATO_LOG_WALLETDB, "walletdb"},
};
#define NCATEGORIES (sizeof(categories) / sizeof(categories[0]))

/* The logger is process-wide by nature; the lock orders whole lines. */
static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *log_file;
static int log_console;
static _Atomic uint32_t log_mask;

int sato_log_open(const char *path, int to_console) {
    FILE *f = NULL;
    if (path != NULL && (f = fopen(path, "a")) == NULL) return 0;
    pthread_mutex_lock(&log_lock);
    if (log_file) fclose(log_file);
    log_file = f;
    if (f) setvbuf(f, NULL, _IOLBF, 0);
    log_console = to_console;
    pthread_mutex_unlock(&log_lock);
    return 1;
}

void sato_log_close(void) {
    pthread_mutex_lock(&log_lock);
    if (log_file) fclose(log_file);
    log_file = NULL;
    pthread_mutex_unlock(&log_lock);
}

static uint32_t lookup(const char *name) {
    size_t i;
    if (strcmp(name, "1") == 0 || strcmp(name, "all") == 0) return SATO_LOG_ALL;
    for (i = 0; i < NCATEGORIES; i++)
        if (strcmp(categories[i].name, name) == 0) return categories[i].bit;
    return 0;
}

int sato_log_enable(const char *name) {
    uint32_t bit = lookup(name);
    if (bit == 0) return 0;
    atomic_fetch_or(&log_mask, bit);
    return 1;
}

int sato_log_disable(const char *name) {
    uint32_t bit = lookup(name);
    if (bit == 0) return 0;
    atomic_fetch_and(&log_mask, ~bit);
    return 1;
}

uint32_t sato_log_categories(void) {
    return atomic_load(&log_mask);
}

const char *sato_log_category_name(uint32_t cat) {
    size_t i;
    for (i = 0; i < NCATEGORIES; i++)
        if (categories[i].bit == cat) return categories[i].name;
    return NULL;
}

const char *sato_log_category_list(void) {
    return "net, mempool, http, bench, rpc, addrman, reindex, cmpctblock, prune, "
           "libevent, coindb, validation, blockstorage, walletdb";
}

static void write_line(const char *prefix, const char *fmt, va_list ap) {
    char line[4096], stamp[32];
    struct timespec ts;
    struct tm tm;
    size_t n;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", &tm);
    vsnprintf(line, sizeof(line), fmt, ap);
    n = strlen(line);
    while (n > 0 && line[n - 1] == '\n') line[--n] = '\0';
    pthread_mutex_lock(&log_lock);
    if (log_file) fprintf(log_file, "%s %s%s\n", stamp, prefix, line);
    if (log_console) fprintf(stdout, "%s %s%s\n", stamp, prefix, line);
    if (log_console) fflush(stdout);
    pthread_mutex_unlock(&log_lock);
}

void sato_log_printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    write_line("", fmt, ap);
    va_end(ap);
}

void sato_log_debug(uint32_t cat, const char *fmt, ...) {
    char prefix[32];
    const char *name = sato_log_category_name(cat);
    va_list ap;
    snprintf(prefix, sizeof(prefix), "[%s] ", name ? name : "debug");
    va_start(ap, fmt);
    write_line(prefix, fmt, ap);
    va_end(ap);
}
