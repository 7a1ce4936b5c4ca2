/* Headers presync: an honest chain is released only after the second
 * download matches the commitments (and only once buried deep enough or
 * when the work is reached); another chain of the same work swapped in
 * at the redownload is caught; a chain that ends short is given up; a
 * header breaking continuity is refused. */
#define _GNU_SOURCE
#include "test_chain_util.h"

#include "sato/headerssync.h"
#include "sato/mem.h"
#include "test.h"

#define N 3000

static void chain(sato_block_header_t *out, uint64_t seed) {
    chaingen_t g;
    size_t i;
    chaingen_init(&g, &sato_chainparams_regtest, seed);
    for (i = 0; i < N; i++) {
        sato_block_t b;
        chaingen_next(&g, &b, 0, 0, 0);
        out[i] = b.header;
        sato_block_clear(&b);
    }
    chaingen_clear(&g);
}

static sato_headerssync_t *start(const sato_u256_t *min_work) {
    sato_hss_start_t s;
    sato_block_t genesis;
    memset(&s, 0, sizeof(s));
    sato_chainparams_genesis(&genesis, &sato_chainparams_regtest);
    sato_block_header_hash(s.hash, &genesis.header);
    s.height = 0;
    sato_u256_set_u64(&s.chain_work, 2);
    s.bits = genesis.header.bits;
    s.median_time_past = genesis.header.time;
    sato_block_clear(&genesis);
    return sato_headerssync_create(&sato_chainparams_regtest, &s, min_work, 2000000000, 17, 0x1234, 0x5678);
}

/* Feeds headers[from..to) in 2,000-header messages; returns the number
 * released, or -1 when the sync fails. */
static long feed(sato_headerssync_t *h, const sato_block_header_t *hs, size_t from, size_t to, size_t *released_total) {
    size_t i = from;
    while (i < to) {
        size_t n = to - i < 2000 ? to - i : 2000;
        sato_hss_result_t r;
        sato_headerssync_process(h, hs + i, n, n == 2000, &r);
        free(r.ready);
        *released_total += r.n_ready;
        if (!r.success) return -1;
        i += n;
        if (sato_headerssync_phase(h) != SATO_HSS_PRESYNC && i == to) break;
    }
    return (long)*released_total;
}

int main(void) {
    sato_block_header_t *a = sato_malloc(N * sizeof(*a)), *b = sato_malloc(N * sizeof(*b));
    sato_u256_t min_work;
    sato_headerssync_t *h;
    size_t released = 0;
    chain(a, 1);
    chain(b, 2);
    sato_u256_set_u64(&min_work, 2 * 2601); /* reached at height 2600 */

    /* Honest: presync all, redownload all, everything released at the end. */
    h = start(&min_work);
    CHECK(feed(h, a, 0, N, &released) == 0 && sato_headerssync_phase(h) == SATO_HSS_REDOWNLOAD);
    CHECK(sato_headerssync_height(h) == N);
    CHECK(feed(h, a, 0, 2000, &released) == 0); /* buried less than the buffer: none out yet */
    test_case(feed(h, a, 2000, N, &released) == N && sato_headerssync_phase(h) == SATO_HSS_FINAL,
              "an honest chain is released whole after its redownload (%zu)", released);
    sato_headerssync_destroy(h);

    /* Swapped: presync chain a, redownload chain b of the same work. */
    released = 0;
    h = start(&min_work);
    CHECK(feed(h, a, 0, N, &released) == 0);
    test_case(feed(h, b, 0, N, &released) == -1 && released == 0,
              "another chain at the redownload is caught before anything is released");
    sato_headerssync_destroy(h);

    /* Too little work: a peer whose chain ends at 2,500. */
    released = 0;
    h = start(&min_work);
    test_case(feed(h, a, 0, 2500, &released) == -1, "a chain ending below the minimum work is given up");
    sato_headerssync_destroy(h);

    /* Continuity: a header from another chain in the middle. */
    {
        sato_hss_result_t r;
        sato_block_header_t mix[3];
        h = start(&min_work);
        mix[0] = a[0];
        mix[1] = a[1];
        mix[2] = b[2];
        sato_headerssync_process(h, mix, 3, 1, &r);
        free(r.ready);
        test_case(!r.success, "non-continuous headers end the presync (%s)", r.why);
        sato_headerssync_destroy(h);
    }
    free(a);
    free(b);
    return test_report("test_headerssync");
}
