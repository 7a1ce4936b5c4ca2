/* The network methods: getconnectioncount, getpeerinfo, getnetworkinfo,
 * getnettotals, addnode, getaddednodeinfo, disconnectnode, ping,
 * setnetworkactive, with Core's fields and errors. Their interface is
 * in spec_net.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sato/clock.h"
#include "sato/json_out.h"
#include "sato/mem.h"
#include "sato/net.h"
#include "sato/protocol.h"
#include "sato/rpc_methods.h"

/* Core's error codes of this group. */
#define RPC_CLIENT_NODE_ALREADY_ADDED (-23)
#define RPC_CLIENT_NODE_NOT_ADDED (-24)
#define RPC_CLIENT_NODE_NOT_CONNECTED (-29)
#define RPC_CLIENT_P2P_DISABLED (-9)
#define RPC_CLIENT_NODE_CAPACITY_REACHED (-34)

static sato_net_t *need_net(sato_rpc_request_t *req) {
    sato_net_t *net = req->ctx ? req->ctx->net : NULL;
    if (net == NULL) sato_rpc_error(req, RPC_CLIENT_P2P_DISABLED, "Error: Peer-to-peer functionality missing or disabled");
    return net;
}

/* Core answers a command it does not know with the method's help text. */
static json_t *help_error(sato_rpc_request_t *req) {
    char *help = sato_rpc_help_text(req->method);
    sato_rpc_error(req, SATO_RPC_MISC_ERROR, "%s", help);
    free(help);
    return NULL;
}

static json_t *services_names(uint64_t s) {
    static const struct {
        uint64_t bit;
        const char *name;
    } names[] = {{SATO_NODE_NETWORK, "NETWORK"},
                 {SATO_NODE_BLOOM, "BLOOM"},
                 {SATO_NODE_WITNESS, "WITNESS"},
                 {SATO_NODE_COMPACT_FILTERS, "COMPACT_FILTERS"},
                 {SATO_NODE_NETWORK_LIMITED, "NETWORK_LIMITED"},
                 {SATO_NODE_P2P_V2, "P2P_V2"}};
    json_t *a = json_array();
    size_t i;
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (s & names[i].bit) json_array_append_new(a, json_string(names[i].name));
    return a;
}

static json_t *services_hex(uint64_t s) {
    char buf[17];
    snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)s);
    return json_string(buf);
}

/* Core lists only the message types with bytes, in its sorted order. */
static json_t *per_msg(const uint64_t counts[SATO_MSG_TYPES]) {
    json_t *o = json_object();
    size_t i;
    for (i = 0; i < SATO_MSG_TYPES; i++)
        if (counts[i] > 0) json_object_set_new(o, sato_msg_types[i], json_integer((json_int_t)counts[i]));
    return o;
}

static json_t *rpc_getconnectioncount(sato_rpc_request_t *req) {
    sato_net_t *net = need_net(req);
    return net ? json_integer((json_int_t)sato_net_connection_count(net)) : NULL;
}

static json_t *rpc_getpeerinfo(sato_rpc_request_t *req) {
    sato_net_t *net = need_net(req);
    sato_peer_info_t *peers;
    size_t n, i;
    json_t *out;
    if (net == NULL) return NULL;
    n = sato_net_peers(net, &peers);
    out = json_array();
    for (i = 0; i < n; i++) {
        const sato_peer_info_t *p = &peers[i];
        json_t *o = json_object(), *perm = json_array();
        json_object_set_new(o, "id", json_integer((json_int_t)p->id));
        json_object_set_new(o, "addr", json_string(p->addr));
        json_object_set_new(o, "network", json_string(p->network));
        json_object_set_new(o, "services", services_hex(p->services));
        json_object_set_new(o, "servicesnames", services_names(p->services));
        json_object_set_new(o, "relaytxes", json_boolean(p->relay_txes));
        json_object_set_new(o, "lastsend", json_integer(p->last_send));
        json_object_set_new(o, "lastrecv", json_integer(p->last_recv));
        json_object_set_new(o, "last_transaction", json_integer(0));
        json_object_set_new(o, "last_block", json_integer(0));
        json_object_set_new(o, "bytessent", json_integer((json_int_t)p->bytes_sent));
        json_object_set_new(o, "bytesrecv", json_integer((json_int_t)p->bytes_recv));
        json_object_set_new(o, "conntime", json_integer(p->conn_time));
        json_object_set_new(o, "timeoffset", json_integer(p->time_offset));
        if (p->ping_time >= 0) json_object_set_new(o, "pingtime", json_real(p->ping_time));
        if (p->min_ping >= 0) json_object_set_new(o, "minping", json_real(p->min_ping));
        if (p->ping_wait >= 0) json_object_set_new(o, "pingwait", json_real(p->ping_wait));
        json_object_set_new(o, "version", json_integer(p->version));
        json_object_set_new(o, "subver", json_string(p->subver));
        json_object_set_new(o, "inbound", json_boolean(p->inbound));
        json_object_set_new(o, "bip152_hb_to", json_false());
        json_object_set_new(o, "bip152_hb_from", json_false());
        json_object_set_new(o, "startingheight", json_integer(p->starting_height));
        json_object_set_new(o, "presynced_headers", json_integer(p->presynced_headers));
        json_object_set_new(o, "synced_headers", json_integer(p->synced_headers));
        json_object_set_new(o, "synced_blocks", json_integer(p->synced_blocks));
        {
            json_t *inflight = json_array();
            size_t k;
            for (k = 0; k < p->inflight; k++) json_array_append_new(inflight, json_integer((json_int_t)p->inflight_heights[k]));
            json_object_set_new(o, "inflight", inflight);
        }
        json_object_set_new(o, "addr_relay_enabled", json_boolean(p->addr_relay));
        json_object_set_new(o, "addr_processed", json_integer((json_int_t)p->addr_processed));
        json_object_set_new(o, "addr_rate_limited", json_integer((json_int_t)p->addr_rate_limited));
        if (p->noban) json_array_append_new(perm, json_string("noban"));
        json_object_set_new(o, "permissions", perm);
        json_object_set_new(o, "minfeefilter", sato_json_amount(0));
        json_object_set_new(o, "bytessent_per_msg", per_msg(p->sent_per_msg));
        json_object_set_new(o, "bytesrecv_per_msg", per_msg(p->recv_per_msg));
        json_object_set_new(o, "connection_type", json_string(p->connection_type));
        json_object_set_new(o, "transport_protocol_type", json_string("v1"));
        json_object_set_new(o, "session_id", json_string(""));
        json_array_append_new(out, o);
    }
    free(peers);
    return out;
}

static json_t *rpc_getnettotals(sato_rpc_request_t *req) {
    sato_net_t *net = need_net(req);
    uint64_t sent, recv;
    json_t *o, *up;
    struct timespec ts;
    if (net == NULL) return NULL;
    sato_net_totals(net, &sent, &recv);
    clock_gettime(CLOCK_REALTIME, &ts);
    o = json_object();
    json_object_set_new(o, "totalbytesrecv", json_integer((json_int_t)recv));
    json_object_set_new(o, "totalbytessent", json_integer((json_int_t)sent));
    json_object_set_new(o, "timemillis", json_integer((json_int_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000));
    up = json_object();
    json_object_set_new(up, "timeframe", json_integer(86400));
    json_object_set_new(up, "target", json_integer(0));
    json_object_set_new(up, "target_reached", json_false());
    json_object_set_new(up, "serve_historical_blocks", json_true());
    json_object_set_new(up, "bytes_left_in_cycle", json_integer(0));
    json_object_set_new(up, "time_left_in_cycle", json_integer(0));
    json_object_set_new(o, "uploadtarget", up);
    return o;
}

static json_t *rpc_getnetworkinfo(sato_rpc_request_t *req) {
    sato_net_t *net = req->ctx ? req->ctx->net : NULL;
    json_t *o = json_object(), *nets = json_array();
    static const char *const names[] = {"ipv4", "ipv6", "onion", "i2p", "cjdns"};
    uint64_t services = SATO_NODE_NETWORK | SATO_NODE_WITNESS | SATO_NODE_NETWORK_LIMITED;
    size_t i, inbound = 0, total = 0;
    if (net != NULL) {
        sato_peer_info_t *peers;
        total = sato_net_peers(net, &peers);
        for (i = 0; i < total; i++) inbound += peers[i].inbound != 0;
        free(peers);
    }
    json_object_set_new(o, "version", json_integer(10000));
    json_object_set_new(o, "subversion", json_string("/Sato:" SATO_VERSION "/"));
    json_object_set_new(o, "protocolversion", json_integer(SATO_PROTOCOL_VERSION));
    json_object_set_new(o, "localservices", services_hex(services));
    json_object_set_new(o, "localservicesnames", services_names(services));
    json_object_set_new(o, "localrelay", json_false());
    json_object_set_new(o, "timeoffset", json_integer(0));
    json_object_set_new(o, "networkactive", json_boolean(net != NULL && sato_net_active(net)));
    json_object_set_new(o, "connections", json_integer((json_int_t)total));
    json_object_set_new(o, "connections_in", json_integer((json_int_t)inbound));
    json_object_set_new(o, "connections_out", json_integer((json_int_t)(total - inbound)));
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        json_t *n = json_object();
        int reachable = i < 2; /* Sato dials IPv4 and IPv6 only */
        json_object_set_new(n, "name", json_string(names[i]));
        json_object_set_new(n, "limited", json_boolean(!reachable));
        json_object_set_new(n, "reachable", json_boolean(reachable));
        json_object_set_new(n, "proxy", json_string(""));
        json_object_set_new(n, "proxy_randomize_credentials", json_false());
        json_array_append_new(nets, n);
    }
    json_object_set_new(o, "networks", nets);
    json_object_set_new(o, "relayfee", sato_json_amount(100));
    json_object_set_new(o, "incrementalfee", sato_json_amount(100));
    json_object_set_new(o, "localaddresses", json_array());
    json_object_set_new(o, "warnings", json_array());
    return o;
}

static int param_addr(sato_rpc_request_t *req, size_t i, sato_netaddr_t *a) {
    const char *s = sato_rpc_arg_str(req, i);
    if (!sato_netaddr_parse(a, s, req->ctx->chain->default_port)) {
        sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "Error: Invalid IP address or port: %s (Sato takes IP literals)",
                       s);
        return 0;
    }
    return 1;
}

static json_t *rpc_addnode(sato_rpc_request_t *req) {
    sato_net_t *net = need_net(req);
    const char *cmd = sato_rpc_arg_str(req, 1);
    sato_netaddr_t a;
    if (strcmp(cmd, "add") != 0 && strcmp(cmd, "remove") != 0 && strcmp(cmd, "onetry") != 0)
        return help_error(req); /* as Core */
    if (net == NULL) return NULL;
    if (!param_addr(req, 0, &a)) return NULL;
    if (!sato_net_addnode(net, &a, cmd)) {
        if (strcmp(cmd, "add") == 0)
            return sato_rpc_error(req, RPC_CLIENT_NODE_ALREADY_ADDED, "Error: Node already added");
        if (strcmp(cmd, "remove") == 0)
            return sato_rpc_error(req, RPC_CLIENT_NODE_NOT_ADDED,
                                  "Error: Node could not be removed. It has not been added previously.");
    }
    return json_null();
}

static json_t *rpc_getaddednodeinfo(sato_rpc_request_t *req) {
    sato_net_t *net = need_net(req);
    sato_netaddr_t list[32];
    int connected[32];
    size_t n, i;
    json_t *out;
    if (net == NULL) return NULL;
    n = sato_net_added_nodes(net, list, connected, 32);
    out = json_array();
    for (i = 0; i < n; i++) {
        char a[SATO_NETADDR_STRLEN];
        json_t *o = json_object(), *addrs = json_array();
        sato_netaddr_format(a, &list[i]);
        json_object_set_new(o, "addednode", json_string(a));
        json_object_set_new(o, "connected", json_boolean(connected[i]));
        if (connected[i]) {
            json_t *x = json_object();
            json_object_set_new(x, "address", json_string(a));
            json_object_set_new(x, "connected", json_string("outbound"));
            json_array_append_new(addrs, x);
        }
        json_object_set_new(o, "addresses", addrs);
        json_array_append_new(out, o);
    }
    return out;
}

static json_t *rpc_disconnectnode(sato_rpc_request_t *req) {
    sato_net_t *net = need_net(req);
    sato_netaddr_t a;
    int64_t id = -1;
    int found;
    int have_addr;
    if (net == NULL) return NULL;
    /* As Core: an empty address with a nodeid means the nodeid. */
    have_addr = sato_rpc_has_param(req, 0) && !(json_is_string(sato_rpc_param(req, 0)) &&
                                                 json_string_length(sato_rpc_param(req, 0)) == 0);
    if (have_addr && sato_rpc_has_param(req, 1))
        return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "Only one of address and nodeid should be provided.");
    if (have_addr) {
        if (!param_addr(req, 0, &a)) return NULL;
        found = sato_net_disconnect(net, &a, 0);
    } else if (sato_rpc_has_param(req, 1)) {
        if (!sato_rpc_arg_int(req, 1, INT64_MIN, INT64_MAX, &id)) return NULL;
        found = id >= 0 && sato_net_disconnect(net, NULL, (uint64_t)id);
    } else {
        return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "Only one of address and nodeid should be provided.");
    }
    if (!found) return sato_rpc_error(req, RPC_CLIENT_NODE_NOT_CONNECTED, "Node not found in connected nodes");
    return json_null();
}

static json_t *rpc_ping(sato_rpc_request_t *req) {
    sato_net_t *net = need_net(req);
    if (net == NULL) return NULL;
    sato_net_ping_all(net);
    return json_null();
}

static json_t *rpc_setnetworkactive(sato_rpc_request_t *req) {
    sato_net_t *net = need_net(req);
    if (net == NULL) return NULL;
    sato_net_set_active(net, sato_rpc_arg_bool(req, 0));
    return json_boolean(sato_net_active(net));
}

#define RPC_CLIENT_INVALID_IP_OR_SUBNET (-30)

static json_t *rpc_setban(sato_rpc_request_t *req) {
    sato_net_t *net = need_net(req);
    const char *subnet = sato_rpc_arg_str(req, 0), *cmd = sato_rpc_arg_str(req, 1);
    int64_t bantime;
    int absolute = sato_rpc_arg_bool(req, 3);
    sato_ban_t b;
    if (strcmp(cmd, "add") != 0 && strcmp(cmd, "remove") != 0) return help_error(req); /* as Core */
    if (net == NULL) return NULL;
    if (!sato_subnet_from_text(&b, subnet))
        return sato_rpc_error(req, RPC_CLIENT_INVALID_IP_OR_SUBNET, "Error: Invalid IP/Subnet");
    if (!sato_rpc_arg_int(req, 2, INT64_MIN, INT64_MAX, &bantime)) return NULL;
    if (strcmp(cmd, "add") == 0) {
        int64_t now = sato_clock_now();
        b.created = now;
        b.until = absolute ? bantime : now + (bantime > 0 ? bantime : 24 * 60 * 60);
        if (absolute && bantime <= now)
            return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "Error: Absolute timestamp is in the past");
        if (!sato_net_setban(net, &b, 1))
            return sato_rpc_error(req, RPC_CLIENT_NODE_ALREADY_ADDED, "Error: IP/Subnet already banned");
    } else if (!sato_net_setban(net, &b, 0)) {
        return sato_rpc_error(req, RPC_CLIENT_INVALID_IP_OR_SUBNET,
                              "Error: Unban failed. Requested address/subnet was not previously manually banned.");
    }
    return json_null();
}

static json_t *rpc_listbanned(sato_rpc_request_t *req) {
    sato_net_t *net = need_net(req);
    sato_ban_t *bans;
    size_t n, i;
    int64_t now = sato_clock_now();
    json_t *out;
    if (net == NULL) return NULL;
    bans = sato_calloc(SATO_NET_MAX_BANS, sizeof(*bans));
    n = sato_net_bans(net, bans, SATO_NET_MAX_BANS);
    out = json_array();
    for (i = 0; i < n; i++) {
        char text[SATO_NETADDR_STRLEN + 8];
        json_t *o = json_object();
        sato_subnet_to_text(text, sizeof(text), &bans[i]);
        json_object_set_new(o, "address", json_string(text));
        json_object_set_new(o, "ban_created", json_integer(bans[i].created));
        json_object_set_new(o, "banned_until", json_integer(bans[i].until));
        json_object_set_new(o, "ban_duration", json_integer(bans[i].until - bans[i].created));
        json_object_set_new(o, "time_remaining", json_integer(bans[i].until - now));
        json_array_append_new(out, o);
    }
    free(bans);
    return out;
}

static json_t *rpc_clearbanned(sato_rpc_request_t *req) {
    sato_net_t *net = need_net(req);
    if (net == NULL) return NULL;
    sato_net_clear_bans(net);
    return json_null();
}


static json_t *rpc_getnodeaddresses(sato_rpc_request_t *req) {
    sato_net_t *net = need_net(req);
    int64_t count;
    const char *network = sato_rpc_arg_str(req, 1);
    int id = 0;
    sato_addr_entry_t *list;
    size_t n, i, max;
    json_t *out;
    if (net == NULL) return NULL;
    if (!sato_rpc_arg_int(req, 0, INT64_MIN, INT64_MAX, &count)) return NULL;
    if (count < 0) return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "Address count out of range");
    if (network != NULL) {
        static const char *const names[] = {"ipv4", "ipv6", "onion", "i2p", "cjdns"};
        static const int ids[] = {SATO_NET_IPV4, SATO_NET_IPV6, SATO_NET_TORV3, SATO_NET_I2P, SATO_NET_CJDNS};
        for (i = 0; i < 5; i++)
            if (strcmp(network, names[i]) == 0) id = ids[i];
        if (id == 0) return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "Network not recognized: %s", network);
    }
    max = count == 0 || count > 100000 ? 100000 : (size_t)count;
    list = sato_calloc(max, sizeof(*list));
    n = sato_net_node_addresses(net, list, max, id);
    out = json_array();
    for (i = 0; i < n; i++) {
        char a[SATO_NETADDR_STRLEN], *colon;
        json_t *o = json_object();
        sato_netaddr_format(a, &list[i].addr);
        if ((colon = strrchr(a, ':')) != NULL) *colon = '\0';
        if (a[0] == '[') {
            memmove(a, a + 1, strlen(a));
            a[strlen(a) - 1] = '\0';
        }
        json_object_set_new(o, "time", json_integer(list[i].time));
        json_object_set_new(o, "services", json_integer((json_int_t)list[i].services));
        json_object_set_new(o, "address", json_string(a));
        json_object_set_new(o, "port", json_integer(list[i].addr.port));
        json_object_set_new(o, "network", json_string(sato_netaddr_network_name(list[i].addr.net)));
        json_array_append_new(out, o);
    }
    free(list);
    return out;
}

/* Core's test-only addconnection: an automatic connection of a kind. */
static json_t *rpc_addconnection(sato_rpc_request_t *req) {
    sato_net_t *net;
    const char *type = sato_rpc_arg_str(req, 1);
    sato_netaddr_t a;
    json_t *o;
    int rc;
    if (strcmp(req->ctx->chain->name, "regtest") != 0)
        return sato_rpc_error(req, SATO_RPC_MISC_ERROR, "addconnection is for regression testing (-regtest mode) only.");
    if (strcmp(type, "outbound-full-relay") != 0 && strcmp(type, "block-relay-only") != 0 &&
        strcmp(type, "addr-fetch") != 0 && strcmp(type, "feeler") != 0) {
        char *help = sato_rpc_help_text(req->method);
        sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "%s", help); /* as Core */
        free(help);
        return NULL;
    }
    if (sato_rpc_arg_bool(req, 2))
        return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER,
                              "Error: Adding v2transport connections requires -v2transport init flag to be set.");
    if ((net = need_net(req)) == NULL || !param_addr(req, 0, &a)) return NULL;
    rc = sato_net_add_connection(net, &a, type);
    if (rc <= 0)
        return sato_rpc_error(req, RPC_CLIENT_NODE_CAPACITY_REACHED,
                              "Error: Already at capacity for specified connection type.");
    o = json_object();
    json_object_set_new(o, "address", json_string(sato_rpc_arg_str(req, 0)));
    json_object_set_new(o, "connection_type", json_string(type));
    return o;
}

static json_t *rpc_addpeeraddress(sato_rpc_request_t *req) {
    sato_net_t *net = need_net(req);
    const char *address = sato_rpc_arg_str(req, 0);
    int64_t port;
    int tried = sato_rpc_arg_bool(req, 2), ok = 0;
    sato_netaddr_t a;
    json_t *o;
    if (net == NULL) return NULL;
    if (!sato_rpc_arg_int(req, 1, INT64_MIN, INT64_MAX, &port)) return NULL;
    if (port < 0 || port > 65535) return sato_rpc_error(req, SATO_RPC_INVALID_PARAMETER, "port out of range");
    if (sato_netaddr_parse(&a, address, (uint16_t)port) && strchr(address, ']') == NULL) {
        a.port = (uint16_t)port;
        ok = sato_net_add_peer_address(net, &a, tried);
    }
    o = json_object();
    json_object_set_new(o, "success", json_boolean(ok));
    return o;
}

void sato_rpc_register_net(sato_rpc_table_t *t) {
    static const sato_rpc_impl_t impls[] = {
        {"addconnection", rpc_addconnection},
        {"addnode", rpc_addnode},
        {"addpeeraddress", rpc_addpeeraddress},
        {"clearbanned", rpc_clearbanned},
        {"disconnectnode", rpc_disconnectnode},
        {"getaddednodeinfo", rpc_getaddednodeinfo},
        {"getconnectioncount", rpc_getconnectioncount},
        {"getnettotals", rpc_getnettotals},
        {"getnetworkinfo", rpc_getnetworkinfo},
        {"getnodeaddresses", rpc_getnodeaddresses},
        {"getpeerinfo", rpc_getpeerinfo},
        {"listbanned", rpc_listbanned},
        {"ping", rpc_ping},
        {"setban", rpc_setban},
        {"setnetworkactive", rpc_setnetworkactive},
    };
    sato_rpc_table_bind(t, impls, sizeof(impls) / sizeof(impls[0]));
}
