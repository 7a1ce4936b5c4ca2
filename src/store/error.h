#ifndef SATO_STORE_ERROR_H
#define SATO_STORE_ERROR_H

/* Internal helpers of src/store for reporting errors with details. */

#include "sato/store.h"

/* Records a detail message for sato_err_detail() and returns err, so a
 * failure path reads `return store_fail(SATO_EIO, "%s: write: %s", ...)`. */
SATO_NODISCARD sato_err_t store_fail(sato_err_t err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Maps an errno value from a failed system call to an error: ENOSPC and
 * EDQUOT are a full disk, everything else is an I/O error. */
SATO_NODISCARD sato_err_t store_errno(int e);

/* Clears the detail message (called at the start of public operations
 * that may fail, so a stale message is never shown). */
void store_clear_detail(void);

#endif
