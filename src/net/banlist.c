/* Manual bans (Core's setban): subnets refused inbound, never dialled and
 * disconnected when banned, kept in banlist.json in the data directory. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net_internal.h"
#include "sato/log.h"

int sato_subnet_from_text(sato_ban_t *b, const char *text) {
    char host[64];
    const char *slash = strchr(text, '/');
    size_t hl = slash ? (size_t)(slash - text) : strlen(text), i, bytes;
    long bits;
    memset(b, 0, sizeof(*b));
    if (hl == 0 || hl >= sizeof(host)) return 0;
    memcpy(host, text, hl);
    host[hl] = '\0';
    if (!sato_netaddr_parse(&b->addr, host, 0) || b->addr.port != 0) return 0;
    bytes = b->addr.len;
    if (slash == NULL) {
        bits = (long)bytes * 8;
    } else {
        char *end;
        sato_netaddr_t mask;
        bits = strtol(slash + 1, &end, 10);
        if (*end != '\0' || end == slash + 1) {
            /* A dotted mask (IPv4), which must be ones then zeros. */
            int zero = 0;
            if (b->addr.net != SATO_NET_IPV4 || !sato_netaddr_parse(&mask, slash + 1, 0) || mask.net != SATO_NET_IPV4)
                return 0;
            bits = 0;
            for (i = 0; i < 32; i++) {
                int bit = mask.addr[i / 8] >> (7 - i % 8) & 1;
                if (bit && zero) return 0;
                if (bit) bits++;
                else zero = 1;
            }
        }
    }
    if (bits < 0 || bits > (long)bytes * 8) return 0;
    b->bits = (int)bits;
    for (i = 0; i < bytes; i++) {
        int keep = b->bits - (int)i * 8;
        unsigned char m = keep >= 8 ? 0xff : keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
        b->addr.addr[i] &= m;
    }
    return 1;
}

void sato_subnet_to_text(char *out, size_t n, const sato_ban_t *b) {
    char a[SATO_NETADDR_STRLEN], *colon;
    sato_netaddr_format(a, &b->addr);
    /* Drop the ":port" (and the brackets of an IPv6 address). */
    colon = strrchr(a, ':');
    if (colon) *colon = '\0';
    if (a[0] == '[') {
        size_t l = strlen(a);
        memmove(a, a + 1, l);
        if (l >= 2 && a[l - 2] == ']') a[l - 2] = '\0';
    }
    snprintf(out, n, "%s/%d", a, b->bits);
}

int sato_subnet_match(const sato_ban_t *b, const sato_netaddr_t *a) {
    int i;
    if (a->net != b->addr.net) return 0;
    for (i = 0; i < b->bits; i++) {
        int bit = 7 - i % 8;
        if (((a->addr[i / 8] >> bit) & 1) != ((b->addr.addr[i / 8] >> bit) & 1)) return 0;
    }
    return 1;
}

int net_is_banned(const sato_net_t *net, const sato_netaddr_t *a, int64_t now) {
    size_t i;
    for (i = 0; i < net->n_bans; i++)
        if (net->bans[i].until > now && sato_subnet_match(&net->bans[i], a)) return 1;
    return 0;
}

/* Written through a temporary file and a rename, so a crash leaves the
 * old list or the new one. With the lock. */
void net_save_bans(const sato_net_t *net) {
    char tmp[4200];
    json_t *root, *list;
    size_t i;
    if (net->cfg.banlist_path == NULL) return;
    root = json_object();
    list = json_array();
    for (i = 0; i < net->n_bans; i++) {
        char text[SATO_NETADDR_STRLEN + 8];
        json_t *e = json_object();
        sato_subnet_to_text(text, sizeof(text), &net->bans[i]);
        json_object_set_new(e, "version", json_integer(1));
        json_object_set_new(e, "ban_created", json_integer(net->bans[i].created));
        json_object_set_new(e, "banned_until", json_integer(net->bans[i].until));
        json_object_set_new(e, "address", json_string(text));
        json_array_append_new(list, e);
    }
    json_object_set_new(root, "banned_nets", list);
    snprintf(tmp, sizeof(tmp), "%s.new", net->cfg.banlist_path);
    if (json_dump_file(root, tmp, JSON_INDENT(2)) != 0 || rename(tmp, net->cfg.banlist_path) != 0)
        sato_log_printf("Warning: cannot write %s: %s", net->cfg.banlist_path, strerror(errno));
    json_decref(root);
}

void net_load_bans(sato_net_t *net) {
    json_error_t jerr;
    json_t *root, *list;
    size_t i;
    if (net->cfg.banlist_path == NULL || access(net->cfg.banlist_path, F_OK) != 0) return;
    root = json_load_file(net->cfg.banlist_path, 0, &jerr);
    list = root ? json_object_get(root, "banned_nets") : NULL;
    if (!json_is_array(list)) {
        /* A damaged list is set aside, never a reason not to start. */
        char aside[4200];
        snprintf(aside, sizeof(aside), "%s.corrupt", net->cfg.banlist_path);
        rename(net->cfg.banlist_path, aside);
        sato_log_printf("Warning: %s is not a ban list (%s); moved to %s, starting with no bans",
                        net->cfg.banlist_path, root ? "no banned_nets" : jerr.text, aside);
        json_decref(root);
        return;
    }
    for (i = 0; i < json_array_size(list) && net->n_bans < SATO_NET_MAX_BANS; i++) {
        json_t *e = json_array_get(list, i);
        sato_ban_t b;
        const char *addr = json_string_value(json_object_get(e, "address"));
        if (addr == NULL || !sato_subnet_from_text(&b, addr)) continue;
        b.created = json_integer_value(json_object_get(e, "ban_created"));
        b.until = json_integer_value(json_object_get(e, "banned_until"));
        net->bans[net->n_bans++] = b;
    }
    sato_log_printf("Loaded %zu banned node addresses/subnets", net->n_bans);
    json_decref(root);
}

int sato_net_setban(sato_net_t *net, const sato_ban_t *ban, int add) {
    size_t i;
    int done = 0;
    int64_t now = net_now(net);
    pthread_mutex_lock(&net->lock);
    for (i = 0; i < net->n_bans; i++) {
        sato_ban_t *b = &net->bans[i];
        if (b->bits == ban->bits && b->addr.net == ban->addr.net &&
            memcmp(b->addr.addr, ban->addr.addr, b->addr.len) == 0 && b->until > now) {
            if (add) goto out; /* already banned */
            net->bans[i] = net->bans[--net->n_bans];
            done = 1;
            goto out;
        }
    }
    if (add && net->n_bans < SATO_NET_MAX_BANS) {
        sato_peer_t *p;
        net->bans[net->n_bans++] = *ban;
        for (p = net->peers; p != NULL; p = p->next)
            if (sato_subnet_match(ban, &p->addr)) net_disconnect(net, p, "banned");
        done = 1;
    }
out:
    if (done) net_save_bans(net);
    pthread_mutex_unlock(&net->lock);
    return done;
}

size_t sato_net_bans(sato_net_t *net, sato_ban_t *out, size_t max) {
    size_t i, n = 0;
    int64_t now = net_now(net);
    pthread_mutex_lock(&net->lock);
    for (i = 0; i < net->n_bans && n < max; i++)
        if (net->bans[i].until > now) out[n++] = net->bans[i];
    pthread_mutex_unlock(&net->lock);
    return n;
}

void sato_net_clear_bans(sato_net_t *net) {
    pthread_mutex_lock(&net->lock);
    net->n_bans = 0;
    net->n_discouraged = 0; /* Core's clearbanned also forgets the discouraged */
    net_save_bans(net);
    pthread_mutex_unlock(&net->lock);
}
