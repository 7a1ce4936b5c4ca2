#ifndef SATO_LOG_H
#define SATO_LOG_H

#include <stdint.h>

/* The node's log (debug.log), shared by every layer that does I/O; the
 * pure consensus layer never logs. Lines are timestamped; debug lines are
 * written only for the categories switched on with -debug=<category>. */

typedef enum {
    SATO_LOG_NET = 1u << 0,
    SATO_LOG_MEMPOOL = 1u << 1,
    SATO_LOG_HTTP = 1u << 2,
    SATO_LOG_BENCH = 1u << 3,
    SATO_LOG_RPC = 1u << 4,
    SATO_LOG_ADDRMAN = 1u << 5,
    SATO_LOG_REINDEX = 1u << 6,
    SATO_LOG_CMPCTBLOCK = 1u << 7,
    SATO_LOG_PRUNE = 1u << 8,
    SATO_LOG_LIBEVENT = 1u << 9,
    SATO_LOG_COINDB = 1u << 10,
    SATO_LOG_VALIDATION = 1u << 11,
    SATO_LOG_BLOCKSTORAGE = 1u << 12,
    SATO_LOG_WALLETDB = 1u << 13,
    SATO_LOG_ALL = 0xffffffffu
} sato_log_category_t;

/* Opens (appends to) the log file; path NULL logs nowhere but the console
 * when to_console is set. Returns 0 if the file cannot be opened. */
int sato_log_open(const char *path, int to_console);
void sato_log_close(void);

/* Category names as in Bitcoin Core's -debug; "1" and "all" mean every
 * category. Return 0 for an unknown name. */
int sato_log_enable(const char *name);
int sato_log_disable(const char *name);
uint32_t sato_log_categories(void);
/* Comma-separated list of all category names, for help texts. */
const char *sato_log_category_list(void);
/* Name of the single category bit cat, or NULL. */
const char *sato_log_category_name(uint32_t cat);

void sato_log_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void sato_log_debug(uint32_t cat, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define SATO_LOG(...) sato_log_printf(__VA_ARGS__)
#define SATO_DEBUG(cat, ...)                                                 \
    do {                                                                     \
        if (sato_log_categories() & (cat)) sato_log_debug((cat), __VA_ARGS__); \
    } while (0)

#endif
