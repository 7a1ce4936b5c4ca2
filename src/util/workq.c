/* The work queue (see workq.h): a linked FIFO under one mutex, workers
 * waiting on a condition variable. */
#include <pthread.h>
#include <stdlib.h>

#include "sato/mem.h"
#include "sato/workq.h"

typedef struct item {
    sato_work_fn fn;
    void *arg;
    struct item *next;
} item_t;

struct sato_workq {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t *threads;
    int nthreads;
    item_t *head, *tail;
    size_t pending, depth;
    int stopping;
};

static void *worker(void *arg) {
    sato_workq_t *q = arg;
    for (;;) {
        item_t *it;
        pthread_mutex_lock(&q->lock);
        while (q->head == NULL && !q->stopping) pthread_cond_wait(&q->cond, &q->lock);
        if (q->stopping) {
            pthread_mutex_unlock(&q->lock);
            return NULL;
        }
        it = q->head;
        q->head = it->next;
        if (q->head == NULL) q->tail = NULL;
        q->pending--;
        pthread_mutex_unlock(&q->lock);
        it->fn(it->arg);
        free(it);
    }
}

sato_workq_t *sato_workq_create(int threads, size_t depth) {
    sato_workq_t *q = sato_calloc(1, sizeof(*q));
    int i;
    if (threads < 1) threads = 1;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->cond, NULL);
    q->depth = depth;
    q->threads = sato_calloc((size_t)threads, sizeof(*q->threads));
    for (i = 0; i < threads; i++) {
        if (pthread_create(&q->threads[i], NULL, worker, q) != 0) break;
        q->nthreads++;
    }
    if (q->nthreads == 0) abort(); /* nothing could ever run */
    return q;
}

static int submit(sato_workq_t *q, sato_work_fn fn, void *arg, int bounded) {
    item_t *it;
    pthread_mutex_lock(&q->lock);
    if (q->stopping || (bounded && q->pending >= q->depth)) {
        pthread_mutex_unlock(&q->lock);
        return 0;
    }
    it = sato_malloc(sizeof(*it));
    it->fn = fn;
    it->arg = arg;
    it->next = NULL;
    if (q->tail) q->tail->next = it;
    else q->head = it;
    q->tail = it;
    q->pending++;
    pthread_cond_signal(&q->cond);
    pthread_mutex_unlock(&q->lock);
    return 1;
}

int sato_workq_submit(sato_workq_t *q, sato_work_fn fn, void *arg) {
    return submit(q, fn, arg, 1);
}

int sato_workq_submit_internal(sato_workq_t *q, sato_work_fn fn, void *arg) {
    return submit(q, fn, arg, 0);
}

size_t sato_workq_pending(sato_workq_t *q) {
    size_t n;
    pthread_mutex_lock(&q->lock);
    n = q->pending;
    pthread_mutex_unlock(&q->lock);
    return n;
}

void sato_workq_destroy(sato_workq_t *q) {
    int i;
    if (q == NULL) return;
    pthread_mutex_lock(&q->lock);
    q->stopping = 1;
    pthread_cond_broadcast(&q->cond);
    pthread_mutex_unlock(&q->lock);
    for (i = 0; i < q->nthreads; i++) pthread_join(q->threads[i], NULL);
    while (q->head) {
        item_t *it = q->head;
        q->head = it->next;
        free(it);
    }
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->cond);
    free(q->threads);
    free(q);
}
