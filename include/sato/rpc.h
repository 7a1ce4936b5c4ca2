#ifndef SATO_RPC_H
#define SATO_RPC_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "sato/chainparams.h"

/* Bitcoin Core's JSON-RPC error codes. */
enum {
    SATO_RPC_INVALID_REQUEST = -32600,
    SATO_RPC_METHOD_NOT_FOUND = -32601,
    SATO_RPC_INVALID_PARAMS = -32602,
    SATO_RPC_INTERNAL_ERROR = -32603,
    SATO_RPC_PARSE_ERROR = -32700,
    SATO_RPC_MISC_ERROR = -1,
    SATO_RPC_TYPE_ERROR = -3,
    SATO_RPC_INVALID_ADDRESS_OR_KEY = -5,
    SATO_RPC_OUT_OF_MEMORY = -7,
    SATO_RPC_INVALID_PARAMETER = -8,
    SATO_RPC_DATABASE_ERROR = -20,
    SATO_RPC_DESERIALIZATION_ERROR = -22,
    SATO_RPC_VERIFY_ERROR = -25,
    SATO_RPC_VERIFY_REJECTED = -26,
    SATO_RPC_VERIFY_ALREADY_IN_CHAIN = -27,
    SATO_RPC_IN_WARMUP = -28,
    SATO_RPC_CLIENT_MEMPOOL_DISABLED = -33,
    SATO_RPC_METHOD_DEPRECATED = -32
};

struct sato_chainctl;
struct sato_mempool;

/* Bitcoin Core's warm-up state: from the moment the server listens until
 * the node has loaded, every call (known method or not) is answered
 * RPC_IN_WARMUP with the current status ("RPC server started", then
 * "Loading block index…", "Verifying blocks…"). Thread-safe. */
typedef struct sato_rpc_warmup sato_rpc_warmup_t;
sato_rpc_warmup_t *sato_rpc_warmup_create(void);
void sato_rpc_warmup_destroy(sato_rpc_warmup_t *w);
void sato_rpc_warmup_set_status(sato_rpc_warmup_t *w, const char *status);
/* Ends the warm-up; what was published before it is visible to every
 * call after it. */
void sato_rpc_warmup_finish(sato_rpc_warmup_t *w);
/* 1 (status copied out) while warming up, 0 after. */
int sato_rpc_warmup_status(sato_rpc_warmup_t *w, char *status, size_t len);

/* What every method may use besides its parameters. */
typedef struct {
    const sato_chainparams_t *chain;
    void *node; /* the daemon's state, opaque to the server */
    /* The shared chain state (chainctl.h); NULL where there is none, and
     * then the chain methods answer RPC_IN_WARMUP. */
    struct sato_chainctl *chainctl;
    /* NULL: no warm-up (tests, tools). */
    sato_rpc_warmup_t *warmup;
    /* The peer-to-peer node (net.h); NULL without one. */
    struct sato_net *net;
    /* The transaction pool (mempool.h), guarded by the chain lock; NULL:
     * the mempool methods answer RPC_CLIENT_MEMPOOL_DISABLED. */
    struct sato_mempool *mempool;
} sato_rpc_context_t;

/* The interface of one method, as Bitcoin Core's RPCHelpMan describes it:
 * typed arguments, the results, examples and the flags the dispatcher
 * acts on. The same table renders `help`, checks every call's arguments
 * before its handler runs and tells sato-cli which arguments are JSON.
 * It is plain data (no handler), so sato-cli links it without the
 * methods; servers bind a handler to each entry by name (table_bind). */

/* Core's RPCArg::Type. */
typedef enum {
    SATO_RPC_ARG_STR,
    SATO_RPC_ARG_STR_HEX, /* a string of hex digits ("string" in help) */
    SATO_RPC_ARG_NUM,
    SATO_RPC_ARG_AMOUNT, /* a number or a string; not checked by the dispatcher */
    SATO_RPC_ARG_RANGE,  /* a number or [n,n]; not checked by the dispatcher */
    SATO_RPC_ARG_BOOL,
    SATO_RPC_ARG_OBJ,
    SATO_RPC_ARG_OBJ_USER_KEYS, /* an object whose keys the caller chooses */
    SATO_RPC_ARG_ARR
} sato_rpc_arg_type_t;

/* Core's RPCArg fallback: whether an argument may be left out, and what
 * help says it then stands for. */
typedef enum {
    SATO_RPC_REQUIRED,
    SATO_RPC_OMITTED, /* optional; help names no default */
    SATO_RPC_DEFAULT, /* optional; `def` is the default as JSON text ("true", "\"stats\""),
                         which the accessors below return when the argument is absent or null */
    SATO_RPC_HINT     /* optional; `def` describes the default in words */
} sato_rpc_fallback_t;

/* Argument options (Core's RPCArgOptions). */
enum {
    /* The dispatcher leaves the type to the handler: Core's skip_type_check,
     * for arguments of several types (getblock's verbosity takes a number
     * or a bool; hash_or_height a hash or a height). */
    SATO_RPC_ARG_SKIP_TYPE_CHECK = 1u << 0,
    /* Left out of help, with every argument after it (stop's wait). */
    SATO_RPC_ARG_HIDDEN = 1u << 1,
    /* sato-cli sends it as JSON when it parses as JSON, else as a string
     * (bitcoin-cli's JSON_OR_STRING: gettxoutsetinfo's hash_or_height). */
    SATO_RPC_ARG_CLI_JSON_OR_STRING = 1u << 2
};

typedef struct sato_rpc_arg {
    const char *names; /* "verbosity|verbose": the first is shown, any is accepted by name */
    sato_rpc_arg_type_t type;
    sato_rpc_fallback_t fallback;
    const char *def;
    const char *description;
    /* Members of an object, or the element of an array, ending with an
     * entry whose names is NULL; NULL for the other types. */
    const struct sato_rpc_arg *inner;
    unsigned opts;
    const char *type_str; /* replaces the type in help's "(...)" ("string or numeric") */
    const char *oneline;  /* replaces the argument in the synopsis line */
} sato_rpc_arg_t;

/* Core's RPCResult::Type, and ELIDED for a "..." line standing for fields
 * given elsewhere (its description is the text after it). */
typedef enum {
    SATO_RPC_RESULT_END = 0, /* ends a list */
    SATO_RPC_RESULT_OBJ,
    SATO_RPC_RESULT_ARR,
    SATO_RPC_RESULT_STR,
    SATO_RPC_RESULT_NUM,
    SATO_RPC_RESULT_BOOL,
    SATO_RPC_RESULT_NONE,    /* null */
    SATO_RPC_RESULT_ANY,     /* not documented (help leaves it out) */
    SATO_RPC_RESULT_AMOUNT,  /* a number of BTC */
    SATO_RPC_RESULT_STR_HEX,
    SATO_RPC_RESULT_OBJ_DYN, /* an object whose keys are not literals */
    SATO_RPC_RESULT_ARR_FIXED,
    SATO_RPC_RESULT_TIME, /* a number of seconds since the epoch */
    SATO_RPC_RESULT_ELIDED
} sato_rpc_result_type_t;

typedef struct sato_rpc_result {
    sato_rpc_result_type_t type;
    const char *key; /* member name inside an object, else "" */
    int optional;
    const char *description;
    const struct sato_rpc_result *inner; /* ends with a SATO_RPC_RESULT_END entry */
    const char *cond; /* for a method's results: "for verbosity = 0", or NULL */
} sato_rpc_result_t;

/* Method flags, acted on by the dispatcher. No flag lets a method run
 * during warm-up: as in Bitcoin Core, every call gets RPC_IN_WARMUP then. */
enum {
    /* Takes the chain lock (Core's cs_main) around the handler, which
     * finds the locked chain state in req->chain. Without chain state the
     * call is answered RPC_IN_WARMUP; after a storage error, RPC_DATABASE_ERROR. */
    SATO_RPC_CHAIN = 1u << 0,
    /* May move the tip: sato_chainctl_tip_changed runs before the lock is
     * let go (UpdateTip log lines, the subscribers told, the tx index
     * brought along). */
    SATO_RPC_MOVES_TIP = 1u << 1
};

typedef struct {
    const char *category; /* "blockchain"; "hidden" ones are left out of the help list */
    const char *name;
    const char *description;
    const sato_rpc_arg_t *args;         /* ends with names == NULL; NULL: none */
    const sato_rpc_result_t *results;   /* ends with SATO_RPC_RESULT_END */
    const char *examples;               /* "" for none */
    unsigned flags;
} sato_rpc_method_t;

/* Every method this node knows (the daemon binds a handler to each;
 * sato-cli reads their arguments): the i-th, NULL past the last; by name. */
const sato_rpc_method_t *sato_rpc_method_at(size_t i);
const sato_rpc_method_t *sato_rpc_method_find(const char *name);
size_t sato_rpc_method_nargs(const sato_rpc_method_t *m);
/* Arguments that must be given: up to the last required one. */
size_t sato_rpc_method_nrequired(const sato_rpc_method_t *m);
/* Walks the '|'-separated names of an argument: each call gives the next
 * one (*name, *len, not NUL-terminated) and returns 0 after the last. */
int sato_rpc_next_name(const char **names, const char **name, size_t *len);
/* The argument called name (any of its aliases), or NULL; *pos gets its
 * position. */
const sato_rpc_arg_t *sato_rpc_method_arg(const sato_rpc_method_t *m, const char *name, size_t *pos);

/* Bitcoin Core's help text for m (RPCHelpMan::ToString): the synopsis,
 * the description, "Arguments:", "Result:" and "Examples:" sections,
 * aligned as Core aligns them. Caller frees. */
char *sato_rpc_help_text(const sato_rpc_method_t *m);

/* bitcoin-cli's conversion of one command-line parameter: JSON for the
 * arguments whose type is not a string (and for a method it does not
 * know, a string), by position or, with -named, by name. NULL with
 * "Error parsing JSON: <text>" in err when it must be JSON and is not. */
json_t *sato_rpc_cli_param(const char *method, size_t pos, const char *name, const char *text, char *err,
                           size_t errlen);

typedef struct sato_rpc_table sato_rpc_table_t;

/* What a method handler gets: its parameters, already converted from
 * named to positional form (missing trailing ones absent, explicit nulls
 * kept as JSON null) and checked against the method's argument types,
 * and the context it serves. */
typedef struct {
    json_t *params; /* array */
    const sato_rpc_context_t *ctx;
    void *node; /* ctx->node, for brevity */
    const sato_rpc_method_t *method;
    const sato_rpc_table_t *table;
    /* The locked chain control, for SATO_RPC_CHAIN methods. */
    struct sato_chainctl *chain;
    json_t *defaults; /* argument defaults read so far (the accessors' cache) */
    /* Set by sato_rpc_error on failure (err_long: a message too long for
     * err_msg, such as a help text). */
    int err_code;
    char err_msg[4096];
    char *err_long;
} sato_rpc_request_t;

/* Returns the result (a new reference), or NULL with err_code set. */
typedef json_t *(*sato_rpc_handler_t)(sato_rpc_request_t *req);

/* Fills req's error; always returns NULL so handlers can `return`. */
json_t *sato_rpc_error(sato_rpc_request_t *req, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Argument access (Core's Arg/MaybeArg). The dispatcher has checked the
 * types, so these fail only for what a type cannot say. */
int sato_rpc_has_param(const sato_rpc_request_t *req, size_t i);
/* The argument as given, or NULL when absent or null. */
json_t *sato_rpc_param(const sato_rpc_request_t *req, size_t i);
/* The argument, or its table default (SATO_RPC_DEFAULT), or NULL. */
json_t *sato_rpc_arg(sato_rpc_request_t *req, size_t i);
/* Core's getInt<T>: an integer in [min, max], else RPC_MISC_ERROR "JSON
 * integer out of range" (a fraction too). Absent without a default: 0. */
int sato_rpc_arg_int(sato_rpc_request_t *req, size_t i, int64_t min, int64_t max, int64_t *out);
/* Absent without a default: 0. */
int sato_rpc_arg_bool(sato_rpc_request_t *req, size_t i);
/* Absent without a default: NULL. */
const char *sato_rpc_arg_str(sato_rpc_request_t *req, size_t i);
/* Core's ParseVerbosity for a SKIP_TYPE_CHECK argument: a number, or a
 * bool meaning 0/1; another type is RPC_TYPE_ERROR. */
int sato_rpc_arg_verbosity(sato_rpc_request_t *req, size_t i, int *out);

/* For long SATO_RPC_CHAIN methods (generatetoaddress): between steps,
 * reports a moved tip, lets go of the chain lock so that other calls are
 * served, and takes it again. 0 (with req's error set) when the node has
 * failed meanwhile or the tip could not be reported. */
int sato_rpc_chain_yield(sato_rpc_request_t *req);

/* The methods a server answers: an entry of the method list with the
 * handler that carries it out. */
typedef struct {
    const char *name;
    sato_rpc_handler_t handler;
} sato_rpc_impl_t;

sato_rpc_table_t *sato_rpc_table_create(void);
void sato_rpc_table_destroy(sato_rpc_table_t *t);
/* Adds m, answered by handler (m outlives the table). */
void sato_rpc_table_add(sato_rpc_table_t *t, const sato_rpc_method_t *m, sato_rpc_handler_t handler);
/* Adds each impl with its method from sato_rpc_method_find(); a name missing
 * there is a programming error (abort). */
void sato_rpc_table_bind(sato_rpc_table_t *t, const sato_rpc_impl_t *impls, size_t n);
const sato_rpc_method_t *sato_rpc_table_find(const sato_rpc_table_t *t, const char *name);
size_t sato_rpc_table_count(const sato_rpc_table_t *t);
const sato_rpc_method_t *sato_rpc_table_at(const sato_rpc_table_t *t, size_t i);

/* Core's `help` list: the synopsis of every method not "hidden", by
 * category ("== Blockchain =="), sorted as Core sorts them. Caller frees. */
char *sato_rpc_help_list(const sato_rpc_table_t *t);

/* Executes one JSON-RPC request object and returns the reply object, or
 * NULL for a JSON-RPC 2.0 notification. *http_status receives the status
 * Bitcoin Core would send for it alone. */
json_t *sato_rpc_execute(const sato_rpc_table_t *t, const sato_rpc_context_t *ctx, const json_t *request,
                         int *http_status);

/* Executes a request body (one object or a batch array) and returns the
 * JSON text to send (caller frees) with its HTTP status; NULL with status
 * 204 when nothing is to be sent. */
char *sato_rpc_execute_body(const sato_rpc_table_t *t, const sato_rpc_context_t *ctx, const char *body,
                            size_t len, int *http_status);

#endif
