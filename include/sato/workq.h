#ifndef SATO_WORKQ_H
#define SATO_WORKQ_H

/* A fixed pool of worker threads fed from one bounded FIFO: where the
 * event loop sends anything that may block (RPC calls, chain flushes,
 * and later the network's validation), so the loop itself never waits
 * on a disk or a lock. */

#include <stddef.h>

typedef struct sato_workq sato_workq_t;
typedef void (*sato_work_fn)(void *arg);

/* threads >= 1 workers; depth bounds the items waiting (not running). */
sato_workq_t *sato_workq_create(int threads, size_t depth);

/* Queues fn(arg). Returns 0 if the queue is full (the caller answers
 * "busy") or stopping. sato_workq_submit_internal ignores the bound, for
 * the node's own occasional jobs that must not be refused. */
int sato_workq_submit(sato_workq_t *q, sato_work_fn fn, void *arg);
int sato_workq_submit_internal(sato_workq_t *q, sato_work_fn fn, void *arg);

/* Items waiting, not counting the running ones. */
size_t sato_workq_pending(sato_workq_t *q);

/* Lets running items finish, drops the waiting ones (their owners free
 * them), joins the workers and frees the queue. NULL: no-op. */
void sato_workq_destroy(sato_workq_t *q);

#endif
