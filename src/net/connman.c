/* The connection manager: listeners, outbound dials, one bufferevent per
 * peer on the node's loop, framing, the handshake and the other cheap
 * messages, timers (handshake, ping, inactivity, stalling), and
 * disconnection (see net.h). Messages that need the chain state go to
 * the message thread (netproc.c). */
#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <event2/util.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "net_internal.h"
#include "sato/addrman.h"
#include "sato/clock.h"
#include "sato/headerssync.h"
#include "sato/log.h"
#include "sato/mem.h"
#include "sato/random.h"
#include "sato/siphash.h"

#define LOCAL_SERVICES (SATO_NODE_NETWORK | SATO_NODE_WITNESS | SATO_NODE_NETWORK_LIMITED)

void sato_net_config_init(sato_net_config_t *c) {
    memset(c, 0, sizeof(*c));
    c->listen = 1;
    c->max_connections = 125;
    c->peer_timeout_s = 60;
    c->network_active = 1;
    c->user_agent = "/Sato/";
}

/* Both follow the node's mockable clock, as Core's timeouts do; the
 * milliseconds are wall-clock time too, so that a jump of the mock time
 * moves every interval (pings, stalls, feelers) alike. */
int64_t net_now(const sato_net_t *net) {
    return net->cfg.now ? net->cfg.now(net->cfg.now_ctx) : sato_clock_now();
}

int64_t net_now_ms(const sato_net_t *net) {
    (void)net;
    return sato_clock_now_ms();
}

static void addr_text(char out[SATO_NETADDR_STRLEN], const sato_netaddr_t *a) {
    sato_netaddr_format(out, a);
}

/* ---- peers ---- */

static void peer_free(sato_peer_t *p) {
    sato_headerssync_destroy(p->hss);
    net_addr_relay_free(p);
    while (p->q_head) {
        qmsg_t *m = p->q_head;
        p->q_head = m->next;
        free(m);
    }
    sato_msgreader_clear(&p->reader);
    sato_buf_clear(&p->outq);
    free(p);
}

void net_peer_release(sato_net_t *net, sato_peer_t *p) {
    (void)net;
    if (--p->refs == 0) peer_free(p);
}

size_t net_send_backlog(sato_peer_t *p) {
    return p->outq.len + p->out_backlog;
}

static int on_loop_thread(const sato_net_t *net) {
    return pthread_equal(pthread_self(), net->loop_thread);
}

void net_send(sato_net_t *net, sato_peer_t *p, const char *command, const unsigned char *payload, size_t len) {
    if (p->closed || p->disconnect) return;
    if (on_loop_thread(net)) {
        sato_buf_t frame;
        sato_buf_init(&frame);
        sato_msg_frame(&frame, net->cfg.params->magic, command, payload, len);
        bufferevent_write(p->bev, frame.data, frame.len);
        p->bytes_sent += frame.len;
        p->sent_per_msg[sato_msg_type_index(command)] += frame.len;
        net->total_sent += frame.len;
        sato_buf_clear(&frame);
    } else {
        size_t before = p->outq.len;
        sato_msg_frame(&p->outq, net->cfg.params->magic, command, payload, len);
        p->bytes_sent += p->outq.len - before;
        p->sent_per_msg[sato_msg_type_index(command)] += p->outq.len - before;
        net->total_sent += p->outq.len - before;
        event_active(net->flush_ev, EV_READ, 0);
    }
    p->last_send = net_now(net);
    SATO_DEBUG(SATO_LOG_NET, "sending %s (%zu bytes) peer=%llu", command, len, (unsigned long long)p->id);
}

/* On the loop: what other threads queued goes to the sockets, and peers
 * whose queue drained read again. */
static void on_flush(evutil_socket_t fd, short what, void *arg) {
    sato_net_t *net = arg;
    sato_peer_t *p;
    (void)fd;
    (void)what;
    pthread_mutex_lock(&net->lock);
    for (p = net->peers; p != NULL; p = p->next) {
        if (p->closed) continue;
        if (p->outq.len > 0) {
            bufferevent_write(p->bev, p->outq.data, p->outq.len);
            p->outq.len = 0;
        }
        p->out_backlog = evbuffer_get_length(bufferevent_get_output(p->bev));
        if (p->resume_reading) {
            p->resume_reading = 0;
            p->reading_paused = 0;
            bufferevent_enable(p->bev, EV_READ);
        }
    }
    pthread_mutex_unlock(&net->lock);
}

static void on_write(struct bufferevent *bev, void *arg) {
    sato_peer_t *p = arg;
    /* Called when the output drained below the low watermark (empty). */
    pthread_mutex_lock(&p->net->lock);
    p->out_backlog = evbuffer_get_length(bufferevent_get_output(bev));
    pthread_cond_signal(&p->net->work); /* a paused getdata may go on */
    pthread_mutex_unlock(&p->net->lock);
}

void net_disconnect(sato_net_t *net, sato_peer_t *p, const char *why) {
    if (p->disconnect) return;
    p->disconnect = 1;
    if (why != NULL) sato_log_printf("Disconnecting peer=%llu: %s", (unsigned long long)p->id, why);
    if (net->reap_ev) event_active(net->reap_ev, EV_READ, 0);
}

static int is_discouraged(const sato_net_t *net, const sato_netaddr_t *a) {
    size_t i;
    for (i = 0; i < net->n_discouraged; i++) {
        const sato_netaddr_t *d = &net->discouraged[i];
        if (d->net == a->net && d->len == a->len && memcmp(d->addr, a->addr, a->len) == 0) return 1;
    }
    return 0;
}

void net_misbehaving(sato_net_t *net, sato_peer_t *p, const char *why) {
    sato_log_printf("Misbehaving: peer=%llu: %s", (unsigned long long)p->id, why);
    if (p->noban) return; /* noban peers are never punished */
    if (!p->manual && !sato_netaddr_is_local(&p->addr) && !is_discouraged(net, &p->addr)) {
        sato_netaddr_t d = p->addr;
        d.port = 0;
        if (net->n_discouraged < MAX_DISCOURAGED) {
            net->discouraged[net->n_discouraged++] = d;
        } else {
            net->discouraged[net->discouraged_pos] = d;
            net->discouraged_pos = (net->discouraged_pos + 1) % MAX_DISCOURAGED;
        }
    }
    net_disconnect(net, p, NULL);
}

void net_resume_reading(sato_net_t *net, sato_peer_t *p) {
    if (p->reading_paused && !p->closed && p->q_bytes < RECV_QUEUE_MAX / 2 && !p->resume_reading) {
        p->resume_reading = 1;
        event_active(net->flush_ev, EV_READ, 0);
    }
}

/* ---- the handshake and the other messages handled on the loop ---- */

static void send_version(sato_net_t *net, sato_peer_t *p) {
    sato_msg_version_t v;
    sato_buf_t b;
    memset(&v, 0, sizeof(v));
    v.version = SATO_PROTOCOL_VERSION;
    v.services = LOCAL_SERVICES;
    v.time = net_now(net);
    /* As Core: the peer's address only if it is routable; ours as zeros. */
    if (sato_netaddr_is_routable(&p->addr)) {
        sato_netaddr_to_legacy(v.addr_recv.ip, &p->addr);
        v.addr_recv.port = p->addr.port;
    }
    v.addr_from.services = LOCAL_SERVICES;
    p->nonce_sent = sato_random_u64();
    v.nonce = p->nonce_sent;
    snprintf(v.user_agent, sizeof(v.user_agent), "%s", net->cfg.user_agent);
    v.start_height = __atomic_load_n(&net->tip_height, __ATOMIC_RELAXED);
    v.relay = 0; /* no mempool yet: blocks only */
    sato_buf_init(&b);
    sato_msg_version_write(&b, &v);
    net_send(net, p, "version", b.data, b.len);
    sato_buf_clear(&b);
    p->sent_version = 1;
}

/* A message for the message thread: copied into the peer's queue. */
static void enqueue(sato_net_t *net, sato_peer_t *p, const char *command, const unsigned char *payload,
                    size_t len) {
    qmsg_t *m = sato_malloc(sizeof(*m) + len);
    snprintf(m->command, sizeof(m->command), "%s", command);
    m->len = len;
    if (len) memcpy(m->payload, payload, len);
    m->next = NULL;
    if (p->q_tail) p->q_tail->next = m;
    else p->q_head = m;
    p->q_tail = m;
    p->q_bytes += len;
    pthread_cond_signal(&net->work);
}

static int is_heavy(const char *cmd) {
    static const char *const heavy[] = {"headers", "block", "getheaders", "getblocks", "getdata",
                                        "inv", "notfound", "tx"};
    size_t i;
    for (i = 0; i < sizeof(heavy) / sizeof(heavy[0]); i++)
        if (strcmp(cmd, heavy[i]) == 0) return 1;
    return 0;
}

static void on_version(sato_net_t *net, sato_peer_t *p, const unsigned char *payload, size_t len) {
    sato_msg_version_t v;
    sato_peer_t *q;
    if (p->got_version) {
        SATO_DEBUG(SATO_LOG_NET, "redundant version message from peer=%llu", (unsigned long long)p->id);
        return;
    }
    if (sato_msg_version_read(&v, payload, len) != SATO_MSG_OK) {
        net_disconnect(net, p, "unreadable version message");
        return;
    }
    if (v.version < SATO_MIN_PEER_PROTO_VERSION) {
        char why[96];
        snprintf(why, sizeof(why), "peer using obsolete version %d", (int)v.version);
        net_disconnect(net, p, why);
        return;
    }
    /* Our own nonce coming back: we dialled ourselves. */
    for (q = net->peers; q != NULL; q = q->next) {
        if (!q->inbound && q->nonce_sent == v.nonce && v.nonce != 0) {
            net_disconnect(net, p, "connected to self, disconnecting");
            return;
        }
    }
    if (!p->inbound && !p->manual &&
        (!(v.services & (SATO_NODE_NETWORK | SATO_NODE_NETWORK_LIMITED)) || !(v.services & SATO_NODE_WITNESS))) {
        net_disconnect(net, p, "does not offer the expected services");
        return;
    }
    p->got_version = 1;
    p->version = v.version;
    p->services = v.services;
    p->start_height = v.start_height;
    p->relay = v.relay;
    p->time_offset = v.time - net_now(net);
    memcpy(p->user_agent, v.user_agent, sizeof(p->user_agent));
    if (p->inbound) send_version(net, p);
    if (v.version >= SATO_WTXID_RELAY_VERSION) {
        net_send(net, p, "wtxidrelay", NULL, 0);
        net_send(net, p, "sendaddrv2", NULL, 0);
    }
    net_send(net, p, "verack", NULL, 0);
    sato_log_printf("receive version message: %s: version %d, blocks=%d, peer=%llu%s", p->user_agent,
                    (int)v.version, (int)v.start_height, (unsigned long long)p->id, p->inbound ? " (inbound)" : "");
    /* The address answered: the tried table learns it (block-relay-only
     * peers too, whose Connected() is never called so as not to leak). */
    if (!p->inbound) sato_addrman_good(net->addrman, &p->addr, net_now(net));
    if (p->conn_type == CONN_FEELER) net_disconnect(net, p, "feeler connection completed");
}

static void on_handshake_done(sato_net_t *net, sato_peer_t *p) {
    char a[SATO_NETADDR_STRLEN];
    p->handshake_done = 1;
    addr_text(a, &p->addr);
    sato_log_printf("New %s peer connected: version: %d, blocks=%d, peer=%llu (%s)", net_conn_type_name(p->conn_type),
                    (int)p->version, (int)p->start_height, (unsigned long long)p->id, a);
    if (p->target) {
        target_t *t = &net->targets[p->target - 1];
        t->backoff_s = 1;
    }
    /* Addresses are asked of outbound peers that relay them: not of
     * block-relay-only ones (that would reveal the link) nor feelers
     * (gone at once). */
    if (!p->inbound && p->conn_type != CONN_FEELER && net_addr_relay_setup(p)) {
        net_send(net, p, "getaddr", NULL, 0);
        p->getaddr_sent = 1;
        p->addr_tokens += 1000; /* the answer may be that big */
    }
    /* The rest (sendheaders, the first getheaders) needs the chain: a
     * pseudo message for the message thread. */
    enqueue(net, p, "!sync", NULL, 0);
}

/* Core's addr handling: every address costs a token (0.1 per second, at
 * most 1,000 banked, 1,000 more per getaddr we send); times are made
 * sane and lose 2 hours before they go into the address manager. */
static void on_addr(sato_net_t *net, sato_peer_t *p, const unsigned char *payload, size_t len, int v2) {
    sato_msg_addr_t m;
    sato_msg_result_t r = sato_msg_addr_read(&m, payload, len, v2);
    int64_t now = net_now(net), now_ms = net_now_ms(net);
    size_t i, kept = 0;
    if (r != SATO_MSG_OVERSIZED && r != SATO_MSG_OK) return;
    if (!net_addr_relay_setup(p)) {
        SATO_DEBUG(SATO_LOG_NET, "ignoring %s message from %s peer=%llu", v2 ? "addrv2" : "addr",
                   net_conn_type_name(p->conn_type), (unsigned long long)p->id);
        return;
    }
    if (r == SATO_MSG_OVERSIZED) {
        net_misbehaving(net, p, "addr message size too large");
        return;
    }
    if (p->addr_tokens < 1000) { /* time adds tokens up to the cap; getaddr may pass it */
        p->addr_tokens += (double)(now_ms - p->addr_tokens_ms) / 1000.0 * 0.1;
        if (p->addr_tokens > 1000) p->addr_tokens = 1000;
    }
    p->addr_tokens_ms = now_ms;
    for (i = 0; i < m.n; i++) {
        sato_addr_entry_t e = m.entries[i];
        if (p->addr_tokens < 1 && !p->noban) {
            p->addr_rate_limited++;
            continue;
        }
        if (!p->noban) p->addr_tokens -= 1;
        /* Only nodes that serve blocks (or may know good addresses). */
        if (!(e.services & (SATO_NODE_NETWORK | SATO_NODE_NETWORK_LIMITED))) continue;
        e.time = (uint32_t)sato_addrman_gossip_time(e.time, now);
        net_addr_known(p, &e.addr);
        if (net_is_banned(net, &e.addr, now) || is_discouraged(net, &e.addr)) continue;
        p->addr_processed++;
        /* A node announcing itself, fresh: pass it on (Core relays from
         * messages of at most 10, never a getaddr answer). */
        if ((int64_t)e.time > now - 600 && !p->getaddr_sent && m.n <= 10 &&
            (sato_netaddr_is_routable(&e.addr) || (net->cfg.test_local_addrs && sato_netaddr_is_valid(&e.addr))))
            net_addr_relay(net, p, &e);
        if (e.addr.net == SATO_NET_IPV4 || e.addr.net == SATO_NET_IPV6) m.entries[kept++] = e; /* reachable */
    }
    if (kept > 0) sato_addrman_add(net->addrman, m.entries, kept, &p->addr, SATO_ADDRMAN_GOSSIP_PENALTY, now);
    if (m.n < 1000) p->getaddr_sent = 0;
    /* An addr-fetch connection exists for this answer only. */
    if (p->conn_type == CONN_ADDR_FETCH && m.n > 1) net_disconnect(net, p, "addrfetch connection completed");
    sato_msg_addr_clear(&m);
}

/* Answered for inbound peers only, once per connection, from the cache
 * (Core: so a spy cannot map the address manager by asking again). */
static void on_getaddr(sato_net_t *net, sato_peer_t *p) {
    const sato_addr_entry_t *entries;
    size_t n, i;
    if (!p->inbound || p->getaddr_answered) return; /* outbound: a spy could tell which is which */
    (void)net_addr_relay_setup(p); /* inbound: always turns it on */
    p->getaddr_answered = 1;
    n = sato_addrcache_get(net->addrcache, net->addrman, (uint64_t)p->addr.net, net_now(net), &entries);
    /* Through the peer's queue, so its filter learns them; the first
     * send of a connection is not delayed. */
    p->n_addrs_to_send = 0;
    for (i = 0; i < n; i++) net_addr_push(p, &entries[i]);
    net_addr_send(net, p, net_now_ms(net));
}

static int cache_keep(void *ctx, const sato_netaddr_t *a) {
    sato_net_t *net = ctx;
    return !net_is_banned(net, a, net_now(net)) && !is_discouraged(net, a);
}

/* One framed message, on the loop thread with the lock. */
static void on_message(sato_net_t *net, sato_peer_t *p, const char *cmd, const unsigned char *payload,
                       size_t len) {
    SATO_DEBUG(SATO_LOG_NET, "received: %s (%zu bytes) peer=%llu", cmd, len, (unsigned long long)p->id);
    if (strcmp(cmd, "version") == 0) {
        on_version(net, p, payload, len);
        return;
    }
    if (!p->got_version) {
        SATO_DEBUG(SATO_LOG_NET, "non-version message before version handshake: %s peer=%llu", cmd,
                   (unsigned long long)p->id);
        return;
    }
    if (strcmp(cmd, "verack") == 0) {
        if (!p->got_verack) {
            p->got_verack = 1;
            on_handshake_done(net, p);
        }
        return;
    }
    /* Feature negotiation belongs before verack (BIP339, BIP155). */
    if (strcmp(cmd, "wtxidrelay") == 0 || strcmp(cmd, "sendaddrv2") == 0 || strcmp(cmd, "sendtxrcncl") == 0) {
        if (p->got_verack) {
            char why[96];
            snprintf(why, sizeof(why), "%s received after verack", cmd);
            net_disconnect(net, p, why);
        } else if (cmd[4] == 'a') {
            p->addrv2 = 1;
        } else if (cmd[0] == 'w') {
            p->wtxidrelay = 1;
        }
        return;
    }
    if (strcmp(cmd, "sendheaders") == 0) {
        p->prefers_headers = 1;
        return;
    }
    if (strcmp(cmd, "sendcmpct") == 0) {
        uint8_t announce;
        uint64_t version;
        if (sato_msg_sendcmpct_read(&announce, &version, payload, len) == SATO_MSG_OK && announce > 1)
            net_misbehaving(net, p, "sendcmpct with an invalid announce flag");
        return;
    }
    if (!p->got_verack) return; /* everything else waits for the handshake */
    if (strcmp(cmd, "ping") == 0) {
        uint64_t nonce;
        if (sato_msg_nonce_read(&nonce, payload, len) == SATO_MSG_OK) {
            unsigned char b[8];
            sato_put_le64(b, nonce);
            net_send(net, p, "pong", b, 8);
        }
        return;
    }
    if (strcmp(cmd, "pong") == 0) {
        uint64_t nonce;
        if (sato_msg_nonce_read(&nonce, payload, len) == SATO_MSG_OK && p->ping_nonce != 0 && nonce == p->ping_nonce) {
            double t = (double)(net_now_ms(net) - p->ping_start_ms) / 1000.0;
            p->last_ping = t;
            if (p->min_ping < 0 || t < p->min_ping) p->min_ping = t;
            p->ping_nonce = 0;
        }
        return;
    }
    if (strcmp(cmd, "addr") == 0 || strcmp(cmd, "addrv2") == 0) {
        on_addr(net, p, payload, len, cmd[4] == 'v');
        return;
    }
    if (strcmp(cmd, "getaddr") == 0) {
        on_getaddr(net, p);
        return;
    }
    if (is_heavy(cmd)) {
        enqueue(net, p, cmd, payload, len);
        if (p->q_bytes > RECV_QUEUE_MAX && !p->reading_paused) {
            p->reading_paused = 1;
            bufferevent_disable(p->bev, EV_READ);
        }
    }
    /* Unknown commands, getaddr, feefilter, mempool: nothing to do yet. */
}


static void on_read(struct bufferevent *bev, void *arg) {
    sato_peer_t *p = arg;
    sato_net_t *net = p->net;
    struct evbuffer *in = bufferevent_get_input(bev);
    pthread_mutex_lock(&net->lock);
    while (!p->disconnect && !p->reading_paused && evbuffer_get_length(in) > 0) {
        struct evbuffer_iovec v;
        size_t used, plen;
        const unsigned char *payload;
        sato_frame_result_t ev;
        if (evbuffer_peek(in, -1, NULL, &v, 1) < 1 || v.iov_len == 0) break;
        ev = sato_msgreader_feed(&p->reader, v.iov_base, v.iov_len, &used, &payload, &plen);
        p->bytes_recv += used;
        net->total_recv += used;
        p->last_recv = net_now(net);
        evbuffer_drain(in, used);
        switch (ev) {
        case SATO_FRAME_NEED_MORE: break;
        case SATO_FRAME_MESSAGE:
            p->recv_per_msg[sato_msg_type_index(p->reader.command)] += SATO_MSG_HEADER_SIZE + plen;
            on_message(net, p, p->reader.command, payload, plen);
            break;
        case SATO_FRAME_BAD_CHECKSUM:
            p->recv_per_msg[SATO_MSG_TYPE_OTHER] += SATO_MSG_HEADER_SIZE + (uint64_t)p->reader.want;
            SATO_DEBUG(SATO_LOG_NET, "Header error: Wrong checksum (%s) peer=%llu", p->reader.command,
                       (unsigned long long)p->id);
            break;
        case SATO_FRAME_BAD_COMMAND:
            p->recv_per_msg[SATO_MSG_TYPE_OTHER] += SATO_MSG_HEADER_SIZE + (uint64_t)p->reader.want;
            SATO_DEBUG(SATO_LOG_NET, "Header error: Invalid message type peer=%llu", (unsigned long long)p->id);
            break;
        case SATO_FRAME_BAD_MAGIC: net_disconnect(net, p, "Header error: Wrong MessageStart"); break;
        case SATO_FRAME_OVERSIZED: net_disconnect(net, p, "Header error: Size too large"); break;
        }
    }
    pthread_mutex_unlock(&net->lock);
}

static void on_event(struct bufferevent *bev, short what, void *arg) {
    sato_peer_t *p = arg;
    sato_net_t *net = p->net;
    (void)bev;
    pthread_mutex_lock(&net->lock);
    if (what & BEV_EVENT_CONNECTED) {
        int one = 1;
        setsockopt(bufferevent_getfd(p->bev), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        send_version(net, p);
    } else if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR)) {
        char a[SATO_NETADDR_STRLEN];
        addr_text(a, &p->addr);
        if (!p->handshake_done && !p->inbound)
            SATO_DEBUG(SATO_LOG_NET, "connection to %s failed or closed", a);
        net_disconnect(net, p, p->handshake_done ? "socket closed" : NULL);
    }
    pthread_mutex_unlock(&net->lock);
}

static int addr_to_sockaddr(const sato_netaddr_t *a, struct sockaddr_storage *ss, socklen_t *len) {
    memset(ss, 0, sizeof(*ss));
    if (a->net == SATO_NET_IPV4) {
        struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
        s4->sin_family = AF_INET;
        memcpy(&s4->sin_addr, a->addr, 4);
        s4->sin_port = htons(a->port);
        *len = sizeof(*s4);
        return 1;
    }
    if (a->net == SATO_NET_IPV6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
        s6->sin6_family = AF_INET6;
        memcpy(&s6->sin6_addr, a->addr, 16);
        s6->sin6_port = htons(a->port);
        *len = sizeof(*s6);
        return 1;
    }
    return 0;
}

static void sockaddr_to_addr(sato_netaddr_t *a, const struct sockaddr *sa) {
    memset(a, 0, sizeof(*a));
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
        sato_netaddr_ipv4(a, (const unsigned char *)&s4->sin_addr, ntohs(s4->sin_port));
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
        sato_netaddr_ipv6(a, (const unsigned char *)&s6->sin6_addr, ntohs(s6->sin6_port));
    }
}

static int in_list(const sato_netaddr_t *list, size_t n, const sato_netaddr_t *a) {
    size_t i;
    for (i = 0; i < n; i++)
        if (list[i].net == a->net && memcmp(list[i].addr, a->addr, a->len) == 0) return 1;
    return 0;
}

size_t net_group(const sato_net_t *net, unsigned char out[17], const sato_netaddr_t *a) {
    return sato_netaddr_group_local(out, a, net->cfg.test_local_addrs);
}

static sato_peer_t *peer_new(sato_net_t *net, struct bufferevent *bev, const sato_netaddr_t *a, conn_type_t type) {
    int inbound = type == CONN_INBOUND;
    sato_peer_t *p = sato_calloc(1, sizeof(*p));
    p->net = net;
    p->id = net->next_id++;
    p->refs = 1;
    p->bev = bev;
    p->addr = *a;
    p->inbound = inbound;
    p->conn_type = type;
    p->manual = type == CONN_MANUAL;
    p->noban = in_list(net->cfg.noban, net->cfg.nnoban, a);
    p->conn_time = net_now(net);
    p->last_ping = p->min_ping = -1;
    p->addr_tokens = 1;
    {
        unsigned char g[17];
        size_t gl = net_group(net, g, a);
        sato_siphash_t h;
        sato_siphash_init(&h, net->group_k0, net->group_k1);
        sato_siphash_write(&h, g, gl);
        p->keyed_group = sato_siphash_finalize(&h);
    }
    p->best_known_height = p->common_height = -1;
    p->addr_tokens_ms = net_now_ms(net);
    sato_msgreader_init(&p->reader, net->cfg.params->magic);
    p->next = net->peers;
    net->peers = p;
    if (inbound) net->n_inbound++;
    else net->n_outbound++;
    sato_buf_init(&p->outq);
    bufferevent_setcb(bev, on_read, on_write, on_event, p);
    bufferevent_enable(bev, EV_READ | EV_WRITE);
    return p;
}

static size_t max_inbound(const sato_net_t *net) {
    int n = net->cfg.max_connections - 11; /* 8 full-relay, 2 block-relay, 1 feeler */
    return n > 0 ? (size_t)n : 0;
}

static void on_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int salen, void *arg) {
    sato_net_t *net = arg;
    sato_netaddr_t a;
    struct bufferevent *bev;
    char text[SATO_NETADDR_STRLEN];
    (void)l;
    (void)salen;
    sockaddr_to_addr(&a, sa);
    addr_text(text, &a);
    pthread_mutex_lock(&net->lock);
    if (!net->active || net->stopping) {
        pthread_mutex_unlock(&net->lock);
        evutil_closesocket(fd);
        return;
    }
    {
        /* Core's AcceptConnection: banned peers never; discouraged ones
         * only while slots are free; a full house evicts someone it does
         * not protect, or refuses the newcomer. */
        int noban = in_list(net->cfg.noban, net->cfg.nnoban, &a);
        const char *why = NULL;
        if (!noban && net_is_banned(net, &a, net_now(net))) why = "banned";
        else if (!noban && is_discouraged(net, &a) && net->n_inbound + 1 >= max_inbound(net)) why = "discouraged";
        else if (net->n_inbound >= max_inbound(net)) {
            sato_peer_t *victim = net_select_eviction(net);
            if (victim == NULL) why = "failed to find an eviction candidate - connection dropped (full)";
            else net_disconnect(net, victim, "evicted for a new inbound connection");
        }
        if (why != NULL) {
            pthread_mutex_unlock(&net->lock);
            SATO_DEBUG(SATO_LOG_NET, "connection from %s dropped: %s", text, why);
            evutil_closesocket(fd);
            return;
        }
    }
    evutil_make_socket_nonblocking(fd);
    {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    bev = bufferevent_socket_new(net->cfg.base, fd, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_THREADSAFE);
    if (bev != NULL) {
        sato_peer_t *p = peer_new(net, bev, &a, CONN_INBOUND);
        p->prefer_evict = is_discouraged(net, &a);
        SATO_DEBUG(SATO_LOG_NET, "connection from %s accepted, peer=%llu", text, (unsigned long long)p->id);
    } else {
        evutil_closesocket(fd);
    }
    pthread_mutex_unlock(&net->lock);
}

sato_peer_t *net_dial(sato_net_t *net, const sato_netaddr_t *a, conn_type_t type, int target) {
    struct sockaddr_storage ss;
    socklen_t len;
    struct bufferevent *bev;
    sato_peer_t *p;
    if (!addr_to_sockaddr(a, &ss, &len)) return NULL;
    bev = bufferevent_socket_new(net->cfg.base, -1, BEV_OPT_CLOSE_ON_FREE | BEV_OPT_THREADSAFE);
    if (bev == NULL) return NULL;
    p = peer_new(net, bev, a, type);
    p->target = target;
    if (bufferevent_socket_connect(bev, (struct sockaddr *)&ss, (int)len) != 0) net_disconnect(net, p, NULL);
    return p;
}

/* Frees peers marked for disconnection; on the loop. */
static void on_reap(evutil_socket_t fd, short what, void *arg) {
    sato_net_t *net = arg;
    sato_peer_t **pp;
    (void)fd;
    (void)what;
    pthread_mutex_lock(&net->lock);
    for (pp = &net->peers; *pp != NULL;) {
        sato_peer_t *p = *pp;
        if (!p->disconnect) {
            pp = &p->next;
            continue;
        }
        *pp = p->next;
        if (p->inbound) net->n_inbound--;
        else net->n_outbound--;
        /* The address was good until now; not said of block-relay-only
         * peers, whose link the tables must not reveal. */
        if (p->handshake_done && !p->inbound && p->conn_type != CONN_BLOCK_RELAY)
            sato_addrman_connected(net->addrman, &p->addr, net_now(net));
        if (p->target) {
            target_t *t = &net->targets[p->target - 1];
            t->connected = 0;
            t->next_try = net_now(net) + t->backoff_s;
            if (t->backoff_s < 60) t->backoff_s *= 2;
            if (t->onetry) t->used = 0;
        }
        bufferevent_free(p->bev);
        p->bev = NULL;
        p->closed = 1;
        net_peer_release(net, p);
    }
    pthread_cond_signal(&net->work); /* in-flight blocks of the gone may go elsewhere */
    pthread_mutex_unlock(&net->lock);
}

static void ping(sato_net_t *net, sato_peer_t *p, int64_t now) {
    unsigned char b[8];
    do p->ping_nonce = sato_random_u64();
    while (p->ping_nonce == 0);
    p->ping_start_ms = net_now_ms(net);
    p->last_ping_sent = now;
    p->ping_requested = 0;
    sato_put_le64(b, p->ping_nonce);
    net_send(net, p, "ping", b, 8);
}

/* Once a second: timeouts, pings, stalls and redials. */
static void on_tick(evutil_socket_t fd, short what, void *arg) {
    sato_net_t *net = arg;
    int64_t now = net_now(net), now_ms = net_now_ms(net);
    sato_peer_t *p;
    size_t i;
    (void)fd;
    (void)what;
    pthread_mutex_lock(&net->lock);
    for (p = net->peers; p != NULL; p = p->next) {
        char why[96];
        int k;
        /* Core's ShouldRunInactivityChecks: no timeout in a connection's
         * first -peertimeout seconds. */
        int checks = now > p->conn_time + net->cfg.peer_timeout_s;
        if (p->disconnect) continue;
        if (!p->handshake_done) {
            if (checks) net_disconnect(net, p, "version handshake timeout");
            continue;
        }
        if (checks && now > p->last_send + TIMEOUT_INTERVAL_S) {
            snprintf(why, sizeof(why), "socket sending timeout: %llds", (long long)(now - p->last_send));
            net_disconnect(net, p, why);
            continue;
        }
        if (checks && now > p->last_recv + TIMEOUT_INTERVAL_S) {
            snprintf(why, sizeof(why), "socket receive timeout: %llds", (long long)(now - p->last_recv));
            net_disconnect(net, p, why);
            continue;
        }
        if (p->conn_type == CONN_ADDR_FETCH && now - p->conn_time > ADDR_FETCH_TIMEOUT_S) {
            net_disconnect(net, p, "addrfetch connection timeout");
            continue;
        }
        if (checks && p->ping_nonce != 0 && now_ms > p->ping_start_ms + TIMEOUT_INTERVAL_S * 1000) {
            snprintf(why, sizeof(why), "ping timeout: %fs", (double)(now_ms - p->ping_start_ms) / 1000.0);
            net_disconnect(net, p, why);
            continue;
        }
        if (p->ping_nonce == 0 && (p->ping_requested || now_ms > p->ping_start_ms + PING_INTERVAL_S * 1000))
            ping(net, p, now);
        /* Core's stalling rule: the peer holding the block that keeps the
         * download window from moving, for longer than the timeout. */
        if (p->stalling_since_ms != 0 && now_ms - p->stalling_since_ms > net->stall_timeout_ms) {
            net_disconnect(net, p, "is stalling block download");
            if (net->stall_timeout_ms < STALL_TIMEOUT_MAX_MS) net->stall_timeout_ms *= 2;
            continue;
        }
        /* A block asked for 10 minutes ago and still not here. */
        for (k = 0; k < p->n_inflight; k++) {
            if (now_ms - p->inflight[k].since_ms > 10 * 60 * 1000) {
                net_disconnect(net, p, "block download timeout");
                break;
            }
        }
    }
    if (net->cfg.peers_path != NULL && now - net->last_addrman_save >= 15 * 60) {
        char msg[256];
        net->last_addrman_save = now;
        if (sato_addrman_save(net->addrman, net->cfg.peers_path, net->cfg.params->magic, msg, sizeof(msg)) != SATO_OK)
            sato_log_printf("Warning: %s", msg);
    }
    if (net->active) {
        for (i = 0; i < MAX_TARGETS; i++) {
            target_t *t = &net->targets[i];
            if (!t->used || t->connected || now < t->next_try) continue;
            if (net_is_banned(net, &t->addr, now)) continue;
            if (net_dial(net, &t->addr, CONN_MANUAL, (int)i + 1) != NULL) {
                t->connected = 1;
                if (t->onetry) t->onetry = 2; /* dialled once: dropped when it ends */
            } else {
                t->next_try = now + 60;
            }
        }
    }
    for (p = net->peers; p != NULL; p = p->next)
        if (!p->disconnect) net_addr_send(net, p, now_ms);
    net_dnsseed_poll(net);
    pthread_cond_signal(&net->work);
    pthread_mutex_unlock(&net->lock);
}

/* Every half second, as Core's ThreadOpenConnections. */
static void on_open(evutil_socket_t fd, short what, void *arg) {
    sato_net_t *net = arg;
    (void)fd;
    (void)what;
    pthread_mutex_lock(&net->lock);
    net_open_connections(net);
    pthread_mutex_unlock(&net->lock);
}

static int add_target(sato_net_t *net, const sato_netaddr_t *a, int onetry) {
    size_t i;
    for (i = 0; i < MAX_TARGETS; i++) {
        if (net->targets[i].used && sato_netaddr_equal(&net->targets[i].addr, a)) return 0;
    }
    for (i = 0; i < MAX_TARGETS; i++) {
        target_t *t = &net->targets[i];
        if (t->used) continue;
        memset(t, 0, sizeof(*t));
        t->used = 1;
        t->addr = *a;
        t->onetry = onetry;
        t->backoff_s = 1;
        return 1;
    }
    return 0;
}

static int listen_on(sato_net_t *net, const sato_netaddr_t *a, char *err, size_t errlen) {
    struct sockaddr_storage ss;
    socklen_t len;
    evutil_socket_t fd;
    int one = 1;
    char text[SATO_NETADDR_STRLEN];
    struct evconnlistener *l;
    addr_text(text, a);
    if (!addr_to_sockaddr(a, &ss, &len)) return 0;
    fd = socket(ss.ss_family, SOCK_STREAM, 0);
    if (fd < 0) goto fail;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (ss.ss_family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    evutil_make_socket_nonblocking(fd);
    evutil_make_socket_closeonexec(fd);
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 128) != 0) {
        close(fd);
        goto fail;
    }
    l = evconnlistener_new(net->cfg.base, on_accept, net, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_THREADSAFE, 0, fd);
    if (l == NULL) {
        close(fd);
        goto fail;
    }
    net->listeners[net->n_listeners++] = l;
    sato_log_printf("Bound to %s", text);
    return 1;
fail:
    snprintf(err, errlen, "Unable to bind to %s on this computer (%s). Sato is probably already running.", text,
             strerror(errno));
    return 0;
}

sato_net_t *sato_net_start(const sato_net_config_t *cfg, char *err, size_t errlen) {
    sato_net_t *net = sato_calloc(1, sizeof(*net));
    struct timeval one_s = {1, 0};
    size_t i;
    net->cfg = *cfg;
    net->active = cfg->network_active;
    net->stall_timeout_ms = STALL_TIMEOUT_MIN_MS;
    net->next_id = 0;
    net->listen_port = cfg->port;
    net->discouraged = sato_calloc(MAX_DISCOURAGED, sizeof(*net->discouraged));
    net->group_k0 = sato_random_u64();
    net->group_k1 = sato_random_u64();
    pthread_mutex_init(&net->lock, NULL);
    pthread_cond_init(&net->work, NULL);
    if (cfg->listen) {
        if (cfg->nbind == 0) {
            sato_netaddr_t any4, any6;
            static const unsigned char zero[16] = {0};
            char e6[256];
            sato_netaddr_ipv4(&any4, zero, cfg->port);
            memset(&any6, 0, sizeof(any6));
            any6.net = SATO_NET_IPV6;
            any6.len = 16;
            any6.port = cfg->port;
            /* One of the two families may be missing. */
            int ok4 = listen_on(net, &any4, err, errlen), ok6 = listen_on(net, &any6, e6, sizeof(e6));
            if (!ok4 && !ok6) goto fail;
        } else {
            for (i = 0; i < cfg->nbind; i++) {
                if (!listen_on(net, &cfg->bind[i], err, errlen)) goto fail;
            }
        }
    }
    net_load_bans(net);
    {
        sato_addrman_opts_t o;
        memset(&o, 0, sizeof(o));
        o.allow_local = cfg->test_local_addrs;
        net->addrman = sato_addrman_create(&o);
    }
    net->addrcache = sato_addrcache_create(SATO_ADDRMAN_GETADDR_MAX, SATO_ADDRMAN_GETADDR_PCT, cache_keep, net);
    net->last_addrman_save = net_now(net);
    if (cfg->peers_path != NULL) {
        sato_addrman_load_t res;
        char msg[512] = "";
        if (sato_addrman_load(net->addrman, cfg->peers_path, cfg->params->magic, &res, msg, sizeof(msg)) != SATO_OK) {
            sato_log_printf("Warning: %s; addresses will not be saved", msg);
            net->cfg.peers_path = NULL;
        } else if (res == SATO_ADDRMAN_LOAD_OK) {
            sato_log_printf("Loaded %zu addresses from peers.dat", sato_addrman_size(net->addrman, 0, SATO_ADDRMAN_BOTH));
        } else if (res != SATO_ADDRMAN_LOAD_MISSING) {
            sato_log_printf("Warning: %s", msg);
        }
    }
    if (cfg->nconnect > 0) net->cfg.automatic_outbound = 0; /* -connect: those only */
    net->start_ms = net_now_ms(net);
    net->next_feeler_ms = net->start_ms + FEELER_INTERVAL_MS / 2 + (int64_t)(sato_random_u64() % FEELER_INTERVAL_MS);
    net->seednode_timer_ms = net->start_ms;
    for (i = 0; i < cfg->nseednode && net->n_addr_fetch < MAX_ADDR_FETCH; i++)
        net->addr_fetch[net->n_addr_fetch++] = cfg->seednode[i];
    for (i = net->n_addr_fetch; i > 1; i--) { /* Core shuffles them: not the same one each start */
        size_t k = (size_t)(sato_random_u64() % i);
        sato_netaddr_t t = net->addr_fetch[i - 1];
        net->addr_fetch[i - 1] = net->addr_fetch[k];
        net->addr_fetch[k] = t;
    }
    net->add_addr_fetch = net->n_addr_fetch > 0 && sato_addrman_size(net->addrman, 0, SATO_ADDRMAN_BOTH) == 0;
    net_load_anchors(net);
    net_dnsseed_start(net);
    for (i = 0; i < cfg->nconnect; i++) add_target(net, &cfg->connect[i], 0);
    for (i = 0; i < cfg->naddnode; i++) add_target(net, &cfg->addnode[i], 0);
    net->loop_thread = pthread_self(); /* started from the loop thread */
    net->reap_ev = event_new(cfg->base, -1, 0, on_reap, net);
    net->flush_ev = event_new(cfg->base, -1, 0, on_flush, net);
    net->tick_ev = event_new(cfg->base, -1, EV_PERSIST, on_tick, net);
    event_add(net->tick_ev, &one_s);
    if (net->cfg.automatic_outbound) {
        struct timeval half_s = {0, 500000};
        net->open_ev = event_new(cfg->base, -1, EV_PERSIST, on_open, net);
        event_add(net->open_ev, &half_s);
    }
    {
        const sato_blocknode_t *tip;
        sato_chainctl_lock(cfg->chainctl);
        tip = sato_chainstate_tip(sato_chainctl_chainstate(cfg->chainctl));
        net->tip_height = tip->height;
        net->listener.tip_changed = netproc_tip_changed;
        net->listener.arg = net;
        sato_chainctl_subscribe(cfg->chainctl, &net->listener);
        sato_chainctl_unlock(cfg->chainctl);
    }
    if (pthread_create(&net->msg_thread, NULL, netproc_main, net) != 0) {
        snprintf(err, errlen, "cannot start the message handler thread");
        goto fail;
    }
    net->msg_thread_running = 1;
    if (!cfg->network_active) sato_log_printf("SetNetworkActive: false");
    return net;
fail:
    sato_net_stop(net);
    return NULL;
}

void sato_net_stop(sato_net_t *net) {
    sato_peer_t *p;
    size_t i;
    if (net == NULL) return;
    pthread_mutex_lock(&net->lock);
    net->stopping = 1;
    pthread_cond_broadcast(&net->work);
    pthread_mutex_unlock(&net->lock);
    if (net->msg_thread_running) pthread_join(net->msg_thread, NULL);
    if (net->cfg.chainctl != NULL && net->listener.arg != NULL) {
        sato_chainctl_lock(net->cfg.chainctl);
        sato_chainctl_unsubscribe(net->cfg.chainctl, net);
        sato_chainctl_unlock(net->cfg.chainctl);
    }
    for (i = 0; i < net->n_listeners; i++) evconnlistener_free(net->listeners[i]);
    if (net->addrman != NULL) net_save_anchors(net); /* a clean stop only */
    pthread_mutex_lock(&net->lock);
    net_dnsseed_stop(net);
    for (p = net->peers; p != NULL; p = p->next) p->disconnect = 1;
    pthread_mutex_unlock(&net->lock);
    if (net->reap_ev) on_reap(-1, 0, net);
    if (net->tick_ev) event_free(net->tick_ev);
    if (net->open_ev) event_free(net->open_ev);
    if (net->reap_ev) event_free(net->reap_ev);
    if (net->flush_ev) event_free(net->flush_ev);
    if (net->addrman != NULL && net->cfg.peers_path != NULL) {
        char msg[256];
        if (sato_addrman_save(net->addrman, net->cfg.peers_path, net->cfg.params->magic, msg, sizeof(msg)) != SATO_OK)
            sato_log_printf("Warning: %s", msg);
    }
    sato_addrcache_destroy(net->addrcache);
    sato_addrman_destroy(net->addrman);
    pthread_mutex_destroy(&net->lock);
    pthread_cond_destroy(&net->work);
    free(net->discouraged);
    free(net);
}

/* ---- queries and controls for RPC ---- */

size_t sato_net_peers(sato_net_t *net, sato_peer_info_t **out) {
    sato_peer_t *p;
    size_t n = 0, i = 0;
    int64_t now_ms = net_now_ms(net);
    pthread_mutex_lock(&net->lock);
    for (p = net->peers; p != NULL; p = p->next) n++;
    *out = sato_calloc(n + 1, sizeof(**out));
    for (p = net->peers; p != NULL; p = p->next) {
        sato_peer_info_t *x = &(*out)[i++];
        int k;
        x->id = p->id;
        addr_text(x->addr, &p->addr);
        /* Core's GetNetClass: loopback and private peers are "not_publicly_routable". */
        x->network = sato_netaddr_is_routable(&p->addr) ? sato_netaddr_network_name(p->addr.net)
                                                        : "not_publicly_routable";
        x->services = p->services;
        x->relay_txes = p->relay;
        x->last_send = p->last_send;
        x->last_recv = p->last_recv;
        x->conn_time = p->conn_time;
        x->bytes_sent = p->bytes_sent;
        x->bytes_recv = p->bytes_recv;
        memcpy(x->sent_per_msg, p->sent_per_msg, sizeof(x->sent_per_msg));
        memcpy(x->recv_per_msg, p->recv_per_msg, sizeof(x->recv_per_msg));
        x->ping_time = p->last_ping;
        x->min_ping = p->min_ping;
        x->ping_wait = p->ping_nonce ? (double)(now_ms - p->ping_start_ms) / 1000.0 : -1;
        x->version = p->version;
        memcpy(x->subver, p->user_agent, sizeof(x->subver));
        x->inbound = p->inbound;
        x->manual = p->manual;
        x->noban = p->noban;
        x->starting_height = p->start_height;
        x->synced_headers = p->best_known_height;
        x->presynced_headers = p->hss != NULL ? sato_headerssync_height(p->hss) : -1;
        x->synced_blocks = p->common_height;
        x->inflight = (size_t)p->n_inflight;
        for (k = 0; k < p->n_inflight; k++) x->inflight_heights[k] = (uint64_t)p->inflight[k].height;
        x->connection_type = net_conn_type_name(p->conn_type);
        x->time_offset = p->time_offset;
        x->handshake_done = p->handshake_done;
        x->addr_relay = p->addr_relay_on;
        x->addr_processed = p->addr_processed;
        x->addr_rate_limited = p->addr_rate_limited;
    }
    pthread_mutex_unlock(&net->lock);
    return n;
}

size_t sato_net_connection_count(sato_net_t *net) {
    size_t n;
    pthread_mutex_lock(&net->lock);
    n = net->n_inbound + net->n_outbound;
    pthread_mutex_unlock(&net->lock);
    return n;
}

void sato_net_totals(sato_net_t *net, uint64_t *sent, uint64_t *recv) {
    pthread_mutex_lock(&net->lock);
    *sent = net->total_sent;
    *recv = net->total_recv;
    pthread_mutex_unlock(&net->lock);
}

int sato_net_active(sato_net_t *net) {
    int a;
    pthread_mutex_lock(&net->lock);
    a = net->active;
    pthread_mutex_unlock(&net->lock);
    return a;
}

void sato_net_set_active(sato_net_t *net, int active) {
    sato_peer_t *p;
    pthread_mutex_lock(&net->lock);
    if (net->active != active) sato_log_printf("SetNetworkActive: %s", active ? "true" : "false");
    net->active = active;
    if (!active) {
        for (p = net->peers; p != NULL; p = p->next) net_disconnect(net, p, NULL);
    }
    pthread_mutex_unlock(&net->lock);
}

uint16_t sato_net_listen_port(sato_net_t *net) {
    return net->listen_port;
}

int sato_net_addnode(sato_net_t *net, const sato_netaddr_t *a, const char *command) {
    int ok = 0;
    size_t i;
    pthread_mutex_lock(&net->lock);
    if (strcmp(command, "add") == 0) {
        ok = add_target(net, a, 0);
    } else if (strcmp(command, "onetry") == 0) {
        ok = add_target(net, a, 1);
    } else if (strcmp(command, "remove") == 0) {
        for (i = 0; i < MAX_TARGETS; i++) {
            target_t *t = &net->targets[i];
            if (t->used && !t->onetry && sato_netaddr_equal(&t->addr, a)) {
                sato_peer_t *p;
                t->used = 0;
                for (p = net->peers; p != NULL; p = p->next)
                    if (p->target == (int)i + 1) p->target = 0;
                ok = 1;
            }
        }
    }
    pthread_mutex_unlock(&net->lock);
    if (ok && strcmp(command, "remove") != 0) event_active(net->tick_ev, EV_TIMEOUT, 0);
    return ok;
}

size_t sato_net_added_nodes(sato_net_t *net, sato_netaddr_t *out, int *connected, size_t max) {
    size_t i, n = 0;
    pthread_mutex_lock(&net->lock);
    for (i = 0; i < MAX_TARGETS && n < max; i++) {
        if (!net->targets[i].used || net->targets[i].onetry) continue;
        out[n] = net->targets[i].addr;
        connected[n] = net->targets[i].connected;
        n++;
    }
    pthread_mutex_unlock(&net->lock);
    return n;
}

int sato_net_disconnect(sato_net_t *net, const sato_netaddr_t *a, uint64_t id) {
    sato_peer_t *p;
    int found = 0;
    pthread_mutex_lock(&net->lock);
    for (p = net->peers; p != NULL; p = p->next) {
        if (p->disconnect) continue;
        if (a != NULL ? sato_netaddr_equal(&p->addr, a) : p->id == id) {
            net_disconnect(net, p, "disconnectnode");
            found = 1;
        }
    }
    pthread_mutex_unlock(&net->lock);
    return found;
}

void sato_net_ping_all(sato_net_t *net) {
    sato_peer_t *p;
    pthread_mutex_lock(&net->lock);
    for (p = net->peers; p != NULL; p = p->next) p->ping_requested = 1;
    pthread_mutex_unlock(&net->lock);
}

size_t sato_net_node_addresses(sato_net_t *net, sato_addr_entry_t *out, size_t max, int net_id) {
    size_t n;
    pthread_mutex_lock(&net->lock);
    n = sato_addrman_get_addr(net->addrman, out, max, 0, net_id, 1, net_now(net));
    pthread_mutex_unlock(&net->lock);
    return n;
}

int sato_net_add_peer_address(sato_net_t *net, const sato_netaddr_t *a, int tried) {
    sato_addr_entry_t e;
    int64_t now = net_now(net);
    size_t added;
    memset(&e, 0, sizeof(e));
    e.addr = *a;
    e.services = SATO_NODE_NETWORK | SATO_NODE_WITNESS;
    e.time = (uint32_t)now;
    pthread_mutex_lock(&net->lock);
    added = sato_addrman_add(net->addrman, &e, 1, a, 0, now);
    if (added && tried) sato_addrman_good(net->addrman, a, now);
    pthread_mutex_unlock(&net->lock);
    return added > 0;
}

int sato_net_add_connection(sato_net_t *net, const sato_netaddr_t *a, const char *type) {
    conn_type_t t;
    int max = -1, have = 0, autos = 0, ok = 0;
    const sato_peer_t *p;
    if (strcmp(type, "outbound-full-relay") == 0) t = CONN_OUTBOUND_FULL_RELAY, max = MAX_OUTBOUND_FULL_RELAY;
    else if (strcmp(type, "block-relay-only") == 0) t = CONN_BLOCK_RELAY, max = MAX_BLOCK_RELAY_ONLY;
    else if (strcmp(type, "addr-fetch") == 0) t = CONN_ADDR_FETCH; /* unlimited, as -seednode */
    else if (strcmp(type, "feeler") == 0) t = CONN_FEELER;         /* short-lived */
    else return -1;
    pthread_mutex_lock(&net->lock);
    for (p = net->peers; p != NULL; p = p->next) {
        if (p->disconnect) continue;
        if (p->conn_type == t) have++;
        if (p->conn_type != CONN_INBOUND && p->conn_type != CONN_MANUAL) autos++;
    }
    /* Within the type's limit and the outbound slots (Core's semaphore). */
    if ((max < 0 || have < max) && autos < MAX_OUTBOUND_FULL_RELAY + MAX_BLOCK_RELAY_ONLY + MAX_FEELERS &&
        net->active && !net->stopping)
        ok = net_dial(net, a, t, 0) != NULL;
    pthread_mutex_unlock(&net->lock);
    return ok;
}
