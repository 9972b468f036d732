/*
 * containers-shim: the only native code of the runtime.
 *
 * The .NET side compiles an OCI config.json into a "plan": a flat list of records, each an
 * opcode and some strings. The shim executes the plan without interpreting the spec, so every
 * decision (which mounts, which flags, which capabilities) stays in C#, where it is tested.
 *
 * Plan encoding: repeated { u32 op; u32 count; count x { u32 length; bytes } }, little endian
 * as the host is. Numbers travel as decimal (or 0x hex) strings.
 */
#ifndef CONTAINERS_SHIM_H
#define CONTAINERS_SHIM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum plan_op {
    OP_STATE_DIR = 1,       /* dir: shim.sock and the exit file live here */
    OP_CLONE_FLAGS = 2,     /* flags: namespaces to create */
    OP_JOIN_NS = 3,         /* path, flag: namespace to join before clone */
    OP_UID_MAP = 4,         /* text of /proc/pid/uid_map */
    OP_GID_MAP = 5,         /* text of /proc/pid/gid_map */
    OP_CGROUP_PROCS = 6,    /* cgroup.procs path, "v1" or "v2": the child joins this cgroup */
    OP_ROOTFS = 7,          /* path */
    OP_ROOTFS_PROPAGATION = 8, /* mount flags for "/" before anything else */
    OP_MOUNT = 9,           /* source, target, fstype, flags, data, propagation, kind */
    OP_DEVICE = 10,         /* path, type, major, minor, mode, uid, gid */
    OP_SYMLINK = 11,        /* target, link path */
    OP_MASK = 12,           /* path */
    OP_READONLY_PATH = 13,  /* path */
    OP_READONLY_ROOT = 14,
    OP_SYSCTL = 15,         /* key (dotted), value */
    OP_HOSTNAME = 16,       /* name */
    OP_DOMAINNAME = 17,     /* name */
    OP_RLIMIT = 18,         /* resource, soft, hard */
    OP_OOM_SCORE_ADJ = 19,  /* value */
    OP_CWD = 20,            /* path */
    OP_USER = 21,           /* uid, gid, umask (-1 keeps) */
    OP_GROUPS = 22,         /* gid... */
    OP_CAPS = 23,           /* bounding, effective, permitted, inheritable, ambient (masks) */
    OP_NO_NEW_PRIVS = 24,
    OP_ARGS = 25,           /* argv... */
    OP_ENV = 26,            /* KEY=value... */
    OP_TERMINAL = 27,       /* rows, cols */
    OP_DIE_WITH_OWNER = 28,
    OP_START_NOW = 29,      /* exec: no wait for start */
    OP_CLEANUP_DIR = 30,    /* cgroup dir to rmdir when the owner dies (children first) */
    OP_MONITOR = 31,        /* pid file, argv...: run an OCI runtime's create and reap its container */
    OP_SETGROUPS_DENY = 32,
    OP_DEVICE_BIND = 33,    /* use bind mounts of host devices (user namespaces) */
    OP_SETATTR_RECURSIVE = 34, /* path, mount_setattr attrs, fallback MS_ flags, fallback targets...: one call for a whole tree */
    OP_LOG_FILE = 40,       /* path: stdout and stderr go there as Docker json-file lines, written by the monitor */
    OP_OWNER_GONE_UNMOUNT = 41, /* path: when the owner dies, detach every mount on it once the container is dead */
    OP_OWNER_GONE_REMOVE = 42,  /* path: and then remove this tree, following no symlink and crossing no mount */
};

struct plan_rec {
    uint32_t op;
    uint32_t count;
    char **args; /* NUL-terminated copies */
};

struct plan {
    struct plan_rec *recs;
    size_t nrecs;
};

int plan_parse(const unsigned char *buf, size_t len, struct plan *out);
const struct plan_rec *plan_find(const struct plan *p, uint32_t op);
int plan_has(const struct plan *p, uint32_t op);

/* The container's setup, run in the cloned child; never returns. */
void init_run(const struct plan *p, int sync_fd, const int *tasks_fds, int ntasks) __attribute__((noreturn));

/* The container's json-file log (log.c): the monitor reads the container's stdout and stderr
   pipes and appends one line of JSON per line of output. */
#define LOG_MAX_LINE (16 * 1024) /* Docker's json-file driver splits longer lines */

struct log_stream {
    int fd;             /* our (read) end of the pipe, non-blocking; -1 once it reached its end */
    int child_fd;       /* the container's (write) end, until it has it; -1 after */
    const char *name;   /* "stdout" or "stderr" */
    size_t len;         /* bytes of a line not yet written */
    unsigned char line[LOG_MAX_LINE];
};

struct container_log {
    int file;
    struct log_stream out, err;
};

int log_open(struct container_log *log, const char *path);
void log_attach(const struct container_log *log); /* in the container's process: its stdout and stderr become the pipes */
void log_detach_child(struct container_log *log); /* in the monitor, once the container has its ends */
int log_pump(struct container_log *log, struct log_stream *s); /* 1 while the pipe is open, 0 once it has ended */
int log_is_open(const struct container_log *log);
void log_close(struct container_log *log); /* writes what is left of a line, and closes everything */

/* What an owner that died leaves to the monitor (cleanup.c). */
int unmount_all(const char *path);
int remove_tree(const char *path);

/* Helpers shared by the monitor and the child. */
void die_errno(int sync_fd, const char *what, const char *subject) __attribute__((noreturn));
void die_msg(int sync_fd, const char *msg) __attribute__((noreturn));
int send_msg(int fd, const char *msg, int pass_fd);
ssize_t recv_msg(int fd, char *buf, size_t size, int *passed_fd);
unsigned long long parse_u64(const char *s);
long long parse_i64(const char *s);
int write_file(const char *path, const char *data, size_t len);

#endif
