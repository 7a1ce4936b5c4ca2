/* satod: start-up, the event loop and an orderly shutdown. */
#include <errno.h>
#include <event2/event.h>
#include <event2/thread.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <secp256k1.h>

#include "node/node.h"
#include "sato/buf.h"
#include "sato/clock.h"
#include "sato/hex.h"
#include "sato/log.h"
#include "sato/mem.h"
#include "sato/mempool_accept.h"
#include "sato/rpc_methods.h"
#include "sato/sha256.h"
#include "sato/txindex.h"
#include "sato/net.h"
#include "sato/workq.h"

static char *path_join(const char *dir, const char *name) {
    size_t n;
    char *p;
    if (name[0] == '/') return sato_strdup(name);
    n = strlen(dir) + strlen(name) + 2;
    p = sato_malloc(n);
    snprintf(p, n, "%s%s%s", dir, dir[0] && dir[strlen(dir) - 1] != '/' ? "/" : "", name);
    return p;
}

static int mkdirs(const char *path) {
    char *p = sato_strdup(path), *s;
    int ok = 1;
    for (s = p + 1; ok && *s; s++) {
        if (*s != '/') continue;
        *s = '\0';
        if (mkdir(p, 0700) != 0 && errno != EEXIST) ok = 0;
        *s = '/';
    }
    if (ok && mkdir(p, 0700) != 0 && errno != EEXIST) ok = 0;
    free(p);
    return ok;
}

static void print_help(void) {
    size_t i;
    printf("Sato daemon version %s\n\nUsage: satod [options]\n\nOptions:\n", SATO_VERSION);
    for (i = 0; i < sato_node_noptions; i++)
        printf("  -%s%s\n", sato_node_options[i].name, sato_node_options[i].help);
    printf("\nDebug categories: %s\n", sato_log_category_list());
}

/* Stops whatever long work is under way: the start-up (the loader
 * thread) or a chain operation such as a long generatetoaddress. */
static void interrupt_work(sato_node_t *node) {
    __atomic_store_n(&node->interrupt, 1, __ATOMIC_SEQ_CST);
    node->shutdown_requested = 1;
    /* The loader owns chainctl until it is done. */
    if (!node->loader_running && node->chainctl != NULL) sato_chainctl_interrupt(node->chainctl);
}

void sato_node_request_shutdown(sato_node_t *node) {
    struct timeval delay = {0, 200 * 1000}; /* lets the stop reply leave first */
    interrupt_work(node);
    event_base_loopexit(node->base, &delay);
}

static void on_signal(evutil_socket_t sig, short what, void *arg) {
    sato_node_t *node = arg;
    (void)what;
    sato_log_printf("Received signal %d, shutting down", (int)sig);
    interrupt_work(node);
    event_base_loopexit(node->base, NULL);
}

static int daemonize(void) {
    pid_t pid = fork();
    int fd;
    if (pid < 0) return 0;
    if (pid > 0) _exit(0);
    if (setsid() < 0) return 0;
    fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (fd > 2) close(fd);
    }
    return 1;
}

static int write_pidfile(const char *path) {
    FILE *f = fopen(path, "w");
    if (f == NULL) return 0;
    fprintf(f, "%d\n", (int)getpid());
    return fclose(f) == 0;
}

static int setup_logging(sato_node_t *node, int daemon) {
    const char **list;
    size_t n, i;
    char *logpath = path_join(node->chaindir, sato_args_get_str(node->args, "debuglogfile", "debug.log"));
    int ok = sato_log_open(logpath, sato_args_get_bool(node->args, "printtoconsole", !daemon));
    if (!ok) fprintf(stderr, "Error: cannot open log file %s: %s\n", logpath, strerror(errno));
    free(logpath);
    if (!ok) return 0;
    n = sato_args_get_list(node->args, "debug", &list);
    for (i = 0; i < n; i++) {
        if (strcmp(list[i], "0") == 0 || strcmp(list[i], "none") == 0) continue;
        if (!sato_log_enable(list[i])) {
            fprintf(stderr, "Error: unsupported logging category -debug=%s (valid: %s)\n", list[i],
                    sato_log_category_list());
            return 0;
        }
    }
    n = sato_args_get_list(node->args, "debugexclude", &list);
    for (i = 0; i < n; i++) {
        if (!sato_log_disable(list[i])) {
            fprintf(stderr, "Error: unsupported logging category -debugexclude=%s\n", list[i]);
            return 0;
        }
    }
    return 1;
}

static int start_rpc(sato_node_t *node, char *err, size_t errlen) {
    sato_httpd_config_t cfg;
    const char **bind, **allow, **auths;
    size_t nbind, nallow, nauth, i;
    const char *user = sato_args_get(node->args, "rpcuser");
    const char *pass = sato_args_get(node->args, "rpcpassword");
    int64_t port = sato_args_get_int(node->args, "rpcport", node->chain->rpc_port);

    if (port <= 0 || port > 65535) {
        snprintf(err, errlen, "Invalid port specified in -rpcport: '%lld'", (long long)port);
        return 0;
    }
    node->auth = sato_rpcauth_create();
    if ((user == NULL) != (pass == NULL)) {
        snprintf(err, errlen, "-rpcuser and -rpcpassword must be given together");
        return 0;
    }
    if (user != NULL) {
        if (strchr(user, ':') != NULL) {
            snprintf(err, errlen, "-rpcuser must not contain ':'");
            return 0;
        }
        sato_rpcauth_set_userpass(node->auth, user, pass);
    } else {
        node->cookie_path = path_join(node->chaindir, sato_args_get_str(node->args, "rpccookiefile", ".cookie"));
        if (!sato_rpcauth_make_cookie(node->auth, node->cookie_path)) {
            snprintf(err, errlen, "Unable to write the RPC cookie file %s", node->cookie_path);
            free(node->cookie_path);
            node->cookie_path = NULL;
            return 0;
        }
        sato_log_printf("Generated RPC authentication cookie %s", node->cookie_path);
    }
    nauth = sato_args_get_list(node->args, "rpcauth", &auths);
    for (i = 0; i < nauth; i++) {
        if (!sato_rpcauth_add(node->auth, auths[i])) {
            snprintf(err, errlen, "Invalid -rpcauth argument '%s' (expected user:salt$hmac)", auths[i]);
            return 0;
        }
    }
    /* Copies: the args scratch list is reused by the next lookup. */
    nallow = sato_args_get_list(node->args, "rpcallowip", &allow);
    {
        const char **allow_copy = sato_calloc(nallow + 1, sizeof(*allow_copy));
        memcpy(allow_copy, allow, nallow * sizeof(*allow));
        allow = allow_copy;
    }
    nbind = sato_args_get_list(node->args, "rpcbind", &bind);
    if (nbind > 0 && nallow == 0) {
        /* As Bitcoin Core: binding beyond loopback without an allow list
         * would open the door to nobody but invite mistakes. */
        sato_log_printf("WARNING: option -rpcbind was ignored because -rpcallowip was not specified, "
                        "refusing to allow everyone to connect");
        nbind = 0;
    }
    memset(&cfg, 0, sizeof(cfg));
    cfg.base = node->base;
    cfg.table = node->rpc;
    node->rpc_ctx.chain = node->chain;
    node->rpc_ctx.node = node;
    cfg.ctx = &node->rpc_ctx; /* chainctl is set once the chain state is loaded */
    cfg.auth = node->auth;
    cfg.bind = bind;
    cfg.nbind = nbind;
    cfg.port = (uint16_t)port;
    cfg.allow = allow;
    cfg.nallow = nallow;
    cfg.workq = node->workq;
    cfg.timeout_s = (int)sato_args_get_int(node->args, "rpcservertimeout", 30);
    cfg.max_body = SATO_MAX_SIZE;
    node->httpd = sato_httpd_start(&cfg, err, errlen);
    free((void *)allow);
    return node->httpd != NULL;
}

static void on_storage_failure(void *arg) {
    sato_node_request_shutdown(arg);
}

/* Core's -par: 0 picks one thread per core, a negative value leaves that
 * many cores free; at most 15 (MAX_SCRIPTCHECK_THREADS + 1 with the
 * caller). */
static unsigned script_threads(int64_t par) {
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1) cores = 1;
    if (par <= 0) par += cores;
    if (par < 1) par = 1;
    if (par > 15) par = 15;
    return (unsigned)par;
}

static void on_chain_status(void *arg, const char *status) {
    sato_node_t *node = arg;
    sato_log_printf("init message: %s", status);
    if (node->warmup != NULL) sato_rpc_warmup_set_status(node->warmup, status);
}

/* Opens the chain state (and -txindex) under the chain's directory. A
 * storage error is logged and stops the start; so does a shutdown
 * request, which is not a failure (returns 1 with no chain state). */
static int open_chain(sato_node_t *node) {
    sato_chainstate_opts_t opts;
    char why[512] = "";
    int64_t dbcache = sato_args_get_int(node->args, "dbcache", 450);
    int64_t checkblocks = sato_args_get_int(node->args, "checkblocks", 6);
    int reindex = sato_args_get_bool(node->args, "reindex", 0);
    const sato_blocknode_t *tip;
    sato_err_t err;
    char hex[65];

    if (dbcache < 4) dbcache = 4; /* Core's MIN_DB_CACHE_MB */
    if (dbcache > 16384) dbcache = 16384;
    if (checkblocks < 0) {
        sato_log_printf("Error: -checkblocks must not be negative");
        return 0;
    }
    sato_chainstate_opts_init(&opts, node->chain, node->chaindir);
    opts.dbcache_bytes = (size_t)dbcache << 20;
    opts.script_threads = script_threads(sato_args_get_int(node->args, "par", 0));
    opts.reindex = reindex;
    {
        static unsigned char av[32];
        const char *av_hex = sato_args_get_str(node->args, "assumevalid", node->chain->default_assume_valid_hex);
        if (strcmp(av_hex, "0") == 0) {
            memset(av, 0, sizeof(av));
        } else if (strlen(av_hex) != 64 || !sato_hex_decode_rev(av, 32, av_hex)) {
            sato_log_printf("Error: Invalid -assumevalid: '%s' (a 64-digit block hash, or 0)", av_hex);
            return 0;
        }
        opts.assume_valid = av;
        if (av[0] || memcmp(av, av + 1, 31) != 0)
            sato_log_printf("Assuming ancestors of block %s have valid signatures.", av_hex);
        else
            sato_log_printf("Validating signatures for all blocks.");
    }
    opts.check_blocks = checkblocks == 0 ? UINT32_MAX : (unsigned)(checkblocks > UINT32_MAX ? UINT32_MAX : checkblocks);
    sato_log_printf("Cache configuration: %lld MiB for the UTXO set; %u script verification thread(s)",
                    (long long)dbcache, opts.script_threads);
    if (reindex) sato_log_printf("Reindexing the chain state from the blk files");
    opts.error = why;
    opts.error_len = sizeof(why);
    opts.interrupt = &node->interrupt;
    opts.on_status = on_chain_status;
    opts.status_ctx = node;
    err = sato_chainstate_open(&node->chainstate, &opts);
    if (err == SATO_EINTR) {
        sato_log_printf("Shutdown requested while loading the chain state; the next start goes on");
        return 1;
    }
    if (err != SATO_OK) {
        /* Damaged data is what a reindex rebuilds; a full or failing disk
         * is not, so only the first gets Core's advice. */
        sato_log_printf("Error: Error opening block database (%s%s%s)%s", sato_err_str(err),
                        why[0] ? ": " : "", why[0] ? why : sato_err_detail(),
                        err == SATO_ECORRUPT ? ".\nPlease restart with -reindex to recover." : "");
        return 0;
    }
    tip = sato_chainstate_tip(node->chainstate);
    sato_hex_encode_rev(hex, tip->hash, 32);
    sato_log_printf("Loaded best chain: hashBestChain=%s height=%d", hex, (int)tip->height);
    if (sato_args_get_bool(node->args, "txindex", 0)) {
        char *dir = path_join(node->chaindir, "indexes/txindex");
        err = sato_txindex_open(&node->txindex, dir, reindex);
        if (err != SATO_OK) {
            sato_log_printf("Error: cannot open the transaction index %s (%s%s%s)", dir, sato_err_str(err),
                            *sato_err_detail() ? ": " : "", sato_err_detail());
            free(dir);
            return 0;
        }
        free(dir);
    }
    node->chainctl = sato_chainctl_create(node->chainstate, node->chain, node->txindex, on_storage_failure, node);
    sato_chainctl_lock(node->chainctl);
    node->mempool = sato_mempool_create();
    if (!sato_mempool_attach(node->mempool, node->chainctl)) {
        sato_chainctl_unlock(node->chainctl);
        sato_log_printf("Error: no room for the mempool among the chain's listeners");
        return 0;
    }
    err = sato_chainctl_tip_changed(node->chainctl);
    sato_chainctl_unlock(node->chainctl);
    if (err != SATO_OK) return 0;
    if (node->txindex)
        sato_log_printf("txindex is enabled at height %d", (int)sato_txindex_height(node->txindex));
    return 1;
}

/* Flushes and closes the chain state; 0 if the flush failed. */
static int close_chain(sato_node_t *node) {
    int ok = 1;
    if (node->chainstate == NULL) return 1;
    if (node->chainctl != NULL) sato_chainctl_lock(node->chainctl);
    if (node->chainctl != NULL && sato_chainctl_failed(node->chainctl)) {
        /* After a storage error nothing more is written: the disk holds
         * the last good flush. */
        sato_chainstate_destroy(node->chainstate);
        ok = 0;
    } else {
        sato_err_t err;
        sato_log_printf("Shutdown: flushing the chain state");
        err = sato_chainstate_close(node->chainstate);
        if (err != SATO_OK) {
            sato_log_printf("Error: flushing the chain state failed: %s%s%s", sato_err_str(err),
                            *sato_err_detail() ? ": " : "", sato_err_detail());
            ok = 0;
        }
    }
    node->chainstate = NULL;
    if (node->chainctl != NULL && node->mempool != NULL) sato_mempool_detach(node->mempool, node->chainctl);
    sato_mempool_destroy(node->mempool);
    node->mempool = NULL;
    if (node->chainctl != NULL) sato_chainctl_unlock(node->chainctl);
    sato_chainctl_destroy(node->chainctl);
    node->chainctl = NULL;
    sato_txindex_destroy(node->txindex);
    node->txindex = NULL;
    return ok;
}

/* The chain state writes itself about once an hour as blocks connect
 * (Core's periodic flush); this timer does the same for a node that sits
 * idle after its last blocks, so that a restart redoes little work. The
 * write itself runs on the work queue: the loop must never wait on the
 * disk or the chain lock. */
#define FLUSH_INTERVAL_S (60 * 60)

/* The shared work queue: -rpcthreads workers, -rpcworkqueue waiting. */
static int start_workq(sato_node_t *node, char *err, size_t errlen) {
    int64_t threads = sato_args_get_int(node->args, "rpcthreads", 4);
    int64_t depth = sato_args_get_int(node->args, "rpcworkqueue", 16);
    if (threads < 1 || threads > 64 || depth < 1 || depth > 65536) {
        snprintf(err, errlen, "-rpcthreads must be 1..64 and -rpcworkqueue 1..65536");
        return 0;
    }
    node->workq = sato_workq_create((int)threads, (size_t)depth);
    return 1;
}

static void on_flush_timer(evutil_socket_t fd, short what, void *arg);

/* Reads a list option of addresses ("ip", "ip:port", "[v6]:port"). */
static int address_list(sato_node_t *node, const char *opt, sato_netaddr_t *out, size_t max, size_t *n,
                        uint16_t default_port) {
    const char **list;
    size_t i, k = sato_args_get_list(node->args, opt, &list);
    *n = 0;
    for (i = 0; i < k; i++) {
        const char *v = list[i];
        if (strcmp(opt, "whitelist") == 0) {
            if (strncmp(v, "noban@", 6) != 0) {
                sato_log_printf("Error: -whitelist=%s: only noban@<ip> is supported", v);
                return 0;
            }
            v += 6;
        }
        if (strcmp(v, "0") == 0 && strcmp(opt, "connect") == 0) continue; /* -connect=0: none */
        if (*n == max || !sato_netaddr_parse(&out[*n], v, default_port)) {
            sato_log_printf("Error: Invalid -%s address or too many: '%s' (an IP literal, with an optional port)", opt,
                            v);
            return 0;
        }
        (*n)++;
    }
    return 1;
}

/* -mocktime: the clock starts stopped at that second (regtest only;
 * setmocktime moves it). */
static int apply_mocktime(sato_node_t *node) {
    int64_t t = sato_args_get_int(node->args, "mocktime", 0);
    if (t == 0) return 1;
    if (strcmp(node->chain->name, "regtest") != 0) {
        sato_log_printf("Error: -mocktime is for regression testing (-regtest mode) only");
        return 0;
    }
    if (t < 0 || t > (int64_t)UINT32_MAX) {
        sato_log_printf("Error: -mocktime must be in the range [0, %lu], not %lld", (unsigned long)UINT32_MAX,
                        (long long)t);
        return 0;
    }
    sato_clock_set_mock(t);
    return 1;
}

/* The peer-to-peer node, once the chain state is there. */
static int start_net(sato_node_t *node) {
    sato_net_config_t cfg;
    char err[512];
    const char **list;
    int64_t port = sato_args_get_int(node->args, "port", node->chain->default_port);
    int has_connect = sato_args_get_list(node->args, "connect", &list) > 0;
    sato_net_config_init(&cfg);
    cfg.base = node->base;
    cfg.chainctl = node->chainctl;
    cfg.params = node->chain;
    if (port <= 0 || port > 65535) {
        sato_log_printf("Error: Invalid port specified in -port: '%lld'", (long long)port);
        return 0;
    }
    cfg.port = (uint16_t)port;
    cfg.listen = sato_args_get_bool(node->args, "listen", !has_connect);
    cfg.max_connections = (int)sato_args_get_int(node->args, "maxconnections", 125);
    cfg.peer_timeout_s = (int)sato_args_get_int(node->args, "peertimeout", 60);
    cfg.network_active = sato_args_get_bool(node->args, "networkactive", 1);
    cfg.user_agent = "/Sato:" SATO_VERSION "/";
    if (cfg.max_connections < 0 || cfg.peer_timeout_s <= 0) {
        sato_log_printf("Error: -maxconnections must not be negative and -peertimeout must be positive");
        return 0;
    }
    if (!address_list(node, "bind", cfg.bind, SATO_NET_MAX_BINDS, &cfg.nbind, cfg.port) ||
        !address_list(node, "connect", cfg.connect, SATO_NET_MAX_CONNECT, &cfg.nconnect, node->chain->default_port) ||
        !address_list(node, "addnode", cfg.addnode, SATO_NET_MAX_CONNECT, &cfg.naddnode, node->chain->default_port) ||
        !address_list(node, "whitelist", cfg.noban, SATO_NET_MAX_WHITELIST, &cfg.nnoban, 0) ||
        !address_list(node, "seednode", cfg.seednode, SATO_NET_MAX_CONNECT, &cfg.nseednode, node->chain->default_port))
        return 0;
    if (has_connect) cfg.naddnode = 0; /* -connect: only those */
    /* Core: -connect turns DNS seeding off unless it is asked for. */
    cfg.automatic_outbound = !has_connect;
    cfg.dnsseed = sato_args_get_bool(node->args, "dnsseed", !has_connect);
    cfg.forcednsseed = sato_args_get_bool(node->args, "forcednsseed", 0);
    if (cfg.forcednsseed && !cfg.dnsseed) {
        sato_log_printf("Error: Cannot set -forcednsseed to true when setting -dnsseed to false.");
        return 0;
    }
    if (sato_args_get_bool(node->args, "fixedseeds", 1) && !has_connect && strcmp(node->chain->name, "regtest") != 0)
        sato_log_printf("Fixed seeds are not included in Sato: without DNS seeds, -seednode or -addnode, give peers "
                        "with -addnode or addpeeraddress");
    {
        const char **tests;
        int i, n = sato_args_get_list(node->args, "test", &tests);
        for (i = 0; i < n; i++) {
            if (strcmp(tests[i], "localaddrs") != 0) {
                sato_log_printf("Error: Unrecognized test option: %s", tests[i]);
                return 0;
            }
            if (strcmp(node->chain->name, "regtest") != 0) {
                sato_log_printf("Error: -test=<option> can only be used with regtest");
                return 0;
            }
            cfg.test_local_addrs = 1;
        }
    }
    node->banlist_path = path_join(node->chaindir, "banlist.json");
    cfg.banlist_path = node->banlist_path;
    node->peers_path = path_join(node->chaindir, "peers.dat");
    cfg.peers_path = node->peers_path;
    node->anchors_path = path_join(node->chaindir, "anchors.dat");
    cfg.anchors_path = node->anchors_path;
    node->net = sato_net_start(&cfg, err, sizeof(err));
    if (node->net == NULL) {
        sato_log_printf("Error: %s", err);
        return 0;
    }
    node->rpc_ctx.net = node->net;
    return 1;
}

static void *loader_main(void *arg) {
    sato_node_t *node = arg;
    node->load_failed = !open_chain(node);
    event_active(node->loaded_ev, EV_READ, 0);
    return NULL;
}

/* On the loop thread, once the loader is done: serve, or stop. */
static void on_loaded(evutil_socket_t fd, short what, void *arg) {
    sato_node_t *node = arg;
    int64_t interval = sato_args_get_int(node->args, "flushinterval", FLUSH_INTERVAL_S);
    struct timeval every = {(time_t)(interval < 1 ? 1 : interval), 0};
    (void)fd;
    (void)what;
    pthread_join(node->loader, NULL);
    node->loader_running = 0;
    if (node->load_failed || node->chainstate == NULL || node->shutdown_requested) {
        if (node->chainctl != NULL && node->shutdown_requested) sato_chainctl_interrupt(node->chainctl);
        event_base_loopexit(node->base, NULL);
        return;
    }
    node->flush_timer = event_new(node->base, -1, EV_PERSIST, on_flush_timer, node);
    event_add(node->flush_timer, &every);
    if (!start_net(node)) {
        node->load_failed = 1;
        event_base_loopexit(node->base, NULL);
        return;
    }
    node->rpc_ctx.mempool = node->mempool;
    node->rpc_ctx.chainctl = node->chainctl;
    if (node->warmup != NULL) sato_rpc_warmup_finish(node->warmup);
    sato_log_printf("init message: Done loading");
}

static void flush_job(void *arg) {
    sato_node_t *node = arg;
    struct timespec t0, t1;
    sato_err_t err;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    sato_chainctl_lock(node->chainctl);
    if (!sato_chainctl_failed(node->chainctl)) {
        err = sato_chainstate_flush(node->chainstate);
        if (err != SATO_OK) sato_chainctl_fatal(node->chainctl, err, "Failed to write the chain state to disk");
    }
    sato_chainctl_unlock(node->chainctl);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    SATO_DEBUG(SATO_LOG_COINDB, "Periodic flush of the chain state took %ld ms",
               (long)((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000));
    __atomic_store_n(&node->flush_queued, 0, __ATOMIC_SEQ_CST);
}

/* On the loop: only hands the flush to the work queue (one at a time). */
static void on_flush_timer(evutil_socket_t fd, short what, void *arg) {
    sato_node_t *node = arg;
    (void)fd;
    (void)what;
    if (__atomic_exchange_n(&node->flush_queued, 1, __ATOMIC_SEQ_CST)) return;
    if (!sato_workq_submit_internal(node->workq, flush_job, node))
        __atomic_store_n(&node->flush_queued, 0, __ATOMIC_SEQ_CST);
}

static int run(sato_node_t *node, int argc, char **argv) {
    char err[512];
    const char *dd, *home;
    char *conf;
    int daemon, rc = 1;
    struct event *sigint = NULL, *sigterm = NULL;

    node->args = sato_args_create(sato_node_options, sato_node_noptions);
    if (!sato_args_parse_cmdline(node->args, argc, argv, NULL, err, sizeof(err))) {
        fprintf(stderr, "Error: %s\n", err);
        return 1;
    }
    if (sato_args_get_bool(node->args, "help", 0)) {
        print_help();
        return 0;
    }
    if (sato_args_get_bool(node->args, "version", 0)) {
        printf("Sato daemon version %s\n", SATO_VERSION);
        return 0;
    }
    home = getenv("HOME");
    dd = sato_args_get(node->args, "datadir");
    node->datadir = dd ? sato_strdup(dd) : path_join(home ? home : ".", ".sato");
    if (dd != NULL) {
        struct stat st;
        if (stat(dd, &st) != 0 || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "Error: Specified data directory \"%s\" does not exist.\n", dd);
            return 1;
        }
    }
    conf = path_join(node->datadir, sato_args_get_str(node->args, "conf", "sato.conf"));
    if (!sato_args_read_config(node->args, conf, sato_args_is_set(node->args, "conf"), err, sizeof(err))) {
        fprintf(stderr, "Error reading configuration file: %s\n", err);
        free(conf);
        return 1;
    }
    free(conf);
    if (!sato_args_select_chain(node->args, err, sizeof(err))) {
        fprintf(stderr, "Error: %s\n", err);
        return 1;
    }
    node->chain = sato_chainparams_by_name(sato_args_chain(node->args));
    if (sato_args_is_set(node->args, "minimumchainwork")) {
        /* Core's debug option: the params are copied so every layer sees it. */
        const char *hex = sato_args_get(node->args, "minimumchainwork");
        size_t n = strlen(hex), i;
        if (n > 2 && hex[0] == '0' && (hex[1] == 'x' || hex[1] == 'X')) hex += 2, n -= 2;
        for (i = 0; i < n; i++)
            if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f') || (hex[i] >= 'A' && hex[i] <= 'F')))
                break;
        if (n == 0 || n > 64 || i != n) {
            fprintf(stderr, "Error: Invalid non-hex (%s) minimum chain work value specified\n",
                    sato_args_get(node->args, "minimumchainwork"));
            return 1;
        }
        memset(node->min_work_hex, '0', 64);
        memcpy(node->min_work_hex + 64 - n, hex, n);
        node->min_work_hex[64] = '\0';
        node->chain_copy = *node->chain;
        node->chain_copy.minimum_chain_work_hex = node->min_work_hex;
        node->chain = &node->chain_copy;
    }
    node->chaindir = path_join(node->datadir, node->chain->subdir);
    if (!mkdirs(node->chaindir)) {
        fprintf(stderr, "Error: cannot create data directory %s: %s\n", node->chaindir, strerror(errno));
        return 1;
    }
    daemon = sato_args_get_bool(node->args, "daemon", 0);
    /* Before anything in the directory is read or written: a second node
     * on the same data would cut the first one's block files. The lock
     * does not survive fork, so -daemon checks first (to say so on this
     * terminal) and takes it in the child. */
    if ((node->lock_fd = sato_node_lock_dir(node->chaindir, daemon, err, sizeof(err))) < 0) {
        fprintf(stderr, "Error: %s\n", err);
        return 1;
    }
    if (daemon) {
        printf("Sato server starting\n");
        fflush(stdout);
        if (!daemonize()) {
            fprintf(stderr, "Error: cannot run in the background: %s\n", strerror(errno));
            return 1;
        }
        if ((node->lock_fd = sato_node_lock_dir(node->chaindir, 0, err, sizeof(err))) < 0) return 1;
    }
    if (!setup_logging(node, daemon)) return 1;
    node->pid_path = path_join(node->chaindir, sato_args_get_str(node->args, "pid", "satod.pid"));
    if (!write_pidfile(node->pid_path)) {
        sato_log_printf("Error: cannot write pid file %s", node->pid_path);
        goto out;
    }
    if (!apply_mocktime(node)) goto out;
    node->started = time(NULL);
    sato_log_printf("Sato version %s", SATO_VERSION);
    sato_log_printf("Chain: %s, data directory: %s", node->chain->name, node->chaindir);
    sato_log_printf("Using SHA-256 implementation: %s", sato_sha256_impl());

    /* Signatures are checked on libsecp256k1's static context; Core runs
     * the library's self-test once before relying on it. */
    secp256k1_selftest();
    evthread_use_pthreads();
    node->base = event_base_new();
    sigint = evsignal_new(node->base, SIGINT, on_signal, node);
    sigterm = evsignal_new(node->base, SIGTERM, on_signal, node);
    event_add(sigint, NULL);
    event_add(sigterm, NULL);
    signal(SIGPIPE, SIG_IGN);

    node->rpc = sato_rpc_table_create();
    sato_rpc_register_help(node->rpc);
    sato_node_register_control(node->rpc);
    sato_rpc_register_rawtransaction(node->rpc);
    sato_rpc_register_util(node->rpc);
    sato_rpc_register_blockchain(node->rpc);
    sato_rpc_register_mining(node->rpc);
    sato_rpc_register_getrawtransaction(node->rpc);
    sato_rpc_register_net(node->rpc);
    sato_rpc_register_mempool(node->rpc);
    /* The server answers from the start (Core's warm-up), while the chain
     * state loads on its own thread and the loop keeps serving. */
    node->warmup = sato_rpc_warmup_create();
    node->rpc_ctx.warmup = node->warmup;
    if (!start_workq(node, err, sizeof(err))) {
        sato_log_printf("Error: %s", err);
        if (!sato_args_get_bool(node->args, "printtoconsole", !daemon)) fprintf(stderr, "Error: %s\n", err);
        goto out;
    }
    if (sato_args_get_bool(node->args, "server", 1) && !start_rpc(node, err, sizeof(err))) {
        sato_log_printf("Error: %s", err);
        if (!sato_args_get_bool(node->args, "printtoconsole", !daemon)) fprintf(stderr, "Error: %s\n", err);
        goto out;
    }
    node->loaded_ev = event_new(node->base, -1, 0, on_loaded, node);
    node->loader_running = 1;
    if (pthread_create(&node->loader, NULL, loader_main, node) != 0) {
        node->loader_running = 0;
        sato_log_printf("Error: cannot start the loader thread");
        goto out;
    }
    event_base_dispatch(node->base);
    rc = node->load_failed ? 1 : 0;
out:
    sato_log_printf("Shutdown: in progress...");
    /* Running calls and a running flush finish; waiting ones are dropped. */
    sato_workq_destroy(node->workq);
    node->workq = NULL;
    sato_net_stop(node->net);
    node->net = NULL;
    sato_httpd_stop(node->httpd);
    node->httpd = NULL;
    if (node->loader_running) { /* a shutdown during start-up */
        __atomic_store_n(&node->interrupt, 1, __ATOMIC_SEQ_CST);
        pthread_join(node->loader, NULL);
        node->loader_running = 0;
        if (node->load_failed) rc = 1;
    }
    if (node->chainctl != NULL && sato_chainctl_failed(node->chainctl)) rc = 1;
    if (!close_chain(node)) rc = 1;
    if (node->cookie_path) unlink(node->cookie_path);
    if (node->pid_path) unlink(node->pid_path);
    if (node->flush_timer) event_free(node->flush_timer);
    if (node->loaded_ev) event_free(node->loaded_ev);
    if (sigint) event_free(sigint);
    if (sigterm) event_free(sigterm);
    sato_log_printf("Shutdown: done");
    return rc;
}

int main(int argc, char **argv) {
    sato_node_t node;
    int rc;
    memset(&node, 0, sizeof(node));
    node.lock_fd = -1;
    rc = run(&node, argc, argv);
    sato_rpcauth_destroy(node.auth);
    sato_rpc_table_destroy(node.rpc);
    sato_rpc_warmup_destroy(node.warmup);
    if (node.base) event_base_free(node.base);
    sato_args_destroy(node.args);
    free(node.datadir);
    free(node.chaindir);
    free(node.cookie_path);
    free(node.pid_path);
    free(node.banlist_path);
    free(node.peers_path);
    free(node.anchors_path);
    sato_log_close();
    return rc;
}
