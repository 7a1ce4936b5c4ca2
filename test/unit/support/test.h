#ifndef SATO_TEST_H
#define SATO_TEST_H

/* A minimal harness: CHECK counts every case, a failure prints where it
 * happened, and test_report prints "name: N passed, M failed". */

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#include "sato/tx.h"

extern int test_passed;
extern int test_failed;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (cond) {                                                          \
            test_passed++;                                                   \
        } else {                                                             \
            test_failed++;                                                   \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, \
                    #cond);                                                  \
        }                                                                    \
    } while (0)

/* Evaluates a call whose error is expected and of no interest (under
 * an injected fault), past warn_unused_result. */
#define IGNORE_RESULT(call)  \
    do {                     \
        if (call) {          \
        }                    \
    } while (0)

/* Records one case with a message on failure (printf-style). */
void test_case(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints the summary line; the return value is the process exit code. */
int test_report(const char *name);

/* Path of a file under the vectors directory ($SATO_VECTORS or the
 * configured default), or under the specs directory ($SATO_SPECS). The
 * result is static storage, valid until the next call. */
const char *test_vector_path(const char *rel);
const char *test_spec_path(const char *rel);

/* Loads a JSON vector file; a missing or malformed file is a failed case
 * and returns NULL. */
json_t *test_load_json(const char *rel);

/* Parses a whole transaction from hex (witness form allowed); tx is left
 * initialised either way. NULL hex is an empty string. */
int test_tx_from_hex(sato_tx_t *tx, const char *hex);

/* Reads a whole file (NUL-terminated); NULL if it cannot be read. */
char *test_read_file(const char *path, size_t *len);

#endif
