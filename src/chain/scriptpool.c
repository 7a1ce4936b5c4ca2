/* A fixed pool of threads that drain a shared array of script checks in
 * small batches. */
#include <pthread.h>
#include <stdatomic.h>
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
    /* The current job. */
    const sato_script_check_t *checks;
    size_t n;
    atomic_size_t next;
    atomic_size_t first_fail; /* n when none */
};

/* Lowers first_fail to i if i is lower. */
static void record_fail(sato_scriptpool_t *p, size_t i) {
    size_t cur = atomic_load(&p->first_fail);
    while (i < cur && !atomic_compare_exchange_weak(&p->first_fail, &cur, i)) {
    }
}

static void drain(sato_scriptpool_t *p) {
    for (;;) {
        size_t i = atomic_fetch_add(&p->next, BATCH), end, j;
        if (i >= p->n) return;
        end = i + BATCH < p->n ? i + BATCH : p->n;
        for (j = i; j < end; j++) {
            /* Checks past a known failure cannot change the verdict. */
            if (j > atomic_load(&p->first_fail)) return;
            if (!sato_script_check_run(&p->checks[j], NULL)) record_fail(p, j);
        }
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
    pthread_mutex_destroy(&p->mu);
    free(p->workers);
    free(p);
}

unsigned sato_scriptpool_threads(const sato_scriptpool_t *p) {
    return p->threads;
}

size_t sato_scriptpool_run(sato_scriptpool_t *p, const sato_script_check_t *checks, size_t n,
                           sato_script_error_t *err) {
    size_t fail;
    if (err != NULL) *err = SATO_SCRIPT_ERR_OK;
    p->checks = checks;
    p->n = n;
    atomic_store(&p->next, 0);
    atomic_store(&p->first_fail, n);
    if (p->threads > 1 && n > BATCH) {
        pthread_mutex_lock(&p->mu);
        p->busy = p->threads - 1;
        p->generation++;
        pthread_cond_broadcast(&p->start);
        pthread_mutex_unlock(&p->mu);
        drain(p);
        pthread_mutex_lock(&p->mu);
        while (p->busy > 0) pthread_cond_wait(&p->done, &p->mu);
        pthread_mutex_unlock(&p->mu);
    } else {
        drain(p);
    }
    fail = atomic_load(&p->first_fail);
    /* Checks are pure: running the failing one again gives its error. */
    if (fail < n && err != NULL) sato_script_check_run(&checks[fail], err);
    return fail;
}
