#ifndef SATO_STORE_BLOCKFILE_IMPL_H
#define SATO_STORE_BLOCKFILE_IMPL_H

/* Internals shared by blockfile.c (writing) and blockread.c (reading). */

#include <stddef.h>
#include <stdint.h>

#include "sato/blockfile.h"

/* One series of numbered files (blk or rev) and where it appends. */
typedef struct {
    const char *prefix;     /* "blk" or "rev" */
    const char *site_create, *site_write, *site_torn, *site_appended, *site_fsync;
    uint32_t chunk;         /* preallocation step */
    int fd;                 /* current file, -1 when not open */
    uint32_t file;          /* current file number */
    uint32_t size;          /* end of valid data in the current file */
    uint64_t alloc;         /* the file's length (data + preallocation) */
    int dirty;              /* written since the last fdatasync */
    int prealloc_ok;        /* cleared when the filesystem cannot do it */
} series_t;

struct sato_blockstore {
    char *dir;
    unsigned char magic[4];
    uint32_t max_file_size;
    int ready; /* sato_blockstore_truncate succeeded: appends allowed */
    /* An fdatasync failed. On Linux the kernel may then have dropped the
     * dirty pages and marked them clean, so a retry could "succeed"
     * without the data on disk (PostgreSQL's fsyncgate). Every later
     * append and flush fails until the store is reopened and truncated
     * to what the database recorded. */
    int sync_failed;
    series_t blk, rev;
};

/* dir/<prefix>NNNNN.dat */
void blockfile_path(char *out, size_t n, const char *dir, const char *prefix, uint32_t file);

/* pread exactly len bytes at off; a short read is SATO_ECORRUPT. */
SATO_NODISCARD sato_err_t blockfile_read_at(const char *path, int fd, uint64_t off, unsigned char *out, size_t len);

/* Bitcoin Core's undo checksum: SHA-256d(block hash || undo payload). */
void blockfile_undo_checksum(unsigned char out[32], const unsigned char hash[32],
                             const unsigned char *data, size_t len);

#endif
