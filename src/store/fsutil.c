/* Directory durability helpers (see fsutil.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "fsutil.h"

sato_err_t store_sync_dir(const char *dir) {
    sato_err_t err = SATO_OK;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return store_fail(store_errno(errno), "%s: open: %s", dir, strerror(errno));
    if (fsync(fd) != 0) err = store_fail(store_errno(errno), "%s: fsync: %s", dir, strerror(errno));
    close(fd);
    return err;
}

sato_err_t store_mkdir(const char *dir) {
    char parent[PATH_MAX];
    size_t n = strlen(dir);
    char *slash;
    if (mkdir(dir, 0755) != 0) {
        if (errno == EEXIST) return SATO_OK;
        return store_fail(store_errno(errno), "%s: mkdir: %s", dir, strerror(errno));
    }
    if (n >= sizeof(parent)) return SATO_OK;
    memcpy(parent, dir, n + 1);
    while (n > 1 && parent[n - 1] == '/') parent[--n] = '\0';
    slash = strrchr(parent, '/');
    if (slash == NULL) return store_sync_dir(".");
    if (slash == parent) slash[1] = '\0';
    else *slash = '\0';
    return store_sync_dir(parent);
}
