/* The mockable clock. The mock time is a relaxed atomic: a reader needs
 * only some recent value, never an order against other memory. */
#include <stdatomic.h>
#include <time.h>

#include "sato/clock.h"

static _Atomic int64_t mock_time;

void sato_clock_set_mock(int64_t t) {
    atomic_store_explicit(&mock_time, t, memory_order_relaxed);
}

int64_t sato_clock_mock(void) {
    return atomic_load_explicit(&mock_time, memory_order_relaxed);
}

int64_t sato_clock_now(void) {
    int64_t m = sato_clock_mock();
    return m != 0 ? m : (int64_t)time(NULL);
}

int64_t sato_clock_now_ms(void) {
    struct timespec ts;
    int64_t m = sato_clock_mock();
    if (m != 0) return m * 1000;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
