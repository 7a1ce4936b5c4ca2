#ifndef SATO_RIPEMD160_H
#define SATO_RIPEMD160_H

#include <stddef.h>
#include <stdint.h>

/* Streaming RIPEMD-160 (Dobbertin, Bosselaers, Preneel 1996). */
typedef struct {
    uint32_t s[5];
    unsigned char buf[64];
    uint64_t bytes;
} sato_ripemd160_t;

void sato_ripemd160_init(sato_ripemd160_t *ctx);
void sato_ripemd160_write(sato_ripemd160_t *ctx, const unsigned char *data, size_t len);
void sato_ripemd160_finalize(sato_ripemd160_t *ctx, unsigned char out20[20]);

void sato_ripemd160(unsigned char out20[20], const unsigned char *data, size_t len);

#endif
