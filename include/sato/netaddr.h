#ifndef SATO_NETADDR_H
#define SATO_NETADDR_H

/* Network addresses as the wire carries them (BIP155 addrv2 and the
 * legacy 16-byte form), with Core's classification: routable or not, the
 * network group used for outbound diversity and address-manager buckets.
 * Pure: no sockets, no name resolution. */

#include <stddef.h>
#include <stdint.h>

#include "sato/buf.h"

/* BIP155 network ids. */
typedef enum {
    SATO_NET_IPV4 = 1,
    SATO_NET_IPV6 = 2,
    SATO_NET_TORV2 = 3, /* retired: never stored */
    SATO_NET_TORV3 = 4,
    SATO_NET_I2P = 5,
    SATO_NET_CJDNS = 6
} sato_net_id_t;

#define SATO_NETADDR_MAX 32 /* the longest address (Tor v3, I2P) */

typedef struct {
    uint8_t net;                      /* sato_net_id_t */
    uint8_t len;                      /* 4, 16 or 32 */
    unsigned char addr[SATO_NETADDR_MAX];
    uint16_t port;                    /* host order */
} sato_netaddr_t;

/* Core's network names: "ipv4", "ipv6", "onion", "i2p", "cjdns";
 * "unroutable" for anything else. */
const char *sato_netaddr_network_name(uint8_t net);

/* The length a known network's address must have; 0 for an unknown id. */
size_t sato_netaddr_size(uint8_t net);

/* From / to the legacy 16-byte form (IPv6, IPv4 as ::ffff:a.b.c.d; Core
 * also maps its internal Tor/I2P forms there, which Sato does not send).
 * 0 if the bytes are not an address Sato keeps. */
int sato_netaddr_from_legacy(sato_netaddr_t *a, const unsigned char ip16[16], uint16_t port);
void sato_netaddr_to_legacy(unsigned char ip16[16], const sato_netaddr_t *a);

void sato_netaddr_ipv4(sato_netaddr_t *a, const unsigned char ip[4], uint16_t port);
void sato_netaddr_ipv6(sato_netaddr_t *a, const unsigned char ip[16], uint16_t port);

int sato_netaddr_equal(const sato_netaddr_t *a, const sato_netaddr_t *b);
/* The same host, whatever the port. */
int sato_netaddr_same_ip(const sato_netaddr_t *a, const sato_netaddr_t *b);
/* Core's CService::GetKey: the address bytes (the 16-byte legacy form for
 * IPv4 and IPv6), then the port big-endian; returns the length. */
size_t sato_netaddr_key(unsigned char out[SATO_NETADDR_MAX + 2], const sato_netaddr_t *a);

/* Core's CNetAddr::IsRoutable and friends (RFC1918, loopback, link-local,
 * documentation ranges, ...). Unroutable addresses are not relayed. */
int sato_netaddr_is_routable(const sato_netaddr_t *a);
int sato_netaddr_is_local(const sato_netaddr_t *a); /* 127/8, ::1 */
int sato_netaddr_is_valid(const sato_netaddr_t *a); /* not zero, not a broadcast */

/* Core's GetGroup without -asmap: the bytes that say which network group
 * the address is in (IPv4 /16, IPv6 /32 with he.net /36, Tor/I2P 4 bits,
 * CJDNS 12 bits, unroutable in one group of its own, local in another).
 * Returns the length written to out (at most 17 bytes). */
size_t sato_netaddr_group(unsigned char out[17], const sato_netaddr_t *a);
/* The same, except that with local_as_public a loopback or private
 * address is grouped as a public one of its network (-test=localaddrs). */
size_t sato_netaddr_group_local(unsigned char out[17], const sato_netaddr_t *a, int local_as_public);

/* "1.2.3.4:8333", "[2001:db8::1]:8333", "<base32>.onion:8333", ...
 * out must hold SATO_NETADDR_STRLEN bytes. */
#define SATO_NETADDR_STRLEN 96
void sato_netaddr_format(char out[SATO_NETADDR_STRLEN], const sato_netaddr_t *a);
/* Parses an IPv4 or IPv6 literal with an optional port ("h", "h:p",
 * "[v6]:p"); default_port when none is given. 0 if malformed. */
int sato_netaddr_parse(sato_netaddr_t *a, const char *text, uint16_t default_port);

/* The addrv2 entry address part: net id, CompactSize length, bytes,
 * big-endian port. read returns 1 ok, 0 malformed (the whole message is
 * to be dropped: a length over 512, or a wrong size for a known network),
 * -1 an entry to skip (unknown network or TorV2). */
void sato_netaddr_write_v2(sato_buf_t *out, const sato_netaddr_t *a);
int sato_netaddr_read_v2(sato_reader_t *r, sato_netaddr_t *a);

#endif
