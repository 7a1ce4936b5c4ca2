#ifndef SATO_VALIDATION_H
#define SATO_VALIDATION_H

/* The outcome of a validation step (Bitcoin Core's BlockValidationState and
 * TxValidationState): valid, invalid with a class and Core's reject reason,
 * or an error that says nothing about validity (an ancestor the chain could
 * not supply, a coin that could not be read). The class tells the caller
 * what to do with the block and its peer:
 *  - MUTATED: the bytes do not match what the header commits to. The block
 *    may be fine with other transactions or witnesses: never cache its
 *    hash as invalid (CVE-2012-2459, bcoin #824).
 *  - TIME_FUTURE: may become valid later; not cached as invalid.
 *  - INVALID_HEADER, CONSENSUS: invalid for good; cache it. */

#include <stdarg.h>
#include <stddef.h>

typedef enum {
    SATO_BLOCK_RESULT_UNSET = 0, /* not rejected */
    SATO_BLOCK_CONSENSUS,        /* breaks a consensus rule not covered below */
    SATO_BLOCK_CACHED_INVALID,   /* known invalid; the reason was not kept */
    SATO_BLOCK_INVALID_HEADER,   /* bad PoW, nBits, timestamp or version */
    SATO_BLOCK_MUTATED,          /* data does not match what the PoW commits to */
    SATO_BLOCK_MISSING_PREV,     /* the parent is unknown */
    SATO_BLOCK_INVALID_PREV,     /* the parent is invalid */
    SATO_BLOCK_TIME_FUTURE,      /* timestamp more than 2 hours ahead */
    SATO_BLOCK_HEADER_LOW_WORK   /* header chain with too little work */
} sato_block_result_t;

typedef enum {
    SATO_TX_RESULT_UNSET = 0,
    SATO_TX_CONSENSUS,           /* breaks a consensus rule */
    SATO_TX_INPUTS_NOT_STANDARD, /* policy, on the spent outputs */
    SATO_TX_NOT_STANDARD,        /* policy */
    SATO_TX_MISSING_INPUTS,      /* an input is missing or spent */
    SATO_TX_PREMATURE_SPEND,     /* immature coinbase, or a lock not yet met */
    SATO_TX_WITNESS_MUTATED,
    SATO_TX_WITNESS_STRIPPED,
    SATO_TX_CONFLICT,
    SATO_TX_MEMPOOL_POLICY,
    SATO_TX_NO_MEMPOOL,
    SATO_TX_RECONSIDERABLE,
    SATO_TX_UNKNOWN
} sato_tx_result_t;

typedef enum {
    SATO_VALIDATION_VALID = 0,
    SATO_VALIDATION_INVALID, /* the object breaks a rule */
    SATO_VALIDATION_ERROR    /* the check could not be completed */
} sato_validation_mode_t;

#define SATO_REJECT_REASON_MAX 128
#define SATO_DEBUG_MESSAGE_MAX 192

/* One state type serves blocks and transactions; `result` holds a
 * sato_block_result_t or a sato_tx_result_t accordingly. The strings are
 * stored, not borrowed, as some reasons are formatted ("bad-version(...)",
 * "block-script-verify-flag-failed (...)"); longer ones are truncated. */
typedef struct {
    sato_validation_mode_t mode;
    int result;
    char reason[SATO_REJECT_REASON_MAX];
    char debug[SATO_DEBUG_MESSAGE_MAX];
} sato_validation_state_t;

typedef sato_validation_state_t sato_block_state_t;
typedef sato_validation_state_t sato_tx_state_t;

/* Valid, no reason. */
void sato_validation_state_init(sato_validation_state_t *st);

/* Records an invalid outcome and returns 0, so that a check can end with
 * `return sato_validation_invalid(...)`. debug_fmt may be NULL. A state
 * already in error stays in error (as Core). st may be NULL. */
int sato_validation_invalid(sato_validation_state_t *st, int result, const char *reason,
                            const char *debug_fmt, ...) __attribute__((format(printf, 4, 5)));
int sato_validation_invalidv(sato_validation_state_t *st, int result, const char *reason,
                             const char *debug_fmt, va_list ap);

/* Records that the check could not be completed (nothing is known about
 * validity) and returns 0. st may be NULL. */
int sato_validation_error(sato_validation_state_t *st, const char *reason);

static inline int sato_validation_is_valid(const sato_validation_state_t *st) {
    return st->mode == SATO_VALIDATION_VALID;
}
static inline int sato_validation_is_invalid(const sato_validation_state_t *st) {
    return st->mode == SATO_VALIDATION_INVALID;
}
static inline int sato_validation_is_error(const sato_validation_state_t *st) {
    return st->mode == SATO_VALIDATION_ERROR;
}

/* Whether a block rejected with this state may be remembered as invalid:
 * only a definite verdict about the block itself (not MUTATED, not
 * TIME_FUTURE, not an error). */
int sato_block_state_cacheable(const sato_block_state_t *st);

/* Core's ToString: "Valid", the reason, or "reason, debug". */
void sato_validation_state_string(char *out, size_t out_len, const sato_validation_state_t *st);

#endif
