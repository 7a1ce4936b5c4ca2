/* Block and undo files: round trips across roll-over, corruption caught as
 * SATO_ECORRUPT, bounded reads, truncation at start-up, scanning. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sato/blockfile.h"
#include "sato/mem.h"
#include "test.h"
#include "test_store_util.h"

static const unsigned char MAGIC[4] = {0xfa, 0xbf, 0xb5, 0xda}; /* regtest */

static sato_blockstore_opts_t small_opts(void) {
    sato_blockstore_opts_t o;
    memset(&o, 0, sizeof(o));
    memcpy(o.magic, MAGIC, 4);
    o.max_file_size = 4096;
    o.blk_chunk = 1024;
    o.rev_chunk = 512;
    return o;
}

static void block_hash(unsigned char h[32], uint64_t i) {
    fill_data(h, 32, 77, i);
}

static char *path_of(const char *dir, const char *prefix, uint32_t file) {
    static char p[PATH_MAX + 32];
    snprintf(p, sizeof(p), "%s/%s%05u.dat", dir, prefix, (unsigned)file);
    return p;
}

static long long file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Overwrites one byte of a file. */
static void poke(const char *path, long long off, unsigned char v) {
    int fd = open(path, O_WRONLY);
    CHECK(fd >= 0 && pwrite(fd, &v, 1, off) == 1);
    if (fd >= 0) close(fd);
}

static unsigned char peek(const char *path, long long off) {
    unsigned char v = 0;
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0 && pread(fd, &v, 1, off) == 1);
    if (fd >= 0) close(fd);
    return v;
}

static const sato_blockstore_ends_t ZERO_ENDS = {{0, 0}, {0, 0}};

#define N_REC 60

/* Appends N_REC blocks and undo records of varied sizes (some larger than
 * a file), reads them back before and after a reopen, then appends more. */
static void test_round_trip(void) {
    char dir[PATH_MAX];
    sato_blockstore_opts_t o = small_opts();
    sato_blockstore_t *bs;
    sato_blockstore_ends_t ends, ends2;
    sato_filepos_t bpos[N_REC + 1], upos[N_REC + 1];
    size_t blen[N_REC + 1], ulen[N_REC + 1];
    unsigned char data[6000], h[32];
    sato_buf_t out;
    uint64_t s = 12345;
    uint32_t max_file = 0;
    int i, ok;

    make_tmpdir(dir, sizeof(dir), "blk");
    sato_buf_init(&out);
    CHECK(sato_blockstore_open(&bs, dir, &o) == SATO_OK);
    /* Appending before the start-up truncate is an API misuse. */
    CHECK(sato_blockstore_append_block(bs, &bpos[0], data, 10) == SATO_EINVAL);
    CHECK(sato_blockstore_truncate(bs, &ZERO_ENDS) == SATO_OK);
    for (i = 0; i < N_REC; i++) {
        blen[i] = (size_t)(rng_next(&s) % 1500);
        if (i == 17) blen[i] = 5000; /* alone bigger than a file */
        ulen[i] = (size_t)(rng_next(&s) % 300);
        fill_data(data, blen[i], 1, (uint64_t)i);
        CHECK(sato_blockstore_append_block(bs, &bpos[i], data, blen[i]) == SATO_OK);
        fill_data(data, ulen[i], 2, (uint64_t)i);
        block_hash(h, (uint64_t)i);
        CHECK(sato_blockstore_append_undo(bs, &upos[i], h, data, ulen[i]) == SATO_OK);
        if (bpos[i].file > max_file) max_file = bpos[i].file;
        if (i > 0) {
            CHECK(bpos[i].file > bpos[i - 1].file ||
                  (bpos[i].file == bpos[i - 1].file && bpos[i].offset > bpos[i - 1].offset));
        }
    }
    test_case(max_file >= 10, "blk files rolled over: last file %u", (unsigned)max_file);
    /* Files left behind by a roll-over hold exactly their data: the
     * preallocated tail is cut and nothing exceeds the limit unless a
     * single record does. */
    CHECK(file_size(path_of(dir, "blk", bpos[17].file)) == 8 + 5000);
    CHECK(file_size(path_of(dir, "blk", 0)) <= 4096);
    /* The current file is preallocated in whole chunks. */
    sato_blockstore_ends(bs, &ends);
    {
        long long sz = file_size(path_of(dir, "blk", ends.blk.file));
        test_case(sz >= ends.blk.offset, "current blk file %lld bytes, data %u", sz,
                  (unsigned)ends.blk.offset);
    }
    CHECK(sato_blockstore_flush(bs) == SATO_OK);

    for (int pass = 0; pass < 2; pass++) {
        ok = 1;
        for (i = 0; i < N_REC; i++) {
            fill_data(data, blen[i], 1, (uint64_t)i);
            if (sato_blockstore_read_block(bs, &out, bpos[i]) != SATO_OK || out.len != blen[i] ||
                memcmp(out.data, data, blen[i]) != 0) {
                ok = 0;
            }
            fill_data(data, ulen[i], 2, (uint64_t)i);
            block_hash(h, (uint64_t)i);
            if (sato_blockstore_read_undo(bs, &out, h, upos[i]) != SATO_OK || out.len != ulen[i] ||
                memcmp(out.data, data, ulen[i]) != 0) {
                ok = 0;
            }
        }
        test_case(ok, "pass %d: all %d blocks and undo records read back", pass, N_REC);
        if (pass == 0) {
            /* Reopen as after a clean shutdown. */
            sato_blockstore_destroy(bs);
            CHECK(sato_blockstore_open(&bs, dir, &o) == SATO_OK);
            CHECK(sato_blockstore_truncate(bs, &ends) == SATO_OK);
            sato_blockstore_ends(bs, &ends2);
            CHECK(memcmp(&ends, &ends2, sizeof(ends)) == 0);
            CHECK(file_size(path_of(dir, "blk", ends.blk.file)) == ends.blk.offset);
        }
    }
    /* Appends go on where the data ended. */
    fill_data(data, 100, 3, 0);
    CHECK(sato_blockstore_append_block(bs, &bpos[N_REC], data, 100) == SATO_OK);
    CHECK(bpos[N_REC].file == ends.blk.file && bpos[N_REC].offset == ends.blk.offset + 8);
    CHECK(sato_blockstore_read_block(bs, &out, bpos[N_REC]) == SATO_OK && out.len == 100 &&
          memcmp(out.data, data, 100) == 0);
    /* An empty record is a record too. */
    CHECK(sato_blockstore_append_block(bs, &bpos[0], data, 0) == SATO_OK);
    CHECK(sato_blockstore_read_block(bs, &out, bpos[0]) == SATO_OK && out.len == 0);

    /* The ends serialize and parse back. */
    {
        unsigned char ser[SATO_BLOCKSTORE_ENDS_SIZE];
        sato_blockstore_ends(bs, &ends);
        sato_blockstore_ends_write(ser, &ends);
        sato_blockstore_ends_read(&ends2, ser);
        CHECK(memcmp(&ends, &ends2, sizeof(ends)) == 0);
    }
    sato_blockstore_destroy(bs);
    sato_blockstore_destroy(NULL);
    sato_buf_clear(&out);
    rm_tree(dir);
}

/* Flipped bytes in magic, length, payload and checksum are caught. */
static void test_corruption(void) {
    char dir[PATH_MAX];
    sato_blockstore_opts_t o = small_opts();
    sato_blockstore_t *bs;
    sato_filepos_t b0, b1, u0, u1, bad;
    unsigned char data[400], h[32], h2[32];
    sato_buf_t out;
    const char *blk, *rev;

    make_tmpdir(dir, sizeof(dir), "corrupt");
    sato_buf_init(&out);
    CHECK(sato_blockstore_open(&bs, dir, &o) == SATO_OK);
    CHECK(sato_blockstore_truncate(bs, &ZERO_ENDS) == SATO_OK);
    fill_data(data, sizeof(data), 9, 0);
    block_hash(h, 0);
    block_hash(h2, 1);
    CHECK(sato_blockstore_append_block(bs, &b0, data, 300) == SATO_OK);
    CHECK(sato_blockstore_append_block(bs, &b1, data, 400) == SATO_OK);
    CHECK(sato_blockstore_append_undo(bs, &u0, h, data, 200) == SATO_OK);
    CHECK(sato_blockstore_append_undo(bs, &u1, h2, data, 100) == SATO_OK);
    CHECK(sato_blockstore_flush(bs) == SATO_OK);
    blk = sato_strdup(path_of(dir, "blk", 0));
    rev = sato_strdup(path_of(dir, "rev", 0));

    /* Intact, and the checksum ties undo data to its block. */
    CHECK(sato_blockstore_read_undo(bs, &out, h, u0) == SATO_OK && out.len == 200);
    CHECK(sato_blockstore_read_undo(bs, &out, h2, u0) == SATO_ECORRUPT && out.len == 0);

    /* Magic. */
    poke(blk, b0.offset - 8, (unsigned char)(MAGIC[0] ^ 1));
    CHECK(sato_blockstore_read_block(bs, &out, b0) == SATO_ECORRUPT);
    poke(blk, b0.offset - 8, MAGIC[0]);
    CHECK(sato_blockstore_read_block(bs, &out, b0) == SATO_OK && out.len == 300);

    /* Length running past the end of the file. */
    poke(blk, b1.offset - 4 + 2, 0x01); /* 400 + 65536 */
    CHECK(sato_blockstore_read_block(bs, &out, b1) == SATO_ECORRUPT);
    poke(blk, b1.offset - 4 + 2, 0x00);
    CHECK(sato_blockstore_read_block(bs, &out, b1) == SATO_OK && out.len == 400);

    /* Undo: payload, checksum, and a shorter length. */
    {
        unsigned char v = peek(rev, u0.offset + 50);
        poke(rev, u0.offset + 50, (unsigned char)(v ^ 0x80));
        CHECK(sato_blockstore_read_undo(bs, &out, h, u0) == SATO_ECORRUPT);
        poke(rev, u0.offset + 50, v);
        v = peek(rev, u0.offset + 200 + 31);
        poke(rev, u0.offset + 200 + 31, (unsigned char)(v ^ 1));
        CHECK(sato_blockstore_read_undo(bs, &out, h, u0) == SATO_ECORRUPT);
        poke(rev, u0.offset + 200 + 31, v);
        poke(rev, u0.offset - 4, 199);
        CHECK(sato_blockstore_read_undo(bs, &out, h, u0) == SATO_ECORRUPT);
        poke(rev, u0.offset - 4, 200);
        poke(rev, u0.offset - 7, (unsigned char)(MAGIC[1] ^ 0x10));
        CHECK(sato_blockstore_read_undo(bs, &out, h, u0) == SATO_ECORRUPT);
        poke(rev, u0.offset - 7, MAGIC[1]);
        CHECK(sato_blockstore_read_undo(bs, &out, h, u0) == SATO_OK && out.len == 200);
        CHECK(sato_blockstore_read_undo(bs, &out, h2, u1) == SATO_OK && out.len == 100);
    }

    /* Positions that cannot be right. */
    bad.file = 0;
    bad.offset = 3;
    CHECK(sato_blockstore_read_block(bs, &out, bad) == SATO_ECORRUPT);
    bad.offset = 1u << 30;
    CHECK(sato_blockstore_read_block(bs, &out, bad) == SATO_ECORRUPT);
    bad.offset = b0.offset + 1; /* inside a record: no magic there */
    CHECK(sato_blockstore_read_block(bs, &out, bad) == SATO_ECORRUPT);
    bad.file = 7;
    bad.offset = 8;
    CHECK(sato_blockstore_read_block(bs, &out, bad) == SATO_ENOTFOUND);
    CHECK(sato_blockstore_read_undo(bs, &out, h, bad) == SATO_ENOTFOUND);
    CHECK(sato_err_detail()[0] != '\0');

    sato_blockstore_destroy(bs);
    sato_buf_clear(&out);
    free((void *)blk);
    free((void *)rev);
    rm_tree(dir);
}

/* A length of nearly 4 GiB is refused by the bounds check before any
 * allocation: the output buffer is never grown. */
static void test_huge_length(void) {
    char dir[PATH_MAX];
    sato_blockstore_opts_t o = small_opts();
    sato_blockstore_t *bs;
    sato_filepos_t p, u;
    unsigned char data[64] = {0}, h[32] = {0};
    sato_buf_t out;
    const char *blk;

    make_tmpdir(dir, sizeof(dir), "huge");
    sato_buf_init(&out);
    CHECK(sato_blockstore_open(&bs, dir, &o) == SATO_OK);
    CHECK(sato_blockstore_truncate(bs, &ZERO_ENDS) == SATO_OK);
    CHECK(sato_blockstore_append_block(bs, &p, data, sizeof(data)) == SATO_OK);
    CHECK(sato_blockstore_append_undo(bs, &u, h, data, sizeof(data)) == SATO_OK);
    blk = path_of(dir, "blk", 0);
    poke(blk, p.offset - 4, 0xf0);
    poke(blk, p.offset - 3, 0xff);
    poke(blk, p.offset - 2, 0xff);
    poke(blk, p.offset - 1, 0xff);
    CHECK(sato_blockstore_read_block(bs, &out, p) == SATO_ECORRUPT);
    CHECK(out.cap == 0 && out.data == NULL);
    blk = path_of(dir, "rev", 0);
    poke(blk, u.offset - 1, 0x80);
    CHECK(sato_blockstore_read_undo(bs, &out, h, u) == SATO_ECORRUPT);
    CHECK(out.cap == 0 && out.data == NULL);
    /* A record may not be larger than a file offset can express. */
    CHECK(sato_blockstore_append_block(bs, &p, data, (size_t)UINT32_MAX + 1) == SATO_EINVAL);
    sato_blockstore_destroy(bs);
    sato_buf_clear(&out);
    rm_tree(dir);
}

/* A crash after appends that were never committed: start-up truncation
 * to the recorded ends drops the torn record and later files, and new
 * appends reuse the space. */
static void test_truncate_at_startup(void) {
    char dir[PATH_MAX];
    sato_blockstore_opts_t o = small_opts();
    sato_blockstore_t *bs;
    sato_blockstore_ends_t recorded, now, bad;
    sato_filepos_t p[12], q;
    unsigned char data[1000], h[32] = {0};
    sato_buf_t out;
    int i, fd;

    make_tmpdir(dir, sizeof(dir), "trunc");
    sato_buf_init(&out);
    fill_data(data, sizeof(data), 5, 0);
    CHECK(sato_blockstore_open(&bs, dir, &o) == SATO_OK);
    CHECK(sato_blockstore_truncate(bs, &ZERO_ENDS) == SATO_OK);
    for (i = 0; i < 2; i++) CHECK(sato_blockstore_append_block(bs, &p[i], data, 700) == SATO_OK);
    CHECK(sato_blockstore_append_undo(bs, &q, h, data, 50) == SATO_OK);
    CHECK(sato_blockstore_flush(bs) == SATO_OK);
    sato_blockstore_ends(bs, &recorded); /* what the database would hold */
    /* Uncommitted work: more blocks across several files and undo data. */
    for (i = 2; i < 12; i++) CHECK(sato_blockstore_append_block(bs, &p[i], data, 900) == SATO_OK);
    CHECK(sato_blockstore_append_undo(bs, &q, h, data, 50) == SATO_OK);
    CHECK(p[11].file >= 2);
    sato_blockstore_destroy(bs);
    /* Tear the last record in half, as a crash mid-write would. */
    fd = open(path_of(dir, "blk", p[11].file), O_WRONLY);
    CHECK(fd >= 0 && ftruncate(fd, p[11].offset + 300) == 0);
    if (fd >= 0) close(fd);

    CHECK(sato_blockstore_open(&bs, dir, &o) == SATO_OK);
    CHECK(sato_blockstore_read_block(bs, &out, p[11]) == SATO_ECORRUPT); /* torn */
    CHECK(sato_blockstore_read_block(bs, &out, p[10]) == SATO_OK);       /* before truncate */
    CHECK(sato_blockstore_truncate(bs, &recorded) == SATO_OK);
    CHECK(file_size(path_of(dir, "blk", 1)) == -1);
    CHECK(file_size(path_of(dir, "blk", p[11].file)) == -1);
    CHECK(file_size(path_of(dir, "blk", 0)) == recorded.blk.offset);
    CHECK(file_size(path_of(dir, "rev", 0)) == recorded.rev.offset);
    CHECK(sato_blockstore_read_block(bs, &out, p[2]) == SATO_ECORRUPT);
    for (i = 0; i < 2; i++) {
        CHECK(sato_blockstore_read_block(bs, &out, p[i]) == SATO_OK && out.len == 700 &&
              memcmp(out.data, data, 700) == 0);
    }
    /* The next append lands exactly at the recorded end. */
    CHECK(sato_blockstore_append_block(bs, &p[2], data + 1, 800) == SATO_OK);
    CHECK(p[2].file == recorded.blk.file && p[2].offset == recorded.blk.offset + 8);
    CHECK(sato_blockstore_read_block(bs, &out, p[2]) == SATO_OK && out.len == 800 &&
          memcmp(out.data, data + 1, 800) == 0);
    CHECK(sato_blockstore_flush(bs) == SATO_OK);
    sato_blockstore_ends(bs, &now);
    sato_blockstore_destroy(bs);

    /* Ends past the data on disk: the database points at missing data. */
    CHECK(sato_blockstore_open(&bs, dir, &o) == SATO_OK);
    bad = now;
    bad.blk.offset = (uint32_t)file_size(path_of(dir, "blk", now.blk.file)) + 10;
    CHECK(sato_blockstore_truncate(bs, &bad) == SATO_ECORRUPT);
    CHECK(sato_blockstore_append_block(bs, &q, data, 10) == SATO_EINVAL);
    bad = now;
    bad.rev.file = 5;
    bad.rev.offset = 10;
    CHECK(sato_blockstore_truncate(bs, &bad) == SATO_ECORRUPT);
    CHECK(sato_blockstore_truncate(bs, &now) == SATO_OK);
    CHECK(sato_blockstore_read_block(bs, &out, p[2]) == SATO_OK && out.len == 800);
    sato_blockstore_destroy(bs);
    sato_buf_clear(&out);
    rm_tree(dir);
}

typedef struct {
    sato_filepos_t pos[64];
    size_t len[64];
    int n, reject_at;
} scan_seen_t;

static int scan_cb(void *arg, sato_filepos_t pos, const unsigned char *data, size_t len) {
    scan_seen_t *s = arg;
    unsigned char want[1500];
    if (s->n == s->reject_at) {
        s->reject_at = -1;
        return -1; /* "not a block": the scan must look further */
    }
    if (s->n >= 64) return 1;
    fill_data(want, len, 4, (uint64_t)len);
    test_case(memcmp(want, data, len) == 0, "scan payload %d matches", s->n);
    s->pos[s->n] = pos;
    s->len[s->n] = len;
    s->n++;
    return 0;
}

/* The reindex scan finds every record in order across files, stepping
 * over preallocated zeros, garbage and a torn final record. */
static void test_scan(void) {
    char dir[PATH_MAX];
    sato_blockstore_opts_t o = small_opts();
    sato_blockstore_t *bs;
    sato_blockstore_ends_t ends;
    sato_filepos_t p[20], end;
    size_t len[20];
    unsigned char data[1500];
    scan_seen_t seen;
    uint64_t s = 99;
    int i, ok, fd;

    make_tmpdir(dir, sizeof(dir), "scan");
    CHECK(sato_blockstore_open(&bs, dir, &o) == SATO_OK);
    memset(&seen, 0, sizeof(seen));
    seen.reject_at = -1;
    CHECK(sato_blockstore_scan(bs, scan_cb, &seen, &end) == SATO_OK); /* no files */
    CHECK(seen.n == 0 && end.file == 0 && end.offset == 0);
    CHECK(sato_blockstore_truncate(bs, &ZERO_ENDS) == SATO_OK);
    for (i = 0; i < 20; i++) {
        len[i] = 1 + (size_t)(rng_next(&s) % 1400);
        fill_data(data, len[i], 4, (uint64_t)len[i]);
        CHECK(sato_blockstore_append_block(bs, &p[i], data, len[i]) == SATO_OK);
    }
    CHECK(sato_blockstore_flush(bs) == SATO_OK);
    sato_blockstore_ends(bs, &ends);
    /* Garbage after the data of the last file, in its preallocated
     * space: a false magic with an absurd length. */
    fd = open(path_of(dir, "blk", ends.blk.file), O_WRONLY);
    {
        unsigned char junk[16];
        memset(junk, 0x5a, sizeof(junk));
        memcpy(junk + 3, MAGIC, 4);
        CHECK(fd >= 0 && pwrite(fd, junk, sizeof(junk), ends.blk.offset) == (ssize_t)sizeof(junk));
    }
    if (fd >= 0) close(fd);

    memset(&seen, 0, sizeof(seen));
    seen.reject_at = -1;
    CHECK(sato_blockstore_scan(bs, scan_cb, &seen, &end) == SATO_OK);
    ok = seen.n == 20;
    for (i = 0; ok && i < 20; i++) {
        ok = seen.pos[i].file == p[i].file && seen.pos[i].offset == p[i].offset && seen.len[i] == len[i];
    }
    test_case(ok, "scan found %d of 20 records in order", seen.n);
    CHECK(end.file == ends.blk.file && end.offset == ends.blk.offset);

    /* A callback may reject a record; the scan goes on after it. */
    memset(&seen, 0, sizeof(seen));
    seen.reject_at = 5;
    CHECK(sato_blockstore_scan(bs, scan_cb, &seen, &end) == SATO_OK);
    CHECK(seen.n == 19 && seen.pos[5].offset == p[6].offset);

    /* A record whose magic is damaged is skipped; the next is found. */
    poke(path_of(dir, "blk", p[1].file), p[1].offset - 8, 0);
    memset(&seen, 0, sizeof(seen));
    seen.reject_at = -1;
    CHECK(sato_blockstore_scan(bs, scan_cb, &seen, &end) == SATO_OK);
    CHECK(seen.n == 19 && seen.pos[1].offset == p[2].offset && seen.pos[1].file == p[2].file);

    /* Tear the last record: the scan ends after the one before it. */
    sato_blockstore_destroy(bs);
    fd = open(path_of(dir, "blk", p[19].file), O_WRONLY);
    CHECK(fd >= 0 && ftruncate(fd, p[19].offset + len[19] / 2) == 0);
    if (fd >= 0) close(fd);
    CHECK(sato_blockstore_open(&bs, dir, &o) == SATO_OK);
    memset(&seen, 0, sizeof(seen));
    seen.reject_at = -1;
    CHECK(sato_blockstore_scan(bs, scan_cb, &seen, &end) == SATO_OK);
    CHECK(seen.n == 18);
    if (p[18].file == p[19].file) {
        CHECK(end.file == p[18].file && end.offset == p[18].offset + len[18]);
    } else {
        CHECK(end.file == p[18].file);
    }
    sato_blockstore_destroy(bs);
    rm_tree(dir);
}

/* Start-up recovery scans from the recorded end: only the records after
 * it (across later files), none when nothing follows, and a recorded end
 * beyond the file is corruption. */
static void test_scan_from(void) {
    char dir[PATH_MAX];
    sato_blockstore_opts_t o = small_opts();
    sato_blockstore_t *bs;
    sato_blockstore_ends_t ends;
    sato_filepos_t p[12], end, from, past;
    unsigned char data[1500];
    scan_seen_t seen;
    int i, ok;

    make_tmpdir(dir, sizeof(dir), "scanfrom");
    CHECK(sato_blockstore_open(&bs, dir, &o) == SATO_OK);
    CHECK(sato_blockstore_truncate(bs, &ZERO_ENDS) == SATO_OK);
    for (i = 0; i < 12; i++) {
        fill_data(data, 1000, 4, 1000); /* what scan_cb checks */
        CHECK(sato_blockstore_append_block(bs, &p[i], data, 1000) == SATO_OK);
    }
    CHECK(sato_blockstore_flush(bs) == SATO_OK);
    sato_blockstore_ends(bs, &ends);
    CHECK(p[11].file > 0); /* the records span several files */

    /* From the end of record 4: records 5..11, wherever they are. */
    from.file = p[4].file;
    from.offset = p[4].offset + 1000;
    memset(&seen, 0, sizeof(seen));
    seen.reject_at = -1;
    CHECK(sato_blockstore_scan_from(bs, from, scan_cb, &seen, &end) == SATO_OK);
    ok = seen.n == 7;
    for (i = 0; ok && i < 7; i++) ok = seen.pos[i].file == p[5 + i].file && seen.pos[i].offset == p[5 + i].offset;
    test_case(ok, "scan_from found %d of the 7 later records", seen.n);
    CHECK(end.file == ends.blk.file && end.offset == ends.blk.offset);

    /* From the end: nothing, and the end stays where it was. */
    memset(&seen, 0, sizeof(seen));
    seen.reject_at = -1;
    CHECK(sato_blockstore_scan_from(bs, ends.blk, scan_cb, &seen, &end) == SATO_OK);
    CHECK(seen.n == 0 && end.file == ends.blk.file && end.offset == ends.blk.offset);

    /* A recorded end past the data of its file. */
    sato_blockstore_destroy(bs);
    {
        int fd = open(path_of(dir, "blk", ends.blk.file), O_WRONLY);
        CHECK(fd >= 0 && ftruncate(fd, ends.blk.offset) == 0);
        if (fd >= 0) close(fd);
    }
    CHECK(sato_blockstore_open(&bs, dir, &o) == SATO_OK);
    past = ends.blk;
    past.offset += 100;
    CHECK(sato_blockstore_scan_from(bs, past, scan_cb, &seen, &end) == SATO_ECORRUPT);
    sato_blockstore_destroy(bs);
    rm_tree(dir);
}

int main(void) {
    test_round_trip();
    test_corruption();
    test_huge_length();
    test_truncate_at_startup();
    test_scan();
    test_scan_from();
    return test_report("test_store_blockfile");
}
