#include <errno.h>
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
