#ifndef SATO_COINSCACHE_H
#define SATO_COINSCACHE_H

/* The UTXO set as the chain layer sees it: a stack of in-memory caches
 * (Bitcoin Core's CCoinsViewCache) over one LMDB table.
 *
 * The bottom cache reads missing coins from the database; a child cache
 * reads them from its parent. Changes are marked DIRTY; a coin created in
 * a cache whose parent cannot have it is also FRESH, so that spending it
 * again before a flush just forgets it and it never touches the disk.
 * A block is connected in a child cache and merged into its parent only
 * if it is valid, so a failed connect leaves the parent untouched.
 *
 * Database format (table of the caller's choosing): key = txid (32 bytes,
 * internal order) || vout (4 bytes, big endian), so that key order is
 * Core's coin order; value = height*2+coinbase (u32 LE) || value (i64 LE)
 * || scriptPubKey. */

#include <stddef.h>
#include <stdint.h>

#include "sato/coins.h"
#include "sato/db.h"
#include "sato/store.h"

typedef struct sato_coins sato_coins_t;

#define SATO_COIN_KEY_SIZE 36

/* A cache over the database table `table` of db (parent NULL), or over
 * parent (db NULL). */
sato_coins_t *sato_coins_create(sato_db_t *db, unsigned table, sato_coins_t *parent);
/* Frees the cache and its unflushed changes. NULL: no-op. */
void sato_coins_destroy(sato_coins_t *c);

/* Looks the coin up, fetching it from below if needed. SATO_OK with *out
 * filled (its script borrowed from the cache: valid until the next change
 * to this cache), SATO_ENOTFOUND if it is missing or spent (*out zeroed),
 * or a storage error (which says nothing about the coin). */
SATO_NODISCARD sato_err_t sato_coins_get(sato_coins_t *c, const sato_outpoint_t *op, sato_coin_t *out);

/* Adds an unspent output (the script is copied). possible_overwrite is
 * set for coinbase outputs, which BIP30's exempt blocks may repeat; an
 * overwrite otherwise is a caller bug and aborts. */
void sato_coins_add(sato_coins_t *c, const sato_outpoint_t *op, const sato_coin_t *coin,
                    int possible_overwrite);

/* Spends a coin. If moved is not NULL it receives the coin, whose script
 * (a sato_malloc block, possibly NULL when empty) the caller now owns and
 * frees. SATO_ENOTFOUND if missing or spent. */
SATO_NODISCARD sato_err_t sato_coins_spend(sato_coins_t *c, const sato_outpoint_t *op, sato_coin_t *moved);

/* Pushes every change of child into its parent (Core's BatchWrite) and
 * empties child. */
void sato_coins_merge(sato_coins_t *child);

/* Discards every entry of c (changes included). */
void sato_coins_reset(sato_coins_t *c);

/* Writes every change of a bottom cache into txn (puts and deletes). */
SATO_NODISCARD sato_err_t sato_coins_write(sato_coins_t *c, sato_db_txn_t *txn);
/* After the transaction of sato_coins_write committed: the changes are
 * now on disk; drop every entry if erase, else only spent ones and the
 * flags. */
void sato_coins_written(sato_coins_t *c, int erase);

/* Entries and estimated heap bytes held by this cache. */
size_t sato_coins_count(const sato_coins_t *c);
size_t sato_coins_memory(const sato_coins_t *c);

/* Database encoding of a coin (used by the UTXO set hash as well). */
void sato_coin_key(unsigned char key[SATO_COIN_KEY_SIZE], const sato_outpoint_t *op);
void sato_coin_key_read(sato_outpoint_t *op, const unsigned char key[SATO_COIN_KEY_SIZE]);
/* Parses a value; the script is borrowed from val. 0 if malformed. */
int sato_coin_value_read(sato_coin_t *coin, const unsigned char *val, size_t len);

#endif
