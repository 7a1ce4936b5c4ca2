/* DNS seeding, as Core's ThreadDNSAddressSeed: when the address manager
 * is empty (or -forcednsseed) every seed is asked at once; otherwise the
 * node first waits for its known addresses to give it peers and asks
 * three seeds at a time only while it still has fewer than two full-relay
 * peers. Each lookup runs on a detached thread of its own, so a resolver
 * that hangs (an offline machine) holds up neither the loop nor a stop;
 * the tick collects what it found. */
#include <arpa/inet.h>
#include <netdb.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "net_internal.h"
#include "sato/addrman.h"
#include "sato/log.h"
#include "sato/mem.h"
#include "sato/random.h"

#define MAX_SEEDS 16
#define MAX_IPS_PER_SEED 32      /* one seed must not dominate the tables */
#define QUERY_AT_ONCE 3
#define DELAY_FEW_PEERS_MS 11000
#define DELAY_MANY_PEERS_MS (5 * 60 * 1000)
#define DELAY_PEER_THRESHOLD 1000
#define SEEDNODE_TIMEOUT_MS 30000

/* The seeds of each network, from Core's chain parameters (host names
 * only: which services a seed filters on is asked with the x9. prefix). */
static const char *const main_seeds[] = {"dnsseed.bluematt.me.",       "seed.bitcoin.jonasschnelli.ch.",
                                         "seed.btc.petertodd.net.",     "seed.bitcoin.sprovoost.nl.",
                                         "dnsseed.emzy.de.",            "seed.bitcoin.wiz.biz.",
                                         "seed.mainnet.achownodes.xyz.", NULL};
static const char *const test_seeds[] = {"testnet-seed.bitcoin.jonasschnelli.ch.", "seed.tbtc.petertodd.net.",
                                         "seed.testnet.bitcoin.sprovoost.nl.",     "testnet-seed.bluematt.me.",
                                         "seed.testnet.achownodes.xyz.",           NULL};
static const char *const testnet4_seeds[] = {"seed.testnet4.bitcoin.sprovoost.nl.", "seed.testnet4.wiz.biz.", NULL};
static const char *const signet_seeds[] = {"seed.signet.bitcoin.sprovoost.nl.", "seed.signet.achownodes.xyz.", NULL};
static const char *const regtest_seeds[] = {"dummySeed.invalid.", NULL};
static const char *const no_seeds[] = {NULL};

const char *const *sato_net_dns_seeds(const char *chain_name) {
    if (chain_name == NULL) return no_seeds;
    if (strcmp(chain_name, "main") == 0) return main_seeds;
    if (strcmp(chain_name, "test") == 0) return test_seeds;
    if (strcmp(chain_name, "testnet4") == 0) return testnet4_seeds;
    if (strcmp(chain_name, "signet") == 0) return signet_seeds;
    if (strcmp(chain_name, "regtest") == 0) return regtest_seeds;
    return no_seeds;
}

/* One lookup, shared by the net (until it is collected or the net
 * stops) and its thread. */
typedef struct {
    pthread_mutex_t lock;
    int refs;
    int done;
    char host[300];
    uint16_t port;
    sato_netaddr_t found[MAX_IPS_PER_SEED];
    size_t n;
    char error[128];
} dns_job_t;

enum { PH_SEEDNODES, PH_START, PH_NEXT, PH_WAIT, PH_LOOKUP, PH_DONE };

struct sato_dnsseed {
    const char *seeds[MAX_SEEDS];
    size_t nseeds, next;
    int phase;
    int right_now; /* seeds to ask before checking for peers again */
    int64_t phase_start_ms, wait_until_ms;
    int waiting_logged;
    size_t found;
    dns_job_t *job;
};

static void job_release(dns_job_t *j) {
    int last;
    pthread_mutex_lock(&j->lock);
    last = --j->refs == 0;
    pthread_mutex_unlock(&j->lock);
    if (last) {
        pthread_mutex_destroy(&j->lock);
        free(j);
    }
}

static void *lookup_main(void *arg) {
    dns_job_t *j = arg;
    struct addrinfo hints, *res = NULL, *ai;
    sato_netaddr_t found[MAX_IPS_PER_SEED];
    size_t n = 0;
    int rc;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    rc = getaddrinfo(j->host, NULL, &hints, &res);
    for (ai = rc == 0 ? res : NULL; ai != NULL && n < MAX_IPS_PER_SEED; ai = ai->ai_next) {
        if (ai->ai_family == AF_INET) {
            const struct sockaddr_in *s4 = (const struct sockaddr_in *)ai->ai_addr;
            sato_netaddr_ipv4(&found[n++], (const unsigned char *)&s4->sin_addr, j->port);
        } else if (ai->ai_family == AF_INET6) {
            const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ai->ai_addr;
            sato_netaddr_ipv6(&found[n++], (const unsigned char *)&s6->sin6_addr, j->port);
        }
    }
    if (res != NULL) freeaddrinfo(res);
    pthread_mutex_lock(&j->lock);
    memcpy(j->found, found, n * sizeof(found[0]));
    j->n = n;
    if (rc != 0) snprintf(j->error, sizeof(j->error), "%s", gai_strerror(rc));
    j->done = 1;
    pthread_mutex_unlock(&j->lock);
    job_release(j);
    return NULL;
}

static dns_job_t *lookup_start(const char *seed, uint16_t port) {
    dns_job_t *j = sato_calloc(1, sizeof(*j));
    pthread_t t;
    pthread_attr_t attr;
    pthread_mutex_init(&j->lock, NULL);
    j->refs = 2;
    j->port = port;
    /* x9: seeds that filter hand out NODE_NETWORK | NODE_WITNESS nodes. */
    snprintf(j->host, sizeof(j->host), "x9.%s", seed);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&t, &attr, lookup_main, j) != 0) {
        j->done = 1;
        j->refs = 1;
        snprintf(j->error, sizeof(j->error), "cannot start a thread");
    }
    pthread_attr_destroy(&attr);
    return j;
}

static int full_outbound(const sato_net_t *net) {
    const sato_peer_t *p;
    int n = 0;
    for (p = net->peers; p != NULL; p = p->next)
        if (!p->disconnect && p->handshake_done && p->conn_type == CONN_OUTBOUND_FULL_RELAY) n++;
    return n;
}

void net_dnsseed_start(sato_net_t *net) {
    const char *const *seeds = sato_net_dns_seeds(net->cfg.params->name);
    struct sato_dnsseed *d;
    size_t i;
    if (!net->cfg.dnsseed || !net->cfg.automatic_outbound || seeds[0] == NULL) return;
    d = sato_calloc(1, sizeof(*d));
    for (i = 0; seeds[i] != NULL && d->nseeds < MAX_SEEDS; i++) d->seeds[d->nseeds++] = seeds[i];
    for (i = d->nseeds; i > 1; i--) { /* Core shuffles them */
        size_t k = (size_t)(sato_random_u64() % i);
        const char *t;
        t = d->seeds[i - 1];
        d->seeds[i - 1] = d->seeds[k];
        d->seeds[k] = t;
    }
    d->phase_start_ms = net_now_ms(net);
    if (net->cfg.nseednode > 0) {
        sato_log_printf("-seednode enabled. Trying the provided seeds for %d seconds before defaulting to the dnsseeds.",
                        SEEDNODE_TIMEOUT_MS / 1000);
        d->phase = PH_SEEDNODES;
    } else {
        d->phase = PH_START;
    }
    net->dnsseed = d;
}

static void finish(sato_net_t *net, struct sato_dnsseed *d, const char *line) {
    if (line != NULL) sato_log_printf("%s", line);
    d->phase = PH_DONE;
    (void)net;
}

/* From the tick, with the lock: moves the seeding on by one step. */
void net_dnsseed_poll(sato_net_t *net) {
    struct sato_dnsseed *d = net->dnsseed;
    int64_t now_ms = net_now_ms(net);
    size_t known;
    if (d == NULL || d->phase == PH_DONE || net->stopping) return;
    known = sato_addrman_size(net->addrman, 0, SATO_ADDRMAN_BOTH);
    switch (d->phase) {
    case PH_SEEDNODES:
        if (full_outbound(net) >= SEED_OUTBOUND_THRESHOLD) {
            sato_log_printf("P2P peers available. Finished fetching data from seed nodes.");
            d->phase = PH_START;
        } else if (now_ms - d->phase_start_ms > SEEDNODE_TIMEOUT_MS) {
            sato_log_printf("Couldn't connect to enough peers via seed nodes. Handing fetch logic to the DNS seeds.");
            d->phase = PH_START;
        }
        if (d->phase != PH_START) return;
        /* fall through */
    case PH_START:
        if (net->cfg.forcednsseed || known == 0) d->right_now = (int)d->nseeds;
        if (full_outbound(net) >= SEED_OUTBOUND_THRESHOLD && d->right_now == 0) {
            finish(net, d, "Skipping DNS seeds. Enough peers have been found");
            return;
        }
        d->phase = PH_NEXT;
        /* fall through */
    case PH_NEXT:
        if (d->next >= d->nseeds) {
            char line[96];
            snprintf(line, sizeof(line), "%zu addresses found from DNS seeds", d->found);
            finish(net, d, line);
            return;
        }
        if (d->right_now == 0) {
            d->right_now = QUERY_AT_ONCE;
            if (known > 0) {
                int64_t wait = known >= DELAY_PEER_THRESHOLD ? DELAY_MANY_PEERS_MS : DELAY_FEW_PEERS_MS;
                sato_log_printf("Waiting %lld seconds before querying DNS seeds.", (long long)(wait / 1000));
                d->wait_until_ms = now_ms + wait;
                d->phase = PH_WAIT;
                return;
            }
        }
        goto ask;
    case PH_WAIT:
        /* Core wakes every 11 seconds to see whether peers came. */
        if (full_outbound(net) >= SEED_OUTBOUND_THRESHOLD) {
            if (d->found > 0) {
                sato_log_printf("%zu addresses found from DNS seeds", d->found);
                finish(net, d, "P2P peers available. Finished DNS seeding.");
            } else {
                finish(net, d, "P2P peers available. Skipped DNS seeding.");
            }
            return;
        }
        if (now_ms < d->wait_until_ms) return;
        goto ask;
    case PH_LOOKUP: {
        dns_job_t *j = d->job;
        int done;
        pthread_mutex_lock(&j->lock);
        done = j->done;
        pthread_mutex_unlock(&j->lock);
        if (!done) return;
        if (j->n > 0) {
            sato_addr_entry_t e[MAX_IPS_PER_SEED];
            int64_t now = net_now(net);
            size_t i;
            for (i = 0; i < j->n; i++) {
                uint64_t r = sato_random_u64();
                memset(&e[i], 0, sizeof(e[i]));
                e[i].addr = j->found[i];
                e[i].services = SATO_NODE_NETWORK | SATO_NODE_WITNESS;
                /* Seen 3 to 7 days ago, as Core: seeds do not vouch for now. */
                e[i].time = (uint32_t)(now - 3 * 86400 - (int64_t)(r % (4 * 86400)));
            }
            /* One source for all of a seed's answers, so they share the
             * new-table buckets one source group may fill. */
            d->found += sato_addrman_add(net->addrman, e, j->n, &j->found[0], 0, now);
        } else {
            sato_log_printf("DNS seed %s gave no addresses%s%s", j->host + 3, j->error[0] ? ": " : "", j->error);
        }
        job_release(j);
        d->job = NULL;
        d->right_now--;
        d->next++;
        d->phase = PH_NEXT;
        return;
    }
    default: return;
    }
ask:
    if (!net->active) {
        if (!d->waiting_logged) sato_log_printf("Waiting for network to be reactivated before querying DNS seeds.");
        d->waiting_logged = 1;
        d->phase = PH_WAIT;
        d->wait_until_ms = now_ms;
        return;
    }
    d->waiting_logged = 0;
    sato_log_printf("Loading addresses from DNS seed %s", d->seeds[d->next]);
    d->job = lookup_start(d->seeds[d->next], net->cfg.params->default_port);
    d->phase = PH_LOOKUP;
}

void net_dnsseed_stop(sato_net_t *net) {
    struct sato_dnsseed *d = net->dnsseed;
    if (d == NULL) return;
    if (d->job != NULL) job_release(d->job); /* the thread frees it if still resolving */
    free(d);
    net->dnsseed = NULL;
}
