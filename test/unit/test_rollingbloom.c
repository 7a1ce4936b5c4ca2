/* The rolling bloom filter: everything of the last n insertions is
 * remembered, the false-positive rate is about what was asked, old items
 * are forgotten, and the memory stays fixed however much is inserted. */
#include <stdint.h>
#include <string.h>

#include "sato/rollingbloom.h"
#include "test.h"

static void key_of(unsigned char k[8], uint64_t v) {
    int i;
    for (i = 0; i < 8; i++) k[i] = (unsigned char)(v >> (8 * i));
}

int main(void) {
    sato_rollingbloom_t *f;
    unsigned char k[8];
    uint64_t i;
    size_t missing = 0, fp = 0, bytes, forgotten = 0;

    CHECK(sato_rollingbloom_create(0, 0.001) == NULL);
    CHECK(sato_rollingbloom_create(10, 0.0) == NULL);
    CHECK(sato_rollingbloom_create(10, 1.0) == NULL);

    f = sato_rollingbloom_create(5000, 0.001);
    CHECK(f != NULL);
    bytes = sato_rollingbloom_bytes(f);
    for (i = 0; i < 5000; i++) {
        key_of(k, i);
        sato_rollingbloom_insert(f, k, 8);
    }
    for (i = 0; i < 5000; i++) {
        key_of(k, i);
        missing += !sato_rollingbloom_contains(f, k, 8);
    }
    test_case(missing == 0, "all of the last 5,000 inserted are remembered (%zu missing)", missing);
    for (i = 1000000; i < 1100000; i++) {
        key_of(k, i);
        fp += sato_rollingbloom_contains(f, k, 8);
    }
    /* 0.1% asked: 100 expected of 100,000; allow three times that. */
    test_case(fp < 300, "false positives: %zu of 100,000 never inserted", fp);

    /* A long run: the newest 5,000 stay, the first ones go, memory fixed. */
    for (i = 5000; i < 200000; i++) {
        key_of(k, i);
        sato_rollingbloom_insert(f, k, 8);
    }
    missing = 0;
    for (i = 195000; i < 200000; i++) {
        key_of(k, i);
        missing += !sato_rollingbloom_contains(f, k, 8);
    }
    for (i = 0; i < 5000; i++) {
        key_of(k, i);
        forgotten += !sato_rollingbloom_contains(f, k, 8);
    }
    test_case(missing == 0, "after 200,000 insertions the newest 5,000 are remembered");
    test_case(forgotten > 4900, "the oldest are forgotten (%zu of 5,000)", forgotten);
    test_case(sato_rollingbloom_bytes(f) == bytes && bytes < 64 * 1024, "memory fixed at %zu bytes", bytes);

    sato_rollingbloom_reset(f);
    key_of(k, 199999);
    CHECK(!sato_rollingbloom_contains(f, k, 8));
    sato_rollingbloom_free(f);
    sato_rollingbloom_free(NULL);

    /* A tiny filter still holds its n. */
    f = sato_rollingbloom_create(1, 0.01);
    key_of(k, 7);
    sato_rollingbloom_insert(f, k, 8);
    CHECK(sato_rollingbloom_contains(f, k, 8));
    sato_rollingbloom_free(f);
    return test_report("test_rollingbloom");
}
