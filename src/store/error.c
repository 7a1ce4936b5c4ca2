/* Error names and the per-thread detail message. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "error.h"

/* Per thread, so a reader thread's failure cannot overwrite the message the
 * writer is about to log before stopping the node. */
static _Thread_local char detail[512];

const char *sato_err_str(sato_err_t err) {
    switch (err) {
    case SATO_OK: return "success";
    case SATO_ENOTFOUND: return "not found";
    case SATO_EIO: return "I/O error";
    case SATO_ECORRUPT: return "corrupt data on disk";
    case SATO_ENOSPC: return "disk full";
    case SATO_EFULL: return "storage limit reached";
    case SATO_EINVAL: return "invalid argument";
    case SATO_EINTR: return "interrupted";
    }
    return "unknown error";
}

const char *sato_err_detail(void) {
    return detail;
}

void store_clear_detail(void) {
    detail[0] = '\0';
}

sato_err_t store_fail(sato_err_t err, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    return err;
}

sato_err_t store_errno(int e) {
    if (e == ENOSPC) return SATO_ENOSPC;
#ifdef EDQUOT
    if (e == EDQUOT) return SATO_ENOSPC;
#endif
    return SATO_EIO;
}
