/* Crash consistency of the store protocol (reliability.md 4 and 5.2 F01/F03).
 *
 * A child process plays a node: it appends blocks and their undo data,
 * and every few blocks flushes the files and commits, in one LMDB
 * transaction, the blocks' positions, the tip height and the files' ends.
 * It dies at a random FI_EXIT_AT site (or by SIGKILL from the parent at a
 * random moment). The parent then recovers as a node would at start-up
 * (truncate the files to the recorded ends) and checks that every
 * position the database refers to reads back intact, that the heights
 * form an unbroken chain up to the tip, and that the next append works.
 * Each round continues from the state the previous crash left, so
 * recovery itself is crashed into as well. */
#define _GNU_SOURCE
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sato/blockfile.h"
#include "sato/db.h"
#include "sato/fault.h"
#include "test.h"
#include "test_store_util.h"

static const char *const TABLES[] = {"index", "meta"};
enum { INDEX, META };
#define ROUNDS 20
#define CHILD_MAX_BLOCKS 400

static const char *const SITES[] = {
    "blk.create", "blk.write", "blk.torn", "blk.appended", "rev.create", "rev.write",
    "rev.torn", "rev.appended", "blk.fsync", "rev.fsync", "store.flushed", "db.put",
    "db.commit", "db.committed",
};

static char datadir[PATH_MAX];
static char blocksdir[PATH_MAX + 16];
static char dbdir[PATH_MAX + 16];

/* Everything about block `height` derives from the height, so the parent
 * can check what it reads without keeping a copy. */
static size_t block_len(uint32_t h) {
    return 100 + (size_t)h * 7919 % 2900;
}
static size_t undo_len(uint32_t h) {
    return (size_t)h % 200;
}
static void block_hash(unsigned char out[32], uint32_t h) {
    fill_data(out, 32, 13, h);
}

static sato_blockstore_t *store_open(void) {
    sato_blockstore_opts_t o;
    sato_blockstore_t *bs = NULL;
    memset(&o, 0, sizeof(o));
    memcpy(o.magic, "\xfa\xbf\xb5\xda", 4);
    o.max_file_size = 64 << 10; /* many roll-overs */
    o.blk_chunk = 16 << 10;
    o.rev_chunk = 4 << 10;
    if (sato_blockstore_open(&bs, blocksdir, &o) != SATO_OK) return NULL;
    return bs;
}

static sato_db_t *db_open(void) {
    sato_db_opts_t o;
    sato_db_t *db = NULL;
    memset(&o, 0, sizeof(o));
    o.initial_mapsize = 64 << 10; /* grows while we crash */
    if (sato_db_open(&db, dbdir, TABLES, 2, &o, NULL) != SATO_OK) return NULL;
    return db;
}

/* Reads the recorded tip and ends (zero when the database is new). */
static sato_err_t read_meta(sato_db_t *db, uint32_t *tip, sato_blockstore_ends_t *ends) {
    sato_db_txn_t *t;
    sato_buf_t v;
    sato_err_t e;
    *tip = 0;
    memset(ends, 0, sizeof(*ends));
    sato_buf_init(&v);
    if ((e = sato_db_begin_read(db, &t)) != SATO_OK) return e;
    e = sato_db_get(t, &v, META, (const unsigned char *)"tip", 3);
    if (e == SATO_OK && v.len == 4) *tip = sato_le32(v.data);
    if (e == SATO_OK) e = sato_db_get(t, &v, META, (const unsigned char *)"ends", 4);
    if (e == SATO_OK && v.len == SATO_BLOCKSTORE_ENDS_SIZE) sato_blockstore_ends_read(ends, v.data);
    if (e == SATO_ENOTFOUND && *tip == 0) e = SATO_OK;
    sato_db_abort(t);
    sato_buf_clear(&v);
    return e;
}

/* The child: a node connecting blocks until it dies. */
static void child_main(const char *exit_at, uint64_t seed) {
    sato_db_t *db;
    sato_blockstore_t *bs;
    sato_blockstore_ends_t ends;
    sato_buf_t pending; /* index entries not yet committed */
    unsigned char data[3000], h[32], rec[20];
    uint32_t tip, height;
    int n;

    if (exit_at) setenv("FI_EXIT_AT", exit_at, 1);
    sato_fault_reload();
    if ((db = db_open()) == NULL) _exit(10);
    if (read_meta(db, &tip, &ends) != SATO_OK) _exit(11);
    if ((bs = store_open()) == NULL) _exit(12);
    if (sato_blockstore_truncate(bs, &ends) != SATO_OK) _exit(13);
    sato_buf_init(&pending);
    for (height = tip + 1, n = 0; n < CHILD_MAX_BLOCKS; height++, n++) {
        sato_filepos_t bp, up;
        fill_data(data, block_len(height), 11, height);
        if (sato_blockstore_append_block(bs, &bp, data, block_len(height)) != SATO_OK) _exit(14);
        fill_data(data, undo_len(height), 12, height);
        block_hash(h, height);
        if (sato_blockstore_append_undo(bs, &up, h, data, undo_len(height)) != SATO_OK) _exit(15);
        sato_put_le32(rec, height);
        sato_put_le32(rec + 4, bp.file);
        sato_put_le32(rec + 8, bp.offset);
        sato_put_le32(rec + 12, up.file);
        sato_put_le32(rec + 16, up.offset);
        sato_buf_write(&pending, rec, sizeof(rec));
        if (rng_next(&seed) % 3 == 0) {
            /* Flush: files durable first, then one atomic commit of the
             * positions, the tip and the ends. */
            sato_db_txn_t *t;
            unsigned char ser[SATO_BLOCKSTORE_ENDS_SIZE], tipb[4];
            size_t off;
            if (sato_blockstore_flush(bs) != SATO_OK) _exit(16);
            sato_blockstore_ends(bs, &ends);
            sato_blockstore_ends_write(ser, &ends);
            sato_put_le32(tipb, height);
            if (sato_db_begin_write(db, &t) != SATO_OK) _exit(17);
            for (off = 0; off < pending.len; off += sizeof(rec)) {
                unsigned char key[4];
                sato_put_be32(key, sato_le32(pending.data + off));
                if (sato_db_put(t, INDEX, key, 4, pending.data + off + 4, 16) != SATO_OK) _exit(18);
            }
            if (sato_db_put(t, META, (const unsigned char *)"tip", 3, tipb, 4) != SATO_OK ||
                sato_db_put(t, META, (const unsigned char *)"ends", 4, ser, sizeof(ser)) != SATO_OK ||
                sato_db_commit(t) != SATO_OK) {
                _exit(19);
            }
            pending.len = 0;
        }
    }
    _exit(0);
}

/* The parent's start-up recovery and checks after a crash. */
static void verify(int round, uint32_t *tip_out) {
    sato_db_t *db = db_open();
    sato_blockstore_t *bs = store_open();
    sato_blockstore_ends_t ends, after;
    sato_db_txn_t *t = NULL;
    sato_db_iter_t *it = NULL;
    sato_buf_t out;
    unsigned char want[3000], h[32];
    uint32_t tip = 0, expect = 1;
    int bad = 0;
    sato_err_t e;

    sato_buf_init(&out);
    test_case(db != NULL && bs != NULL, "round %d: reopen (%s)", round, sato_err_detail());
    if (db == NULL || bs == NULL) goto out;
    e = read_meta(db, &tip, &ends);
    CHECK(e == SATO_OK);
    e = sato_blockstore_truncate(bs, &ends);
    test_case(e == SATO_OK, "round %d: truncate to recorded ends: %s", round, sato_err_detail());
    if (e != SATO_OK) goto out;

    if (sato_db_begin_read(db, &t) != SATO_OK || sato_db_iter_create(&it, t, INDEX) != SATO_OK) {
        test_case(0, "round %d: iterate index", round);
        goto out;
    }
    for (e = sato_db_iter_seek(it, NULL, 0); e == SATO_OK; e = sato_db_iter_next(it)) {
        const unsigned char *k, *v;
        size_t kl, vl;
        sato_filepos_t bp, up;
        uint32_t height;
        sato_db_iter_key(it, &k, &kl);
        sato_db_iter_value(it, &v, &vl);
        if (kl != 4 || vl != 16) {
            bad++;
            break;
        }
        height = sato_be32(k);
        bp.file = sato_le32(v);
        bp.offset = sato_le32(v + 4);
        up.file = sato_le32(v + 8);
        up.offset = sato_le32(v + 12);
        if (height != expect++) bad++;
        fill_data(want, block_len(height), 11, height);
        if (sato_blockstore_read_block(bs, &out, bp) != SATO_OK || out.len != block_len(height) ||
            memcmp(out.data, want, out.len) != 0) {
            bad++;
            fprintf(stderr, "round %d: block %u at %u:%u: %s\n", round, (unsigned)height,
                    (unsigned)bp.file, (unsigned)bp.offset, sato_err_detail());
        }
        fill_data(want, undo_len(height), 12, height);
        block_hash(h, height);
        if (sato_blockstore_read_undo(bs, &out, h, up) != SATO_OK || out.len != undo_len(height) ||
            memcmp(out.data, want, out.len) != 0) {
            bad++;
            fprintf(stderr, "round %d: undo %u at %u:%u: %s\n", round, (unsigned)height,
                    (unsigned)up.file, (unsigned)up.offset, sato_err_detail());
        }
    }
    CHECK(e == SATO_ENOTFOUND);
    test_case(bad == 0 && expect - 1 == tip,
              "round %d: %u indexed blocks intact up to tip %u (%d bad)", round,
              (unsigned)(expect - 1), (unsigned)tip, bad);
    sato_db_iter_destroy(it);
    it = NULL;
    sato_db_abort(t);
    t = NULL;

    /* The next append starts exactly at the recorded end and reads back
     * (it is never committed: the next round's truncate removes it). */
    {
        sato_filepos_t p;
        fill_data(want, 1000, 99, (uint64_t)round);
        e = sato_blockstore_append_block(bs, &p, want, 1000);
        CHECK(e == SATO_OK && sato_blockstore_flush(bs) == SATO_OK);
        sato_blockstore_ends(bs, &after);
        CHECK(after.blk.file > ends.blk.file ||
              (after.blk.file == ends.blk.file && p.offset == ends.blk.offset + 8));
        CHECK(sato_blockstore_read_block(bs, &out, p) == SATO_OK && out.len == 1000 &&
              memcmp(out.data, want, 1000) == 0);
    }
    *tip_out = tip;
out:
    sato_db_iter_destroy(it);
    sato_db_abort(t);
    sato_blockstore_destroy(bs);
    sato_db_destroy(db);
    sato_buf_clear(&out);
}

int main(void) {
    uint64_t seed = 0x5a70c4a5ULL;
    uint32_t tip = 0, last_tip = 0;
    int round, killed = 0, exited = 0;

    make_tmpdir(datadir, sizeof(datadir), "crash");
    snprintf(blocksdir, sizeof(blocksdir), "%s/blocks", datadir);
    snprintf(dbdir, sizeof(dbdir), "%s/db", datadir);
    for (round = 0; round < ROUNDS; round++) {
        char exit_at[64];
#ifdef SATO_FAULT_INJECT
        int use_kill = round % 4 == 3, status = 0;
#else
        int use_kill = 1, status = 0; /* no hooks compiled in: kill only */
#endif
        uint64_t child_seed = rng_next(&seed);
        pid_t pid;
        snprintf(exit_at, sizeof(exit_at), "%s:%u",
                 SITES[rng_next(&seed) % (sizeof(SITES) / sizeof(SITES[0]))],
                 (unsigned)(1 + rng_next(&seed) % 40));
        fflush(NULL);
        pid = fork();
        if (pid == 0) child_main(use_kill ? NULL : exit_at, child_seed);
        if (pid < 0) {
            test_case(0, "fork");
            break;
        }
        if (use_kill) {
            struct timespec ts = {0, (long)(5 + rng_next(&seed) % 150) * 1000000L};
            nanosleep(&ts, NULL);
            kill(pid, SIGKILL);
        }
        if (waitpid(pid, &status, 0) != pid) {
            test_case(0, "waitpid");
            break;
        }
        if (WIFSIGNALED(status)) killed++;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 137) exited++;
        /* A child stops only by its fault, the kill, or after its blocks;
         * any other exit is a storage error it should not have had. */
        test_case((WIFEXITED(status) && (WEXITSTATUS(status) == 137 || WEXITSTATUS(status) == 0)) ||
                      WIFSIGNALED(status),
                  "round %d (%s): child status %d", round, use_kill ? "SIGKILL" : exit_at, status);
        verify(round, &tip);
        CHECK(tip >= last_tip); /* a committed tip is never lost */
        last_tip = tip;
    }
    printf("%d rounds: %d ended by FI_EXIT_AT, %d by SIGKILL, final tip %u\n", ROUNDS, exited,
           killed, (unsigned)tip);
#ifdef SATO_FAULT_INJECT
    test_case(exited > 0 && killed > 0, "FI_EXIT_AT rounds: %d, SIGKILL rounds: %d", exited, killed);
#else
    test_case(killed > 0, "SIGKILL rounds: %d", killed);
#endif
    rm_tree(datadir);
    return test_report("test_store_crash");
}
