/* Core's RPC warm-up: calls that arrive while the node is still loading
 * are answered RPC_IN_WARMUP with what it is doing, never left hanging. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/mem.h"
#include "sato/rpc.h"

struct sato_rpc_warmup {
    pthread_mutex_t lock;
    int done;
    char status[128];
};

sato_rpc_warmup_t *sato_rpc_warmup_create(void) {
    sato_rpc_warmup_t *w = sato_calloc(1, sizeof(*w));
    pthread_mutex_init(&w->lock, NULL);
    snprintf(w->status, sizeof(w->status), "RPC server started");
    return w;
}

void sato_rpc_warmup_destroy(sato_rpc_warmup_t *w) {
    if (w == NULL) return;
    pthread_mutex_destroy(&w->lock);
    free(w);
}

void sato_rpc_warmup_set_status(sato_rpc_warmup_t *w, const char *status) {
    pthread_mutex_lock(&w->lock);
    snprintf(w->status, sizeof(w->status), "%s", status);
    pthread_mutex_unlock(&w->lock);
}

void sato_rpc_warmup_finish(sato_rpc_warmup_t *w) {
    pthread_mutex_lock(&w->lock);
    w->done = 1;
    pthread_mutex_unlock(&w->lock);
}

int sato_rpc_warmup_status(sato_rpc_warmup_t *w, char *status, size_t len) {
    int in_warmup;
    pthread_mutex_lock(&w->lock);
    in_warmup = !w->done;
    if (in_warmup && len > 0) snprintf(status, len, "%s", w->status);
    pthread_mutex_unlock(&w->lock);
    return in_warmup;
}
