/* The data directory lock (Core's LockDirectory): one satod per chain
 * directory, taken before anything there is read or written. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "node/node.h"

int sato_node_lock_dir(const char *dir, int probe_only, char *err, size_t errlen) {
    char path[4096];
    struct flock fl;
    int fd;
    snprintf(path, sizeof(path), "%s/.lock", dir);
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "Cannot write to directory '%s'; check permissions (%s).", dir,
                 strerror(errno));
        return -1;
    }
    memset(&fl, 0, sizeof(fl));
    fl.l_type = F_WRLCK;
    fl.l_whence = SEEK_SET;
    if (fcntl(fd, F_SETLK, &fl) != 0) {
        int e = errno;
        close(fd);
        if (e == EACCES || e == EAGAIN)
            snprintf(err, errlen, "Cannot obtain a lock on directory %s. Sato is probably already running.",
                     dir);
        else
            snprintf(err, errlen, "Cannot lock directory %s: %s", dir, strerror(e));
        return -1;
    }
    if (probe_only) {
        close(fd); /* releases the lock */
        return 0;
    }
    return fd; /* held until the process exits */
}
