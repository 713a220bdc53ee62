/*
 * serve_log.c: the decision log of `gavel serve` (docs/serve.md, "The
 * decision log"). A request's lines go to the file in one write() on an
 * O_APPEND descriptor, under a lock, before its response is sent: after a
 * crash or kill -9 the file holds whole lines only. A short write (disk
 * full, a file size limit) is cut back off with ftruncate, so the lines
 * of a request are all there or none is, and the request is answered 503.
 * With fsync_each, fdatasync follows every write (survives a power loss,
 * not only the process); without, the lines are in the kernel's cache.
 *
 * Rotation: when a write would take FILE past max_bytes, FILE is renamed
 * FILE.N, N being one more than the highest FILE.N there is (FILE.1 the
 * oldest), and a new FILE begun.
 *
 * Calls only the C library and POSIX.
 */
#include "serve.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct serve_log {
    pthread_mutex_t    lock;
    char              *path;
    int                fd, fsync_each;
    unsigned long long size, max_bytes, next_n;
};

static int open_log(serve_log *l)
{
    l->fd = open(l->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (l->fd < 0)
        return -1;
    struct stat st;
    l->size = fstat(l->fd, &st) == 0 ? (unsigned long long)st.st_size : 0;
    return 0;
}

/* One more than the highest FILE.N that exists. */
static unsigned long long next_rotation(const char *path)
{
    unsigned long long n = 1;
    size_t len = strlen(path) + 24;
    char *name = malloc(len);
    if (!name)
        return n;
    for (;;) {
        snprintf(name, len, "%s.%llu", path, n);
        if (access(name, F_OK) != 0)
            break;
        n++;
    }
    free(name);
    return n;
}

serve_log *serve_log_open(const char *path, unsigned long long max_bytes, int fsync_each)
{
    serve_log *l = calloc(1, sizeof *l);
    if (!l || !(l->path = strdup(path))) {
        free(l);
        return NULL;
    }
    pthread_mutex_init(&l->lock, NULL);
    l->max_bytes = max_bytes;
    l->fsync_each = fsync_each;
    l->next_n = next_rotation(path);
    if (open_log(l) != 0) {
        int e = errno;
        serve_log_close(l);
        errno = e;
        return NULL;
    }
    return l;
}

static int rotate(serve_log *l)
{
    size_t len = strlen(l->path) + 24;
    char *name = malloc(len);
    if (!name)
        return -1;
    snprintf(name, len, "%s.%llu", l->path, l->next_n);
    int st = rename(l->path, name);
    free(name);
    if (st != 0)
        return -1;
    l->next_n++;
    close(l->fd);
    return open_log(l);
}

static int write_all_or_none(serve_log *l, const char *text, size_t len)
{
    if (l->fd < 0 && open_log(l) != 0)
        return -1;
    ssize_t n = write(l->fd, text, len);
    if (n == (ssize_t)len && (!l->fsync_each || fdatasync(l->fd) == 0)) {
        l->size += len;
        return 0;
    }
    int e = n < 0 ? errno : n == (ssize_t)len ? errno : ENOSPC;
    if (n > 0 && ftruncate(l->fd, (off_t)l->size) != 0) {
        /* cannot cut the partial lines off: a newline at least ends them,
         * and the log is not written to again until it can be reopened */
        (void)!write(l->fd, "\n", 1);
        close(l->fd);
        l->fd = -1;
    }
    errno = e;
    return -1;
}

int serve_log_write(serve_log *l, const char *text, size_t len)
{
    pthread_mutex_lock(&l->lock);
    int st = 0;
    if (l->max_bytes && l->size > 0 && l->size + len > l->max_bytes)
        st = rotate(l);
    if (st == 0)
        st = write_all_or_none(l, text, len);
    int e = errno;
    pthread_mutex_unlock(&l->lock);
    errno = e;
    return st;
}

void serve_log_close(serve_log *l)
{
    if (!l)
        return;
    if (l->fd >= 0)
        close(l->fd);
    pthread_mutex_destroy(&l->lock);
    free(l->path);
    free(l);
}
