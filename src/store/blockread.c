/* Block and undo files, the reading side: one record at a position, and
 * the scan of all block records for -reindex (see include/sato/blockfile.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blockfile_impl.h"
#include "error.h"
#include "sato/sha256.h"

void blockfile_path(char *out, size_t n, const char *dir, const char *prefix, uint32_t file) {
    snprintf(out, n, "%s/%s%05u.dat", dir, prefix, (unsigned)file);
}

/* pread exactly len bytes at off; a short read means the file changed
 * under us or lied about its size, which is corruption. */
sato_err_t blockfile_read_at(const char *path, int fd, uint64_t off, unsigned char *out, size_t len) {
    while (len > 0) {
        ssize_t r = pread(fd, out, len, (off_t)off);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) return store_fail(SATO_EIO, "%s: read: %s", path, strerror(errno));
        if (r == 0) return store_fail(SATO_ECORRUPT, "%s: unexpected end of file", path);
        out += r;
        off += (uint64_t)r;
        len -= (size_t)r;
    }
    return SATO_OK;
}

void blockfile_undo_checksum(unsigned char out[32], const unsigned char hash[32],
                             const unsigned char *data, size_t len) {
    sato_sha256_t ctx;
    unsigned char once[32];
    sato_sha256_init(&ctx);
    sato_sha256_write(&ctx, hash, 32);
    sato_sha256_write(&ctx, data, len);
    sato_sha256_finalize(&ctx, once);
    sato_sha256(out, once, sizeof(once));
}

/* Reads one record; see sato_blockstore_read_block. */
static sato_err_t read_record(const sato_blockstore_t *bs, const char *prefix, sato_buf_t *out,
                              sato_filepos_t pos, const unsigned char *block_hash) {
    char path[PATH_MAX];
    unsigned char hdr[SATO_BLOCKFILE_HEADER], want[32], got[32];
    uint64_t tail = block_hash ? SATO_BLOCKFILE_CHECKSUM : 0;
    struct stat st;
    uint32_t len;
    sato_err_t err;
    int fd;
    out->len = 0;
    store_clear_detail();
    blockfile_path(path, sizeof(path), bs->dir, prefix, pos.file);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return store_fail(SATO_ENOTFOUND, "%s: no such file", path);
        return store_fail(store_errno(errno), "%s: open: %s", path, strerror(errno));
    }
    if (fstat(fd, &st) != 0) {
        err = store_fail(SATO_EIO, "%s: stat: %s", path, strerror(errno));
        goto out;
    }
    if (pos.offset < SATO_BLOCKFILE_HEADER || (uint64_t)pos.offset > (uint64_t)st.st_size) {
        err = store_fail(SATO_ECORRUPT, "%s: offset %u outside the file", path, (unsigned)pos.offset);
        goto out;
    }
    err = blockfile_read_at(path, fd, pos.offset - SATO_BLOCKFILE_HEADER, hdr, sizeof(hdr));
    if (err != SATO_OK) goto out;
    if (memcmp(hdr, bs->magic, 4) != 0) {
        err = store_fail(SATO_ECORRUPT, "%s: bad magic at offset %u", path, (unsigned)pos.offset);
        goto out;
    }
    /* The length is checked against the file before anything is
     * allocated: a flipped bit must not turn into a 4 GB malloc. */
    len = sato_le32(hdr + 4);
    if ((uint64_t)pos.offset + len + tail > (uint64_t)st.st_size) {
        err = store_fail(SATO_ECORRUPT, "%s: record length %u at offset %u runs past the end",
                         path, (unsigned)len, (unsigned)pos.offset);
        goto out;
    }
    sato_buf_reserve(out, len);
    if ((err = blockfile_read_at(path, fd, pos.offset, out->data, len)) != SATO_OK) goto out;
    if (block_hash != NULL) {
        err = blockfile_read_at(path, fd, (uint64_t)pos.offset + len, got, sizeof(got));
        if (err != SATO_OK) goto out;
        blockfile_undo_checksum(want, block_hash, out->data, len);
        if (memcmp(want, got, sizeof(got)) != 0) {
            err = store_fail(SATO_ECORRUPT, "%s: undo checksum mismatch at offset %u", path,
                             (unsigned)pos.offset);
            goto out;
        }
    }
    out->len = len;
out:
    close(fd);
    return err;
}

sato_err_t sato_blockstore_read_block(const sato_blockstore_t *bs, sato_buf_t *out,
                                      sato_filepos_t pos) {
    return read_record(bs, "blk", out, pos, NULL);
}

sato_err_t sato_blockstore_read_undo(const sato_blockstore_t *bs, sato_buf_t *out,
                                     const unsigned char block_hash[32], sato_filepos_t pos) {
    return read_record(bs, "rev", out, pos, block_hash);
}

/* Offset of the next occurrence of magic at or after `from`, or -1. Reads
 * in windows that overlap by three bytes so a magic split between two
 * windows is still found. */
static sato_err_t find_magic(const char *path, int fd, const unsigned char magic[4],
                             uint64_t from, uint64_t size, int64_t *found) {
    unsigned char win[65536];
    *found = -1;
    while (from + 4 <= size) {
        size_t n = size - from < sizeof(win) ? (size_t)(size - from) : sizeof(win), i;
        sato_err_t err = blockfile_read_at(path, fd, from, win, n);
        if (err != SATO_OK) return err;
        for (i = 0; i + 4 <= n; i++) {
            if (memcmp(win + i, magic, 4) == 0) {
                *found = (int64_t)(from + i);
                return SATO_OK;
            }
        }
        if (n < sizeof(win)) break;
        from += n - 3;
    }
    return SATO_OK;
}

static sato_err_t scan_file(const sato_blockstore_t *bs, uint32_t file, int fd, uint64_t size,
                            uint64_t off, sato_blockstore_scan_cb cb, void *arg,
                            sato_filepos_t *end, int *stop) {
    char path[PATH_MAX];
    unsigned char hdr[SATO_BLOCKFILE_HEADER];
    sato_buf_t payload;
    int64_t next;
    sato_err_t err = SATO_OK;
    sato_buf_init(&payload);
    blockfile_path(path, sizeof(path), bs->dir, "blk", file);
    while (off + SATO_BLOCKFILE_HEADER <= size) {
        uint32_t len;
        if ((err = blockfile_read_at(path, fd, off, hdr, sizeof(hdr))) != SATO_OK) goto out;
        len = sato_le32(hdr + 4);
        if (memcmp(hdr, bs->magic, 4) == 0 && off + SATO_BLOCKFILE_HEADER + len <= size) {
            sato_filepos_t pos;
            int rc;
            payload.len = 0;
            sato_buf_reserve(&payload, len);
            err = blockfile_read_at(path, fd, off + SATO_BLOCKFILE_HEADER, payload.data, len);
            if (err != SATO_OK) goto out;
            pos.file = file;
            pos.offset = (uint32_t)(off + SATO_BLOCKFILE_HEADER);
            rc = cb(arg, pos, payload.data, len);
            if (rc >= 0) {
                end->file = file;
                end->offset = pos.offset + len;
                off = end->offset;
                if (rc > 0) {
                    *stop = 1;
                    goto out;
                }
                continue;
            }
        }
        /* Not a record (or the callback rejected it): look for the next
         * magic after this position. */
        if ((err = find_magic(path, fd, bs->magic, off + 1, size, &next)) != SATO_OK) goto out;
        if (next < 0) break;
        off = (uint64_t)next;
    }
out:
    sato_buf_clear(&payload);
    return err;
}

sato_err_t sato_blockstore_scan(const sato_blockstore_t *bs, sato_blockstore_scan_cb cb,
                                void *arg, sato_filepos_t *end) {
    sato_filepos_t start = {0, 0};
    return sato_blockstore_scan_from(bs, start, cb, arg, end);
}

sato_err_t sato_blockstore_scan_from(const sato_blockstore_t *bs, sato_filepos_t start,
                                     sato_blockstore_scan_cb cb, void *arg, sato_filepos_t *end) {
    char path[PATH_MAX];
    uint32_t file;
    int stop = 0;
    sato_err_t err = SATO_OK;
    *end = start;
    store_clear_detail();
    for (file = start.file; !stop && file < UINT32_MAX; file++) {
        struct stat st;
        uint64_t from = file == start.file ? start.offset : 0;
        int fd;
        blockfile_path(path, sizeof(path), bs->dir, "blk", file);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            if (errno == ENOENT) break;
            return store_fail(store_errno(errno), "%s: open: %s", path, strerror(errno));
        }
        if (fstat(fd, &st) != 0) {
            err = store_fail(SATO_EIO, "%s: stat: %s", path, strerror(errno));
        } else if ((uint64_t)st.st_size < from) {
            err = store_fail(SATO_ECORRUPT, "%s: %lld bytes, but %u are recorded", path,
                             (long long)st.st_size, (unsigned)from);
        } else {
            err = scan_file(bs, file, fd, (uint64_t)st.st_size, from, cb, arg, end, &stop);
        }
        close(fd);
        if (err != SATO_OK) break;
    }
    return err;
}

static uint64_t file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

uint64_t sato_blockstore_disk_size(const sato_blockstore_t *bs) {
    char path[PATH_MAX];
    DIR *d = opendir(bs->dir);
    struct dirent *de;
    uint64_t total = 0;
    if (d == NULL) return 0;
    while ((de = readdir(d)) != NULL) {
        const series_t *s = strncmp(de->d_name, "blk", 3) == 0   ? &bs->blk
                            : strncmp(de->d_name, "rev", 3) == 0 ? &bs->rev
                                                                 : NULL;
        unsigned num;
        if (s == NULL || sscanf(de->d_name + 3, "%u.dat", &num) != 1) continue;
        if (num == s->file) {
            total += s->size;
            continue;
        }
        snprintf(path, sizeof(path), "%s/%s", bs->dir, de->d_name);
        total += file_size(path);
    }
    closedir(d);
    return total;
}
