#ifndef SATO_NET_H
#define SATO_NET_H

/* The peer-to-peer node: listening and outbound sockets on the node's
 * libevent loop, the version handshake, pings and timeouts, headers-first
 * sync with blocks fetched in parallel from every peer, block relay, and
 * disconnection of peers that break the protocol.
 *
 * Threads: socket I/O, framing and the cheap messages (handshake, ping,
 * pong, feature negotiation) run on the loop thread and never touch the
 * chain state. Everything that does (headers, blocks, getheaders, getdata,
 * inv) runs on one message thread of its own, which takes the chain lock
 * as RPC does; so a peer's pings are answered while a block connects.
 * Lock order: the chain lock, then the network's own lock. */

#include <stddef.h>
#include <stdint.h>

#include "sato/chainctl.h"
#include "sato/chainparams.h"
#include "sato/netaddr.h"
#include "sato/protocol.h"

struct event_base;

typedef struct sato_net sato_net_t;

#define SATO_NET_MAX_BINDS 8
#define SATO_NET_MAX_CONNECT 16
#define SATO_NET_MAX_WHITELIST 16

typedef struct {
    struct event_base *base; /* the node's loop (evthread_use_pthreads first) */
    sato_chainctl_t *chainctl;
    const sato_chainparams_t *params;
    int listen;              /* accept inbound connections */
    sato_netaddr_t bind[SATO_NET_MAX_BINDS]; /* where to listen; none: all interfaces */
    size_t nbind;
    uint16_t port;           /* listening port (-port) */
    sato_netaddr_t connect[SATO_NET_MAX_CONNECT]; /* -connect: only these, redialled */
    size_t nconnect;
    sato_netaddr_t addnode[SATO_NET_MAX_CONNECT]; /* -addnode: these besides others */
    size_t naddnode;
    sato_netaddr_t noban[SATO_NET_MAX_WHITELIST]; /* -whitelist=noban@ip: never punished */
    size_t nnoban;
    int max_connections;     /* -maxconnections (125) */
    int peer_timeout_s;      /* -peertimeout: handshake deadline (60) */
    int network_active;      /* -networkactive */
    const char *user_agent;  /* "/Sato:0.1.0/" */
    int64_t (*now)(void *ctx); /* seconds; NULL: time(NULL) (for -mocktime) */
    void *now_ctx;
    const char *banlist_path; /* banlist.json; NULL: bans not kept */
    const char *peers_path;   /* peers.dat (the address manager); NULL: not kept */
    const char *anchors_path; /* anchors.dat; NULL: no anchors */
    sato_netaddr_t seednode[SATO_NET_MAX_CONNECT]; /* -seednode: asked for addresses, then left */
    size_t nseednode;
    int dnsseed;              /* -dnsseed: look the network's seeds up when short of addresses */
    int forcednsseed;         /* -forcednsseed: look them up at start in any case */
    /* Automatic outbound connections from the address manager (off with
     * -connect, as Core's m_use_addrman_outgoing). */
    int automatic_outbound;
    /* -test=localaddrs (regtest): the address manager keeps loopback and
     * private addresses and groups them as public ones, so that automatic
     * connections can be tested on one machine. */
    int test_local_addrs;
} sato_net_config_t;

void sato_net_config_init(sato_net_config_t *c);

/* Binds the listeners and starts the message thread; the outbound
 * connections start from the loop. NULL with a message on failure (a port
 * in use). */
sato_net_t *sato_net_start(const sato_net_config_t *cfg, char *err, size_t errlen);
/* Closes every connection and joins the message thread; call after the
 * loop ended. NULL: no-op. */
void sato_net_stop(sato_net_t *net);

/* What getpeerinfo shows of one peer (a snapshot). */
typedef struct {
    uint64_t id;
    char addr[SATO_NETADDR_STRLEN];
    char addr_local[SATO_NETADDR_STRLEN];
    const char *network; /* "ipv4", "ipv6", ... */
    uint64_t services;
    int relay_txes;
    int64_t last_send, last_recv, conn_time;
    uint64_t bytes_sent, bytes_recv;
    uint64_t sent_per_msg[SATO_MSG_TYPES], recv_per_msg[SATO_MSG_TYPES]; /* by sato_msg_types index */
    double ping_time, min_ping, ping_wait; /* seconds; < 0: none yet */
    int32_t version;
    char subver[257];
    int inbound;
    int manual;
    int noban;
    int32_t starting_height, synced_headers, synced_blocks;
    int32_t presynced_headers; /* height reached by a headers presync, -1 none */
    size_t inflight;
    uint64_t inflight_heights[16];
    const char *connection_type; /* Core's names: "inbound", "outbound-full-relay", "manual",
                                    "feeler", "block-relay-only", "addr-fetch" */
    int64_t time_offset;
    int handshake_done;
    int addr_relay; /* addresses exchanged: not with block-relay-only peers nor feelers */
    uint64_t addr_processed, addr_rate_limited;
} sato_peer_info_t;

/* Every connected peer into *out (caller frees); returns the count. */
size_t sato_net_peers(sato_net_t *net, sato_peer_info_t **out);
size_t sato_net_connection_count(sato_net_t *net);
void sato_net_totals(sato_net_t *net, uint64_t *sent, uint64_t *recv);
int sato_net_active(sato_net_t *net);
void sato_net_set_active(sato_net_t *net, int active);
uint16_t sato_net_listen_port(sato_net_t *net);

/* addnode "add" (kept and redialled), "remove", "onetry". 0: already
 * there / not there (Core's -23 / -24 errors). */
int sato_net_addnode(sato_net_t *net, const sato_netaddr_t *a, const char *command);
/* The -addnode/addnode list and whether each is connected. */
size_t sato_net_added_nodes(sato_net_t *net, sato_netaddr_t *out, int *connected, size_t max);
/* disconnectnode by address or id: 0 if no such peer. */
int sato_net_disconnect(sato_net_t *net, const sato_netaddr_t *a, uint64_t id);
/* Manual bans (setban): a subnet (bits of the address kept) until a
 * time. */
typedef struct {
    sato_netaddr_t addr;
    int bits;
    int64_t created, until;
} sato_ban_t;

#define SATO_NET_MAX_BANS 4096
/* "1.2.3.4", "1.2.3.0/24", "1.2.3.0/255.255.255.0", "2001:db8::/32". */
int sato_subnet_from_text(sato_ban_t *b, const char *text);
void sato_subnet_to_text(char *out, size_t n, const sato_ban_t *b);
int sato_subnet_match(const sato_ban_t *b, const sato_netaddr_t *a);
/* add: 0 if already banned (or the list is full); remove: 0 if not
 * banned. Banning disconnects the peers it covers. */
int sato_net_setban(sato_net_t *net, const sato_ban_t *ban, int add);
size_t sato_net_bans(sato_net_t *net, sato_ban_t *out, size_t max);
void sato_net_clear_bans(sato_net_t *net);

/* The address manager's view for getnodeaddresses / addpeeraddress. */
size_t sato_net_node_addresses(sato_net_t *net, sato_addr_entry_t *out, size_t max, int net_id);
/* 1 if added (routable and new), as Core's addpeeraddress. */
int sato_net_add_peer_address(sato_net_t *net, const sato_netaddr_t *a, int tried);

/* addconnection (regtest): opens an automatic connection of one kind
 * ("outbound-full-relay", "block-relay-only", "addr-fetch", "feeler").
 * 1 opened, 0 that kind is at capacity, -1 unknown kind. */
int sato_net_add_connection(sato_net_t *net, const sato_netaddr_t *a, const char *type);

/* The DNS seeds of a chain (Core's vSeeds), NULL-terminated; never NULL. */
const char *const *sato_net_dns_seeds(const char *chain_name);

/* ping: asks every peer for a pong now. */
void sato_net_ping_all(sato_net_t *net);

#endif
