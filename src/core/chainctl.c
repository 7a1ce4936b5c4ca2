/* The node core's shared chain state: lock, tip notifications and their
 * subscribers, tx index upkeep (see chainctl.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sato/chainctl.h"
#include "sato/clock.h"
#include "sato/log.h"
#include "sato/mem.h"

/* Core's DEFAULT_MAX_TIP_AGE: a tip older than this means we are syncing. */
#define MAX_TIP_AGE (24 * 60 * 60)

struct sato_chainctl {
    pthread_mutex_t lock;
    sato_chainstate_t *cs;
    const sato_chainparams_t *params;
    sato_txindex_t *txindex;
    void (*on_fatal)(void *arg);
    void *fatal_arg;
    const sato_blocknode_t *notified; /* the tip the log last reported */
    uint64_t *chain_tx;               /* cumulative counts by height ... */
    size_t chain_tx_valid, chain_tx_cap; /* ... valid below chain_tx_valid */
    sato_chain_listener_t listeners[SATO_CHAINCTL_MAX_LISTENERS];
    size_t n_listeners;
    int left_ibd;
    int64_t progress_at_ms;   /* when the last sync progress line was logged */
    int32_t progress_height;
    int failed;
    int interrupted; /* read and written atomically */
};

sato_chainctl_t *sato_chainctl_create(sato_chainstate_t *cs, const sato_chainparams_t *params,
                                      sato_txindex_t *txindex, void (*on_fatal)(void *arg),
                                      void *fatal_arg) {
    sato_chainctl_t *ctl = sato_calloc(1, sizeof(*ctl));
    pthread_mutex_init(&ctl->lock, NULL);
    ctl->cs = cs;
    ctl->params = params;
    ctl->txindex = txindex;
    ctl->on_fatal = on_fatal;
    ctl->fatal_arg = fatal_arg;
    ctl->notified = sato_chainstate_tip(cs);
    return ctl;
}

void sato_chainctl_destroy(sato_chainctl_t *ctl) {
    if (ctl == NULL) return;
    pthread_mutex_destroy(&ctl->lock);
    free(ctl->chain_tx);
    free(ctl);
}

void sato_chainctl_interrupt(sato_chainctl_t *ctl) {
    __atomic_store_n(&ctl->interrupted, 1, __ATOMIC_SEQ_CST);
}

int sato_chainctl_interrupted(const sato_chainctl_t *ctl) {
    return __atomic_load_n(&ctl->interrupted, __ATOMIC_SEQ_CST);
}

void sato_chainctl_lock(sato_chainctl_t *ctl) {
    pthread_mutex_lock(&ctl->lock);
}

void sato_chainctl_unlock(sato_chainctl_t *ctl) {
    pthread_mutex_unlock(&ctl->lock);
}

sato_chainstate_t *sato_chainctl_chainstate(sato_chainctl_t *ctl) {
    return ctl->cs;
}

int sato_chainctl_subscribe(sato_chainctl_t *ctl, const sato_chain_listener_t *l) {
    if (ctl->n_listeners == SATO_CHAINCTL_MAX_LISTENERS) return 0;
    ctl->listeners[ctl->n_listeners++] = *l;
    return 1;
}

void sato_chainctl_unsubscribe(sato_chainctl_t *ctl, void *arg) {
    size_t i;
    for (i = 0; i < ctl->n_listeners; i++) {
        if (ctl->listeners[i].arg == arg) {
            ctl->listeners[i] = ctl->listeners[--ctl->n_listeners];
            i--;
        }
    }
}

sato_txindex_t *sato_chainctl_txindex(sato_chainctl_t *ctl) {
    return ctl->txindex;
}

const sato_chainparams_t *sato_chainctl_params(const sato_chainctl_t *ctl) {
    return ctl->params;
}

int sato_chainctl_failed(const sato_chainctl_t *ctl) {
    return ctl->failed;
}

sato_err_t sato_chainctl_fatal(sato_chainctl_t *ctl, sato_err_t err, const char *what) {
    const char *detail = sato_chainstate_error(ctl->cs);
    if (*detail == '\0') detail = sato_err_detail();
    sato_log_printf("*** %s: %s%s%s", what, sato_err_str(err), *detail ? ": " : "", detail);
    sato_log_printf("Error: A fatal internal error occurred, see debug.log for details; shutting down");
    if (!ctl->failed && ctl->on_fatal != NULL) ctl->on_fatal(ctl->fatal_arg);
    ctl->failed = 1;
    return err;
}

uint64_t sato_chainctl_chain_tx(sato_chainctl_t *ctl, const sato_blocknode_t *e) {
    size_t h;
    if (e == NULL || e->height < 0) return 0;
    if ((size_t)e->height >= ctl->chain_tx_cap) {
        ctl->chain_tx_cap = (size_t)e->height * 2 + 64;
        ctl->chain_tx = sato_realloc(ctl->chain_tx, ctl->chain_tx_cap * sizeof(*ctl->chain_tx));
    }
    for (h = ctl->chain_tx_valid; h <= (size_t)e->height; h++) {
        const sato_blocknode_t *b = sato_chainstate_at(ctl->cs, (int32_t)h);
        uint64_t n = b ? b->n_tx : 0;
        ctl->chain_tx[h] = (h > 0 ? ctl->chain_tx[h - 1] : 0) + n;
    }
    if (ctl->chain_tx_valid < h) ctl->chain_tx_valid = h;
    return ctl->chain_tx[e->height];
}

double sato_chainctl_progress(sato_chainctl_t *ctl, const sato_blocknode_t *e) {
    const sato_blocknode_t *genesis = sato_chainstate_at(ctl->cs, 0);
    double done, rate = 0, total;
    int64_t now = sato_clock_now(), elapsed;
    if (e == NULL || genesis == NULL) return 0;
    done = (double)sato_chainctl_chain_tx(ctl, e);
    elapsed = (int64_t)e->header.time - (int64_t)genesis->header.time;
    if (elapsed > 0) rate = done / (double)elapsed;
    total = done + (now > (int64_t)e->header.time ? (double)(now - (int64_t)e->header.time) : 0) * rate;
    if (total <= 0) return 1.0;
    return done / total < 1.0 ? done / total : 1.0;
}

int sato_chainctl_ibd(sato_chainctl_t *ctl) {
    const sato_blocknode_t *tip = sato_chainstate_tip(ctl->cs);
    sato_u256_t min_work;
    if (ctl->left_ibd) return 0;
    if (tip == NULL) return 1;
    if (!sato_u256_from_hex(&min_work, ctl->params->minimum_chain_work_hex)) sato_u256_set_u64(&min_work, 0);
    if (sato_u256_cmp(&tip->chain_work, &min_work) < 0) return 1;
    if ((int64_t)tip->header.time < sato_clock_now() - MAX_TIP_AGE) return 1;
    sato_log_printf("Leaving InitialBlockDownload (latching to false)");
    ctl->left_ibd = 1;
    return 0;
}

double sato_chainctl_log2_work(const sato_u256_t *work) {
    double d = sato_u256_to_double(work);
    return d > 0 ? log(d) / log(2.0) : 0;
}

double sato_chainctl_difficulty(uint32_t bits) {
    int shift = (int)((bits >> 24) & 0xff);
    uint32_t mant = bits & 0x00ffffff;
    double diff;
    if (mant == 0) return 0;
    diff = (double)0x0000ffff / (double)mant;
    while (shift < 29) {
        diff *= 256.0;
        shift++;
    }
    while (shift > 29) {
        diff /= 256.0;
        shift--;
    }
    return diff;
}

static void hash_hex(char out[65], const unsigned char hash[32]) {
    static const char digits[] = "0123456789abcdef";
    int i;
    for (i = 0; i < 32; i++) {
        out[2 * i] = digits[hash[31 - i] >> 4];
        out[2 * i + 1] = digits[hash[31 - i] & 15];
    }
    out[64] = '\0';
}

static void log_update_tip(sato_chainctl_t *ctl, const sato_blocknode_t *e) {
    char hex[65], date[32];
    time_t t = (time_t)e->header.time;
    struct tm tm;
    hash_hex(hex, e->hash);
    gmtime_r(&t, &tm);
    strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
    sato_log_printf("UpdateTip: new best=%s height=%d version=0x%08x log2_work=%f tx=%llu date='%s' "
                    "progress=%f cache=%.1fMiB(%zutxo)",
                    hex, (int)e->height, (unsigned)e->header.version,
                    sato_chainctl_log2_work(&e->chain_work),
                    (unsigned long long)sato_chainctl_chain_tx(ctl, e), date,
                    sato_chainctl_progress(ctl, e),
                    (double)sato_chainstate_cache_memory(ctl->cs) / (1 << 20),
                    sato_chainstate_cache_count(ctl->cs));
}

static int64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* During initial download, every 10 seconds: how far, how fast, how long
 * to the best header we know. */
static void log_progress(sato_chainctl_t *ctl, const sato_blocknode_t *tip) {
    int64_t now = mono_ms();
    const sato_blocknode_t *best = sato_chainstate_best_header(ctl->cs);
    if (ctl->progress_at_ms == 0) {
        ctl->progress_at_ms = now;
        ctl->progress_height = tip->height;
        return;
    }
    if (now - ctl->progress_at_ms < 10000 || !sato_chainctl_ibd(ctl)) return;
    {
        double rate = (double)(tip->height - ctl->progress_height) * 1000.0 / (double)(now - ctl->progress_at_ms);
        int32_t left = best->height > tip->height ? best->height - tip->height : 0;
        char eta[32];
        if (rate > 0 && left > 0) {
            long secs = (long)(left / rate);
            snprintf(eta, sizeof(eta), "%ldh%02ldm%02lds", secs / 3600, secs / 60 % 60, secs % 60);
        } else {
            snprintf(eta, sizeof(eta), "unknown");
        }
        sato_log_printf("Synchronizing blocks: height=%d of %d (progress %.2f%%), %.1f blocks/s, ETA %s",
                        (int)tip->height, (int)best->height, 100.0 * sato_chainctl_progress(ctl, tip), rate, eta);
    }
    ctl->progress_at_ms = now;
    ctl->progress_height = tip->height;
}

sato_err_t sato_chainctl_tip_changed(sato_chainctl_t *ctl) {
    const sato_blocknode_t *tip = sato_chainstate_tip(ctl->cs), *fork;
    int32_t h;
    sato_err_t err;
    if (tip == NULL || tip == ctl->notified) goto index;
    fork = ctl->notified
               ? sato_blocknode_fork(ctl->notified, tip)
               : NULL;
    if (fork != NULL && fork != ctl->notified) {
        char hex[65];
        hash_hex(hex, fork->hash);
        sato_log_printf("Chain reorganization: %d block(s) disconnected back to %s (height %d)",
                        (int)(ctl->notified->height - fork->height), hex, (int)fork->height);
    }
    /* Counts above the fork may describe the old branch. */
    if (fork == NULL)
        ctl->chain_tx_valid = 0;
    else if (ctl->chain_tx_valid > (size_t)fork->height + 1)
        ctl->chain_tx_valid = (size_t)fork->height + 1;
    for (h = fork ? fork->height + 1 : 0; h <= tip->height; h++)
        log_update_tip(ctl, sato_chainstate_at(ctl->cs, h));
    ctl->notified = tip;
    log_progress(ctl, tip);
    {
        size_t i;
        for (i = 0; i < ctl->n_listeners; i++) ctl->listeners[i].tip_changed(ctl->listeners[i].arg, fork, tip);
    }
index:
    if (ctl->txindex != NULL && (err = sato_txindex_sync(ctl->txindex, ctl->cs)) != SATO_OK)
        return sato_chainctl_fatal(ctl, err, "Failed to update the transaction index");
    return SATO_OK;
}
