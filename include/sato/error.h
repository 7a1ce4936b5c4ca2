#ifndef SATO_ERROR_H
#define SATO_ERROR_H

/* The error codes every layer shares for what is not a verdict: a storage
 * failure, or a view the caller supplied that could not answer. None of
 * them ever means "the data is invalid" in the consensus sense. Their
 * descriptions (sato_err_str) live with the storage layer, in store.h. */

/* On every function that returns a sato_err_t: an ignored storage error
 * is a lost block waiting to happen. */
#define SATO_NODISCARD __attribute__((warn_unused_result))

typedef enum {
    SATO_OK = 0,
    SATO_ENOTFOUND, /* no such key, or no such block/undo file */
    SATO_EIO,       /* the operating system reported an I/O error */
    SATO_ECORRUPT,  /* data on disk is not what was written (bad magic,
                       length, checksum, LMDB page), or the database points
                       at data that is not on disk */
    SATO_ENOSPC,    /* the disk is full */
    SATO_EFULL,     /* a resource limit: LMDB map or transaction too big,
                       reader table full */
    SATO_EINVAL,    /* the caller broke the API contract (bad key size,
                       append before truncate, ...) */
    SATO_EINTR      /* stopped by a shutdown request before it was done;
                       nothing half-done was recorded */
} sato_err_t;

#endif
