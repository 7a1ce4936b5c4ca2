#ifndef SATO_RANDOM_H
#define SATO_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* Fills out with bytes from the kernel's CSPRNG; aborts if it cannot, as
 * nothing that needs them can continue safely. Not for consensus code. */
void sato_random_bytes(unsigned char *out, size_t n);

uint64_t sato_random_u64(void);
/* Core's rand_exp_duration: an exponential delay with the given mean,
 * for Poisson-timed events (feelers, address sends). */
int64_t sato_random_exp_ms(int64_t mean_ms);

#endif
