#ifndef SATO_CLI_NETINFO_H
#define SATO_CLI_NETINFO_H

/* sato-cli -netinfo: bitcoin-cli's peer dashboard, drawn from one
 * getpeerinfo and one getnetworkinfo answer. */

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define SATO_NETINFO_MAX_LEVEL 4

/* The text of -netinfo help. */
extern const char sato_netinfo_help[];

/* 1 if args are "help" or "h" (the help, not the dashboard). */
int sato_netinfo_wants_help(const char *const *args, size_t n);
/* -netinfo [level [outonly]]: the level (0-255, shown as at most 4) and
 * the outbound-only flag; 0 with bitcoin-cli's message in err. Arguments
 * past the second are ignored, as in Core. */
int sato_netinfo_parse(int *level, int *outonly, const char *const *args, size_t n, char *err, size_t errlen);
/* The dashboard (caller frees). chain is Sato's -chain name; now is the
 * client's clock, which ages and idle times are measured against. */
char *sato_netinfo_render(const json_t *peers, const json_t *netinfo, int level, int outonly, const char *chain,
                          int64_t now);

#endif
