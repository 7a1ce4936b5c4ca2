/* A fixed pool of threads that drain a shared array of script checks in
 * small batches. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "sato/mem.h"
#include "sato/scriptpool.h"

#define BATCH 8

struct sato_scriptpool {
    unsigned threads;
    pthread_t *workers;
    pthread_mutex_t mu;
    pthread_cond_t start;
    pthread_cond_t done;
    uint64_t generation;
    unsigned busy; /* workers still on the current job */
    int quit;
    /* The current job: checks[0 .. avail) may be taken; closed once the
     * producer has added the last. */
    const sato_script_check_t *checks;
    atomic_size_t avail;
    atomic_int closed;
    atomic_int waiters;
    pthread_cond_t more;
    atomic_size_t next;
    atomic_size_t first_fail; /* SIZE_MAX when none */
    int running;
};

/* Lowers first_fail to i if i is lower. */
static void record_fail(sato_scriptpool_t *p, size_t i) {
    size_t cur = atomic_load(&p->first_fail);
    while (i < cur && !atomic_compare_exchange_weak(&p->first_fail, &cur, i)) {
    }
}

/* Takes batches of checks until the job is closed and drained, or a
 * failure makes the rest irrelevant. */
static void drain(sato_scriptpool_t *p) {
    for (;;) {
        size_t i = atomic_load(&p->next), av = atomic_load(&p->avail), end, j;
        if (i > atomic_load(&p->first_fail)) return;
        if (i < av) {
            end = i + BATCH < av ? i + BATCH : av;
            if (!atomic_compare_exchange_weak(&p->next, &i, end)) continue;
            for (j = i; j < end; j++) {
                /* Checks past a known failure cannot change the verdict. */
                if (j > atomic_load(&p->first_fail)) return;
                if (!sato_script_check_run(&p->checks[j], NULL)) record_fail(p, j);
            }
            continue;
        }
        if (atomic_load(&p->closed)) {
            if (atomic_load(&p->next) >= atomic_load(&p->avail)) return;
            continue;
        }
        pthread_mutex_lock(&p->mu);
        atomic_fetch_add(&p->waiters, 1);
        while (!atomic_load(&p->closed) && atomic_load(&p->next) >= atomic_load(&p->avail))
            pthread_cond_wait(&p->more, &p->mu);
        atomic_fetch_sub(&p->waiters, 1);
        pthread_mutex_unlock(&p->mu);
    }
}

static void *worker(void *arg) {
    sato_scriptpool_t *p = arg;
    uint64_t seen = 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->quit && p->generation == seen) pthread_cond_wait(&p->start, &p->mu);
        if (p->quit) break;
        seen = p->generation;
        pthread_mutex_unlock(&p->mu);
        drain(p);
        pthread_mutex_lock(&p->mu);
        if (--p->busy == 0) pthread_cond_signal(&p->done);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

sato_scriptpool_t *sato_scriptpool_create(unsigned threads) {
    sato_scriptpool_t *p = sato_calloc(1, sizeof(*p));
    unsigned i;
    if (threads == 0) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        threads = n > 0 ? (unsigned)n : 1;
    }
    if (threads > 64) threads = 64;
    p->threads = threads;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->start, NULL);
    pthread_cond_init(&p->done, NULL);
    pthread_cond_init(&p->more, NULL);
    p->workers = sato_calloc(threads, sizeof(pthread_t));
    for (i = 0; i + 1 < threads; i++) {
        if (pthread_create(&p->workers[i], NULL, worker, p) != 0) abort();
    }
    return p;
}

void sato_scriptpool_destroy(sato_scriptpool_t *p) {
    unsigned i;
    if (p == NULL) return;
    pthread_mutex_lock(&p->mu);
    p->quit = 1;
    pthread_cond_broadcast(&p->start);
    pthread_mutex_unlock(&p->mu);
    for (i = 0; i + 1 < p->threads; i++) pthread_join(p->workers[i], NULL);
    pthread_cond_destroy(&p->start);
    pthread_cond_destroy(&p->done);
    pthread_cond_destroy(&p->more);
    pthread_mutex_destroy(&p->mu);
    free(p->workers);
    free(p);
}

unsigned sato_scriptpool_threads(const sato_scriptpool_t *p) {
    return p->threads;
}

void sato_scriptpool_begin(sato_scriptpool_t *p, const sato_script_check_t *checks) {
    p->checks = checks;
    atomic_store(&p->avail, 0);
    atomic_store(&p->next, 0);
    atomic_store(&p->closed, 0);
    atomic_store(&p->first_fail, SIZE_MAX);
    p->running = p->threads > 1;
    if (p->running) {
        pthread_mutex_lock(&p->mu);
        p->busy = p->threads - 1;
        p->generation++;
        pthread_cond_broadcast(&p->start);
        pthread_mutex_unlock(&p->mu);
    }
}

void sato_scriptpool_add(sato_scriptpool_t *p, size_t n) {
    atomic_store(&p->avail, n);
    if (p->running && atomic_load(&p->waiters) > 0) {
        pthread_mutex_lock(&p->mu);
        pthread_cond_broadcast(&p->more);
        pthread_mutex_unlock(&p->mu);
    }
}

size_t sato_scriptpool_finish(sato_scriptpool_t *p, sato_script_error_t *err) {
    size_t fail, n = atomic_load(&p->avail);
    if (err != NULL) *err = SATO_SCRIPT_ERR_OK;
    atomic_store(&p->closed, 1);
    if (p->running) {
        pthread_mutex_lock(&p->mu);
        pthread_cond_broadcast(&p->more);
        pthread_mutex_unlock(&p->mu);
    }
    drain(p);
    if (p->running) {
        pthread_mutex_lock(&p->mu);
        while (p->busy > 0) pthread_cond_wait(&p->done, &p->mu);
        pthread_mutex_unlock(&p->mu);
        p->running = 0;
    }
    fail = atomic_load(&p->first_fail);
    if (fail >= n) return n;
    /* Checks are pure: running the failing one again gives its error. */
    if (err != NULL) sato_script_check_run(&p->checks[fail], err);
    return fail;
}

size_t sato_scriptpool_run(sato_scriptpool_t *p, const sato_script_check_t *checks, size_t n,
                           sato_script_error_t *err) {
    sato_scriptpool_begin(p, checks);
    sato_scriptpool_add(p, n);
    return sato_scriptpool_finish(p, err);
}
