#ifndef SATO_POLICY_H
#define SATO_POLICY_H

/* Relay policy (Bitcoin Core 31's policy/policy.cpp and
 * policy/ephemeral_policy.cpp): what this node accepts into its mempool
 * beyond the consensus rules. Pure functions: the settings, the
 * transaction and the coins it spends are arguments. Reject reasons are
 * Core's strings. */

#include <stddef.h>
#include <stdint.h>

#include "sato/coins.h"
#include "sato/script.h"
#include "sato/tx.h"
#include "sato/tx_verify.h"
#include "sato/validation.h"

#define SATO_POLICY_MAX_STANDARD_TX_WEIGHT 400000
/* CVE-2017-12842: no 64-byte transactions (a merkle node in disguise). */
#define SATO_POLICY_MIN_STANDARD_TX_NONWITNESS_SIZE 65
#define SATO_POLICY_MAX_P2SH_SIGOPS 15
#define SATO_POLICY_MAX_STANDARD_TX_SIGOPS_COST (SATO_MAX_BLOCK_SIGOPS_COST / 5)
/* BIP54: legacy sigops a transaction may execute. */
#define SATO_POLICY_MAX_TX_LEGACY_SIGOPS 2500
#define SATO_POLICY_BYTES_PER_SIGOP 20
#define SATO_POLICY_MAX_STANDARD_P2WSH_STACK_ITEMS 100
#define SATO_POLICY_MAX_STANDARD_P2WSH_STACK_ITEM_SIZE 80
#define SATO_POLICY_MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE 80
#define SATO_POLICY_MAX_STANDARD_P2WSH_SCRIPT_SIZE 3600
#define SATO_POLICY_MAX_STANDARD_SCRIPTSIG_SIZE 1650
/* Fee rates in satoshis per 1,000 virtual bytes. */
#define SATO_POLICY_DUST_RELAY_FEE 3000
#define SATO_POLICY_MIN_RELAY_FEE 100
#define SATO_POLICY_INCREMENTAL_RELAY_FEE 100
/* -datacarriersize's default: OP_RETURN scripts of a transaction may
 * total a standard transaction's worth of vbytes. */
#define SATO_POLICY_MAX_DATACARRIER_BYTES (SATO_POLICY_MAX_STANDARD_TX_WEIGHT / 4)
#define SATO_POLICY_MAX_DUST_OUTPUTS_PER_TX 1
/* Cluster limits (Core 31's -limitclustercount, -limitclustersize). */
#define SATO_POLICY_CLUSTER_COUNT 64
#define SATO_POLICY_CLUSTER_VBYTES 101000
#define SATO_POLICY_TX_MIN_STANDARD_VERSION 1
#define SATO_POLICY_TX_MAX_STANDARD_VERSION 3 /* 3: TRUC (BIP431) */

/* Script flags every block enforces today; failures of these alone are
 * "block-script-verify-flag-failed". */
#define SATO_POLICY_MANDATORY_SCRIPT_FLAGS                                                           \
    (SATO_SCRIPT_VERIFY_P2SH | SATO_SCRIPT_VERIFY_DERSIG | SATO_SCRIPT_VERIFY_NULLDUMMY |           \
     SATO_SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY | SATO_SCRIPT_VERIFY_CHECKSEQUENCEVERIFY |             \
     SATO_SCRIPT_VERIFY_WITNESS | SATO_SCRIPT_VERIFY_TAPROOT)
#define SATO_POLICY_STANDARD_SCRIPT_FLAGS                                                            \
    (SATO_POLICY_MANDATORY_SCRIPT_FLAGS | SATO_SCRIPT_VERIFY_STRICTENC | SATO_SCRIPT_VERIFY_MINIMALDATA | \
     SATO_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS | SATO_SCRIPT_VERIFY_CLEANSTACK |                \
     SATO_SCRIPT_VERIFY_MINIMALIF | SATO_SCRIPT_VERIFY_NULLFAIL | SATO_SCRIPT_VERIFY_LOW_S |         \
     SATO_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM | SATO_SCRIPT_VERIFY_WITNESS_PUBKEYTYPE | \
     SATO_SCRIPT_VERIFY_CONST_SCRIPTCODE | SATO_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION | \
     SATO_SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS | SATO_SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE)

/* The settings IsStandardTx reads (Core's mempool options). */
typedef struct {
    int64_t max_datacarrier_bytes; /* < 0: -datacarrier=0, no OP_RETURN output */
    int permit_bare_multisig;
    int64_t dust_relay_fee; /* sat/kvB */
    int64_t min_relay_fee;  /* sat/kvB */
} sato_policy_t;

/* Core's defaults. */
void sato_policy_init(sato_policy_t *p);

/* Core's CFeeRate(rate).GetFee(vsize): rate * vsize / 1000, rounded up. */
int64_t sato_policy_fee(int64_t rate_per_kvb, int64_t vsize);
/* The fee rate in sat/kvB of fee over vsize (Core's CFeeRate(fee, size)
 * as GetFeePerK reports it, rounded down). */
int64_t sato_policy_feerate(int64_t fee, int64_t vsize);

/* Core's GetVirtualTransactionSize: the weight, or sigop_cost times
 * bytes_per_sigop if larger, divided by 4 rounding up. */
int64_t sato_policy_vsize(int64_t weight, int64_t sigop_cost, unsigned bytes_per_sigop);

/* Core's GetDustThreshold: the cost at dust_fee of an output plus the
 * input that would spend it (148 bytes, or 67 for a witness program);
 * 0 for an unspendable output. */
int64_t sato_policy_dust_threshold(const sato_txout_t *out, int64_t dust_fee);
int sato_policy_is_dust(const sato_txout_t *out, int64_t dust_fee);
/* How many outputs of tx are dust. */
size_t sato_policy_dust_count(const sato_tx_t *tx, int64_t dust_fee);

/* Core's IsStandard for one output script: a known type, multisig at
 * most 3 keys. *type receives the type. */
int sato_policy_is_standard_script(const unsigned char *spk, size_t len, sato_txout_type_t *type);

/* Core's IsStandardTx: 1, or 0 with *reason one of "version", "tx-size",
 * "scriptsig-size", "scriptsig-not-pushonly", "scriptpubkey",
 * "datacarrier", "bare-multisig", "dust" (more than one dust output). */
int sato_policy_is_standard_tx(const sato_policy_t *p, const sato_tx_t *tx, const char **reason);

/* Core's ValidateInputsStandardness: st gets TX_INPUTS_NOT_STANDARD
 * "bad-txns-nonstandard-inputs" with Core's debug message. coins[i] is
 * the coin input i spends (all present). */
int sato_policy_inputs_standard(sato_tx_state_t *st, const sato_tx_t *tx, const sato_coin_t *const *coins);

/* Core's IsWitnessStandard. */
int sato_policy_witness_standard(const sato_tx_t *tx, const sato_coin_t *const *coins);

/* Core's SpendsNonAnchorWitnessProg (a failure that may be a stripped
 * witness). */
int sato_policy_spends_witness_program(const sato_tx_t *tx, const sato_coin_t *const *coins);

#endif
