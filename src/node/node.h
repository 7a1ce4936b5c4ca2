#ifndef SATO_NODE_NODE_H
#define SATO_NODE_NODE_H

#include <pthread.h>
#include <time.h>

#include "sato/args.h"
#include "sato/chainctl.h"
#include "sato/chainparams.h"
#include "sato/chainstate.h"
#include "sato/httpd.h"
#include "sato/rpc.h"
#include "sato/rpcauth.h"

struct event_base;

/* Everything satod holds while it runs. */
typedef struct {
    sato_args_t *args;
    const sato_chainparams_t *chain;
    sato_chainparams_t chain_copy; /* the network's, changed by -minimumchainwork */
    char min_work_hex[65];
    char *datadir;       /* -datadir */
    char *chaindir;      /* datadir plus the chain's subdirectory */
    char *cookie_path;
    char *pid_path;
    char *banlist_path;
    char *peers_path;
    char *anchors_path;
    struct event_base *base;
    sato_rpc_table_t *rpc;
    sato_rpc_context_t rpc_ctx;
    sato_rpcauth_t *auth;
    sato_httpd_t *httpd;
    sato_chainstate_t *chainstate;
    sato_txindex_t *txindex;
    sato_chainctl_t *chainctl;
    struct sato_mempool *mempool; /* follows chainctl's tip; used under its lock */
    sato_rpc_warmup_t *warmup;
    time_t started;
    int shutdown_requested;
    int interrupt;         /* atomic: stops a start-up in progress */
    int lock_fd;           /* holds the data directory lock */
    pthread_t loader;      /* opens the chain state while RPC warms up */
    int loader_running;
    int load_failed;
    struct event *loaded_ev; /* the loader's "done" on the loop thread */
    struct event *flush_timer;
    struct sato_workq *workq; /* RPC calls and the periodic flush */
    struct sato_net *net;     /* the peer-to-peer node; NULL with -networkactive... off */
    int flush_queued;         /* atomic: a periodic flush is queued or running */
} sato_node_t;

/* The option table satod accepts. */
extern const sato_arg_def_t sato_node_options[];
extern const size_t sato_node_noptions;

/* The daemon's control methods (stop, uptime, logging, getmemoryinfo). */
void sato_node_register_control(sato_rpc_table_t *t);
/* Asks the event loop to finish; safe from any thread. */
void sato_node_request_shutdown(sato_node_t *node);

/* Takes the exclusive lock on dir/.lock (fcntl, so it dies with the
 * process): the lock's descriptor, or -1 with Core's message in err when
 * another process holds it. probe_only releases it at once (returns 0),
 * for a check before -daemon forks. */
int sato_node_lock_dir(const char *dir, int probe_only, char *err, size_t errlen);

#endif
