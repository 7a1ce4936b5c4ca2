/* The address manager's file parser: any bytes as a peers.dat image must
 * load or be refused without a crash, and what loads must be consistent,
 * serialize, and load again to the same size. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sato/addrman.h"

#define FUZZ_ASSERT(cond)                                                                \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            fprintf(stderr, "%s:%d: assertion failed: %s\n", __FILE__, __LINE__, #cond); \
            abort();                                                                     \
        }                                                                                \
    } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const unsigned char magic[4] = {0xfa, 0xbf, 0xb5, 0xda};
    static const unsigned char key[32] = {1}, seed[32] = {2};
    sato_addrman_opts_t o;
    sato_addrman_t *am, *again;
    char msg[256];
    memset(&o, 0, sizeof(o));
    o.key = key;
    o.seed = seed;
    am = sato_addrman_create(&o);
    if (sato_addrman_deserialize(am, data, size, magic, msg, sizeof(msg)) == SATO_ADDRMAN_LOAD_OK) {
        sato_buf_t out;
        FUZZ_ASSERT(sato_addrman_check(am) == 0);
        sato_buf_init(&out);
        sato_addrman_serialize(am, &out, magic);
        again = sato_addrman_create(&o);
        FUZZ_ASSERT(sato_addrman_deserialize(again, out.data, out.len, magic, msg, sizeof(msg)) == SATO_ADDRMAN_LOAD_OK);
        FUZZ_ASSERT(sato_addrman_size(again, 0, SATO_ADDRMAN_BOTH) == sato_addrman_size(am, 0, SATO_ADDRMAN_BOTH));
        sato_addrman_destroy(again);
        sato_buf_clear(&out);
    } else {
        FUZZ_ASSERT(sato_addrman_size(am, 0, SATO_ADDRMAN_BOTH) == 0);
    }
    sato_addrman_destroy(am);
    return 0;
}
