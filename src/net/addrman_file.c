/* peers.dat: the address manager's file image and its safe replacement
 * on disk (format in addrman.h). Everything read here is treated as
 * hostile: sizes are checked before use, the checksum before the
 * contents, and a file that does not add up is moved aside, never
 * trusted in part. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "net/addrman_impl.h"
#include "sato/fault.h"
#include "sato/mem.h"
#include "sato/sha256.h"

static const unsigned char FILE_MAGIC[8] = {'s', 'a', 't', 'o', 'a', 'd', 'd', 'r'};
#define PREFIX_LEN 14                     /* network magic, file magic, two version bytes */
#define HEADER_LEN (PREFIX_LEN + 32 + 12) /* then key and three counts */
/* The largest image the tables can produce is under 10 MB (81,920
 * entries of at most 115 bytes); anything larger is not ours. */
#define FILE_MAX ((size_t)16 << 20)
#define CORRUPT_NAMES_MAX 100

static void say(char *msg, size_t msglen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(char *msg, size_t msglen, const char *fmt, ...) {
    va_list ap;
    if (msg == NULL || msglen == 0) return;
    va_start(ap, fmt);
    vsnprintf(msg, msglen, fmt, ap);
    va_end(ap);
}

/* ---- the image ------------------------------------------------------ */

static void write_entry(sato_buf_t *out, const am_entry_t *e) {
    sato_netaddr_write_v2(out, &e->addr);
    sato_buf_write_u64(out, e->services);
    sato_buf_write_u64(out, (uint64_t)e->time);
    sato_buf_write_u8(out, e->source.net);
    sato_buf_write_varbytes(out, e->source.addr, e->source.len);
    sato_buf_write_u64(out, (uint64_t)e->last_success);
    sato_buf_write_u32(out, (uint32_t)e->attempts);
}

void sato_addrman_serialize(const sato_addrman_t *am, sato_buf_t *out, const unsigned char magic[4]) {
    size_t start = out->len, n = am->pool_len ? am->pool_len : 1;
    uint16_t *refs = sato_malloc(n * SATO_ADDRMAN_NEW_BUCKETS_PER_ADDRESS * sizeof(*refs));
    uint8_t *nrefs = sato_calloc(n, 1);
    unsigned char sum[32];
    uint32_t i;
    int b, p, k;

    for (b = 0; b < SATO_ADDRMAN_NEW_BUCKETS; b++) {
        for (p = 0; p < SATO_ADDRMAN_BUCKET_SIZE; p++) {
            uint32_t id = am->new_table[b][p];
            if (id != AM_NONE && nrefs[id] < SATO_ADDRMAN_NEW_BUCKETS_PER_ADDRESS)
                refs[(size_t)id * SATO_ADDRMAN_NEW_BUCKETS_PER_ADDRESS + nrefs[id]++] = (uint16_t)b;
        }
    }
    sato_buf_write(out, magic, 4);
    sato_buf_write(out, FILE_MAGIC, sizeof(FILE_MAGIC));
    sato_buf_write_u8(out, SATO_ADDRMAN_FILE_VERSION);
    sato_buf_write_u8(out, 1); /* lowest version that can read this */
    sato_buf_write(out, am->key, 32);
    sato_buf_write_u32(out, am->n_new);
    sato_buf_write_u32(out, am->n_tried);
    sato_buf_write_u32(out, SATO_ADDRMAN_NEW_BUCKETS);
    for (i = 0; i < am->pool_len; i++) {
        const am_entry_t *e = &am->pool[i];
        if (e->serial == 0 || e->in_tried) continue;
        write_entry(out, e);
        sato_buf_write_u8(out, nrefs[i]);
        for (k = 0; k < nrefs[i]; k++)
            sato_buf_write_u16(out, refs[(size_t)i * SATO_ADDRMAN_NEW_BUCKETS_PER_ADDRESS + (size_t)k]);
    }
    for (i = 0; i < am->pool_len; i++) {
        const am_entry_t *e = &am->pool[i];
        if (e->serial != 0 && e->in_tried) write_entry(out, e);
    }
    sato_sha256d(sum, out->data + start, out->len - start);
    sato_buf_write(out, sum, 32);
    free(refs);
    free(nrefs);
}

/* One entry; 0 if malformed. *usable is 0 for an address this version
 * does not keep (an unknown network, an invalid address): Core drops
 * those on load too. */
static int read_entry(sato_reader_t *r, am_addr_t *a, sato_netaddr_t *source, int64_t *last_success,
                      int32_t *attempts, int *usable) {
    uint64_t services, time, success, srclen;
    uint32_t att;
    uint8_t srcnet;
    const unsigned char *srcbytes;
    int rc = sato_netaddr_read_v2(r, &a->addr);
    if (rc == 0) return 0;
    if (!sato_read_u64(r, &services) || !sato_read_u64(r, &time) || !sato_read_u8(r, &srcnet) ||
        !sato_read_compactsize(r, &srclen) || srclen > SATO_NETADDR_MAX ||
        !sato_read_span(r, &srcbytes, (size_t)srclen) || !sato_read_u64(r, &success) || !sato_read_u32(r, &att))
        return 0;
    if (time > ((uint64_t)1 << 40) || success > ((uint64_t)1 << 40) || att > INT32_MAX) return 0;
    a->services = services;
    a->time = (int64_t)time;
    memset(source, 0, sizeof(*source));
    source->net = srcnet;
    source->len = (uint8_t)srclen;
    memcpy(source->addr, srcbytes, (size_t)srclen);
    *last_success = (int64_t)success;
    *attempts = (int32_t)att;
    *usable = rc == 1 && sato_netaddr_is_valid(&a->addr);
    if (*usable) {
        sato_netaddr_t norm;
        *usable = am_normalize(&norm, &a->addr);
        a->addr = norm;
    }
    return 1;
}

#define FAIL(...)                       \
    do {                                \
        say(msg, msglen, __VA_ARGS__); \
        goto corrupt;                   \
    } while (0)

sato_addrman_load_t sato_addrman_deserialize(sato_addrman_t *am, const unsigned char *data, size_t len,
                                             const unsigned char magic[4], char *msg, size_t msglen) {
    unsigned char own_key[32], sum[32];
    sato_reader_t r;
    uint32_t n_new, n_tried, n_buckets, i, lost = 0;
    int check;

    memcpy(own_key, am->key, 32);
    sato_addrman_clear(am);
    if (len < PREFIX_LEN) FAIL("too short (%zu bytes)", len);
    if (memcmp(data, magic, 4) != 0) FAIL("written for another network (magic %02x%02x%02x%02x)", data[0], data[1],
                                          data[2], data[3]);
    if (memcmp(data + 4, FILE_MAGIC, sizeof(FILE_MAGIC)) != 0) FAIL("not a Sato address file");
    if (data[13] > SATO_ADDRMAN_FILE_VERSION) {
        say(msg, msglen, "format %u, readable from version %u on; this version reads up to %u", data[12], data[13],
            SATO_ADDRMAN_FILE_VERSION);
        am_set_key(am, own_key);
        sato_memzero(own_key, sizeof(own_key));
        return SATO_ADDRMAN_LOAD_NEWER;
    }
    if (data[13] == 0 || data[12] < data[13]) FAIL("bad version bytes %u/%u", data[12], data[13]);
    if (len < HEADER_LEN + 32) FAIL("truncated (%zu bytes)", len);
    sato_sha256d(sum, data, len - 32);
    if (memcmp(sum, data + len - 32, 32) != 0) FAIL("checksum mismatch (truncated or damaged)");

    sato_reader_init(&r, data + PREFIX_LEN, len - 32 - PREFIX_LEN);
    {
        const unsigned char *key;
        if (!sato_read_span(&r, &key, 32)) FAIL("truncated header");
        am_set_key(am, key);
    }
    if (!sato_read_u32(&r, &n_new) || !sato_read_u32(&r, &n_tried) || !sato_read_u32(&r, &n_buckets))
        FAIL("truncated header");
    if (n_new > SATO_ADDRMAN_MAX_NEW) FAIL("%u new entries, at most %u fit", n_new, SATO_ADDRMAN_MAX_NEW);
    if (n_tried > SATO_ADDRMAN_MAX_TRIED) FAIL("%u tried entries, at most %u fit", n_tried, SATO_ADDRMAN_MAX_TRIED);
    if (n_buckets == 0 || n_buckets > 65535) FAIL("%u new buckets", n_buckets);

    for (i = 0; i < n_new; i++) {
        am_addr_t a;
        sato_netaddr_t src;
        int64_t success;
        int32_t attempts;
        int usable, k;
        uint8_t nref;
        uint16_t buckets[SATO_ADDRMAN_NEW_BUCKETS_PER_ADDRESS];
        uint32_t idx;
        am_entry_t *e;
        if (!read_entry(&r, &a, &src, &success, &attempts, &usable) || !sato_read_u8(&r, &nref))
            FAIL("new entry %u is malformed", i);
        if (nref > SATO_ADDRMAN_NEW_BUCKETS_PER_ADDRESS) FAIL("new entry %u has %u references", i, nref);
        for (k = 0; k < nref; k++) {
            if (!sato_read_u16(&r, &buckets[k])) FAIL("new entry %u is malformed", i);
            if (buckets[k] >= n_buckets) FAIL("new entry %u refers to bucket %u", i, buckets[k]);
        }
        if (!usable) {
            lost++;
            continue;
        }
        if (am_find(am, &a.addr) != AM_NONE) FAIL("new entry %u is a duplicate", i);
        idx = am_create(am, &a, &src);
        e = &am->pool[idx];
        e->last_success = success;
        e->attempts = attempts;
        for (k = 0; k < nref && e->refcount < SATO_ADDRMAN_NEW_BUCKETS_PER_ADDRESS; k++) {
            /* Where the slots were computed with these buckets, they are
             * restored; otherwise (or if taken) the first source's slot,
             * as Core re-buckets. */
            int b = buckets[k], p = 0, restored = 0;
            if (n_buckets == SATO_ADDRMAN_NEW_BUCKETS) {
                p = sato_addrman_bucket_position(am->key, 1, b, &e->addr);
                if (am->new_table[b][p] == AM_NONE) restored = 1;
            }
            if (!restored) {
                b = am_new_bucket(am, &e->addr, &e->source);
                p = sato_addrman_bucket_position(am->key, 1, b, &e->addr);
                if (am->new_table[b][p] != AM_NONE) continue;
            }
            am->new_table[b][p] = idx;
            e->refcount++;
        }
        if (e->refcount == 0) {
            am_delete(am, idx);
            lost++;
        }
    }

    for (i = 0; i < n_tried; i++) {
        am_addr_t a;
        sato_netaddr_t src;
        int64_t success;
        int32_t attempts;
        int usable, tb, tp;
        uint32_t idx;
        am_entry_t *e;
        if (!read_entry(&r, &a, &src, &success, &attempts, &usable)) FAIL("tried entry %u is malformed", i);
        if (!usable) {
            lost++;
            continue;
        }
        if (success == 0) FAIL("tried entry %u never succeeded", i);
        if (am_find(am, &a.addr) != AM_NONE) FAIL("tried entry %u is a duplicate", i);
        tb = am_tried_bucket(am, &a.addr);
        tp = sato_addrman_bucket_position(am->key, 0, tb, &a.addr);
        if (am->tried_table[tb][tp] != AM_NONE) {
            lost++;
            continue;
        }
        idx = am_create(am, &a, &src);
        e = &am->pool[idx];
        e->last_success = success;
        e->attempts = attempts;
        e->in_tried = 1;
        am->n_new--;
        am->net_new[e->addr.net]--;
        am->n_tried++;
        am->net_tried[e->addr.net]++;
        am->tried_table[tb][tp] = idx;
    }
    if (!sato_reader_done(&r)) FAIL("%zu bytes after the last entry", sato_reader_left(&r));
    check = sato_addrman_check(am);
    if (check != 0) FAIL("inconsistent (check %d)", check);
    say(msg, msglen, "%u new and %u tried addresses (%u dropped)", am->n_new, am->n_tried, lost);
    sato_memzero(own_key, sizeof(own_key));
    return SATO_ADDRMAN_LOAD_OK;

corrupt:
    sato_addrman_clear(am);
    am_set_key(am, own_key);
    sato_memzero(own_key, sizeof(own_key));
    return SATO_ADDRMAN_LOAD_CORRUPT;
}

/* ---- the file ------------------------------------------------------- */

static char *path_with(const char *path, const char *suffix) {
    size_t a = strlen(path), b = strlen(suffix);
    char *s = sato_malloc(a + b + 1);
    memcpy(s, path, a);
    memcpy(s + a, suffix, b + 1);
    return s;
}

static int fsync_dir_of(const char *path) {
    char *dir = sato_strdup(path), *slash = strrchr(dir, '/');
    int fd, rc;
    if (slash == NULL) {
        free(dir);
        dir = sato_strdup(".");
    } else if (slash == dir) {
        slash[1] = '\0';
    } else {
        *slash = '\0';
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0) return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

sato_err_t sato_addrman_write_image(const char *path, const unsigned char *data, size_t len, char *msg,
                                    size_t msglen) {
    char *tmp = path_with(path, ".tmp");
    sato_err_t err = SATO_OK;
    size_t done = 0;
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600); /* the key is a secret */
    if (fd < 0) {
        say(msg, msglen, "cannot create %s: %s", tmp, strerror(errno));
        err = errno == ENOSPC ? SATO_ENOSPC : SATO_EIO;
        goto out;
    }
    while (done < len) {
        ssize_t w;
        if (sato_fault_point("addrman.write") != 0) {
            errno = EIO;
            w = -1;
        } else {
            w = write(fd, data + done, len - done);
        }
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            err = w < 0 && errno == ENOSPC ? SATO_ENOSPC : SATO_EIO;
            say(msg, msglen, "cannot write %s: %s", tmp, w < 0 ? strerror(errno) : "no progress");
            goto out;
        }
        done += (size_t)w;
    }
    if (sato_fault_point("addrman.fsync") != 0) errno = EIO;
    else if (fsync(fd) == 0) errno = 0;
    if (errno != 0) {
        err = SATO_EIO;
        say(msg, msglen, "cannot sync %s: %s", tmp, strerror(errno));
        goto out;
    }
    if (close(fd) != 0) {
        fd = -1;
        err = SATO_EIO;
        say(msg, msglen, "cannot close %s: %s", tmp, strerror(errno));
        goto out;
    }
    fd = -1;
    if (sato_fault_point("addrman.rename") != 0) errno = EIO;
    else if (rename(tmp, path) == 0) errno = 0;
    if (errno != 0) {
        err = SATO_EIO;
        say(msg, msglen, "cannot rename %s to %s: %s", tmp, path, strerror(errno));
        goto out;
    }
    if (fsync_dir_of(path) != 0) {
        err = SATO_EIO;
        say(msg, msglen, "cannot sync the directory of %s: %s", path, strerror(errno));
    }
out:
    if (fd >= 0) close(fd);
    if (err != SATO_OK) unlink(tmp); /* after a rename there is no tmp left: harmless */
    free(tmp);
    return err;
}

sato_err_t sato_addrman_save(const sato_addrman_t *am, const char *path, const unsigned char magic[4], char *msg,
                             size_t msglen) {
    sato_buf_t buf;
    sato_err_t err;
    sato_buf_init(&buf);
    sato_addrman_serialize(am, &buf, magic);
    err = sato_addrman_write_image(path, buf.data, buf.len, msg, msglen);
    sato_memzero(buf.data, buf.len);
    sato_buf_clear(&buf);
    return err;
}

/* path.corrupt-<n> for the first n not in use; the last name is reused
 * once all are taken, so a file that keeps breaking cannot fill the
 * disk. */
static char *corrupt_name(const char *path) {
    char suffix[32];
    int n;
    for (n = 1;; n++) {
        char *name;
        struct stat st;
        snprintf(suffix, sizeof(suffix), ".corrupt-%d", n);
        name = path_with(path, suffix);
        if (n == CORRUPT_NAMES_MAX || (lstat(name, &st) != 0 && errno == ENOENT)) return name;
        free(name);
    }
}

/* Reads up to cap bytes: -1 on an I/O error, else the length. */
static long read_all(int fd, unsigned char *buf, size_t cap) {
    size_t got = 0;
    while (got < cap) {
        ssize_t n = read(fd, buf + got, cap - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -1;
        if (n == 0) break;
        got += (size_t)n;
    }
    return (long)got;
}

sato_err_t sato_addrman_load(sato_addrman_t *am, const char *path, const unsigned char magic[4],
                             sato_addrman_load_t *result, char *msg, size_t msglen) {
    char why[256], *aside = NULL;
    unsigned char *buf = NULL;
    sato_err_t err = SATO_OK;
    long len;
    int fd;

    *result = SATO_ADDRMAN_LOAD_MISSING;
    why[0] = '\0';
    sato_addrman_clear(am);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            say(msg, msglen, "%s not found, starting with an empty address manager", path);
            return SATO_OK;
        }
        say(msg, msglen, "cannot open %s: %s", path, strerror(errno));
        return SATO_EIO;
    }
    {
        struct stat st;
        size_t cap = FILE_MAX + 1;
        /* One byte more than the file's size shows whether it was all
         * read; never more than the largest file the tables can make. */
        if (fstat(fd, &st) == 0 && st.st_size >= 0 && (uint64_t)st.st_size < FILE_MAX) cap = (size_t)st.st_size + 1;
        buf = sato_malloc(cap);
        len = read_all(fd, buf, cap);
        close(fd);
    }
    if (len < 0) {
        say(msg, msglen, "cannot read %s: %s", path, strerror(errno));
        err = SATO_EIO;
        goto out;
    }
    if ((size_t)len > FILE_MAX) {
        snprintf(why, sizeof(why), "larger than %zu bytes", FILE_MAX);
        *result = SATO_ADDRMAN_LOAD_CORRUPT;
    } else {
        *result = sato_addrman_deserialize(am, buf, (size_t)len, magic, why, sizeof(why));
    }
    if (*result == SATO_ADDRMAN_LOAD_OK) {
        say(msg, msglen, "loaded %s from %s", why, path);
        goto out;
    }
    aside = *result == SATO_ADDRMAN_LOAD_NEWER ? path_with(path, ".bak") : corrupt_name(path);
    if (rename(path, aside) != 0) {
        say(msg, msglen, "%s is %s %s, and it cannot be moved to %s: %s; move it away to start afresh", path,
            *result == SATO_ADDRMAN_LOAD_NEWER ? "of a newer format:" : "corrupt:", why, aside, strerror(errno));
        err = SATO_EIO;
        goto out;
    }
    say(msg, msglen, "%s is %s %s; moved to %s, starting with an empty address manager", path,
        *result == SATO_ADDRMAN_LOAD_NEWER ? "of a newer format:" : "corrupt:", why, aside);
out:
    if (buf != NULL) {
        sato_memzero(buf, len > 0 ? (size_t)len : 0);
        free(buf);
    }
    free(aside);
    return err;
}
