/* Block and undo files, the writing side: append, flush, and the start-up
 * truncation (see include/sato/blockfile.h; reading is in blockread.c). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blockfile_impl.h"
#include "error.h"
#include "fsutil.h"
#include "sato/blockfile.h"
#include "sato/fault.h"
#include "sato/mem.h"

static void series_init(series_t *s, const char *prefix, uint32_t chunk, int undo) {
    memset(s, 0, sizeof(*s));
    s->prefix = prefix;
    s->site_create = undo ? "rev.create" : "blk.create";
    s->site_write = undo ? "rev.write" : "blk.write";
    s->site_torn = undo ? "rev.torn" : "blk.torn";
    s->site_appended = undo ? "rev.appended" : "blk.appended";
    s->site_fsync = undo ? "rev.fsync" : "blk.fsync";
    s->chunk = chunk;
    s->fd = -1;
    s->prealloc_ok = 1;
}

/* pwrite all of data at off, honouring FI_ENOSPC_AFTER (a write crossing
 * the limit is cut short, as on a really full disk). */
static sato_err_t write_at(const char *path, int fd, uint64_t off, const unsigned char *data,
                           size_t len) {
    size_t allow = sato_fault_write_allow(len);
    while (allow > 0) {
        ssize_t w = pwrite(fd, data, allow, (off_t)off);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            int e = w < 0 ? errno : ENOSPC;
            return store_fail(store_errno(e), "%s: write: %s", path, strerror(e));
        }
        data += w;
        off += (uint64_t)w;
        len -= (size_t)w;
        allow -= (size_t)w;
    }
    if (len > 0) return store_fail(SATO_ENOSPC, "%s: write: %s", path, strerror(ENOSPC));
    return SATO_OK;
}

/* Opens the series' current file, creating it if needed. `fresh` means it
 * holds no valid data, so whatever an earlier crashed run left under that
 * name is thrown away. */
static sato_err_t series_open(sato_blockstore_t *bs, series_t *s, int fresh) {
    char path[PATH_MAX];
    struct stat st;
    int err_fi, fd;
    blockfile_path(path, sizeof(path), bs->dir, s->prefix, s->file);
    if ((err_fi = sato_fault_point(s->site_create)) != 0) {
        return store_fail(store_errno(err_fi), "%s: create: %s", path, strerror(err_fi));
    }
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | (fresh ? O_TRUNC : 0), 0644);
    if (fd < 0) return store_fail(store_errno(errno), "%s: open: %s", path, strerror(errno));
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        return store_fail(SATO_EIO, "%s: stat: %s", path, strerror(e));
    }
    if ((uint64_t)st.st_size < s->size) {
        close(fd);
        return store_fail(SATO_ECORRUPT, "%s: %lld bytes, but %u are recorded", path,
                          (long long)st.st_size, (unsigned)s->size);
    }
    s->fd = fd;
    s->alloc = (uint64_t)st.st_size;
    s->dirty = 0;
    if (fresh) {
        sato_err_t err = store_sync_dir(bs->dir);
        if (err != SATO_OK) return err;
    }
    return SATO_OK;
}

static sato_err_t series_sync(sato_blockstore_t *bs, series_t *s) {
    char path[PATH_MAX];
    int e;
    if (s->fd < 0 || !s->dirty) return SATO_OK;
    blockfile_path(path, sizeof(path), bs->dir, s->prefix, s->file);
    e = sato_fault_point(s->site_fsync);
    if (e == 0 && fdatasync(s->fd) != 0) e = errno;
    if (e != 0) {
        bs->sync_failed = 1;
        return store_fail(store_errno(e), "%s: fdatasync: %s", path, strerror(e));
    }
    s->dirty = 0;
    return SATO_OK;
}

/* Finishes the current file (drops its unused preallocation, makes it
 * durable) and starts the next one. */
static sato_err_t series_rollover(sato_blockstore_t *bs, series_t *s) {
    sato_err_t err;
    /* Always, not only after preallocation: a failed append may have left
     * bytes past the data that nothing would ever cut off. */
    if (ftruncate(s->fd, (off_t)s->size) != 0) {
        return store_fail(store_errno(errno), "%s%05u.dat: truncate: %s", s->prefix,
                          (unsigned)s->file, strerror(errno));
    }
    s->alloc = s->size;
    s->dirty = 1;
    if ((err = series_sync(bs, s)) != SATO_OK) return err;
    close(s->fd);
    s->fd = -1;
    s->file++;
    s->size = 0;
    s->alloc = 0;
    return series_open(bs, s, 1);
}

/* Reserves disk space ahead of the data in whole chunks, so most appends
 * neither change the file's length nor wait for block allocation. Failure
 * is harmless (the write itself will report a full disk), so it is not an
 * error; a filesystem without support stops further attempts. */
static void series_prealloc(sato_blockstore_t *bs, series_t *s, uint64_t need_end) {
    uint64_t target;
    int rc;
    if (!s->prealloc_ok || need_end <= s->alloc) return;
    target = (need_end + s->chunk - 1) / s->chunk * s->chunk;
    if (target > bs->max_file_size && need_end <= bs->max_file_size) target = bs->max_file_size;
    rc = posix_fallocate(s->fd, (off_t)s->alloc, (off_t)(target - s->alloc));
    if (rc == 0) {
        s->alloc = target;
    } else if (rc == EINVAL || rc == EOPNOTSUPP || rc == ENOSYS) {
        s->prealloc_ok = 0;
    }
}

/* Writes magic + length + payload (+ checksum for undo) at the end of the
 * series and moves the end only once all of it is written. */
static sato_err_t series_append(sato_blockstore_t *bs, series_t *s, sato_filepos_t *pos,
                                const unsigned char *data, size_t len,
                                const unsigned char *checksum) {
    char path[PATH_MAX];
    unsigned char hdr[SATO_BLOCKFILE_HEADER];
    uint64_t need = SATO_BLOCKFILE_HEADER + (uint64_t)len + (checksum ? SATO_BLOCKFILE_CHECKSUM : 0);
    uint64_t off;
    size_t half = len / 2;
    sato_err_t err;
    int e;
    memset(pos, 0, sizeof(*pos));
    store_clear_detail();
    if (!bs->ready) return store_fail(SATO_EINVAL, "block store: append before truncate");
    if (bs->sync_failed) return store_fail(SATO_EIO, "block store: an earlier fdatasync failed");
    if (len > UINT32_MAX || need > UINT32_MAX) {
        return store_fail(SATO_EINVAL, "block store: record of %zu bytes too large", len);
    }
    if (s->fd < 0 && (err = series_open(bs, s, s->size == 0)) != SATO_OK) return err;
    if (s->size > 0 && s->size + need > bs->max_file_size) {
        if ((err = series_rollover(bs, s)) != SATO_OK) return err;
    }
    if (s->size + need > UINT32_MAX) return store_fail(SATO_EINVAL, "block store: file too large");
    off = s->size;
    blockfile_path(path, sizeof(path), bs->dir, s->prefix, s->file);
    series_prealloc(bs, s, off + need);

    if ((e = sato_fault_point(s->site_write)) != 0) {
        return store_fail(store_errno(e), "%s: write: %s", path, strerror(e));
    }
    memcpy(hdr, bs->magic, 4);
    sato_put_le32(hdr + 4, (uint32_t)len);
    s->dirty = 1;
    if ((err = write_at(path, s->fd, off, hdr, sizeof(hdr))) != SATO_OK) return err;
    off += sizeof(hdr);
    if ((err = write_at(path, s->fd, off, data, half)) != SATO_OK) return err;
    sato_fault_point(s->site_torn); /* exit-only site: a torn record */
    if ((err = write_at(path, s->fd, off + half, data + half, len - half)) != SATO_OK) return err;
    if (checksum != NULL &&
        (err = write_at(path, s->fd, off + len, checksum, SATO_BLOCKFILE_CHECKSUM)) != SATO_OK) {
        return err;
    }
    pos->file = s->file;
    pos->offset = (uint32_t)off;
    s->size = (uint32_t)(s->size + need);
    if (s->size > s->alloc) s->alloc = s->size;
    sato_fault_point(s->site_appended); /* exit-only: written, not synced */
    return SATO_OK;
}

sato_err_t sato_blockstore_open(sato_blockstore_t **out, const char *dir,
                                const sato_blockstore_opts_t *opts) {
    sato_blockstore_t *bs;
    sato_err_t err;
    *out = NULL;
    store_clear_detail();
    if ((err = store_mkdir(dir)) != SATO_OK) return err;
    bs = sato_calloc(1, sizeof(*bs));
    bs->dir = sato_strdup(dir);
    memcpy(bs->magic, opts->magic, 4);
    bs->max_file_size = opts->max_file_size ? opts->max_file_size : SATO_BLOCKFILE_MAX_SIZE;
    series_init(&bs->blk, "blk", opts->blk_chunk ? opts->blk_chunk : SATO_BLOCKFILE_BLK_CHUNK, 0);
    series_init(&bs->rev, "rev", opts->rev_chunk ? opts->rev_chunk : SATO_BLOCKFILE_REV_CHUNK, 1);
    *out = bs;
    return SATO_OK;
}

void sato_blockstore_destroy(sato_blockstore_t *bs) {
    if (bs == NULL) return;
    if (bs->blk.fd >= 0) close(bs->blk.fd);
    if (bs->rev.fd >= 0) close(bs->rev.fd);
    free(bs->dir);
    free(bs);
}

/* Parses "<prefix>NNNNN.dat" (five or more digits); 1 on a match. */
static int parse_name(const char *name, const char *prefix, uint32_t *file) {
    size_t pl = strlen(prefix), i = pl;
    uint64_t v = 0;
    if (strncmp(name, prefix, pl) != 0) return 0;
    while (name[i] >= '0' && name[i] <= '9' && v <= UINT32_MAX) {
        v = v * 10 + (uint64_t)(name[i++] - '0');
    }
    if (i - pl < 5 || v > UINT32_MAX || strcmp(name + i, ".dat") != 0) return 0;
    *file = (uint32_t)v;
    return 1;
}

/* Removes every file of the series numbered above `last`. A crash half way
 * is harmless: the next start removes the rest, and a file reused later is
 * created with O_TRUNC anyway. */
static sato_err_t remove_later_files(sato_blockstore_t *bs, const char *prefix, uint32_t last,
                                     int *removed) {
    char path[PATH_MAX];
    struct dirent *de;
    uint32_t n;
    DIR *d = opendir(bs->dir);
    if (d == NULL) return store_fail(store_errno(errno), "%s: opendir: %s", bs->dir, strerror(errno));
    while ((de = readdir(d)) != NULL) {
        if (!parse_name(de->d_name, prefix, &n) || n <= last) continue;
        snprintf(path, sizeof(path), "%s/%s", bs->dir, de->d_name);
        if (unlink(path) != 0 && errno != ENOENT) {
            int e = errno;
            closedir(d);
            return store_fail(store_errno(e), "%s: unlink: %s", path, strerror(e));
        }
        *removed = 1;
    }
    closedir(d);
    return SATO_OK;
}

static sato_err_t series_truncate(sato_blockstore_t *bs, series_t *s, sato_filepos_t end) {
    char path[PATH_MAX];
    int removed = 0;
    sato_err_t err;
    if (s->fd >= 0) close(s->fd);
    s->fd = -1;
    if ((err = remove_later_files(bs, s->prefix, end.file, &removed)) != SATO_OK) return err;
    if (removed && (err = store_sync_dir(bs->dir)) != SATO_OK) return err;
    blockfile_path(path, sizeof(path), bs->dir, s->prefix, end.file);
    s->file = end.file;
    s->size = end.offset;
    if (end.offset > 0 && access(path, F_OK) != 0) {
        return store_fail(SATO_ECORRUPT, "%s: missing, but %u bytes are recorded", path,
                          (unsigned)end.offset);
    }
    if ((err = series_open(bs, s, 0)) != SATO_OK) return err;
    if (s->alloc > s->size) {
        /* Drops both crash garbage and preallocated space; the sync makes
         * sure an old tail cannot reappear after a power loss. */
        if (ftruncate(s->fd, (off_t)s->size) != 0 || fsync(s->fd) != 0) {
            return store_fail(store_errno(errno), "%s: truncate: %s", path, strerror(errno));
        }
        s->alloc = s->size;
    }
    if (end.offset == 0 && (err = store_sync_dir(bs->dir)) != SATO_OK) return err;
    return SATO_OK;
}

sato_err_t sato_blockstore_truncate(sato_blockstore_t *bs, const sato_blockstore_ends_t *ends) {
    sato_err_t err;
    store_clear_detail();
    bs->ready = 0;
    bs->sync_failed = 0;
    if ((err = series_truncate(bs, &bs->blk, ends->blk)) != SATO_OK) return err;
    if ((err = series_truncate(bs, &bs->rev, ends->rev)) != SATO_OK) return err;
    bs->ready = 1;
    return SATO_OK;
}

sato_err_t sato_blockstore_append_block(sato_blockstore_t *bs, sato_filepos_t *pos,
                                        const unsigned char *data, size_t len) {
    return series_append(bs, &bs->blk, pos, data, len, NULL);
}

sato_err_t sato_blockstore_append_undo(sato_blockstore_t *bs, sato_filepos_t *pos,
                                       const unsigned char block_hash[32],
                                       const unsigned char *data, size_t len) {
    unsigned char sum[32];
    blockfile_undo_checksum(sum, block_hash, data, len);
    return series_append(bs, &bs->rev, pos, data, len, sum);
}

sato_err_t sato_blockstore_flush(sato_blockstore_t *bs) {
    sato_err_t err;
    store_clear_detail();
    if (bs->sync_failed) return store_fail(SATO_EIO, "block store: an earlier fdatasync failed");
    if ((err = series_sync(bs, &bs->blk)) != SATO_OK) return err;
    if ((err = series_sync(bs, &bs->rev)) != SATO_OK) return err;
    sato_fault_point("store.flushed"); /* exit-only: durable, not committed */
    return SATO_OK;
}

void sato_blockstore_ends(const sato_blockstore_t *bs, sato_blockstore_ends_t *ends) {
    ends->blk.file = bs->blk.file;
    ends->blk.offset = bs->blk.size;
    ends->rev.file = bs->rev.file;
    ends->rev.offset = bs->rev.size;
}

void sato_blockstore_ends_write(unsigned char out[SATO_BLOCKSTORE_ENDS_SIZE],
                                const sato_blockstore_ends_t *ends) {
    sato_put_le32(out, ends->blk.file);
    sato_put_le32(out + 4, ends->blk.offset);
    sato_put_le32(out + 8, ends->rev.file);
    sato_put_le32(out + 12, ends->rev.offset);
}

void sato_blockstore_ends_read(sato_blockstore_ends_t *ends,
                               const unsigned char in[SATO_BLOCKSTORE_ENDS_SIZE]) {
    ends->blk.file = sato_le32(in);
    ends->blk.offset = sato_le32(in + 4);
    ends->rev.file = sato_le32(in + 8);
    ends->rev.offset = sato_le32(in + 12);
}
