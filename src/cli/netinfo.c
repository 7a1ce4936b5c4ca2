/* -netinfo's dashboard. The layout (column widths, the order of rows and
 * columns, the one-letter codes) is bitcoin-cli's, so that scripts and
 * eyes used to Core's read it unchanged; only the client's name differs. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/netinfo.h"
#include "sato/buf.h"
#include "sato/mem.h"

/* getpeerinfo's network names, with the short forms of the table; the
 * last slot of a count row is the total. */
static const char *const net_names[] = {"not_publicly_routable", "ipv4", "ipv6", "onion", "i2p", "cjdns", "internal"};
static const char *const net_short[] = {"npr", "ipv4", "ipv6", "onion", "i2p", "cjdns", "int"};
#define N_NETS 7
#define NET_NPR 0
#define NET_INTERNAL 6

typedef struct {
    const char *addr, *subver, *conn_type, *net, *transport;
    char services[40], age[24];
    double min_ping, ping;
    int64_t addr_processed, addr_rate_limited, last_block, last_recv, last_send, last_tx;
    int64_t id, version;
    int addr_relay, hb_from, hb_to, outbound, tx_relay;
} peer_t;

static void appendf(sato_buf_t *b, const char *fmt, ...) {
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0) return;
    sato_buf_reserve(b, (size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
}

static int net_id(const char *name) {
    int i;
    for (i = 0; name != NULL && i < N_NETS; i++)
        if (strcmp(name, net_names[i]) == 0) return i;
    return -1;
}

static int64_t int_member(const json_t *o, const char *key) {
    return (int64_t)json_integer_value(json_object_get(o, key));
}

static const char *str_member(const json_t *o, const char *key, const char *dflt) {
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : dflt;
}

/* A member that may be absent (older servers): dflt then. */
static int bool_member(const json_t *o, const char *key, int dflt) {
    const json_t *v = json_object_get(o, key);
    return json_is_boolean(v) ? json_is_true(v) : dflt;
}

/* One letter per service: n, b, w, c, l (NETWORK_LIMITED), 2 (P2P_V2). */
static void services_letters(char *out, size_t cap, const json_t *names) {
    size_t i, n = 0;
    const json_t *v;
    json_array_foreach(names, i, v) {
        const char *s = json_string_value(v);
        char c;
        if (s == NULL || *s == '\0' || n + 1 >= cap) continue;
        c = strcmp(s, "NETWORK_LIMITED") == 0 ? 'l' : strcmp(s, "P2P_V2") == 0 ? '2'
            : (char)(s[0] >= 'A' && s[0] <= 'Z' ? s[0] - 'A' + 'a' : s[0]);
        out[n++] = c;
    }
    out[n] = '\0';
}

/* "network, witness, network limited" */
static void services_words(sato_buf_t *b, const json_t *names) {
    size_t i;
    const json_t *v;
    json_array_foreach(names, i, v) {
        const char *s = json_string_value(v);
        if (s == NULL) continue;
        if (i > 0) appendf(b, ", ");
        for (; *s; s++) {
            char c = *s == '_' ? ' ' : (*s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s);
            appendf(b, "%c", c);
        }
    }
}

static void ping_text(char *out, size_t cap, double seconds) {
    double ms;
    if (seconds < 0) {
        out[0] = '\0';
        return;
    }
    ms = round(1000 * seconds);
    if (ms > 999999) snprintf(out, cap, "-");
    else snprintf(out, cap, "%.0f", ms);
}

static const char *type_short(const char *t) {
    if (strcmp(t, "outbound-full-relay") == 0) return "full";
    if (strcmp(t, "block-relay-only") == 0) return "block";
    if (strcmp(t, "manual") == 0 || strcmp(t, "feeler") == 0) return t;
    if (strcmp(t, "addr-fetch") == 0) return "addr";
    if (strcmp(t, "private-broadcast") == 0) return "priv";
    return "";
}

/* Inbound first, then by minimum ping (none, -1, first); the id breaks
 * ties so that the order does not depend on qsort. */
static int peer_cmp(const void *a, const void *b) {
    const peer_t *x = a, *y = b;
    if (x->outbound != y->outbound) return x->outbound - y->outbound;
    if (x->min_ping != y->min_ping) return x->min_ping < y->min_ping ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

static size_t digits(int64_t v) {
    char t[24];
    return (size_t)snprintf(t, sizeof(t), "%lld", (long long)v);
}

static size_t max_sz(size_t a, size_t b) {
    return a > b ? a : b;
}

int sato_netinfo_wants_help(const char *const *args, size_t n) {
    return n > 0 && (strcmp(args[0], "help") == 0 || strcmp(args[0], "h") == 0);
}

int sato_netinfo_parse(int *level, int *outonly, const char *const *args, size_t n, char *err, size_t errlen) {
    long v = 0;
    *level = 0;
    *outonly = 0;
    if (n == 0) return 1;
    {
        const char *s = args[0];
        size_t i, len = strlen(s);
        int ok = len > 0 && len <= 3;
        for (i = 0; ok && i < len; i++) ok = s[i] >= '0' && s[i] <= '9';
        if (ok) v = strtol(s, NULL, 10);
        if (!ok || v > 255) {
            snprintf(err, errlen, "invalid -netinfo level argument: %s\nFor more information, run: sato-cli -netinfo help",
                     s);
            return 0;
        }
        *level = v > SATO_NETINFO_MAX_LEVEL ? SATO_NETINFO_MAX_LEVEL : (int)v;
    }
    if (n > 1) {
        const char *s = args[1];
        if (v != 0 && (strcmp(s, "o") == 0 || strcmp(s, "outonly") == 0)) {
            *outonly = 1;
        } else if (v != 0) {
            snprintf(err, errlen, "invalid -netinfo outonly argument: %s\nFor more information, run: sato-cli -netinfo help",
                     s);
            return 0;
        } else {
            snprintf(err, errlen,
                     "invalid -netinfo outonly argument: %s\nThe outonly argument is only valid for a level greater "
                     "than 0 (the first argument). For more information, run: sato-cli -netinfo help",
                     s);
            return 0;
        }
    }
    return 1;
}

static const char *chain_suffix(const char *chain) {
    if (strcmp(chain, "test") == 0) return " testnet";
    if (strcmp(chain, "testnet4") == 0) return " testnet4";
    if (strcmp(chain, "signet") == 0) return " signet";
    if (strcmp(chain, "regtest") == 0) return " regtest";
    return "";
}

static void peer_table(sato_buf_t *b, peer_t *list, size_t n, int level, int64_t now) {
    int show_addr = level == 2 || level == 4, show_version = level == 3 || level == 4;
    size_t w_addr = 0, w_addrp = 5, w_addrl = 6, w_age = 5, w_id = 2, w_serv = 6, i;
    for (i = 0; i < n; i++) {
        w_addr = max_sz(w_addr, strlen(list[i].addr) + 1);
        w_addrp = max_sz(w_addrp, digits(list[i].addr_processed));
        w_addrl = max_sz(w_addrl, digits(list[i].addr_rate_limited));
        w_age = max_sz(w_age, strlen(list[i].age));
        w_id = max_sz(w_id, digits(list[i].id));
        w_serv = max_sz(w_serv, strlen(list[i].services));
    }
    qsort(list, n, sizeof(*list), peer_cmp);
    appendf(b, "<->   type   net %*s  v  mping   ping send recv  txn  blk  hb %*s%*s%*s ", (int)w_serv, "serv",
            (int)w_addrp, "addrp", (int)w_addrl, "addrl", (int)w_age, "age");
    appendf(b, "%*s %-*s%s\n", (int)w_id, "id", show_addr ? (int)w_addr : 0, show_addr ? "address" : "",
            show_version ? "version" : "");
    for (i = 0; i < n; i++) {
        const peer_t *p = &list[i];
        char mping[16], ping[16], send[24] = "", recv[24] = "", txn[24] = "", blk[24] = "", addrp[24] = "",
             addrl[24] = "", version[300] = "", transport[2] = " ";
        ping_text(mping, sizeof(mping), p->min_ping);
        ping_text(ping, sizeof(ping), p->ping);
        if (p->last_send) snprintf(send, sizeof(send), "%lld", (long long)(now - p->last_send));
        if (p->last_recv) snprintf(recv, sizeof(recv), "%lld", (long long)(now - p->last_recv));
        if (p->last_tx) snprintf(txn, sizeof(txn), "%lld", (long long)((now - p->last_tx) / 60));
        else if (!p->tx_relay) snprintf(txn, sizeof(txn), "*");
        if (p->last_block) snprintf(blk, sizeof(blk), "%lld", (long long)((now - p->last_block) / 60));
        if (p->addr_processed) snprintf(addrp, sizeof(addrp), "%lld", (long long)p->addr_processed);
        else if (!p->addr_relay) snprintf(addrp, sizeof(addrp), ".");
        if (p->addr_rate_limited) snprintf(addrl, sizeof(addrl), "%lld", (long long)p->addr_rate_limited);
        if (strlen(p->transport) == 2 && p->transport[0] == 'v') transport[0] = p->transport[1];
        snprintf(version, sizeof(version), "%lld%s", (long long)p->version, p->subver);
        if (!show_version || strcmp(version, "0") == 0) version[0] = '\0';
        appendf(b, "%3s %6s %5s %*s %2s%7s%7s%5s%5s%5s%5s  %c%c %*s%*s%*s %*lld %-*s%s\n", p->outbound ? "out" : "in",
                type_short(p->conn_type), p->net, (int)w_serv, p->services, transport, mping, ping, send, recv, txn,
                blk, p->hb_to ? '.' : ' ', p->hb_from ? '*' : ' ', (int)w_addrp, addrp, (int)w_addrl, addrl,
                (int)w_age, p->age, (int)w_id, (long long)p->id, show_addr ? (int)w_addr : 0,
                show_addr ? p->addr : "", version);
    }
    appendf(b, "                %*s         ms     ms  sec  sec  min  min                %*s\n\n", (int)w_serv, "",
            (int)w_age, "min");
}

char *sato_netinfo_render(const json_t *peers, const json_t *netinfo, int level, int outonly, const char *chain,
                          int64_t now) {
    /* counts[in/out/total][network or N_NETS for all] */
    unsigned counts[3][N_NETS + 1];
    unsigned block_relay = 0, manual = 0;
    int shown[N_NETS + 8], n_shown = 0, i;
    peer_t *list = sato_calloc(json_array_size(peers) + 1, sizeof(*list));
    size_t n = 0, k;
    const json_t *v, *nets = json_object_get(netinfo, "networks"), *locals = json_object_get(netinfo, "localaddresses");
    sato_buf_t b;
    char *out;
    memset(counts, 0, sizeof(counts));
    json_array_foreach(peers, k, v) {
        int id = net_id(str_member(v, "network", NULL)), outbound = !bool_member(v, "inbound", 0);
        const char *type = str_member(v, "connection_type", "");
        peer_t *p;
        if (id < 0) continue;
        counts[outbound][id]++;
        counts[outbound][N_NETS]++;
        counts[2][id]++;
        counts[2][N_NETS]++;
        if (strcmp(type, "block-relay-only") == 0) block_relay++;
        if (strcmp(type, "manual") == 0) manual++;
        if ((outonly && !outbound) || level == 0) continue;
        p = &list[n++];
        p->addr = str_member(v, "addr", "");
        p->subver = str_member(v, "subver", "");
        p->conn_type = type;
        p->net = net_short[id];
        p->transport = str_member(v, "transport_protocol_type", "v1");
        services_letters(p->services, sizeof(p->services), json_object_get(v, "servicesnames"));
        if (int_member(v, "conntime") != 0)
            snprintf(p->age, sizeof(p->age), "%lld", (long long)((now - int_member(v, "conntime")) / 60));
        p->min_ping = json_is_number(json_object_get(v, "minping")) ? json_number_value(json_object_get(v, "minping")) : -1;
        p->ping = json_is_number(json_object_get(v, "pingtime")) ? json_number_value(json_object_get(v, "pingtime")) : -1;
        p->addr_processed = int_member(v, "addr_processed");
        p->addr_rate_limited = int_member(v, "addr_rate_limited");
        p->last_block = int_member(v, "last_block");
        p->last_recv = int_member(v, "lastrecv");
        p->last_send = int_member(v, "lastsend");
        p->last_tx = int_member(v, "last_transaction");
        p->id = int_member(v, "id");
        p->version = int_member(v, "version");
        p->addr_relay = bool_member(v, "addr_relay_enabled", 0);
        p->hb_from = bool_member(v, "bip152_hb_from", 0);
        p->hb_to = bool_member(v, "bip152_hb_to", 0);
        p->outbound = outbound;
        p->tx_relay = bool_member(v, "relaytxes", 1);
    }

    sato_buf_init(&b);
    appendf(&b, "Sato client v%s%s - server %lld%s", SATO_VERSION, chain_suffix(chain),
            (long long)int_member(netinfo, "protocolversion"), str_member(netinfo, "subversion", ""));
    if (level > 0) {
        char letters[40];
        services_letters(letters, sizeof(letters), json_object_get(netinfo, "localservicesnames"));
        appendf(&b, " - services %s", letters);
    }
    appendf(&b, "\n\n");
    if (level > 0 && n > 0) peer_table(&b, list, n, level, now);

    /* The counts: reachable networks as the server lists them, then the
     * unreachable classes that have peers. */
    appendf(&b, "     ");
    json_array_foreach(nets, k, v) {
        int id = net_id(str_member(v, "name", NULL));
        if (!bool_member(v, "reachable", 0) || id < 0) continue;
        appendf(&b, "%8s", str_member(v, "name", ""));
        shown[n_shown++] = id;
    }
    if (counts[2][NET_NPR]) {
        appendf(&b, "%8s", net_short[NET_NPR]);
        shown[n_shown++] = NET_NPR;
    }
    if (counts[2][NET_INTERNAL]) {
        appendf(&b, "%8s", net_short[NET_INTERNAL]);
        shown[n_shown++] = NET_INTERNAL;
    }
    appendf(&b, "   total   block");
    if (manual) appendf(&b, "  manual");
    for (k = 0; k < 3; k++) {
        static const char *const rows[] = {"in", "out", "total"};
        appendf(&b, "\n%-5s", rows[k]);
        for (i = 0; i < n_shown; i++) appendf(&b, "%8u", counts[k][shown[i]]);
        appendf(&b, "   %5u", counts[k][N_NETS]);
        if (k == 1) {
            appendf(&b, "   %5u", block_relay);
            if (manual) appendf(&b, "   %5u", manual);
        }
    }
    if (level == 0) {
        appendf(&b, "\n\nLocal services: ");
        services_words(&b, json_object_get(netinfo, "localservicesnames"));
    }
    appendf(&b, "\n\nLocal addresses");
    if (json_array_size(locals) == 0) {
        appendf(&b, ": n/a\n");
    } else {
        size_t w = 0;
        json_array_foreach(locals, k, v) w = max_sz(w, strlen(str_member(v, "address", "")) + 1);
        json_array_foreach(locals, k, v)
            appendf(&b, "\n%-*s    port %6lld    score %6lld", (int)w, str_member(v, "address", ""),
                    (long long)int_member(v, "port"), (long long)int_member(v, "score"));
    }
    sato_buf_write_u8(&b, 0);
    out = sato_strdup((const char *)b.data);
    sato_buf_clear(&b);
    free(list);
    return out;
}

const char sato_netinfo_help[] =
    "-netinfo (level [outonly]) | help\n\n"
    "Prints a dashboard of the node's peer connections, from one getpeerinfo and one getnetworkinfo call.\n"
    "It is meant for people and will change; scripts should call those two methods instead.\n"
    "A level from 0 to 4 selects the peers listing; 5 to 255 are read as 4.\n"
    "With a level above 0, \"outonly\" (or \"o\") lists the outbound peers only.\n"
    "\"help\" (or \"h\") prints this text. Arguments past the second are ignored.\n"
    "For a live view: watch --interval 1 --no-title sato-cli -netinfo 4\n\n"
    "Arguments:\n"
    "1. level (integer 0-4, optional)  The details of the dashboard (default 0):\n"
    "                                  0 - peer counts by reachable network, block-relay and manual peers,\n"
    "                                      then the local services and addresses\n"
    "                                  1 - as 0, after a peers listing without address and version\n"
    "                                  2 - as 1, with an address column\n"
    "                                  3 - as 1, with a version column\n"
    "                                  4 - as 1, with both\n"
    "2. outonly (\"outonly\" or \"o\", optional) List outbound peers only (needs a level).\n\n"
    "help (\"help\" or \"h\", optional) Print this text instead of the dashboard.\n\n"
    "Result:\n\n"
    "* The peers listing (levels 1-4), inbound first, each direction by minimum ping:\n\n"
    "  Column   Description\n"
    "  ------   -----------\n"
    "  <->      \"in\": the peer connected to us; \"out\": we connected to it\n"
    "  type     \"full\" full relay, \"block\" block relay only (no transactions or addresses),\n"
    "           \"manual\" from addnode/-addnode/-connect, \"feeler\" a short address test,\n"
    "           \"addr\" a short connection to fetch addresses\n"
    "  net      the network: \"ipv4\", \"ipv6\", \"onion\", \"i2p\", \"cjdns\" or \"npr\" (not publicly routable)\n"
    "  serv     the peer's services: \"n\" NETWORK, \"b\" BLOOM, \"w\" WITNESS, \"c\" COMPACT_FILTERS,\n"
    "           \"l\" NETWORK_LIMITED, \"2\" P2P_V2, \"u\" unknown\n"
    "  v        the transport protocol version\n"
    "  mping    minimum ping, in milliseconds\n"
    "  ping     last ping, in milliseconds\n"
    "  send     seconds since we last sent to the peer\n"
    "  recv     seconds since we last received from the peer\n"
    "  txn      minutes since its last new transaction for our mempool; \"*\": we relay none to it\n"
    "  blk      minutes since its last new block\n"
    "  hb       BIP152 high-bandwidth relay: \".\" we chose the peer, \"*\" the peer chose us\n"
    "  addrp    addresses processed (rate-limited ones not counted); \".\": no address relay with it\n"
    "  addrl    addresses dropped by the rate limit\n"
    "  age      minutes since the connection was made\n"
    "  id       the peer's id, increasing with each connection since the start\n"
    "  address  the peer's address and port\n"
    "  version  its protocol version and user agent, e.g. \"70016/Sato:0.1.0/\"\n\n"
    "* The counts table: peers by reachable network, and the block-relay and manual ones.\n\n"
    "* The local addresses the node advertises, with their port and score.\n\n"
    "Examples:\n\n"
    "> sato-cli -netinfo\n"
    "> sato-cli -netinfo 1\n"
    "> sato-cli -netinfo 4 outonly\n"
    "> sato-cli -netinfo help\n";
