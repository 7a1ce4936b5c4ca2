#ifndef SATO_COINS_H
#define SATO_COINS_H

#include <stdint.h>

#include "sato/tx.h"

/* An unspent transaction output as the UTXO set keeps it (Bitcoin Core's
 * Coin): the output, the height of the block that created it and whether
 * it came from a coinbase (which must mature before it is spent). The
 * output's script is borrowed from whoever owns the coin. */
typedef struct {
    sato_txout_t out;
    int32_t height;
    int is_coinbase;
} sato_coin_t;

/* Blocks a coinbase output must wait before it is spent. */
#define SATO_COINBASE_MATURITY 100

#endif
