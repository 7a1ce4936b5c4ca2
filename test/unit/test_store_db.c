/* LMDB wrapper: put/get/del/iterate, atomic commits, key limits, map
 * growth from a tiny map (also under a concurrent reader and during
 * iteration), the map size limit, stale reader slots. */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sato/buf.h"
#include "sato/db.h"
#include "test.h"
#include "test_store_util.h"

static const char *const TABLES[] = {"coins", "index", "meta"};
enum { COINS, INDEX, META };

static sato_db_t *open_db(const char *dir, size_t initial, size_t max, int *stale) {
    sato_db_opts_t o;
    sato_db_t *db = NULL;
    memset(&o, 0, sizeof(o));
    o.initial_mapsize = initial;
    o.max_mapsize = max;
    CHECK(sato_db_open(&db, dir, TABLES, 3, &o, stale) == SATO_OK && db != NULL);
    return db;
}

static void key_of(unsigned char k[8], uint64_t i) {
    sato_put_be64(k, i); /* big endian: key order is numeric order */
}

static int get_is(sato_db_t *db, unsigned table, const unsigned char *k, size_t kl,
                  const void *want, size_t wl) {
    sato_db_txn_t *t;
    sato_buf_t v;
    int ok;
    sato_buf_init(&v);
    if (sato_db_begin_read(db, &t) != SATO_OK) return 0;
    ok = sato_db_get(t, &v, table, k, kl) == SATO_OK && v.len == wl && memcmp(v.data, want, wl) == 0;
    sato_db_abort(t);
    sato_buf_clear(&v);
    return ok;
}

static int is_absent(sato_db_t *db, unsigned table, const unsigned char *k, size_t kl) {
    sato_db_txn_t *t;
    sato_buf_t v;
    int ok;
    sato_buf_init(&v);
    if (sato_db_begin_read(db, &t) != SATO_OK) return 0;
    ok = sato_db_get(t, &v, table, k, kl) == SATO_ENOTFOUND && v.len == 0;
    IGNORE_RESULT(sato_db_commit(t)); /* a read txn ends either way */
    sato_buf_clear(&v);
    return ok;
}

static void test_basic(void) {
    char dir[PATH_MAX];
    sato_db_t *db;
    sato_db_txn_t *t, *t2;
    sato_db_iter_t *it;
    unsigned char k[SATO_DB_MAX_KEY + 1], v[100];
    const unsigned char *kp, *vp;
    size_t kl, vl;
    sato_buf_t out;
    int i, ok;

    make_tmpdir(dir, sizeof(dir), "db");
    sato_buf_init(&out);
    db = open_db(dir, 0, 0, NULL);
    memset(k, 0, sizeof(k));
    memset(v, 0xab, sizeof(v));

    CHECK(sato_db_begin_write(db, &t) == SATO_OK);
    /* One transaction per thread, so growth can never deadlock. */
    CHECK(sato_db_begin_read(db, &t2) == SATO_EINVAL && t2 == NULL);
    CHECK(sato_db_begin_write(db, &t2) == SATO_EINVAL && t2 == NULL);
    {
        /* Another environment (a wallet beside the chain state) may have
         * a transaction open at the same time. */
        char dir2[PATH_MAX + 8];
        sato_db_t *db2;
        snprintf(dir2, sizeof(dir2), "%s/other", dir);
        db2 = open_db(dir2, 0, 0, NULL);
        CHECK(sato_db_begin_write(db2, &t2) == SATO_OK);
        CHECK(sato_db_put(t2, META, (const unsigned char *)"w", 1, v, 3) == SATO_OK);
        CHECK(sato_db_commit(t2) == SATO_OK);
        sato_db_destroy(db2);
    }
    for (i = 0; i < 100; i++) {
        key_of(k, (uint64_t)i * 3);
        v[0] = (unsigned char)i;
        CHECK(sato_db_put(t, COINS, k, 8, v, 1 + (size_t)i % 50) == SATO_OK);
    }
    /* The same key in another table is another record. */
    key_of(k, 3);
    CHECK(sato_db_put(t, META, k, 8, (const unsigned char *)"meta", 4) == SATO_OK);
    /* Key limits: 1..511 bytes, known tables. */
    CHECK(sato_db_put(t, COINS, k, 0, v, 1) == SATO_EINVAL);
    CHECK(sato_db_put(t, COINS, k, SATO_DB_MAX_KEY + 1, v, 1) == SATO_EINVAL);
    CHECK(sato_db_put(t, 3, k, 8, v, 1) == SATO_EINVAL);
    CHECK(sato_db_get(t, &out, COINS, k, SATO_DB_MAX_KEY + 1) == SATO_EINVAL);
    memset(k + 8, 7, SATO_DB_MAX_KEY - 8);
    CHECK(sato_db_put(t, INDEX, k, SATO_DB_MAX_KEY, v, 0) == SATO_OK);
    /* A write transaction reads its own writes. */
    key_of(k, 30);
    CHECK(sato_db_get(t, &out, COINS, k, 8) == SATO_OK && out.len == 11 && out.data[0] == 10);
    key_of(k, 31);
    CHECK(sato_db_get(t, &out, COINS, k, 8) == SATO_ENOTFOUND && out.len == 0);
    CHECK(sato_db_del(t, COINS, k, 8) == SATO_ENOTFOUND); /* and the txn lives on */
    key_of(k, 33);
    CHECK(sato_db_del(t, COINS, k, 8) == SATO_OK);
    CHECK(sato_db_commit(t) == SATO_OK);

    key_of(k, 3);
    v[0] = 1;
    CHECK(get_is(db, COINS, k, 8, v, 2));
    CHECK(get_is(db, META, k, 8, "meta", 4));
    key_of(k, 33);
    CHECK(is_absent(db, COINS, k, 8));

    /* Read transactions refuse writes. */
    CHECK(sato_db_begin_read(db, &t) == SATO_OK);
    CHECK(sato_db_put(t, COINS, k, 8, v, 1) == SATO_EINVAL);
    CHECK(sato_db_del(t, COINS, k, 8) == SATO_EINVAL);
    /* Iteration: every key in order, from the start and from a seek. */
    CHECK(sato_db_iter_create(&it, t, COINS) == SATO_OK);
    CHECK(sato_db_iter_next(it) == SATO_EINVAL); /* not positioned yet */
    ok = sato_db_iter_seek(it, NULL, 0) == SATO_OK;
    for (i = 0; ok && i < 100; i++) {
        if (i == 11) continue; /* key 33 was deleted */
        sato_db_iter_key(it, &kp, &kl);
        sato_db_iter_value(it, &vp, &vl);
        ok = kl == 8 && sato_be64(kp) == (uint64_t)i * 3 && vl == 1 + (size_t)i % 50 &&
             vp[0] == (unsigned char)i;
        if (i < 99) ok = ok && sato_db_iter_next(it) == SATO_OK;
    }
    test_case(ok, "iteration in key order (stopped at %d)", i);
    CHECK(sato_db_iter_next(it) == SATO_ENOTFOUND);
    key_of(k, 100); /* between 99 and 102 */
    CHECK(sato_db_iter_seek(it, k, 8) == SATO_OK);
    sato_db_iter_key(it, &kp, &kl);
    CHECK(kl == 8 && sato_be64(kp) == 102);
    key_of(k, 1000);
    CHECK(sato_db_iter_seek(it, k, 8) == SATO_ENOTFOUND);
    sato_db_iter_key(it, &kp, &kl);
    CHECK(kp == NULL && kl == 0);
    CHECK(sato_db_iter_next(it) == SATO_ENOTFOUND);
    sato_db_iter_destroy(it);
    sato_db_iter_destroy(NULL);
    /* An empty table. */
    CHECK(sato_db_iter_create(&it, t, INDEX) == SATO_OK);
    CHECK(sato_db_iter_seek(it, NULL, 0) == SATO_OK); /* the 511-byte key */
    sato_db_iter_key(it, &kp, &kl);
    CHECK(kl == SATO_DB_MAX_KEY);
    CHECK(sato_db_iter_next(it) == SATO_ENOTFOUND);
    sato_db_iter_destroy(it);
    CHECK(sato_db_commit(t) == SATO_OK);

    /* Atomicity: an aborted transaction leaves nothing behind. */
    CHECK(sato_db_begin_write(db, &t) == SATO_OK);
    for (i = 0; i < 50; i++) {
        key_of(k, 5000 + (uint64_t)i);
        CHECK(sato_db_put(t, INDEX, k, 8, v, 10) == SATO_OK);
    }
    key_of(k, 3);
    CHECK(sato_db_del(t, COINS, k, 8) == SATO_OK);
    sato_db_abort(t);
    sato_db_abort(NULL);
    key_of(k, 5000);
    CHECK(is_absent(db, INDEX, k, 8));
    key_of(k, 3);
    v[0] = 1;
    CHECK(get_is(db, COINS, k, 8, v, 2));

    /* Durable across close and reopen. */
    sato_db_destroy(db);
    sato_db_destroy(NULL);
    db = open_db(dir, 0, 0, NULL);
    CHECK(get_is(db, META, k, 8, "meta", 4));
    sato_db_destroy(db);
    sato_buf_clear(&out);
    rm_tree(dir);
}

/* Holds short read transactions in a loop while the main thread writes
 * enough to grow the map several times. */
typedef struct {
    sato_db_t *db;
    volatile int stop;
    int reads, errors;
} reader_arg_t;

static void *reader_main(void *p) {
    reader_arg_t *a = p;
    unsigned char k[8];
    sato_buf_t v;
    sato_buf_init(&v);
    key_of(k, 0);
    while (!a->stop) {
        sato_db_txn_t *t;
        sato_err_t e;
        struct timespec ts = {0, 200000};
        if (sato_db_begin_read(a->db, &t) != SATO_OK) {
            a->errors++;
            continue;
        }
        e = sato_db_get(t, &v, COINS, k, 8);
        if (e != SATO_OK && e != SATO_ENOTFOUND) a->errors++;
        nanosleep(&ts, NULL); /* hold the transaction a little */
        if (sato_db_commit(t) != SATO_OK) a->errors++;
        a->reads++;
    }
    sato_buf_clear(&v);
    return NULL;
}

static void test_growth(void) {
    char dir[PATH_MAX];
    sato_db_t *db;
    sato_db_txn_t *t;
    sato_db_iter_t *it;
    unsigned char k[8], v[1000];
    const unsigned char *kp;
    size_t kl, start;
    reader_arg_t ra;
    pthread_t th;
    int i, j, ok;

    make_tmpdir(dir, sizeof(dir), "grow");
    db = open_db(dir, 64 << 10, 0, NULL);
    start = sato_db_mapsize(db);
    CHECK(start == 64 << 10);
    memset(&ra, 0, sizeof(ra));
    ra.db = db;
    CHECK(pthread_create(&th, NULL, reader_main, &ra) == 0);
    /* 8 MB in 20 transactions, then 2 MB more in a single one: every
     * MDB_MAP_FULL is absorbed by growth and replay. */
    ok = 1;
    for (j = 0; j < 20; j++) {
        if (sato_db_begin_write(db, &t) != SATO_OK) ok = 0;
        for (i = 0; ok && i < 400; i++) {
            key_of(k, (uint64_t)j * 400 + (uint64_t)i);
            fill_data(v, sizeof(v), 3, (uint64_t)j * 400 + (uint64_t)i);
            if (sato_db_put(t, COINS, k, 8, v, sizeof(v)) != SATO_OK) ok = 0;
        }
        if (sato_db_commit(t) != SATO_OK) ok = 0;
    }
    test_case(ok, "8 MB written from a 64 KiB map: %s", sato_err_detail());
    ra.stop = 1;
    pthread_join(th, NULL);
    test_case(ra.errors == 0 && ra.reads > 0, "concurrent reader: %d reads, %d errors", ra.reads,
              ra.errors);
    CHECK(sato_db_begin_write(db, &t) == SATO_OK);
    for (i = 0; i < 2000; i++) {
        key_of(k, 100000 + (uint64_t)i);
        fill_data(v, sizeof(v), 3, 100000 + (uint64_t)i);
        if (sato_db_put(t, INDEX, k, 8, v, sizeof(v)) != SATO_OK) break;
    }
    CHECK(i == 2000);
    CHECK(sato_db_commit(t) == SATO_OK);
    test_case(sato_db_mapsize(db) >= (10u << 20), "map grew to %zu", sato_db_mapsize(db));

    /* Everything reads back. */
    ok = 1;
    for (i = 0; ok && i < 8000; i += 7) {
        key_of(k, (uint64_t)i);
        fill_data(v, sizeof(v), 3, (uint64_t)i);
        ok = get_is(db, COINS, k, 8, v, sizeof(v));
    }
    test_case(ok, "grown data reads back (key %d)", i);

    /* Growth in the middle of an iteration: the iterator keeps its place,
     * even when its current key is deleted before the map grows. */
    sato_db_destroy(db);
    rm_tree(dir);
    make_tmpdir(dir, sizeof(dir), "grow2");
    db = open_db(dir, 64 << 10, 0, NULL);
    CHECK(sato_db_begin_write(db, &t) == SATO_OK);
    for (i = 0; i < 10; i++) {
        key_of(k, (uint64_t)i);
        CHECK(sato_db_put(t, META, k, 8, k, 8) == SATO_OK);
    }
    CHECK(sato_db_iter_create(&it, t, META) == SATO_OK);
    key_of(k, 4);
    CHECK(sato_db_iter_seek(it, k, 8) == SATO_OK);
    CHECK(sato_db_del(t, META, k, 8) == SATO_OK);
    start = sato_db_mapsize(db);
    for (i = 0; i < 3000; i++) {
        key_of(k, 1000000 + (uint64_t)i);
        if (sato_db_put(t, COINS, k, 8, v, sizeof(v)) != SATO_OK) break;
    }
    CHECK(i == 3000 && sato_db_mapsize(db) > start);
    ok = 1;
    for (j = 5; ok && j < 10; j++) {
        ok = sato_db_iter_next(it) == SATO_OK;
        sato_db_iter_key(it, &kp, &kl);
        ok = ok && kl == 8 && sato_be64(kp) == (uint64_t)j;
    }
    test_case(ok, "iteration continued after growth (at %d)", j);
    CHECK(sato_db_iter_next(it) == SATO_ENOTFOUND);
    sato_db_iter_destroy(it);
    CHECK(sato_db_commit(t) == SATO_OK);
    key_of(k, 4);
    CHECK(is_absent(db, META, k, 8));
    key_of(k, 1000000 + 2999);
    CHECK(get_is(db, COINS, k, 8, v, sizeof(v)));
    sato_db_destroy(db);
    rm_tree(dir);
}

/* At the map size limit a write fails with SATO_EFULL (a resource limit,
 * not a verdict), the transaction leaves nothing, the database stays
 * usable. */
static void test_limit(void) {
    char dir[PATH_MAX];
    sato_db_t *db;
    sato_db_txn_t *t;
    unsigned char k[8], v[1000];
    sato_err_t e = SATO_OK;
    int i;

    make_tmpdir(dir, sizeof(dir), "limit");
    db = open_db(dir, 64 << 10, 1 << 20, NULL);
    memset(v, 1, sizeof(v));
    CHECK(sato_db_begin_write(db, &t) == SATO_OK);
    for (i = 0; i < 4000 && e == SATO_OK; i++) {
        key_of(k, (uint64_t)i);
        e = sato_db_put(t, COINS, k, 8, v, sizeof(v));
    }
    test_case(e == SATO_EFULL, "full map: %s (%s)", sato_err_str(e), sato_err_detail());
    key_of(k, 99999);
    CHECK(sato_db_put(t, COINS, k, 8, v, 1) == SATO_EFULL); /* latched */
    CHECK(sato_db_commit(t) == SATO_EFULL);
    CHECK(sato_db_mapsize(db) == 1 << 20);
    key_of(k, 0);
    CHECK(is_absent(db, COINS, k, 8));
    CHECK(sato_db_begin_write(db, &t) == SATO_OK);
    CHECK(sato_db_put(t, COINS, k, 8, v, 10) == SATO_OK);
    CHECK(sato_db_commit(t) == SATO_OK);
    CHECK(get_is(db, COINS, k, 8, v, 10));
    sato_db_destroy(db);
    rm_tree(dir);
}

/* Where a holding child says it has the environment open. */
static int holder_ready_fd = -1;

/* Child: opens the environment and begins a read transaction; exits at
 * once (leaving a stale reader slot) or, with hold_fd, says so on
 * holder_ready_fd and waits until that pipe closes (keeping the
 * environment in use by another process). */
static pid_t child_reader(const char *dir, int hold_fd, int close_fd) {
    pid_t pid = fork();
    if (pid == 0) {
        sato_db_txn_t *t;
        sato_db_t *cdb = NULL;
        char c;
        if (close_fd >= 0) close(close_fd); /* or the pipe never reads EOF */
        if (sato_db_open(&cdb, dir, TABLES, 3, NULL, NULL) != SATO_OK) _exit(2);
        if (sato_db_begin_read(cdb, &t) != SATO_OK) _exit(3);
        if (hold_fd >= 0) {
            if (sato_db_commit(t) != SATO_OK) _exit(4);
            if (write(holder_ready_fd, "r", 1) != 1) _exit(5);
            while (read(hold_fd, &c, 1) > 0) {
            }
        }
        _exit(0); /* without ending the transaction */
    }
    return pid;
}

static int reap(pid_t pid) {
    int status = 0;
    return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
           WEXITSTATUS(status) == 0;
}

/* A process that dies inside a read transaction leaves a reader slot that
 * would pin old pages forever; it is cleared at open and on demand.
 * (When no other process has the environment open, LMDB resets the whole
 * reader table at open, so a second process keeps it in use here.) */
static void test_reader_check(void) {
    char dir[PATH_MAX];
    sato_db_t *db;
    int stale = -1, dead = -1, pipefd[2], readyfd[2];
    pid_t holder;

    make_tmpdir(dir, sizeof(dir), "readers");
    db = open_db(dir, 0, 0, &stale);
    CHECK(stale == 0);
    /* On demand, with this process holding the environment. */
    CHECK(reap(child_reader(dir, -1, -1)));
    CHECK(sato_db_reader_check(db, &dead) == SATO_OK);
    test_case(dead == 1, "stale reader slots cleared on demand: %d", dead);
    CHECK(sato_db_reader_check(db, &dead) == SATO_OK && dead == 0);
    sato_db_destroy(db);

    /* At open, with another live process holding the environment. */
    CHECK(pipe(pipefd) == 0);
    CHECK(pipe(readyfd) == 0);
    holder_ready_fd = readyfd[1];
    holder = child_reader(dir, pipefd[0], pipefd[1]);
    close(pipefd[0]);
    close(readyfd[1]);
    {
        /* Only once the holder has it open does the next child's slot
         * outlive the child (else LMDB resets the table at open). */
        char c;
        CHECK(read(readyfd[0], &c, 1) == 1);
        close(readyfd[0]);
    }
    CHECK(reap(child_reader(dir, -1, -1)));
    db = open_db(dir, 0, 0, &stale);
    test_case(stale == 1, "stale reader slots cleared at open: %d", stale);
    close(pipefd[1]);
    CHECK(reap(holder));
    sato_db_destroy(db);
    rm_tree(dir);
}

static void test_errors(void) {
    sato_err_t e;
    const char *seen[16];
    int n = 0, i, distinct = 1;
    for (e = SATO_OK; e <= SATO_EINVAL; e++) {
        const char *s = sato_err_str(e);
        for (i = 0; i < n; i++) distinct = distinct && strcmp(seen[i], s) != 0;
        seen[n++] = s;
        CHECK(s != NULL && s[0] != '\0');
    }
    CHECK(distinct);
    CHECK(strcmp(sato_err_str((sato_err_t)99), "unknown error") == 0);
}

/* -reindex wipes the environment: the next open starts empty; wiping a
 * directory without one is fine. */
static void test_wipe(void) {
    char dir[PATH_MAX];
    sato_db_t *db;
    sato_db_txn_t *t;
    unsigned char k[8], v[4] = {1, 2, 3, 4};
    make_tmpdir(dir, sizeof(dir), "wipe");
    CHECK(sato_db_wipe(dir) == SATO_OK);
    db = open_db(dir, 0, 0, NULL);
    key_of(k, 7);
    CHECK(sato_db_begin_write(db, &t) == SATO_OK);
    CHECK(sato_db_put(t, COINS, k, 8, v, 4) == SATO_OK);
    CHECK(sato_db_commit(t) == SATO_OK);
    sato_db_destroy(db);
    test_case(sato_db_wipe(dir) == SATO_OK, "wipe");
    db = open_db(dir, 0, 0, NULL);
    test_case(is_absent(db, COINS, k, 8), "nothing left after a wipe");
    sato_db_destroy(db);
    rm_tree(dir);
}

int main(void) {
    test_wipe();
    test_basic();
    test_growth();
    test_limit();
    test_reader_check();
    test_errors();
    return test_report("test_store_db");
}
