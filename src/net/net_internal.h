#ifndef SATO_NET_INTERNAL_H
#define SATO_NET_INTERNAL_H

/* What connman.c (sockets, the loop thread) and netproc.c (the message
 * thread) share: the peers and the network's lock. */

#include <pthread.h>

#include "sato/buf.h"
#include "sato/net.h"
#include "sato/protocol.h"

struct bufferevent;
struct evconnlistener;
struct event;

#define MAX_BLOCKS_IN_FLIGHT 16        /* per peer (Core's MAX_BLOCKS_IN_TRANSIT_PER_PEER) */
#define BLOCK_DOWNLOAD_WINDOW 1024
#define PING_INTERVAL_S 120
#define TIMEOUT_INTERVAL_S (20 * 60)   /* pong and inactivity */
#define RECV_QUEUE_MAX (5000u * 1000u) /* stop reading past this much unprocessed */
#define SEND_BUFFER_MAX (1000u * 1000u) /* stop serving a peer past this much unsent */
#define MAX_DISCOURAGED 50000
#define STALL_TIMEOUT_MIN_MS 2000
#define STALL_TIMEOUT_MAX_MS 64000

#define MAX_OUTBOUND_FULL_RELAY 8
#define MAX_BLOCK_RELAY_ONLY 2
#define MAX_FEELERS 1
#define MAX_ANCHORS 2             /* block-relay-only peers kept across a restart */
#define MAX_ADDR_FETCH 16         /* -seednode entries */
#define FEELER_INTERVAL_MS (2 * 60 * 1000)
#define ADDR_FETCH_TIMEOUT_S (10 * 30) /* Core: 10 average addr broadcast intervals */
#define SEED_OUTBOUND_THRESHOLD 2 /* full-relay peers that end seeding */

/* Core's ConnectionType. */
typedef enum {
    CONN_INBOUND,
    CONN_OUTBOUND_FULL_RELAY,
    CONN_MANUAL,
    CONN_FEELER,
    CONN_BLOCK_RELAY,
    CONN_ADDR_FETCH
} conn_type_t;

/* A message waiting for the message thread. */
typedef struct qmsg {
    char command[13];
    size_t len;
    struct qmsg *next;
    unsigned char payload[]; /* len bytes */
} qmsg_t;

typedef struct {
    unsigned char hash[32];
    int64_t since_ms;
    int32_t height;
} inflight_t;

typedef struct sato_peer {
    struct sato_net *net;
    uint64_t id;
    int refs;        /* the peer list holds one; the message thread one while it works */
    int disconnect;  /* set under the lock by anyone; the loop frees */
    int closed;      /* the socket is gone */
    struct bufferevent *bev;
    sato_netaddr_t addr;
    sato_netaddr_t local;
    int inbound, manual, noban;
    conn_type_t conn_type; /* inbound and manual say it again, for brevity */
    int target;      /* index+1 into net->targets this connection serves, or 0 */
    sato_msgreader_t reader; /* loop thread only */
    int64_t conn_time, last_send, last_recv;
    uint64_t bytes_sent, bytes_recv;
    /* header + payload by sato_msg_types index, as Core's per-type maps */
    uint64_t sent_per_msg[SATO_MSG_TYPES], recv_per_msg[SATO_MSG_TYPES];
    /* handshake */
    int got_version, sent_version, got_verack, handshake_done, sync_queued;
    int32_t version, start_height;
    uint64_t services, nonce_sent;
    int64_t time_offset;
    char user_agent[SATO_MAX_SUBVERSION_LENGTH + 1];
    int relay, wtxidrelay, addrv2, prefers_headers, sent_sendheaders;
    unsigned char announced[32]; /* the last tip announced to it */
    /* The last block of a getblocks answer cut at 500 (Core's
     * m_continuation_block): when the peer asks for it, an inv of our tip
     * makes it send the next getblocks. */
    unsigned char continuation[32];
    int have_continuation;
    /* addresses */
    int getaddr_answered;   /* once per connection (Core) */
    double addr_tokens;     /* Core's token bucket for addr processing */
    int64_t addr_tokens_ms;
    uint64_t addr_processed, addr_rate_limited;
    int addr_relay_on;      /* addresses go both ways (Core's m_addr_relay_enabled) */
    int getaddr_sent;       /* the next big addr is its answer: not relayed */
    struct sato_rollingbloom *addr_known; /* addresses it has or was sent */
    sato_addr_entry_t *addrs_to_send;     /* addrrelay.c's queue, at most 1,000 */
    size_t n_addrs_to_send;
    int64_t next_addr_send_ms;
    /* ping */
    uint64_t ping_nonce;
    int64_t ping_start_ms, last_ping_sent;
    double last_ping, min_ping; /* seconds, < 0 none */
    int ping_requested;
    /* messages for the message thread */
    qmsg_t *q_head, *q_tail;
    size_t q_bytes;
    int reading_paused, resume_reading;
    /* Bytes from other threads, written to the socket by the loop: only
     * the loop thread ever takes a bufferevent's lock, so it cannot
     * deadlock against the network's lock. */
    sato_buf_t outq;
    size_t out_backlog; /* the socket's unsent bytes, as the loop last saw them */
    /* sync (message thread, under the lock) */
    unsigned char best_known[32]; /* hash of the best header the peer has */
    int have_best_known;
    int32_t best_known_height, common_height; /* for getpeerinfo; -1 unknown */
    struct sato_headerssync *hss; /* a low-work header chain being presynced */
    uint64_t keyed_group;         /* SipHash of its network group (eviction) */
    int64_t last_block_ms;        /* when it last gave us a new block */
    int prefer_evict;             /* discouraged, let in while slots were free */
    unsigned char hss_start[32];  /* the block it forks from */
    int64_t last_getheaders;
    inflight_t inflight[MAX_BLOCKS_IN_FLIGHT];
    int n_inflight;
    int64_t stalling_since_ms; /* 0: not stalling the window */
    /* outbound upkeep (outpeers.c, Core's ChainSyncTimeoutState) */
    int sync_started;                /* the first getheaders went out */
    int64_t chain_sync_timeout;      /* s; 0: not behind, or not checked */
    unsigned char work_header[32];   /* our tip when it was found behind */
    int have_work_header, chain_sync_getheaders_sent;
    int chain_protect;               /* one of the 4 kept whatever their chain */
    int64_t last_block_announcement; /* s: it last told us of a better block */
    uint64_t served_seq;             /* fairness: when the message thread last served it */
    struct sato_peer *next;
} sato_peer_t;

/* A -connect / -addnode / addnode target, redialled while it is kept. */
typedef struct {
    sato_netaddr_t addr;
    int used;
    int onetry;
    int connected;      /* a peer serves it */
    int64_t next_try;
    int backoff_s;
} target_t;

#define MAX_TARGETS 32

struct sato_dnsseed; /* outbound.c: a lookup running on its own thread */

struct sato_net {
    sato_net_config_t cfg;
    pthread_mutex_t lock;
    pthread_cond_t work; /* the message thread waits here */
    sato_peer_t *peers;
    uint64_t next_id;
    size_t n_inbound, n_outbound;
    struct evconnlistener *listeners[SATO_NET_MAX_BINDS * 2];
    size_t n_listeners;
    struct event *tick_ev, *reap_ev, *flush_ev;
    pthread_t loop_thread;
    pthread_t msg_thread;
    int msg_thread_running;
    int stopping;
    int active;
    target_t targets[MAX_TARGETS];
    /* Addresses that misbehaved (not local ones): never dialled, inbound
     * from them refused. A bounded ring. */
    sato_netaddr_t *discouraged;
    size_t n_discouraged, discouraged_pos;
    struct sato_addrman *addrman;
    struct sato_addrcache *addrcache;
    int64_t last_addrman_save;
    sato_ban_t bans[SATO_NET_MAX_BANS];
    size_t n_bans;
    uint64_t total_sent, total_recv;
    int64_t stall_timeout_ms;
    uint16_t listen_port;
    int32_t tip_height; /* atomic: for the version message */
    uint64_t group_k0, group_k1; /* the key of peers' keyed network groups */
    sato_chain_listener_t listener;
    /* automatic outbound connections (outbound.c) */
    struct event *open_ev;
    sato_addr_entry_t anchors[MAX_ANCHORS]; /* from anchors.dat, tried first */
    size_t n_anchors;
    sato_netaddr_t addr_fetch[MAX_ADDR_FETCH]; /* -seednode, still to be asked */
    size_t n_addr_fetch;
    int64_t next_feeler_ms, seednode_timer_ms, start_ms;
    int add_addr_fetch;
    struct sato_dnsseed *dnsseed;
    /* outbound upkeep (outpeers.c): the stale-tip check may ask for one
     * extra full-relay peer, and after the initial sync an extra
     * block-relay-only peer is tried now and then */
    int64_t last_tip_update, stale_check_time, next_upkeep_ms, next_extra_block_relay_ms;
    int try_new_outbound, extra_block_relay_started;
    uint64_t serve_counter; /* the message thread's round-robin clock */
};

/* ---- connman.c (any thread unless noted) ---- */
int64_t net_now(const sato_net_t *net);
int64_t net_now_ms(const sato_net_t *net);
/* Frames and queues a message to the peer (thread-safe). With the lock. */
void net_send(sato_net_t *net, sato_peer_t *p, const char *command, const unsigned char *payload, size_t len);

/* addrrelay.c, with the lock. setup: 0 for peers that must not exchange
 * addresses (block-relay-only), else turns relay on and returns 1. */
int net_addr_relay_setup(sato_peer_t *p);
void net_addr_known(sato_peer_t *p, const sato_netaddr_t *a);
int net_addr_compatible(const sato_peer_t *p, const sato_netaddr_t *a);
void net_addr_push(sato_peer_t *p, const sato_addr_entry_t *e);
/* Passes a fresh address on to two peers other than from (one for
 * networks this node does not reach). */
void net_addr_relay(sato_net_t *net, const sato_peer_t *from, const sato_addr_entry_t *e);
/* Sends the peer's queue when its Poisson timer (30 s mean) is due. */
void net_addr_send(sato_net_t *net, sato_peer_t *p, int64_t now_ms);
void net_addr_relay_free(sato_peer_t *p);
/* Marks the peer for disconnection (the loop frees it). With the lock. */
void net_disconnect(sato_net_t *net, sato_peer_t *p, const char *why);
/* Core's Misbehaving: disconnect and discourage (not noban, manual or
 * local peers, which are only logged or disconnected). With the lock. */
void net_misbehaving(sato_net_t *net, sato_peer_t *p, const char *why);
void net_peer_release(sato_net_t *net, sato_peer_t *p); /* with the lock */
/* The unsent bytes of a peer's socket. */
size_t net_send_backlog(sato_peer_t *p);
/* Lets the loop read from a peer whose queue was full (with the lock). */
void net_resume_reading(sato_net_t *net, sato_peer_t *p);

/* Whether headers and blocks are synced with the peer: not with the
 * short-lived feeler and addr-fetch connections. */
static inline int net_peer_syncs(const sato_peer_t *p) {
    return p->conn_type != CONN_FEELER && p->conn_type != CONN_ADDR_FETCH;
}
/* Core's network group of a (keyed by nothing): local addresses count as
 * public ones under -test=localaddrs. */
size_t net_group(const sato_net_t *net, unsigned char out[17], const sato_netaddr_t *a);
/* Dials a as the given kind of connection (with the lock); NULL if the
 * socket could not even be made. */
sato_peer_t *net_dial(sato_net_t *net, const sato_netaddr_t *a, conn_type_t type, int target);

/* ---- outbound.c (with the lock unless noted) ---- */
const char *net_conn_type_name(conn_type_t t);
/* Core's ThreadOpenConnections, one round: at most one new automatic
 * connection (anchor, full-relay, block-relay-only, feeler, addr-fetch). */
void net_open_connections(sato_net_t *net);
/* anchors.dat: read (and removed) at start; the block-relay-only peers
 * written at a clean stop. Without the lock. */
void net_load_anchors(sato_net_t *net);
void net_save_anchors(sato_net_t *net);
/* DNS seeds: started once when the node starts; the lookups run on a
 * thread of their own and never hold up the loop or a stop. */
void net_dnsseed_start(sato_net_t *net);
void net_dnsseed_poll(sato_net_t *net);
void net_dnsseed_stop(sato_net_t *net);

/* ---- outpeers.c (the chain lock, then the network's) ---- */
/* Core's outbound slots for this -maxconnections. */
void net_outbound_limits(const sato_net_t *net, int *max_full, int *max_block);
/* After headers from p were stored, last being the last of them:
 * announcement time, protection, and Core's refusal of outbound peers
 * with too little work during initial download. */
void net_outbound_note_headers(sato_net_t *net, sato_chainctl_t *ctl, sato_peer_t *p, const sato_blocknode_t *last,
                               int new_header, int may_have_more);
/* Each round of the message thread: Core's ConsiderEviction for every
 * outbound peer and, every 45 seconds, CheckForStaleTipAndEvictPeers. */
void net_outbound_upkeep(sato_net_t *net, sato_chainctl_t *ctl);
/* A new tip was connected. */
void net_outbound_tip_updated(sato_net_t *net);

/* ---- eviction.c (with the lock) ---- */
/* The inbound peer Core would evict for a newcomer, or NULL if every one
 * is protected. */
sato_peer_t *net_select_eviction(sato_net_t *net);

/* ---- banlist.c (with the lock) ---- */
int net_is_banned(const sato_net_t *net, const sato_netaddr_t *a, int64_t now);
void net_save_bans(const sato_net_t *net);
void net_load_bans(sato_net_t *net);

/* ---- netproc.c ---- */
void *netproc_main(void *arg);
/* getheaders from `from`, at most one outstanding in two minutes unless
 * forced. With both locks. */
void net_send_getheaders(sato_net_t *net, sato_peer_t *p, const sato_blocknode_t *from, int force);
/* The chain listener: announces a new tip (under the chain lock). */
void netproc_tip_changed(void *arg, const sato_blocknode_t *fork, const sato_blocknode_t *tip);

#endif
