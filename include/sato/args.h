#ifndef SATO_ARGS_H
#define SATO_ARGS_H

#include <stddef.h>
#include <stdint.h>

/* Options from the command line and a bitcoin.conf-style file, with
 * per-chain sections: `[regtest]` headers or `regtest.name=value`.
 * Precedence: command line, then the chain's section, then the file's
 * top. Unknown names and malformed values are refused with a message. */

typedef enum {
    SATO_ARG_BOOL,   /* -name, -noname, -name=0/1 */
    SATO_ARG_INT,    /* a decimal integer */
    SATO_ARG_STRING, /* any text */
    SATO_ARG_LIST    /* repeatable; every value kept */
} sato_arg_type_t;

/* At the top of a config file, the option applies only to mainnet (as in
 * Bitcoin Core, so a shared file cannot make regtest listen on mainnet's
 * ports). */
#define SATO_ARG_NETWORK_ONLY 1u
/* Only meaningful on the command line (-conf, -datadir in a file is
 * allowed, but -conf inside the config file is not). */
#define SATO_ARG_COMMANDLINE_ONLY 2u

typedef struct {
    const char *name; /* without the dash */
    sato_arg_type_t type;
    unsigned flags;
    const char *help; /* "=<value>  description" style text */
} sato_arg_def_t;

/* The options every program takes to find its chain and data: the node
 * and sato-cli list them in their tables. */
#define SATO_ARGS_CHAIN_OPTIONS                                                          \
    {"chain", SATO_ARG_STRING, 0, "=<chain>  main, test, testnet4, signet or regtest"}, \
    {"regtest", SATO_ARG_BOOL, 0, "  Use the regression test chain"},                  \
    {"testnet", SATO_ARG_BOOL, 0, "  Use testnet3"},                                   \
    {"testnet4", SATO_ARG_BOOL, 0, "  Use testnet4"},                                  \
    {"signet", SATO_ARG_BOOL, 0, "  Use signet"},                                      \
    {"datadir", SATO_ARG_STRING, 0, "=<dir>  Data directory (default: ~/.sato)"},      \
    {"conf", SATO_ARG_STRING, SATO_ARG_COMMANDLINE_ONLY,                                \
     "=<file>  Configuration file, relative to -datadir (default: sato.conf)"}

typedef struct sato_args sato_args_t;

sato_args_t *sato_args_create(const sato_arg_def_t *defs, size_t ndefs);
void sato_args_destroy(sato_args_t *args);

/* Parses argv[1..]. Options come first; if positional is non-NULL the
 * first argument not starting with '-' ends parsing and its index is
 * stored there (argc if none), otherwise such an argument is an error. */
int sato_args_parse_cmdline(sato_args_t *args, int argc, char **argv, int *positional,
                            char *err, size_t errlen);
/* Unknown names in a config file are skipped instead of refused: for
 * sato-cli, which shares the node's file (as bitcoin-cli does). */
void sato_args_ignore_unknown_config(sato_args_t *args);
/* Reads a config file. A missing file is fine unless required. */
int sato_args_read_config(sato_args_t *args, const char *path, int required,
                          char *err, size_t errlen);
/* Settles the chain from -chain/-regtest/-testnet/-testnet4/-signet on the
 * command line or at the top of the config file: "main", "test",
 * "testnet4", "signet" or "regtest". */
int sato_args_select_chain(sato_args_t *args, char *err, size_t errlen);
const char *sato_args_chain(const sato_args_t *args);

int sato_args_is_set(const sato_args_t *args, const char *name);
/* The effective value, or NULL when unset. A negated option reads "0". */
const char *sato_args_get(const sato_args_t *args, const char *name);
const char *sato_args_get_str(const sato_args_t *args, const char *name, const char *def);
int sato_args_get_bool(const sato_args_t *args, const char *name, int def);
int64_t sato_args_get_int(const sato_args_t *args, const char *name, int64_t def);
/* Every value of a list option, in precedence order; returns the count.
 * *out is owned by args and valid until the next call or destroy. */
size_t sato_args_get_list(sato_args_t *args, const char *name, const char ***out);

/* Parses a whole decimal int64 (optional sign); 0 on junk or overflow. */
int sato_parse_int64(const char *s, int64_t *out);

#endif
