#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

#include "sato/random.h"

void sato_random_bytes(unsigned char *out, size_t n) {
    while (n > 0) {
        ssize_t got = getrandom(out, n > 256 ? 256 : n, 0);
        if (got < 0) {
            if (errno == EINTR) continue;
            perror("sato: getrandom");
            abort();
        }
        out += got;
        n -= (size_t)got;
    }
}

uint64_t sato_random_u64(void) {
    unsigned char b[8];
    uint64_t v = 0;
    int i;
    sato_random_bytes(b, sizeof(b));
    for (i = 0; i < 8; i++) v = v << 8 | b[i];
    return v;
}

int64_t sato_random_exp_ms(int64_t mean_ms) {
    double u = ((double)(sato_random_u64() >> 11) + 0.5) / 9007199254740992.0; /* (0, 1) */
    return (int64_t)(-log(u) * (double)mean_ms);
}
