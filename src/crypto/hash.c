/* Bitcoin's composite hashes: HASH160 and BIP340 tagged hashes. */
#include <string.h>

#include "sato/hash.h"
#include "sato/ripemd160.h"

void sato_hash160(unsigned char out20[20], const unsigned char *data, size_t len) {
    unsigned char h[32];
    sato_sha256(h, data, len);
    sato_ripemd160(out20, h, 32);
}

void sato_tagged_hash_init(sato_sha256_t *ctx, const char *tag) {
    unsigned char t[32];
    sato_sha256(t, (const unsigned char *)tag, strlen(tag));
    sato_sha256_init(ctx);
    sato_sha256_write(ctx, t, 32);
    sato_sha256_write(ctx, t, 32);
}

void sato_tagged_hash(unsigned char out32[32], const char *tag,
                      const unsigned char *msg, size_t len) {
    sato_sha256_t ctx;
    sato_tagged_hash_init(&ctx, tag);
    sato_sha256_write(&ctx, msg, len);
    sato_sha256_finalize(&ctx, out32);
}
