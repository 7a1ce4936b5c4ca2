#ifndef SATO_PROTOCOL_H
#define SATO_PROTOCOL_H

/* Bitcoin's P2P wire protocol (version 70016): message framing and the
 * messages Sato speaks, as Bitcoin Core reads and writes them. Pure: no
 * sockets, no clock; every count from a peer is bounded before anything
 * is allocated for it. */

#include <stddef.h>
#include <stdint.h>

#include "sato/block.h"
#include "sato/buf.h"
#include "sato/netaddr.h"
#include "sato/tx.h"

#define SATO_PROTOCOL_VERSION 70016
#define SATO_MIN_PEER_PROTO_VERSION 31800 /* older peers are disconnected */
#define SATO_SENDHEADERS_VERSION 70012
#define SATO_FEEFILTER_VERSION 70013
#define SATO_SHORT_IDS_BLOCKS_VERSION 70014
#define SATO_WTXID_RELAY_VERSION 70016

#define SATO_MSG_HEADER_SIZE 24
#define SATO_MAX_PROTOCOL_MESSAGE_LENGTH 4000000
#define SATO_MAX_INV_SZ 50000
#define SATO_MAX_HEADERS_RESULTS 2000
#define SATO_MAX_LOCATOR_SZ 101
#define SATO_MAX_ADDR_TO_SEND 1000
#define SATO_MAX_SUBVERSION_LENGTH 256

/* Service bits. */
#define SATO_NODE_NETWORK (1u << 0)
#define SATO_NODE_BLOOM (1u << 2)
#define SATO_NODE_WITNESS (1u << 3)
#define SATO_NODE_COMPACT_FILTERS (1u << 6)
#define SATO_NODE_NETWORK_LIMITED (1u << 10)
#define SATO_NODE_P2P_V2 (1u << 11)

/* Inventory types; MSG_WITNESS_FLAG asks for the witness form. */
#define SATO_MSG_TX 1u
#define SATO_MSG_BLOCK 2u
#define SATO_MSG_FILTERED_BLOCK 3u
#define SATO_MSG_CMPCT_BLOCK 4u
#define SATO_MSG_WTX 5u
#define SATO_MSG_WITNESS_FLAG (1u << 30)
#define SATO_MSG_WITNESS_BLOCK (SATO_MSG_BLOCK | SATO_MSG_WITNESS_FLAG)
#define SATO_MSG_WITNESS_TX (SATO_MSG_TX | SATO_MSG_WITNESS_FLAG)

/* ---- framing ---- */

/* Appends one message: magic, command (NUL-padded to 12), length,
 * checksum (first 4 bytes of SHA256d(payload)), payload. */
void sato_msg_frame(sato_buf_t *out, const unsigned char magic[4], const char *command,
                    const unsigned char *payload, size_t len);

/* What the stream decoder makes of the bytes so far. */
typedef enum {
    SATO_FRAME_NEED_MORE = 0, /* nothing complete yet: feed more bytes */
    SATO_FRAME_MESSAGE,       /* one message: command and payload are set */
    SATO_FRAME_BAD_CHECKSUM,  /* a whole message was dropped; peer kept */
    SATO_FRAME_BAD_COMMAND,   /* not printable ASCII, NUL-padded: dropped */
    SATO_FRAME_BAD_MAGIC,     /* disconnect */
    SATO_FRAME_OVERSIZED      /* length over 4,000,000: disconnect, before
                                 anything is allocated for it */
} sato_frame_result_t;

/* A per-connection decoder; bytes may be split anywhere. */
typedef struct {
    unsigned char magic[4];
    unsigned char header[SATO_MSG_HEADER_SIZE];
    size_t have_header;
    sato_buf_t payload; /* grows only as payload bytes arrive */
    uint32_t want;
    int in_payload;
    int dead; /* after BAD_MAGIC/OVERSIZED nothing more is decoded */
    char command[13];
} sato_msgreader_t;

void sato_msgreader_init(sato_msgreader_t *r, const unsigned char magic[4]);

/* Core's message types in its sorted order, "*other*" first: the keys of
 * getpeerinfo's bytessent_per_msg / bytesrecv_per_msg. */
#define SATO_MSG_TYPES 37
#define SATO_MSG_TYPE_OTHER 0
extern const char *const sato_msg_types[SATO_MSG_TYPES];
/* The index of a command in sato_msg_types, SATO_MSG_TYPE_OTHER if not
 * one of Core's. */
size_t sato_msg_type_index(const char *command);
void sato_msgreader_clear(sato_msgreader_t *r);
/* Consumes bytes from data (up to len; *used says how many) until one
 * event. On SATO_FRAME_MESSAGE, r->command and (*payload, *plen) hold the
 * message until the next call. */
sato_frame_result_t sato_msgreader_feed(sato_msgreader_t *r, const unsigned char *data, size_t len,
                                        size_t *used, const unsigned char **payload, size_t *plen);

/* ---- messages ---- */

/* How a parse ends. Core drops a message it cannot read (and keeps the
 * peer); a count over the protocol's limit is misbehaviour. */
typedef enum {
    SATO_MSG_OK = 0,
    SATO_MSG_MALFORMED,
    SATO_MSG_OVERSIZED,
} sato_msg_result_t;

/* The address fields of version and legacy addr (no time). */
typedef struct {
    uint64_t services;
    unsigned char ip[16];
    uint16_t port;
} sato_legacy_addr_t;

typedef struct {
    int32_t version;
    uint64_t services;
    int64_t time;
    sato_legacy_addr_t addr_recv, addr_from;
    uint64_t nonce;
    char user_agent[SATO_MAX_SUBVERSION_LENGTH + 1];
    int32_t start_height;
    int relay; /* 1 if the field is absent, as Core */
} sato_msg_version_t;

sato_msg_result_t sato_msg_version_read(sato_msg_version_t *v, const unsigned char *p, size_t len);
void sato_msg_version_write(sato_buf_t *out, const sato_msg_version_t *v);

/* inv, getdata, notfound. */
typedef struct {
    uint32_t type;
    unsigned char hash[32];
} sato_inv_t;

typedef struct {
    sato_inv_t *items; /* owned */
    size_t n;
} sato_msg_inv_t;

sato_msg_result_t sato_msg_inv_read(sato_msg_inv_t *m, const unsigned char *p, size_t len);
void sato_msg_inv_write(sato_buf_t *out, const sato_inv_t *items, size_t n);
void sato_msg_inv_clear(sato_msg_inv_t *m);

/* getheaders, getblocks. */
typedef struct {
    uint32_t version;
    unsigned char (*locator)[32]; /* owned */
    size_t n;
    unsigned char stop[32];
} sato_msg_locator_t;

sato_msg_result_t sato_msg_locator_read(sato_msg_locator_t *m, const unsigned char *p, size_t len);
void sato_msg_locator_write(sato_buf_t *out, uint32_t version, const unsigned char (*locator)[32],
                            size_t n, const unsigned char stop[32]);
void sato_msg_locator_clear(sato_msg_locator_t *m);

/* headers: each header is followed by a transaction count, which must be
 * zero (Core reads it and ignores it; a nonzero count is malformed in
 * neither, so it is accepted as Core does). */
typedef struct {
    sato_block_header_t *headers; /* owned */
    size_t n;
} sato_msg_headers_t;

sato_msg_result_t sato_msg_headers_read(sato_msg_headers_t *m, const unsigned char *p, size_t len);
void sato_msg_headers_write(sato_buf_t *out, const sato_block_header_t *headers, size_t n);
void sato_msg_headers_clear(sato_msg_headers_t *m);

/* addr (legacy) and addrv2, read into one form. Entries of unknown
 * networks are skipped (addrv2); a malformed entry drops the message. */
typedef struct {
    uint32_t time;
    uint64_t services;
    sato_netaddr_t addr;
} sato_addr_entry_t;

typedef struct {
    sato_addr_entry_t *entries; /* owned */
    size_t n;
    size_t skipped;
} sato_msg_addr_t;

sato_msg_result_t sato_msg_addr_read(sato_msg_addr_t *m, const unsigned char *p, size_t len, int v2);
void sato_msg_addr_write(sato_buf_t *out, const sato_addr_entry_t *entries, size_t n, int v2);
void sato_msg_addr_clear(sato_msg_addr_t *m);

/* ping, pong: a nonce (a ping without one, from before BIP31, has none). */
sato_msg_result_t sato_msg_nonce_read(uint64_t *nonce, const unsigned char *p, size_t len);
void sato_msg_nonce_write(sato_buf_t *out, uint64_t nonce);

/* sendcmpct: announce flag and compact block version. */
sato_msg_result_t sato_msg_sendcmpct_read(uint8_t *announce, uint64_t *version, const unsigned char *p,
                                          size_t len);
void sato_msg_sendcmpct_write(sato_buf_t *out, int announce, uint64_t version);

/* feefilter: a fee rate in satoshis per 1,000 virtual bytes. */
sato_msg_result_t sato_msg_feefilter_read(int64_t *feerate, const unsigned char *p, size_t len);
void sato_msg_feefilter_write(sato_buf_t *out, int64_t feerate);

/* block and tx payloads: the whole payload must be one object. */
sato_msg_result_t sato_msg_block_read(sato_block_t *b, const unsigned char *p, size_t len);
sato_msg_result_t sato_msg_tx_read(sato_tx_t *tx, const unsigned char *p, size_t len);

#endif
