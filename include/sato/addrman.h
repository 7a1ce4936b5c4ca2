#ifndef SATO_ADDRMAN_H
#define SATO_ADDRMAN_H

/* The address manager: Bitcoin Core's AddrMan (addrman.cpp) in C.
 *
 * Addresses heard from peers go to 1,024 "new" buckets of 64 slots; those
 * Sato once completed a handshake with go to 256 "tried" buckets of 64.
 * Every placement is a keyed hash (a secret 256-bit key), so no peer can
 * aim at a slot, and the new bucket depends on the group of the peer that
 * told us: one source group reaches at most 64 of the 1,024 new buckets,
 * one address group at most 8 tried buckets (Core's eclipse protection).
 *
 * Deterministic: the caller passes the key, the random source (a seed for
 * the built-in generator, or its own function) and the current time to
 * every call that needs one. Nothing here reads a clock; only a NULL key
 * or seed is drawn from sato_random_bytes. Not thread-safe: the caller
 * serializes calls (the node holds one lock around it, as Core's cs).
 *
 * Bounded: at most 65,536 new and 16,384 tried entries exist at any time,
 * whatever peers send (sato_addrman_memory gives the bytes held); entry
 * ids are recycled slots checked against a 64-bit serial, so nothing
 * wraps (CVE-2024-52919 was Core's 32-bit id overflowing under addr spam).
 *
 * Times are int64 seconds since the epoch (entries carry the wire's
 * uint32). Inputs outside [0, 2^40] are clamped, so hostile values cannot
 * overflow the arithmetic. */

#include <stddef.h>
#include <stdint.h>

#include "sato/buf.h"
#include "sato/error.h"
#include "sato/netaddr.h"
#include "sato/protocol.h"

#define SATO_ADDRMAN_NEW_BUCKETS 1024
#define SATO_ADDRMAN_TRIED_BUCKETS 256
#define SATO_ADDRMAN_BUCKET_SIZE 64
#define SATO_ADDRMAN_TRIED_BUCKETS_PER_GROUP 8
#define SATO_ADDRMAN_NEW_BUCKETS_PER_SOURCE_GROUP 64
#define SATO_ADDRMAN_NEW_BUCKETS_PER_ADDRESS 8 /* references one address may have */
#define SATO_ADDRMAN_HORIZON (30 * 86400)     /* older: terrible */
#define SATO_ADDRMAN_RETRIES 3                /* tries without any success: terrible */
#define SATO_ADDRMAN_MAX_FAILURES 10          /* ... failures in a row, and */
#define SATO_ADDRMAN_MIN_FAIL (7 * 86400)     /* ... no success for this long: terrible */
#define SATO_ADDRMAN_REPLACEMENT (4 * 3600)   /* a tried entry this fresh is kept */
#define SATO_ADDRMAN_COLLISIONS_MAX 10        /* tried collisions waiting for a test */
#define SATO_ADDRMAN_TEST_WINDOW (40 * 60)    /* then the old entry is replaced */
#define SATO_ADDRMAN_MAX_NEW (SATO_ADDRMAN_NEW_BUCKETS * SATO_ADDRMAN_BUCKET_SIZE)
#define SATO_ADDRMAN_MAX_TRIED (SATO_ADDRMAN_TRIED_BUCKETS * SATO_ADDRMAN_BUCKET_SIZE)

/* What net_processing applies to received addresses (not the table's job):
 * Core's 2-hour penalty on gossiped times and its getaddr share. */
#define SATO_ADDRMAN_GOSSIP_PENALTY (2 * 3600)
#define SATO_ADDRMAN_GETADDR_MAX 1000
#define SATO_ADDRMAN_GETADDR_PCT 23

typedef struct sato_addrman sato_addrman_t;

/* Addresses come and go as the wire's sato_addr_entry_t (protocol.h):
 * Core's CAddress, an address with its service bits and the time it was
 * last seen (as gossiped, or as Connected set it). */

/* The generator that picks buckets, coins and orders; returns 64 random
 * bits per call. */
typedef uint64_t (*sato_addrman_rand_fn)(void *ctx);

typedef struct {
    const unsigned char *key; /* 32 bytes; NULL: drawn from sato_random_bytes */
    const unsigned char *seed; /* 32 bytes seeding the built-in generator
                                  (SHA-256 in counter mode); NULL: drawn */
    sato_addrman_rand_fn rand; /* if set, used instead of the built-in one */
    void *rand_ctx;
    int allow_local; /* keep loopback and private addresses, grouped as public
                        ones (tests on one machine: -test=localaddrs) */
} sato_addrman_opts_t;

/* opts NULL: random key and seed. */
sato_addrman_t *sato_addrman_create(const sato_addrman_opts_t *opts);
/* Frees everything and wipes the key; NULL is a no-op. */
void sato_addrman_destroy(sato_addrman_t *am);
/* Forgets every address (the key and generator stay). */
void sato_addrman_clear(sato_addrman_t *am);
/* The bucketing key (32 bytes), e.g. for the caller's own tests. */
const unsigned char *sato_addrman_key(const sato_addrman_t *am);

/* Core's Add: puts each routable address in the new table with the time
 * it carries minus time_penalty (none for the source's own address), or
 * gives an address already there one more bucket reference (up to 8,
 * each 2^n times less likely, and only if its time moved forward).
 * The source's port is ignored (its group is what counts; NULL is an
 * empty address, in the unroutable group). Returns how
 * many addresses were inserted or gained a reference; updates of the time
 * and services alone do not count. */
size_t sato_addrman_add(sato_addrman_t *am, const sato_addr_entry_t *addrs, size_t n,
                        const sato_netaddr_t *source, int64_t time_penalty, int64_t now);

/* Core's Good: a handshake with addr succeeded at time now. Moves it to
 * the tried table and returns 1, unless it is unknown, already tried, or
 * its tried slot is taken: then the move waits in the collision set (at
 * most 10) for sato_addrman_resolve_collisions, and 0 is returned. */
int sato_addrman_good(sato_addrman_t *am, const sato_netaddr_t *addr, int64_t now);

/* Core's Attempt: a connection to addr is being tried; a failure is
 * counted (at most once per success of any address) if count_failure. */
void sato_addrman_attempt(sato_addrman_t *am, const sato_netaddr_t *addr, int count_failure, int64_t now);

/* Core's Connected, called when a connection to addr ends: its time
 * becomes now, in steps of at least 20 minutes. */
void sato_addrman_connected(sato_addrman_t *am, const sato_netaddr_t *addr, int64_t now);

/* Core's SetServices: replaces the entry's service bits. */
void sato_addrman_set_services(sato_addrman_t *am, const sato_netaddr_t *addr, uint64_t services);

/* Core's ResolveCollisions: for each waiting collision, keeps the tried
 * occupant if it succeeded within 4 hours, moves the newcomer in if the
 * occupant was tried (more than a minute ago, within 4 hours) and did not
 * succeed, or after 40 minutes without a test. */
void sato_addrman_resolve_collisions(sato_addrman_t *am, int64_t now);

/* Core's SelectTriedCollision: a random waiting collision's tried
 * occupant, for the feeler to test. 1 and *out (and *last_try, if not
 * NULL) filled, or 0 if none waits. */
int sato_addrman_select_tried_collision(sato_addrman_t *am, sato_addr_entry_t *out, int64_t *last_try);

/* Bit for a network in a Select mask. */
#define SATO_ADDRMAN_NET(id) (1u << (id))

/* Core's Select: an address to connect to. The new or tried table at
 * 50/50 (only new with new_only), a random bucket and slot, then each
 * candidate accepted with chance 0.66^min(attempts, 8), x0.01 if tried in
 * the last 10 minutes, x1.2 for every candidate refused before it. nets:
 * a mask of SATO_ADDRMAN_NET bits, 0 for every network. Returns 1 with
 * *out (and *last_try) filled, 0 if nothing qualifies. The search is
 * bounded (1,024 bucket draws per bucket of the table; Core loops until
 * it finds one): with a matching entry present, giving up has a
 * probability far below 2^-100. */
int sato_addrman_select(sato_addrman_t *am, int new_only, uint32_t nets, int64_t now, sato_addr_entry_t *out,
                        int64_t *last_try);

/* Core's GetAddr: up to max_addresses (0: no limit) and max_pct percent
 * (0: no limit, at most 100) of all entries, in random order, from one
 * network (net_class 0: all; an IPv6 address carrying an IPv4 one counts
 * as IPv4, as Core's GetNetClass) and, if filtered, none that is
 * terrible. out must hold max_addresses entries, or sato_addrman_size()
 * when max_addresses is 0. Returns the count written. */
size_t sato_addrman_get_addr(sato_addrman_t *am, sato_addr_entry_t *out, size_t max_addresses, size_t max_pct,
                             int net_class, int filtered, int64_t now);

enum { SATO_ADDRMAN_BOTH = 0, SATO_ADDRMAN_NEW = 1, SATO_ADDRMAN_TRIED = 2 };
/* Number of addresses of network net (0: all) in table (one of the
 * above); an address with several new references counts once. */
size_t sato_addrman_size(const sato_addrman_t *am, int net, int table);

/* Everything known about one entry (Core's AddrInfo and FindAddressEntry). */
typedef struct {
    sato_addr_entry_t a;
    sato_netaddr_t source;  /* who first told us (port 0) */
    int64_t last_success;   /* 0: never */
    int64_t last_try;       /* memory only */
    int32_t attempts;       /* since the last success */
    int in_tried;
    int refcount;           /* new-bucket references (0 when tried) */
    int bucket, position;   /* tried slot, or the new slot its first source gives */
} sato_addrman_info_t;

/* 1 and *out filled if addr (with its port) is known. */
int sato_addrman_find(const sato_addrman_t *am, const sato_netaddr_t *addr, sato_addrman_info_t *out);
/* 1 and *out filled if that slot is occupied. */
int sato_addrman_slot(const sato_addrman_t *am, int tried, int bucket, int position, sato_addr_entry_t *out);

/* Core's IsTerrible for the entry with these statistics. */
int sato_addrman_is_terrible(const sato_addrman_info_t *info, int64_t now);

/* Core's consistency check (CheckAddrman): 0, or a negative code naming
 * the first broken invariant. Costs a walk of both tables. */
int sato_addrman_check(const sato_addrman_t *am);

/* Bytes the address manager holds on the heap now. */
size_t sato_addrman_memory(const sato_addrman_t *am);

/* The placement formulas (Core's GetTriedBucket, GetNewBucket,
 * GetBucketPosition). H(...) is the first 8 bytes, little-endian, of
 * SHA-256d over the key and the fields serialized as Core does: byte
 * strings with a CompactSize length, numbers little-endian (the modulo
 * results as 64 bits, the bucket as 32). group() is sato_netaddr_group;
 * addrkey is the address (IPv4 and IPv6 in their 16-byte form, the others
 * raw) and the port big-endian.
 *   tried bucket = H(key, group(a), H(key, addrkey(a)) % 8) % 256
 *   new bucket   = H(key, group(src), H(key, group(a), group(src)) % 64) % 1024
 *   position     = H(key, 'N' or 'K', bucket, addrkey(a)) % 64 */
int sato_addrman_tried_bucket(const unsigned char key[32], const sato_netaddr_t *a);
int sato_addrman_new_bucket(const unsigned char key[32], const sato_netaddr_t *a, const sato_netaddr_t *src);
int sato_addrman_bucket_position(const unsigned char key[32], int is_new, int bucket, const sato_netaddr_t *a);

/* The time an address from an addr message is stored with (Core's
 * ProcessAddrs): a time at or before 100000000 or more than 10 minutes
 * ahead of now becomes now minus 5 days. */
int64_t sato_addrman_gossip_time(int64_t t, int64_t now);

/* Core's getaddr answer cache (CConnman::GetAddresses): one response per
 * network key (the local address the asking peer reached us on), kept
 * for 21 hours plus up to 6 more, so that repeated getaddr calls cannot
 * scrape the table. Holds at most SATO_ADDRCACHE_KEYS responses; a new key
 * beyond that replaces the one expiring first. keep, if not NULL, drops
 * addresses from a fresh response (Core removes banned and discouraged
 * ones there). */
#define SATO_ADDRCACHE_KEYS 16
typedef struct sato_addrcache sato_addrcache_t;
typedef int (*sato_addrcache_keep_fn)(void *ctx, const sato_netaddr_t *a);
sato_addrcache_t *sato_addrcache_create(size_t max_addresses, size_t max_pct, sato_addrcache_keep_fn keep,
                                        void *keep_ctx);
void sato_addrcache_destroy(sato_addrcache_t *c);
/* The response for network_key; *out stays valid until the next call. */
size_t sato_addrcache_get(sato_addrcache_t *c, sato_addrman_t *am, uint64_t network_key, int64_t now,
                          const sato_addr_entry_t **out);

/* Persistence (src/net/addrman_file.c): Sato's own peers.dat.
 *
 *   4  network magic (the chain's message start)
 *   8  "satoaddr"
 *   1  format version (1), 1 lowest version able to read it (1)
 *  32  key
 *   4+4+4  new count, tried count, new bucket count (LE)
 *   each new entry: the entry, a reference count n (1..8), n new bucket
 *       numbers (LE16); its slots follow from the key
 *   each tried entry: the entry (its slot follows from the key)
 *  32  SHA-256d of everything before
 * An entry: address as in addrv2 (net id, CompactSize length, bytes,
 * big-endian port), services (LE64), time (LE64), source address (net id,
 * length, bytes), last success (LE64), attempts (LE32). Last tries and
 * failure counts are memory only, as in Core. A file whose lowest
 * readable version is above 1 is refused as newer. */
#define SATO_ADDRMAN_FILE_VERSION 1

/* The file image of am (appended to out). */
void sato_addrman_serialize(const sato_addrman_t *am, sato_buf_t *out, const unsigned char magic[4]);

typedef enum {
    SATO_ADDRMAN_LOAD_OK,      /* the file's entries are loaded */
    SATO_ADDRMAN_LOAD_MISSING, /* no file: empty */
    SATO_ADDRMAN_LOAD_CORRUPT, /* unreadable contents: moved aside, empty */
    SATO_ADDRMAN_LOAD_NEWER    /* written by a newer format: moved aside, empty */
} sato_addrman_load_t;

/* Replaces am's contents and key with a file image. CORRUPT or NEWER
 * leave am empty with its own key; msg (if not NULL) says why. */
sato_addrman_load_t sato_addrman_deserialize(sato_addrman_t *am, const unsigned char *data, size_t len,
                                             const unsigned char magic[4], char *msg, size_t msglen);

/* Writes the image to path through path.tmp (mode 0600: the key is a
 * secret): write, fsync, rename over path, fsync of the directory. path
 * is untouched on failure and path.tmp removed. Fault sites for tests
 * (fault.h): addrman.write, addrman.fsync, addrman.rename. */
SATO_NODISCARD sato_err_t sato_addrman_write_image(const char *path, const unsigned char *data, size_t len,
                                                   char *msg, size_t msglen);
/* serialize + write_image. */
SATO_NODISCARD sato_err_t sato_addrman_save(const sato_addrman_t *am, const char *path, const unsigned char magic[4],
                                            char *msg, size_t msglen);

/* Loads path into am. A corrupt, truncated or wrong-checksum file is
 * renamed to path.corrupt-<n> (the first n from 1 not in use, 100 at
 * most), a newer-format one to path.bak (as Core), and am starts empty;
 * *result says which and msg says what happened. Returns SATO_OK whenever
 * am is usable, SATO_EIO if the file could not be read or moved aside
 * (am empty; msg says why; the caller should not overwrite the file).
 * With SATO_EIO, *result is CORRUPT or NEWER if the file was read and
 * judged but could not be moved, MISSING if it could not be read. */
SATO_NODISCARD sato_err_t sato_addrman_load(sato_addrman_t *am, const char *path, const unsigned char magic[4],
                                            sato_addrman_load_t *result, char *msg, size_t msglen);

#endif
