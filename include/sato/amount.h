#ifndef SATO_AMOUNT_H
#define SATO_AMOUNT_H

#include <stdint.h>

#define SATO_COIN 100000000LL
/* Not the total supply, but the sanity bound every value and running sum
 * is held to (the fix for the 2010 value overflow). */
#define SATO_MAX_MONEY (21000000LL * SATO_COIN)

static inline int sato_money_range(int64_t v) {
    return v >= 0 && v <= SATO_MAX_MONEY;
}

#endif
