/* Plan parsing and the small I/O helpers both halves of the shim use. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "shim.h"

/* A plan holds a few hundred records at most; these caps bound a hostile or corrupt one. */
#define MAX_RECORDS 65536
#define MAX_ARGS 65536

static int read_u32(const unsigned char *buf, size_t len, size_t *pos, uint32_t *out)
{
    if (len - *pos < 4)
        return -1;
    memcpy(out, buf + *pos, 4);
    *pos += 4;
    return 0;
}

int plan_parse(const unsigned char *buf, size_t len, struct plan *out)
{
    size_t pos = 0, cap = 64;
    out->nrecs = 0;
    out->recs = calloc(cap, sizeof(*out->recs));
    if (!out->recs)
        return -1;
    while (pos < len) {
        struct plan_rec rec;
        if (read_u32(buf, len, &pos, &rec.op) || read_u32(buf, len, &pos, &rec.count) || rec.count > MAX_ARGS)
            return -1;
        rec.args = calloc(rec.count + 1, sizeof(char *));
        if (!rec.args)
            return -1;
        for (uint32_t i = 0; i < rec.count; i++) {
            uint32_t n;
            if (read_u32(buf, len, &pos, &n) || len - pos < n)
                return -1;
            rec.args[i] = malloc(n + 1);
            if (!rec.args[i])
                return -1;
            memcpy(rec.args[i], buf + pos, n);
            rec.args[i][n] = '\0';
            if (strlen(rec.args[i]) != n)
                return -1; /* an embedded NUL would silently shorten a path */
            pos += n;
        }
        if (out->nrecs == cap) {
            if (cap >= MAX_RECORDS)
                return -1;
            cap *= 2;
            struct plan_rec *grown = realloc(out->recs, cap * sizeof(*out->recs));
            if (!grown)
                return -1;
            out->recs = grown;
        }
        out->recs[out->nrecs++] = rec;
    }
    return 0;
}

const struct plan_rec *plan_find(const struct plan *p, uint32_t op)
{
    for (size_t i = 0; i < p->nrecs; i++)
        if (p->recs[i].op == op)
            return &p->recs[i];
    return NULL;
}

int plan_has(const struct plan *p, uint32_t op)
{
    return plan_find(p, op) != NULL;
}

unsigned long long parse_u64(const char *s)
{
    return strtoull(s, NULL, 0);
}

long long parse_i64(const char *s)
{
    return strtoll(s, NULL, 0);
}

int send_msg(int fd, const char *msg, int pass_fd)
{
    struct iovec iov = { .iov_base = (void *)msg, .iov_len = strlen(msg) };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (pass_fd >= 0) {
        memset(&control, 0, sizeof(control));
        mh.msg_control = control.buf;
        mh.msg_controllen = sizeof(control.buf);
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
    }
    ssize_t n;
    do
        n = sendmsg(fd, &mh, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -1 : 0;
}

ssize_t recv_msg(int fd, char *buf, size_t size, int *passed_fd)
{
    struct iovec iov = { .iov_base = buf, .iov_len = size - 1 };
    union {
        char buf[CMSG_SPACE(sizeof(int))];
        struct cmsghdr align;
    } control;
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf, .msg_controllen = sizeof(control.buf) };
    if (passed_fd)
        *passed_fd = -1;
    ssize_t n;
    do
        n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int got;
            memcpy(&got, CMSG_DATA(c), sizeof(int));
            if (passed_fd && *passed_fd < 0)
                *passed_fd = got;
            else
                close(got);
        }
    }
    return n;
}

void die_msg(int sync_fd, const char *msg)
{
    char buf[4200];
    snprintf(buf, sizeof(buf), "error %s", msg);
    if (sync_fd < 0 || send_msg(sync_fd, buf, -1) < 0)
        dprintf(2, "containers-shim: %s\n", msg);
    _exit(125);
}

void die_errno(int sync_fd, const char *what, const char *subject)
{
    char buf[4096];
    int e = errno;
    snprintf(buf, sizeof(buf), "%s %s: %s (errno %d)", what, subject ? subject : "", strerror(e), e);
    die_msg(sync_fd, buf);
}

int write_file(const char *path, const char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return -1;
    ssize_t n;
    do
        n = write(fd, data, len);
    while (n < 0 && errno == EINTR);
    int e = errno;
    close(fd);
    errno = e;
    return n == (ssize_t)len ? 0 : -1;
}
