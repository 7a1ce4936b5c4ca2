/* SATO_SHA256=generic, set before first use, forces the portable code. */
#include <stdlib.h>
#include <string.h>

#include "crypto/sha256_impl.h"
#include "sato/hex.h"
#include "sato/sha256.h"
#include "test.h"

int main(void) {
    unsigned char h[32], in[64 * 3], want[96];
    char hex[65];
    size_t i;
    CHECK(setenv("SATO_SHA256", "generic", 1) == 0);
    CHECK(strncmp(sato_sha256_impl(), "generic (64-byte double: 1way)", 30) == 0);
    sato_sha256(h, (const unsigned char *)"abc", 3);
    sato_hex_encode(hex, h, 32);
    CHECK(strcmp(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") == 0);
    for (i = 0; i < sizeof(in); i++) in[i] = (unsigned char)i;
    for (i = 0; i < 3; i++) sato_sha256d(want + 32 * i, in + 64 * i, 64);
    sato_sha256d64(h, in, 1);
    CHECK(memcmp(h, want, 32) == 0);
    /* The other implementations stay available for explicit selection. */
    CHECK(sato_sha256_select(NULL, NULL));
    CHECK(strncmp(sato_sha256_impl(), "generic", 7) != 0 || sato_sha256_transform_name(1) == NULL);
    return test_report("test_sha256_env");
}
