#ifndef SATO_CHAINPARAMS_H
#define SATO_CHAINPARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "sato/address.h"
#include "sato/arith.h"
#include "sato/block.h"

/* A block whose scripts are checked with fewer flags than its height
 * implies (Bitcoin Core's script_flag_exceptions). */
typedef struct {
    const char *hash_hex; /* display order */
    unsigned flags;       /* SATO_SCRIPT_VERIFY_* applied instead */
} sato_flag_exception_t;

/* Everything that makes one Bitcoin network differ from another: consensus
 * constants, the genesis block, the wire magic, ports and address
 * prefixes. Immutable; the five built-in networks are constants, and a
 * custom signet is made with sato_chainparams_custom_signet. */
typedef struct {
    const char *name;   /* Core's -chain name: main, test, testnet4, signet, regtest */
    const char *subdir; /* data subdirectory ("" for main) */
    unsigned char magic[4];
    uint16_t default_port;
    uint16_t rpc_port;

    int32_t subsidy_halving_interval;
    int32_t bip34_height;
    const char *bip34_hash_hex; /* NULL when not pinned */
    int32_t bip65_height;
    int32_t bip66_height;
    int32_t csv_height;
    int32_t segwit_height;
    const char *pow_limit_hex;
    int64_t pow_target_timespan; /* seconds */
    int64_t pow_target_spacing;  /* seconds */
    int pow_allow_min_difficulty_blocks;
    int pow_no_retargeting;
    int enforce_bip94;
    const char *minimum_chain_work_hex;
    const char *default_assume_valid_hex;
    const sato_flag_exception_t *flag_exceptions;
    size_t nflag_exceptions;

    int signet_blocks;
    unsigned char signet_challenge[128];
    size_t signet_challenge_len;

    /* The genesis block as CreateGenesisBlock builds it. */
    const char *genesis_message;
    const char *genesis_pubkey_hex; /* pushed, then OP_CHECKSIG */
    uint32_t genesis_time;
    uint32_t genesis_nonce;
    uint32_t genesis_bits;
    int32_t genesis_version;
    const char *genesis_hash_hex;

    const sato_chain_addr_t *addr;
} sato_chainparams_t;

extern const sato_chainparams_t sato_chainparams_main;
extern const sato_chainparams_t sato_chainparams_testnet;
extern const sato_chainparams_t sato_chainparams_testnet4;
extern const sato_chainparams_t sato_chainparams_signet;
extern const sato_chainparams_t sato_chainparams_regtest;

/* By -chain name; NULL for an unknown one. */
const sato_chainparams_t *sato_chainparams_by_name(const char *name);

/* A signet with its own challenge script (-signetchallenge): the default
 * signet's parameters with the challenge, a magic derived from it (the
 * first four bytes of HASH256 of the serialized challenge, as BIP325 and
 * Core) and no minimum chain work. Returns 0 if the challenge is empty or
 * longer than the struct holds. */
int sato_chainparams_custom_signet(sato_chainparams_t *out, const unsigned char *challenge, size_t len);

/* Builds the genesis block; the caller clears it. */
void sato_chainparams_genesis(sato_block_t *out, const sato_chainparams_t *p);
/* The genesis hash in internal byte order. */
void sato_chainparams_genesis_hash(unsigned char out32[32], const sato_chainparams_t *p);
void sato_chainparams_pow_limit(sato_u256_t *out, const sato_chainparams_t *p);

/* The block subsidy at a height: 50 BTC halved every interval, zero once
 * shifted 64 or more times. */
int64_t sato_block_subsidy(int32_t height, const sato_chainparams_t *p);

#endif
