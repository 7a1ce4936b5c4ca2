#ifndef SATO_STORE_FSUTIL_H
#define SATO_STORE_FSUTIL_H

/* Directory durability helpers of src/store. */

#include "sato/store.h"

/* fsyncs a directory, making the creation, removal or renaming of its
 * entries durable (a file's own fdatasync does not cover its name). */
SATO_NODISCARD sato_err_t store_sync_dir(const char *dir);

/* Creates dir if it is missing and, when it did, syncs its parent so the
 * new directory survives a power loss. */
SATO_NODISCARD sato_err_t store_mkdir(const char *dir);

#endif
