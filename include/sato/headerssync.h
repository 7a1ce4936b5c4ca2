#ifndef SATO_HEADERSSYNC_H
#define SATO_HEADERSSYNC_H

/* Core's HeadersSyncState: gathering a peer's header chain that does not
 * yet show enough work to be stored, with constant memory. PRESYNC checks
 * each header's continuity and difficulty transition and keeps only the
 * running work, the last header and one salted-hash bit every
 * commitment_period headers; once the work reaches the minimum, REDOWNLOAD
 * asks for the same chain again from the start, checks every bit, and
 * releases headers only when redownload_buffer_size newer ones sit above
 * them (or the work is reached), so a chain swapped in after the honest
 * one was shown almost surely breaks a commitment. Pure: the caller gives
 * the time and the randomness. */

#include <stddef.h>
#include <stdint.h>

#include "sato/arith.h"
#include "sato/block.h"
#include "sato/chainparams.h"

typedef struct sato_headerssync sato_headerssync_t;

/* The block the peer's chain forks from (already in our index). */
typedef struct {
    unsigned char hash[32];
    int32_t height;
    sato_u256_t chain_work;
    uint32_t bits;
    int64_t median_time_past;
} sato_hss_start_t;

/* Core's per-network parameters (kernel/chainparams.cpp). */
void sato_headerssync_params(const sato_chainparams_t *p, unsigned *commitment_period,
                             unsigned *redownload_buffer_size);

/* offset: random in [0, commitment_period); k0, k1: the commitment salt. */
sato_headerssync_t *sato_headerssync_create(const sato_chainparams_t *p, const sato_hss_start_t *start,
                                            const sato_u256_t *min_work, int64_t now, uint64_t offset, uint64_t k0,
                                            uint64_t k1);
void sato_headerssync_destroy(sato_headerssync_t *h);

typedef enum { SATO_HSS_PRESYNC, SATO_HSS_REDOWNLOAD, SATO_HSS_FINAL } sato_hss_phase_t;

typedef struct {
    int success;      /* 0: the peer's chain broke a rule; sync aborted (FINAL) */
    int request_more; /* ask for the next headers (from sato_headerssync_next_from) */
    sato_block_header_t *ready; /* owned by the caller (free): store these */
    size_t n_ready;
    char why[96];     /* when !success */
} sato_hss_result_t;

/* One headers message (full: it had 2,000 headers, so the peer has more). */
void sato_headerssync_process(sato_headerssync_t *h, const sato_block_header_t *headers, size_t n, int full,
                              sato_hss_result_t *out);
/* The hash to put first in the next getheaders' locator (then the start's). */
void sato_headerssync_next_from(const sato_headerssync_t *h, unsigned char out[32]);
sato_hss_phase_t sato_headerssync_phase(const sato_headerssync_t *h);
/* Height reached in PRESYNC (getpeerinfo's presynced_headers). */
int32_t sato_headerssync_height(const sato_headerssync_t *h);

#endif
