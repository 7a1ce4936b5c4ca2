#ifndef SATO_TX_CHECK_H
#define SATO_TX_CHECK_H

#include "sato/tx.h"

/* Consensus bound on block weight; a transaction's stripped size times 4
 * may not exceed it either. */
#define SATO_MAX_BLOCK_WEIGHT 4000000
#define SATO_WITNESS_SCALE_FACTOR 4

/* Bitcoin Core's CheckTransaction: the rules that need no context, checked
 * in Core's order. Returns 1 if tx passes; otherwise 0, with *reason (if
 * reason is not NULL) set to Core's reject string, a static string:
 * bad-txns-vin-empty, bad-txns-vout-empty, bad-txns-oversize,
 * bad-txns-vout-negative, bad-txns-vout-toolarge,
 * bad-txns-txouttotal-toolarge, bad-txns-inputs-duplicate, bad-cb-length,
 * bad-txns-prevout-null. */
int sato_tx_check(const sato_tx_t *tx, const char **reason);

#endif
