/* Fault injection: EIO and ENOSPC at the write sites surface as SATO_EIO /
 * SATO_ENOSPC (never a crash, never anything like "invalid"), a failed
 * append leaves the append position unchanged, and work resumes once the
 * fault is gone (bitcoin/bitcoin#26112). Without SATO_FAULT_INJECT the
 * variables must have no effect at all. */
#define _GNU_SOURCE
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sato/blockfile.h"
#include "sato/db.h"
#include "sato/fault.h"
#include "test.h"
#include "test_store_util.h"

static const char *const TABLES[] = {"coins", "meta"};
static const sato_blockstore_ends_t ZERO_ENDS = {{0, 0}, {0, 0}};

static sato_blockstore_t *open_store(const char *dir) {
    sato_blockstore_opts_t o;
    sato_blockstore_t *bs = NULL;
    memset(&o, 0, sizeof(o));
    memcpy(o.magic, "\xfa\xbf\xb5\xda", 4);
    o.max_file_size = 2048;
    o.blk_chunk = 1024;
    o.rev_chunk = 1024;
    CHECK(sato_blockstore_open(&bs, dir, &o) == SATO_OK);
    return bs;
}

static void set_faults(const char *exit_at, const char *eio, const char *enospc) {
    if (exit_at) setenv("FI_EXIT_AT", exit_at, 1); else unsetenv("FI_EXIT_AT");
    if (eio) setenv("FI_EIO_ON", eio, 1); else unsetenv("FI_EIO_ON");
    if (enospc) setenv("FI_ENOSPC_AFTER", enospc, 1); else unsetenv("FI_ENOSPC_AFTER");
    sato_fault_reload();
}

static int same_ends(const sato_blockstore_ends_t *a, const sato_blockstore_ends_t *b) {
    return memcmp(a, b, sizeof(*a)) == 0;
}

#ifdef SATO_FAULT_INJECT

static void test_block_faults(void) {
    char dir[PATH_MAX];
    sato_blockstore_t *bs;
    sato_blockstore_ends_t before, after;
    sato_filepos_t p, q, r;
    unsigned char data[700], h[32] = {0};
    sato_buf_t out;
    int i;
    sato_err_t e = SATO_OK;

    make_tmpdir(dir, sizeof(dir), "fault");
    sato_buf_init(&out);
    fill_data(data, sizeof(data), 8, 0);
    bs = open_store(dir);
    CHECK(sato_blockstore_truncate(bs, &ZERO_ENDS) == SATO_OK);
    CHECK(sato_blockstore_append_block(bs, &p, data, 100) == SATO_OK);

    /* EIO on write, in a list of sites. */
    sato_blockstore_ends(bs, &before);
    set_faults(NULL, "db.put,blk.write,x", NULL);
    CHECK(sato_blockstore_append_block(bs, &q, data, 100) == SATO_EIO);
    CHECK(q.file == 0 && q.offset == 0);
    test_case(strstr(sato_err_detail(), "blk00000.dat") != NULL, "detail names the file: %s",
              sato_err_detail());
    sato_blockstore_ends(bs, &after);
    CHECK(same_ends(&before, &after));
    CHECK(sato_blockstore_append_undo(bs, &q, h, data, 10) == SATO_OK); /* rev is fine */
    set_faults(NULL, "blk.writer", NULL);                               /* no prefix match */
    CHECK(sato_blockstore_append_block(bs, &q, data, 100) == SATO_OK);
    CHECK(q.offset == before.blk.offset + 8);

    set_faults(NULL, "store.flushed,blk.appended", NULL); /* exit-only sites */
    CHECK(sato_blockstore_append_block(bs, &q, data, 10) == SATO_OK);
    CHECK(sato_blockstore_flush(bs) == SATO_OK);
    set_faults(NULL, NULL, NULL);

    /* EIO creating the next file at roll-over; the retry creates it. */
    set_faults(NULL, "blk.create", NULL);
    for (i = 0; i < 10 && (e = sato_blockstore_append_block(bs, &q, data, 700)) == SATO_OK; i++) {
    }
    CHECK(e == SATO_EIO);
    set_faults(NULL, NULL, NULL);
    CHECK(sato_blockstore_append_block(bs, &q, data, 700) == SATO_OK && q.file == 1);
    CHECK(sato_blockstore_read_block(bs, &out, q) == SATO_OK && out.len == 700);

    /* Disk full part way through a record: SATO_ENOSPC, a torn record on
     * disk that nothing points at, and once space is back the next append
     * lands where the torn one started. */
    CHECK(sato_blockstore_flush(bs) == SATO_OK);
    sato_blockstore_ends(bs, &before);
    set_faults(NULL, NULL, "1000");
    for (i = 0; i < 10 && (e = sato_blockstore_append_block(bs, &r, data, 300)) == SATO_OK; i++) {
    }
    CHECK(e == SATO_ENOSPC && i == 3); /* 3 x 308 bytes fit in 1000 */
    sato_blockstore_ends(bs, &before);
    CHECK(sato_blockstore_append_undo(bs, &r, h, data, 10) == SATO_ENOSPC);
    CHECK(sato_blockstore_flush(bs) == SATO_OK); /* earlier records still sync */
    set_faults(NULL, NULL, NULL);
    CHECK(sato_blockstore_append_block(bs, &r, data + 1, 300) == SATO_OK);
    CHECK(r.file == before.blk.file && r.offset == before.blk.offset + 8);
    CHECK(sato_blockstore_read_block(bs, &out, r) == SATO_OK && out.len == 300 &&
          memcmp(out.data, data + 1, 300) == 0);
    CHECK(sato_blockstore_read_block(bs, &out, p) == SATO_OK && out.len == 100);

    /* EIO on fdatasync: the flush fails and, since the kernel may have
     * dropped the pages, so does everything after it, even with the fault
     * gone; reopening and truncating to the recorded ends recovers. */
    CHECK(sato_blockstore_flush(bs) == SATO_OK);
    sato_blockstore_ends(bs, &before);
    CHECK(sato_blockstore_append_undo(bs, &q, h, data, 10) == SATO_OK);
    set_faults(NULL, "rev.fsync", NULL);
    CHECK(sato_blockstore_flush(bs) == SATO_EIO);
    set_faults(NULL, NULL, NULL);
    CHECK(sato_blockstore_flush(bs) == SATO_EIO);
    CHECK(sato_blockstore_append_block(bs, &q, data, 10) == SATO_EIO);
    sato_blockstore_destroy(bs);
    bs = open_store(dir);
    CHECK(sato_blockstore_truncate(bs, &before) == SATO_OK);
    CHECK(sato_blockstore_append_block(bs, &q, data, 10) == SATO_OK);
    CHECK(sato_blockstore_flush(bs) == SATO_OK);
    set_faults(NULL, "blk.fsync", NULL);
    CHECK(sato_blockstore_append_block(bs, &q, data, 10) == SATO_OK);
    CHECK(sato_blockstore_flush(bs) == SATO_EIO);
    set_faults(NULL, NULL, NULL);
    sato_blockstore_destroy(bs);
    sato_buf_clear(&out);
    rm_tree(dir);
}

static void test_db_faults(void) {
    char dir[PATH_MAX];
    sato_db_t *db = NULL;
    sato_db_txn_t *t;
    sato_buf_t v;
    unsigned char val[500];
    int i;
    sato_err_t e = SATO_OK;

    make_tmpdir(dir, sizeof(dir), "dbfault");
    sato_buf_init(&v);
    memset(val, 3, sizeof(val));
    CHECK(sato_db_open(&db, dir, TABLES, 2, NULL, NULL) == SATO_OK);

    set_faults(NULL, "db.put", NULL);
    CHECK(sato_db_begin_write(db, &t) == SATO_OK);
    CHECK(sato_db_put(t, 0, (const unsigned char *)"k1", 2, val, 10) == SATO_EIO);
    CHECK(sato_db_put(t, 0, (const unsigned char *)"k2", 2, val, 10) == SATO_EIO);
    CHECK(sato_db_commit(t) == SATO_EIO);

    set_faults(NULL, "db.commit", NULL);
    CHECK(sato_db_begin_write(db, &t) == SATO_OK);
    CHECK(sato_db_put(t, 0, (const unsigned char *)"k1", 2, val, 10) == SATO_OK);
    CHECK(sato_db_commit(t) == SATO_EIO);
    set_faults(NULL, NULL, NULL);
    CHECK(sato_db_begin_read(db, &t) == SATO_OK);
    CHECK(sato_db_get(t, &v, 0, (const unsigned char *)"k1", 2) == SATO_ENOTFOUND);
    sato_db_abort(t);

    set_faults(NULL, "db.del", NULL);
    CHECK(sato_db_begin_write(db, &t) == SATO_OK);
    CHECK(sato_db_del(t, 0, (const unsigned char *)"k1", 2) == SATO_EIO);
    sato_db_abort(t);

    set_faults(NULL, NULL, "2000");
    CHECK(sato_db_begin_write(db, &t) == SATO_OK);
    for (i = 0; i < 10 && e == SATO_OK; i++) {
        unsigned char k[2] = {'x', (unsigned char)i};
        e = sato_db_put(t, 1, k, 2, val, sizeof(val));
    }
    CHECK(e == SATO_ENOSPC && i == 4);
    CHECK(sato_db_commit(t) == SATO_ENOSPC);
    set_faults(NULL, NULL, NULL);
    CHECK(sato_db_begin_write(db, &t) == SATO_OK);
    CHECK(sato_db_put(t, 1, (const unsigned char *)"x", 1, val, sizeof(val)) == SATO_OK);
    CHECK(sato_db_commit(t) == SATO_OK);
    sato_db_destroy(db);
    sato_buf_clear(&v);
    rm_tree(dir);
}

/* FI_EXIT_AT kills the process at the n-th visit of a site, like kill -9:
 * the records written before it are in the file (not necessarily synced). */
static void test_exit_at(void) {
    char dir[PATH_MAX];
    sato_blockstore_t *bs;
    sato_buf_t out;
    sato_filepos_t p;
    unsigned char data[50] = {1};
    int status = 0, found = 0;
    pid_t pid;

    make_tmpdir(dir, sizeof(dir), "exitat");
    pid = fork();
    if (pid == 0) {
        int i;
        set_faults("blk.appended:3", NULL, NULL);
        bs = open_store(dir);
        if (sato_blockstore_truncate(bs, &ZERO_ENDS) != SATO_OK) _exit(2);
        for (i = 0; i < 5; i++) IGNORE_RESULT(sato_blockstore_append_block(bs, &p, data, sizeof(data)));
        _exit(0);
    }
    CHECK(pid > 0 && waitpid(pid, &status, 0) == pid);
    test_case(WIFEXITED(status) && WEXITSTATUS(status) == 137, "child exit status %d", status);
    sato_buf_init(&out);
    bs = open_store(dir);
    for (p.file = 0, p.offset = 8; p.offset < 1000; p.offset += 58) {
        if (sato_blockstore_read_block(bs, &out, p) != SATO_OK) break;
        found++;
    }
    test_case(found == 3, "records before the exit: %d", found);
    sato_blockstore_destroy(bs);
    sato_buf_clear(&out);
    rm_tree(dir);
}

int main(void) {
    test_block_faults();
    test_db_faults();
    test_exit_at();
    return test_report("test_store_fault");
}

#else

/* A normal build ignores the variables entirely. */
int main(void) {
    char dir[PATH_MAX];
    sato_blockstore_t *bs;
    sato_filepos_t p;
    unsigned char data[100] = {0};
    make_tmpdir(dir, sizeof(dir), "nofault");
    set_faults("blk.appended:1", "blk.write,blk.fsync,store.flushed", "10");
    bs = open_store(dir);
    CHECK(sato_blockstore_truncate(bs, &ZERO_ENDS) == SATO_OK);
    CHECK(sato_blockstore_append_block(bs, &p, data, sizeof(data)) == SATO_OK);
    CHECK(sato_blockstore_flush(bs) == SATO_OK);
    sato_blockstore_destroy(bs);
    rm_tree(dir);
    (void)same_ends;
    (void)TABLES;
    return test_report("test_store_fault");
}

#endif
