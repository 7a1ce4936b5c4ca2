#ifndef SATO_CLOCK_H
#define SATO_CLOCK_H

#include <stdint.h>

/* The node's wall clock, which tests may stop at a chosen second
 * (setmocktime, -mocktime), as Core's NodeClock. The network, the chain
 * and RPC read it; consensus code never does (times come in as
 * arguments). One process-wide value: a node has one notion of now. */

/* t > 0: every reading returns t from now on; 0: the real clock again. */
void sato_clock_set_mock(int64_t t);
/* The mock time, 0 if none. */
int64_t sato_clock_mock(void);
/* Seconds since the epoch. */
int64_t sato_clock_now(void);
/* Milliseconds since the epoch (a mocked clock is whole seconds). */
int64_t sato_clock_now_ms(void);

#endif
