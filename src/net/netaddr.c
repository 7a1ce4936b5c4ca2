/* Network addresses: BIP155 forms and Core's classification (see
 * netaddr.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/netaddr.h"

static const unsigned char V4_MAPPED[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

/* Core's network classes, which GetGroup puts first. */
enum { CLASS_UNROUTABLE = 0, CLASS_IPV4 = 1, CLASS_IPV6 = 2, CLASS_ONION = 3, CLASS_I2P = 4, CLASS_CJDNS = 5 };

const char *sato_netaddr_network_name(uint8_t net) {
    switch (net) {
    case SATO_NET_IPV4: return "ipv4";
    case SATO_NET_IPV6: return "ipv6";
    case SATO_NET_TORV3: return "onion";
    case SATO_NET_I2P: return "i2p";
    case SATO_NET_CJDNS: return "cjdns";
    }
    return "unroutable";
}

size_t sato_netaddr_size(uint8_t net) {
    switch (net) {
    case SATO_NET_IPV4: return 4;
    case SATO_NET_IPV6: return 16;
    case SATO_NET_TORV2: return 10;
    case SATO_NET_TORV3: return 32;
    case SATO_NET_I2P: return 32;
    case SATO_NET_CJDNS: return 16;
    }
    return 0;
}

void sato_netaddr_ipv4(sato_netaddr_t *a, const unsigned char ip[4], uint16_t port) {
    memset(a, 0, sizeof(*a));
    a->net = SATO_NET_IPV4;
    a->len = 4;
    memcpy(a->addr, ip, 4);
    a->port = port;
}

void sato_netaddr_ipv6(sato_netaddr_t *a, const unsigned char ip[16], uint16_t port) {
    if (memcmp(ip, V4_MAPPED, 12) == 0) {
        sato_netaddr_ipv4(a, ip + 12, port);
        return;
    }
    memset(a, 0, sizeof(*a));
    a->net = SATO_NET_IPV6;
    a->len = 16;
    memcpy(a->addr, ip, 16);
    a->port = port;
}

int sato_netaddr_from_legacy(sato_netaddr_t *a, const unsigned char ip16[16], uint16_t port) {
    /* Core's internal Tor/I2P encodings in fd87:d87e:eb43::/48 and
     * fd6b:88c0:8724::/48 are not addresses Sato gossips. */
    static const unsigned char onioncat[6] = {0xfd, 0x87, 0xd8, 0x7e, 0xeb, 0x43};
    static const unsigned char internal[6] = {0xfd, 0x6b, 0x88, 0xc0, 0x87, 0x24};
    if (memcmp(ip16, onioncat, 6) == 0 || memcmp(ip16, internal, 6) == 0) return 0;
    sato_netaddr_ipv6(a, ip16, port);
    return 1;
}

void sato_netaddr_to_legacy(unsigned char ip16[16], const sato_netaddr_t *a) {
    memset(ip16, 0, 16);
    if (a->net == SATO_NET_IPV4) {
        memcpy(ip16, V4_MAPPED, 12);
        memcpy(ip16 + 12, a->addr, 4);
    } else if (a->net == SATO_NET_IPV6 || a->net == SATO_NET_CJDNS) {
        memcpy(ip16, a->addr, 16);
    }
}

int sato_netaddr_equal(const sato_netaddr_t *a, const sato_netaddr_t *b) {
    return a->net == b->net && a->len == b->len && a->port == b->port &&
           memcmp(a->addr, b->addr, a->len) == 0;
}

static int v4_in(const unsigned char *ip, unsigned b0, unsigned b1, unsigned bits) {
    uint32_t v = (uint32_t)ip[0] << 24 | (uint32_t)ip[1] << 16 | (uint32_t)ip[2] << 8 | ip[3];
    uint32_t want = (uint32_t)b0 << 24 | (uint32_t)b1 << 16;
    uint32_t mask = bits == 0 ? 0 : 0xffffffffu << (32 - bits);
    return (v & mask) == (want & mask);
}

static int v4_local(const unsigned char *ip) {
    return ip[0] == 127 || ip[0] == 0;
}

static int v6_prefix(const unsigned char *ip, const unsigned char *prefix, size_t n) {
    return memcmp(ip, prefix, n) == 0;
}

/* The IPv4 address an IPv6 address carries (6to4, Teredo, NAT64 and
 * IPv4-translated forms), as Core's GetLinkedIPv4. */
static int linked_ipv4(const sato_netaddr_t *a, unsigned char out[4]) {
    static const unsigned char rfc6052[12] = {0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0};
    static const unsigned char rfc6145[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0};
    static const unsigned char rfc3964[2] = {0x20, 0x02};
    static const unsigned char rfc4380[4] = {0x20, 0x01, 0, 0};
    size_t i;
    if (a->net == SATO_NET_IPV4) {
        memcpy(out, a->addr, 4);
        return 1;
    }
    if (a->net != SATO_NET_IPV6) return 0;
    if (v6_prefix(a->addr, rfc6052, 12) || v6_prefix(a->addr, rfc6145, 12)) {
        memcpy(out, a->addr + 12, 4);
        return 1;
    }
    if (v6_prefix(a->addr, rfc3964, 2)) {
        memcpy(out, a->addr + 2, 4);
        return 1;
    }
    if (v6_prefix(a->addr, rfc4380, 4)) {
        for (i = 0; i < 4; i++) out[i] = (unsigned char)~a->addr[12 + i];
        return 1;
    }
    return 0;
}

int sato_netaddr_is_local(const sato_netaddr_t *a) {
    static const unsigned char loop6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    if (a->net == SATO_NET_IPV4) return v4_local(a->addr);
    if (a->net == SATO_NET_IPV6) return memcmp(a->addr, loop6, 16) == 0;
    return 0;
}

int sato_netaddr_is_valid(const sato_netaddr_t *a) {
    static const unsigned char zero[16] = {0};
    static const unsigned char doc6[4] = {0x20, 0x01, 0x0d, 0xb8}; /* RFC3849 */
    if (sato_netaddr_size(a->net) == 0 || a->len != sato_netaddr_size(a->net) || a->net == SATO_NET_TORV2) return 0;
    if (a->net == SATO_NET_IPV6) {
        if (memcmp(a->addr, zero, 16) == 0 || v6_prefix(a->addr, doc6, 4)) return 0;
    } else if (a->net == SATO_NET_IPV4) {
        static const unsigned char none[4] = {0xff, 0xff, 0xff, 0xff};
        if (memcmp(a->addr, zero, 4) == 0 || memcmp(a->addr, none, 4) == 0) return 0;
    } else if (a->net == SATO_NET_CJDNS) {
        if (a->addr[0] != 0xfc) return 0; /* CJDNS lives in fc00::/8 */
    }
    return 1;
}

int sato_netaddr_is_routable(const sato_netaddr_t *a) {
    if (!sato_netaddr_is_valid(a) || sato_netaddr_is_local(a)) return 0;
    if (a->net == SATO_NET_IPV4) {
        const unsigned char *ip = a->addr;
        return !(v4_in(ip, 10, 0, 8) || v4_in(ip, 192, 168, 16) || v4_in(ip, 172, 16, 12) || /* 1918 */
                 v4_in(ip, 198, 18, 15) ||                                                   /* 2544 */
                 v4_in(ip, 169, 254, 16) ||                                                  /* 3927 */
                 v4_in(ip, 100, 64, 10) ||                                                   /* 6598 */
                 (ip[0] == 192 && ip[1] == 0 && ip[2] == 2) ||                               /* 5737 */
                 (ip[0] == 198 && ip[1] == 51 && ip[2] == 100) ||
                 (ip[0] == 203 && ip[1] == 0 && ip[2] == 113));
    }
    if (a->net == SATO_NET_IPV6) {
        const unsigned char *ip = a->addr;
        static const unsigned char rfc4862[8] = {0xfe, 0x80, 0, 0, 0, 0, 0, 0};
        if (v6_prefix(ip, rfc4862, 8)) return 0;                                  /* link-local */
        if ((ip[0] & 0xfe) == 0xfc) return 0;                                     /* 4193 ULA */
        if (ip[0] == 0x20 && ip[1] == 0x01 && ip[2] == 0x00 && (ip[3] & 0xf0) == 0x10) return 0; /* 4843 */
        if (ip[0] == 0x20 && ip[1] == 0x01 && ip[2] == 0x00 && (ip[3] & 0xf0) == 0x20) return 0; /* 7343 */
    }
    return 1;
}

size_t sato_netaddr_group(unsigned char out[17], const sato_netaddr_t *a) {
    return sato_netaddr_group_local(out, a, 0);
}

size_t sato_netaddr_group_local(unsigned char out[17], const sato_netaddr_t *a, int local_as_public) {
    unsigned char v4[4];
    size_t n = 0, bytes;
    unsigned bits;
    if (!local_as_public && (sato_netaddr_is_local(a) || !sato_netaddr_is_routable(a))) {
        out[n++] = CLASS_UNROUTABLE; /* one group each for all of them */
        return n;
    }
    if (linked_ipv4(a, v4)) {
        out[n++] = CLASS_IPV4;
        out[n++] = v4[0];
        out[n++] = v4[1];
        return n;
    }
    switch (a->net) {
    case SATO_NET_TORV3: out[n++] = CLASS_ONION; bits = 4; break;
    case SATO_NET_I2P: out[n++] = CLASS_I2P; bits = 4; break;
    case SATO_NET_CJDNS: out[n++] = CLASS_CJDNS; bits = 12; break;
    default:
        out[n++] = CLASS_IPV6;
        /* he.net's 2001:470::/32 is carved finer. */
        bits = a->addr[0] == 0x20 && a->addr[1] == 0x01 && a->addr[2] == 0x04 && a->addr[3] == 0x70 ? 36 : 32;
        break;
    }
    bytes = bits / 8;
    memcpy(out + n, a->addr, bytes);
    n += bytes;
    if (bits % 8) out[n++] = (unsigned char)(a->addr[bytes] | ((1u << (8 - bits % 8)) - 1));
    return n;
}

void sato_netaddr_format(char out[SATO_NETADDR_STRLEN], const sato_netaddr_t *a) {
    char host[64];
    size_t i;
    if (a->net == SATO_NET_IPV4) {
        snprintf(out, SATO_NETADDR_STRLEN, "%u.%u.%u.%u:%u", a->addr[0], a->addr[1], a->addr[2], a->addr[3],
                 a->port);
        return;
    }
    if (a->net == SATO_NET_IPV6 || a->net == SATO_NET_CJDNS) {
        if (inet_ntop(AF_INET6, a->addr, host, sizeof(host)) == NULL) host[0] = '\0';
        snprintf(out, SATO_NETADDR_STRLEN, "[%s]:%u", host, a->port);
        return;
    }
    /* Tor and I2P names need SHA3 and base32 of their own; until Sato
     * connects to those networks it shows the key bytes. */
    {
        char hex[2 * SATO_NETADDR_MAX + 1];
        for (i = 0; i < a->len && i < SATO_NETADDR_MAX; i++) snprintf(hex + 2 * i, 3, "%02x", a->addr[i]);
        hex[2 * i] = '\0';
        snprintf(out, SATO_NETADDR_STRLEN, "%s:%s:%u", a->net == SATO_NET_TORV3 ? "torv3" : "i2p", hex, a->port);
    }
}

int sato_netaddr_parse(sato_netaddr_t *a, const char *text, uint16_t default_port) {
    char host[64];
    const char *p = text, *colon = NULL, *end;
    unsigned char ip[16];
    long port = default_port;
    size_t hl;
    if (*p == '[') {
        end = strchr(p, ']');
        if (end == NULL) return 0;
        hl = (size_t)(end - p - 1);
        if (hl >= sizeof(host)) return 0;
        memcpy(host, p + 1, hl);
        host[hl] = '\0';
        if (end[1] == ':') colon = end + 1;
        else if (end[1] != '\0') return 0;
    } else {
        const char *last = strrchr(p, ':');
        if (last != NULL && strchr(p, ':') == last) colon = last; /* one colon: host:port */
        hl = colon ? (size_t)(colon - p) : strlen(p);
        if (hl == 0 || hl >= sizeof(host)) return 0;
        memcpy(host, p, hl);
        host[hl] = '\0';
    }
    if (colon != NULL) {
        char *stop;
        port = strtol(colon + 1, &stop, 10);
        if (colon[1] == '\0' || *stop != '\0' || port <= 0 || port > 65535) return 0;
    }
    if (inet_pton(AF_INET, host, ip) == 1) {
        sato_netaddr_ipv4(a, ip, (uint16_t)port);
        return 1;
    }
    if (inet_pton(AF_INET6, host, ip) == 1) {
        sato_netaddr_ipv6(a, ip, (uint16_t)port);
        return 1;
    }
    return 0;
}

void sato_netaddr_write_v2(sato_buf_t *out, const sato_netaddr_t *a) {
    unsigned char port[2];
    sato_buf_write_u8(out, a->net);
    sato_buf_write_varbytes(out, a->addr, a->len);
    port[0] = (unsigned char)(a->port >> 8);
    port[1] = (unsigned char)a->port;
    sato_buf_write(out, port, 2);
}

int sato_netaddr_read_v2(sato_reader_t *r, sato_netaddr_t *a) {
    uint8_t net;
    uint64_t len;
    const unsigned char *bytes, *port;
    size_t want;
    memset(a, 0, sizeof(*a));
    if (!sato_read_u8(r, &net) || !sato_read_compactsize(r, &len)) return 0;
    if (len > 512) return 0; /* Core's MAX_ADDRV2_SIZE */
    if (!sato_read_span(r, &bytes, (size_t)len) || !sato_read_span(r, &port, 2)) return 0;
    want = sato_netaddr_size(net);
    if (want == 0 || net == SATO_NET_TORV2) {
        /* Unknown networks are skipped; a TorV2 of the wrong size is
         * still malformed, as in Core. */
        if (net == SATO_NET_TORV2 && len != want) return 0;
        return -1;
    }
    if (len != want) return 0;
    a->net = net;
    a->len = (uint8_t)len;
    memcpy(a->addr, bytes, (size_t)len);
    a->port = (uint16_t)(port[0] << 8 | port[1]);
    /* An IPv6 that is really IPv4, or an embedded Tor/I2P form: Core
     * refuses them in addrv2 (skips the entry). */
    if (net == SATO_NET_IPV6) {
        if (memcmp(bytes, V4_MAPPED, 12) == 0) return -1;
        {
            static const unsigned char onioncat[6] = {0xfd, 0x87, 0xd8, 0x7e, 0xeb, 0x43};
            static const unsigned char internal[6] = {0xfd, 0x6b, 0x88, 0xc0, 0x87, 0x24};
            if (memcmp(bytes, onioncat, 6) == 0 || memcmp(bytes, internal, 6) == 0) return -1;
        }
    }
    return 1;
}

int sato_netaddr_same_ip(const sato_netaddr_t *a, const sato_netaddr_t *b) {
    return a->net == b->net && a->len == b->len && memcmp(a->addr, b->addr, a->len) == 0;
}

size_t sato_netaddr_key(unsigned char out[SATO_NETADDR_MAX + 2], const sato_netaddr_t *a) {
    size_t n;
    if (a->net == SATO_NET_IPV4 || a->net == SATO_NET_IPV6) {
        sato_netaddr_to_legacy(out, a);
        n = 16;
    } else {
        n = a->len > SATO_NETADDR_MAX ? SATO_NETADDR_MAX : a->len;
        memcpy(out, a->addr, n);
    }
    out[n++] = (unsigned char)(a->port >> 8);
    out[n++] = (unsigned char)a->port;
    return n;
}
