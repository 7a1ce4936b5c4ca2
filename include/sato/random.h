#ifndef SATO_RANDOM_H
#define SATO_RANDOM_H

#include <stddef.h>

/* Fills out with bytes from the kernel's CSPRNG; aborts if it cannot, as
 * nothing that needs them can continue safely. Not for consensus code. */
void sato_random_bytes(unsigned char *out, size_t n);

#endif
