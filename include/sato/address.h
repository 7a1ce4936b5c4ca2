#ifndef SATO_ADDRESS_H
#define SATO_ADDRESS_H

#include <stddef.h>

#include "sato/bech32.h"

/* Addresses and WIF private keys as Bitcoin Core's key_io reads and writes
 * them. Everything here is pure: the chain's prefixes come in as an
 * argument. */

/* What a chain's addresses and keys look like (Core's Base58Prefix and
 * Bech32HRP in kernel/chainparams.cpp). */
typedef struct {
    const char *name;            /* Core's chain name: main, test, testnet4, signet, regtest */
    unsigned char pubkey_prefix; /* Base58 version byte of P2PKH addresses */
    unsigned char script_prefix; /* Base58 version byte of P2SH addresses */
    unsigned char secret_prefix; /* Base58 version byte of WIF private keys */
    const char *bech32_hrp;      /* lower case HRP of segwit addresses */
} sato_chain_addr_t;

extern const sato_chain_addr_t sato_chain_addr_main;
/* testnet3 ("test") and testnet4 differ only in name. */
extern const sato_chain_addr_t sato_chain_addr_testnet;
extern const sato_chain_addr_t sato_chain_addr_testnet4;
extern const sato_chain_addr_t sato_chain_addr_signet;
extern const sato_chain_addr_t sato_chain_addr_regtest;

/* By Core's chain name ("main", "test", "testnet4", "signet", "regtest");
 * NULL for any other. */
const sato_chain_addr_t *sato_chain_addr_by_name(const char *name);

/* Longest address string (a segwit address) and its NUL. */
#define SATO_ADDRESS_MAX_LEN (SATO_BECH32_MAX_LEN + 1)
/* Longest scriptPubKey an address stands for: OP_n, a push of 40 bytes. */
#define SATO_ADDRESS_SCRIPT_MAX (2 + SATO_SEGWIT_PROGRAM_MAX)
/* Longest WIF string (34 bytes with checksum: 52 characters) and its NUL. */
#define SATO_WIF_MAX_LEN 53

/* Parses an address of this chain into the scriptPubKey it pays: P2PKH and
 * P2SH from Base58Check, segwit version 0..16 from Bech32/Bech32m. As in
 * Core, a string starting with the chain's HRP (in either case) is only
 * tried as Bech32. Returns 0 for anything Core's DecodeDestination would
 * not accept. */
int sato_address_decode(unsigned char script[SATO_ADDRESS_SCRIPT_MAX], size_t *scriptlen,
                        const sato_chain_addr_t *chain, const char *str, size_t len);

/* The address of a scriptPubKey, for the templates that have one: P2PKH,
 * P2SH, witness v0 key/script hash, and witness versions 1..16 with 2..40
 * byte programs. Returns 0 for every other script (P2PK, multisig, v0
 * programs of other sizes, nonstandard ones). */
int sato_address_encode(char out[SATO_ADDRESS_MAX_LEN], const sato_chain_addr_t *chain,
                        const unsigned char *script, size_t scriptlen);

/* WIF: the chain's secret prefix, the 32-byte secret, and 0x01 when the key's
 * public key is to be compressed. The secret must be a valid secp256k1
 * private key (1..n-1) both ways. */
int sato_wif_encode(char out[SATO_WIF_MAX_LEN], const sato_chain_addr_t *chain,
                    const unsigned char secret[32], int compressed);
int sato_wif_decode(unsigned char secret[32], int *compressed,
                    const sato_chain_addr_t *chain, const char *str, size_t len);

/* Why str is not an address of this chain, in Bitcoin Core's words
 * (validateaddress's "error"), and the character positions at fault where
 * Core reports them (up to *nloc entries; *nloc receives the count),
 * including up to two substituted characters behind a bad Bech32/Bech32m
 * checksum (sato_bech32_locate_errors).
 * Returns 0 if str is in fact a valid address. */
int sato_address_error(char *err, size_t errlen, int *loc, size_t *nloc,
                       const sato_chain_addr_t *chain, const char *str, size_t len);

#endif
