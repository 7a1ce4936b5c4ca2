/* The shared work queue: every item runs once, the bound refuses extra
 * client work but not the node's own, and destroy lets a running item
 * finish while dropping the waiting ones. */
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include "sato/workq.h"
#include "test.h"

static int counter;

static void bump(void *arg) {
    (void)arg;
    __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
}

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int open, started, finished;
} gate_t;

/* Blocks its worker until the gate opens. */
static void wait_gate(void *arg) {
    gate_t *g = arg;
    pthread_mutex_lock(&g->lock);
    g->started++;
    pthread_cond_broadcast(&g->cond);
    while (!g->open) pthread_cond_wait(&g->cond, &g->lock);
    g->finished++;
    pthread_mutex_unlock(&g->lock);
}

static void open_gate_later(gate_t *g) {
    pthread_mutex_lock(&g->lock);
    g->open = 1;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->lock);
}

int main(void) {
    sato_workq_t *q = sato_workq_create(3, 1000);
    gate_t g;
    int i, accepted = 0;
    for (i = 0; i < 1000; i++) CHECK(sato_workq_submit(q, bump, NULL));
    sato_workq_destroy(q); /* some may be dropped: count what ran below */
    test_case(counter <= 1000, "no item ran twice (%d)", counter);

    counter = 0;
    q = sato_workq_create(2, 1000);
    for (i = 0; i < 500; i++) CHECK(sato_workq_submit(q, bump, NULL));
    while (sato_workq_pending(q) > 0) usleep(1000);
    usleep(20000);
    test_case(counter == 500, "every item ran once (%d of 500)", counter);
    sato_workq_destroy(q);

    /* One worker held at a gate: the bound of 4 waiting items holds. */
    memset(&g, 0, sizeof(g));
    pthread_mutex_init(&g.lock, NULL);
    pthread_cond_init(&g.cond, NULL);
    q = sato_workq_create(1, 4);
    CHECK(sato_workq_submit(q, wait_gate, &g));
    pthread_mutex_lock(&g.lock);
    while (g.started == 0) pthread_cond_wait(&g.cond, &g.lock);
    pthread_mutex_unlock(&g.lock);
    for (i = 0; i < 10; i++) accepted += sato_workq_submit(q, bump, NULL);
    test_case(accepted == 4, "the bound: %d of 10 accepted behind a busy worker", accepted);
    test_case(sato_workq_submit_internal(q, bump, NULL), "the node's own work passes the bound");
    CHECK(sato_workq_pending(q) == 5);
    open_gate_later(&g);
    sato_workq_destroy(q);
    test_case(g.finished == 1, "the running item finished before destroy returned");
    pthread_mutex_destroy(&g.lock);
    pthread_cond_destroy(&g.cond);
    sato_workq_destroy(NULL);
    return test_report("test_workq");
}
