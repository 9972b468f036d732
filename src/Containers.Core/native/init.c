/*
 * The container's side of the shim: runs in the child cloned into the new namespaces, sets up
 * the root filesystem and the process, then waits for start and execs the user's program.
 *
 * Hardening, against the runc escapes we know of:
 * - The process is not dumpable until exec, so nothing in the container can open
 *   /proc/<pid>/exe or ptrace it; the shim itself runs from a sealed memfd, so even a
 *   writable handle to it could not change the host's copy.
 * - Every mount target is resolved with openat2(RESOLVE_IN_ROOT) and mounted through its
 *   /proc/self/fd path, so a symlink in the rootfs cannot redirect a mount to the host.
 * - Every fd but stdio and the sync socket is closed before the working directory is entered,
 *   and the directory must then be reachable from the new root (CVE-2024-21626).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "shim.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static int g_sync = -1;

static int openat2_in_root(int root, const char *path, int flags)
{
    struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC), .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
    int fd;
    do
        fd = (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
    while (fd < 0 && errno == EAGAIN);
    return fd;
}

#define MAX_LINKS 40

/*
 * Opens path inside root as O_PATH, making what is missing: directories on the way and, at the
 * end, a directory or (want_file) an empty file. A symlink on the way is followed inside root
 * even when its target does not exist yet: the target is made, inside root, as mkdir -p would.
 */
static int make_in_root(int root, const char *path, int want_file, int depth)
{
    if (depth > MAX_LINKS) {
        errno = ELOOP;
        return -1;
    }
    int fd = openat2_in_root(root, path, O_PATH);
    if (fd >= 0 || errno != ENOENT)
        return fd;

    char buf[4096];
    if (strlen(path) >= sizeof(buf)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    strcpy(buf, path);
    /* Find each component that does not resolve, and make it (or follow its dangling link). */
    size_t len = strlen(buf), pos = 0;
    while (pos < len) {
        while (pos < len && buf[pos] == '/')
            pos++;
        size_t end = pos;
        while (end < len && buf[end] != '/')
            end++;
        if (end == pos)
            break;
        char saved = buf[end];
        buf[end] = '\0';
        int next = openat2_in_root(root, buf, O_PATH);
        if (next >= 0) {
            close(next);
            buf[end] = saved;
            pos = end;
            continue;
        }
        if (errno != ENOENT)
            return -1;
        /* buf[0..end) is missing; its parent resolves. */
        char *name = buf + pos;
        char parent_path[4096];
        memcpy(parent_path, buf, pos);
        parent_path[pos] = '\0';
        int parent = openat2_in_root(root, pos ? parent_path : "/", O_PATH | O_DIRECTORY);
        if (parent < 0)
            return -1;
        char target[4096];
        ssize_t n = readlinkat(parent, name, target, sizeof(target) - 1);
        if (n >= 0) {
            /* A dangling symlink: go on from its target, taken relative to the link's directory. */
            target[n] = '\0';
            close(parent);
            char rewritten[12288];
            const char *rest = saved ? buf + end + 1 : "";
            int w = target[0] == '/' ? snprintf(rewritten, sizeof(rewritten), "%s/%s", target, rest)
                                     : snprintf(rewritten, sizeof(rewritten), "%s/%s/%s", parent_path, target, rest);
            if (w < 0 || (size_t)w >= 4096) {
                errno = ENAMETOOLONG;
                return -1;
            }
            size_t rl = strlen(rewritten);
            while (rl > 1 && rewritten[rl - 1] == '/')
                rewritten[--rl] = '\0';
            return make_in_root(root, rewritten, want_file, depth + 1);
        }
        int last = saved == '\0';
        int rc = last && want_file ? openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644) : mkdirat(parent, name, 0755);
        if (rc < 0 && errno != EEXIST) {
            int e = errno;
            close(parent);
            errno = e;
            return -1;
        }
        if (last && want_file && rc >= 0)
            close(rc);
        close(parent);
        buf[end] = saved;
        pos = end;
    }
    return openat2_in_root(root, path, O_PATH);
}

/* Opens (as O_PATH) the directory at path inside root, making missing components. */
static int mkdirs_in_root(int root, const char *path)
{
    return make_in_root(root, path, 0, 0);
}

static void split(const char *path, char *parent, size_t size, const char **base)
{
    const char *slash = strrchr(path, '/');
    size_t n = slash ? (size_t)(slash - path) : 0;
    if (n >= size)
        die_msg(g_sync, "path too long");
    memcpy(parent, path, n);
    parent[n] = '\0';
    if (n == 0)
        strcpy(parent, "/");
    *base = slash ? slash + 1 : path;
}

/* Opens the mount target inside root as O_PATH, making it (a directory or an empty file). */
static int open_target(int root, const char *path, int want_file)
{
    return make_in_root(root, path, want_file, 0);
}

static void fd_path(int fd, char *buf, size_t size)
{
    snprintf(buf, size, "/proc/self/fd/%d", fd);
}

/* A bind remount must keep the flags the kernel locked on the source (user namespaces). */
static int remount_keeping_locked(const char *target, unsigned long flags)
{
    if (mount(NULL, target, NULL, flags, NULL) == 0)
        return 0;
    if (errno != EPERM)
        return -1;
    struct statvfs sv;
    if (statvfs(target, &sv) < 0)
        return -1;
    unsigned long locked = sv.f_flag & (MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_RDONLY | MS_NOATIME | MS_NODIRATIME | MS_RELATIME);
    return mount(NULL, target, NULL, flags | locked, NULL);
}

static void do_mount(int root, const struct plan_rec *r)
{
    /* source, target, fstype, flags, data, propagation, kind */
    const char *source = r->args[0], *target = r->args[1], *fstype = r->args[2], *data = r->args[4], *kind = r->args[6];
    unsigned long flags = parse_u64(r->args[3]), prop = parse_u64(r->args[5]);
    int bind = strcmp(kind, "bind") == 0;
    int want_file = 0;
    if (bind) {
        struct stat st;
        if (stat(source, &st) < 0)
            die_errno(g_sync, "bind mount source", source);
        want_file = !S_ISDIR(st.st_mode);
    }
    int fd = open_target(root, target, want_file);
    if (fd < 0)
        die_errno(g_sync, "mount target", target);
    char path[64];
    fd_path(fd, path, sizeof(path));
    if (bind) {
        if (mount(source, path, NULL, MS_BIND | (flags & MS_REC), NULL) < 0)
            die_errno(g_sync, "bind mount onto", target);
        /* The fd still names the directory under the new mount; reopen to reach the mount. */
        close(fd);
        fd = openat2_in_root(root, target, O_PATH);
        if (fd < 0)
            die_errno(g_sync, "mount target", target);
        fd_path(fd, path, sizeof(path));
        unsigned long rest = flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
        if (rest && remount_keeping_locked(path, MS_BIND | MS_REMOUNT | rest) < 0)
            die_errno(g_sync, "remount bind mount", target);
    } else {
        const void *d = data[0] ? data : NULL;
        if (mount(source, path, fstype, flags, d) < 0) {
            /* sysfs cannot be mounted without owning the network namespace: bind the host's. */
            if (strcmp(fstype, "sysfs") == 0 && (errno == EPERM || errno == EBUSY)) {
                if (mount("/sys", path, NULL, MS_BIND | MS_REC, NULL) < 0)
                    die_errno(g_sync, "bind mount /sys onto", target);
            } else if (strcmp(fstype, "mqueue") == 0 && errno == EPERM) {
                if (mount("/dev/mqueue", path, NULL, MS_BIND, NULL) < 0)
                    die_errno(g_sync, "bind mount /dev/mqueue onto", target);
            } else {
                die_errno(g_sync, "mount", target);
            }
        }
    }
    if (prop) {
        close(fd);
        fd = openat2_in_root(root, target, O_PATH);
        if (fd < 0)
            die_errno(g_sync, "mount target", target);
        fd_path(fd, path, sizeof(path));
        if (mount(NULL, path, NULL, prop, NULL) < 0)
            die_errno(g_sync, "set propagation of", target);
    }
    close(fd);
}

/* The directory of the last device made: devices come in a row under /dev, so it is opened once. */
static int g_dev_dir = -1;
static char g_dev_dir_path[4096];

static void do_device(int root, const struct plan_rec *r, int bind)
{
    /* path, type, major, minor, mode, uid, gid */
    const char *path = r->args[0];
    char type = r->args[1][0];
    unsigned int major = (unsigned int)parse_u64(r->args[2]), minor = (unsigned int)parse_u64(r->args[3]);
    mode_t mode = (mode_t)parse_u64(r->args[4]);
    uid_t uid = (uid_t)parse_u64(r->args[5]);
    gid_t gid = (gid_t)parse_u64(r->args[6]);
    char parent[4096];
    const char *base;
    split(path, parent, sizeof(parent), &base);
    if (g_dev_dir < 0 || strcmp(parent, g_dev_dir_path) != 0) {
        if (g_dev_dir >= 0)
            close(g_dev_dir);
        g_dev_dir = mkdirs_in_root(root, parent);
        if (g_dev_dir < 0)
            die_errno(g_sync, "device directory", parent);
        snprintf(g_dev_dir_path, sizeof(g_dev_dir_path), "%s", parent);
    }
    int dir = g_dev_dir;
    if (bind) {
        /* mknod is refused in a user namespace: bind the host's node onto an empty file. */
        if (unlinkat(dir, base, 0) < 0 && errno != ENOENT)
            die_errno(g_sync, "replace device", path);
        int f = openat(dir, base, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (f < 0)
            die_errno(g_sync, "device placeholder", path);
        close(f);
        int fd = openat2_in_root(root, path, O_PATH);
        if (fd < 0)
            die_errno(g_sync, "device placeholder", path);
        char p[64];
        fd_path(fd, p, sizeof(p));
        if (mount(path, p, NULL, MS_BIND, NULL) < 0)
            die_errno(g_sync, "bind device", path);
        close(fd);
        return;
    }
    mode_t kind = type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
    /* umask is 0 here, so mknod's mode is exact, and the node is root's as made. */
    int rc = mknodat(dir, base, kind | (mode & 07777), makedev(major, minor));
    if (rc < 0 && errno == EEXIST) {
        if (unlinkat(dir, base, 0) < 0)
            die_errno(g_sync, "replace device", path);
        rc = mknodat(dir, base, kind | (mode & 07777), makedev(major, minor));
    }
    if (rc < 0)
        die_errno(g_sync, "mknod", path);
    if ((uid != 0 || gid != 0) && fchownat(dir, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
        die_errno(g_sync, "chown device", path);
}

/* Sets attributes (read-only, nosuid...) on a mount and everything under it in one call; on a
   kernel without mount_setattr (before 5.12), remounts each listed mount instead. */
static void do_setattr_recursive(int root, const struct plan_rec *r)
{
    const char *path = r->args[0];
    int fd = openat2_in_root(root, path, O_PATH);
    if (fd < 0)
        die_errno(g_sync, "mount attributes of", path);
    struct mount_attr attr = { .attr_set = parse_u64(r->args[1]) };
    long rc = syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr));
    close(fd);
    if (rc == 0)
        return;
    if (errno != ENOSYS)
        die_errno(g_sync, "set mount attributes of", path);
    unsigned long flags = parse_u64(r->args[2]);
    for (uint32_t i = 3; i < r->count; i++) {
        int t = openat2_in_root(root, r->args[i], O_PATH);
        if (t < 0)
            die_errno(g_sync, "remount", r->args[i]);
        char p[64];
        fd_path(t, p, sizeof(p));
        if (remount_keeping_locked(p, MS_BIND | MS_REMOUNT | flags) < 0)
            die_errno(g_sync, "remount", r->args[i]);
        close(t);
    }
}

static void do_symlink(int root, const char *target, const char *link)
{
    char parent[4096];
    const char *base;
    split(link, parent, sizeof(parent), &base);
    int dir = mkdirs_in_root(root, parent);
    if (dir < 0)
        die_errno(g_sync, "symlink directory", parent);
    if (symlinkat(target, dir, base) < 0 && errno != EEXIST)
        die_errno(g_sync, "symlink", link);
    close(dir);
}

static void do_mask(int root, const char *path)
{
    int fd = openat2_in_root(root, path, O_PATH);
    if (fd < 0) {
        if (errno == ENOENT)
            return;
        die_errno(g_sync, "masked path", path);
    }
    struct stat st;
    if (fstat(fd, &st) < 0)
        die_errno(g_sync, "masked path", path);
    char p[64];
    fd_path(fd, p, sizeof(p));
    int rc = S_ISDIR(st.st_mode) ? mount("tmpfs", p, "tmpfs", MS_RDONLY, NULL) : mount("/dev/null", p, NULL, MS_BIND, NULL);
    if (rc < 0)
        die_errno(g_sync, "mask", path);
    close(fd);
}

static void do_readonly(int root, const char *path)
{
    int fd = openat2_in_root(root, path, O_PATH);
    if (fd < 0) {
        if (errno == ENOENT)
            return;
        die_errno(g_sync, "readonly path", path);
    }
    char p[64];
    fd_path(fd, p, sizeof(p));
    if (mount(p, p, NULL, MS_BIND | MS_REC, NULL) < 0)
        die_errno(g_sync, "bind readonly path", path);
    close(fd);
    fd = openat2_in_root(root, path, O_PATH);
    if (fd < 0)
        die_errno(g_sync, "readonly path", path);
    fd_path(fd, p, sizeof(p));
    if (remount_keeping_locked(p, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC) < 0)
        die_errno(g_sync, "remount readonly path", path);
    close(fd);
}

static void setup_rootfs(const struct plan *p)
{
    const struct plan_rec *rootfs = plan_find(p, OP_ROOTFS);
    const struct plan_rec *prop = plan_find(p, OP_ROOTFS_PROPAGATION);
    unsigned long propagation = prop ? parse_u64(prop->args[0]) : (MS_SLAVE | MS_REC);
    /* Nothing we mount may leak back to the host. */
    if (mount(NULL, "/", NULL, propagation, NULL) < 0)
        die_errno(g_sync, "set propagation of", "/");
    /* pivot_root needs the new root to be a mount point. */
    if (mount(rootfs->args[0], rootfs->args[0], NULL, MS_BIND | MS_REC, NULL) < 0)
        die_errno(g_sync, "bind rootfs", rootfs->args[0]);
    int root = open(rootfs->args[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        die_errno(g_sync, "open rootfs", rootfs->args[0]);

    int bind_devices = plan_has(p, OP_DEVICE_BIND);
    for (size_t i = 0; i < p->nrecs; i++) {
        const struct plan_rec *r = &p->recs[i];
        if (r->op == OP_MOUNT && r->count == 7)
            do_mount(root, r);
        else if (r->op == OP_DEVICE && r->count == 7)
            do_device(root, r, bind_devices);
        else if (r->op == OP_SYMLINK && r->count == 2)
            do_symlink(root, r->args[0], r->args[1]);
        else if (r->op == OP_SETATTR_RECURSIVE && r->count >= 3)
            do_setattr_recursive(root, r);
    }

    if (g_dev_dir >= 0) {
        close(g_dev_dir);
        g_dev_dir = -1;
    }
    if (fchdir(root) < 0)
        die_errno(g_sync, "chdir", rootfs->args[0]);
    close(root);
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        die_errno(g_sync, "pivot_root", rootfs->args[0]);
    /* The old root is stacked under the new one; detach it without touching the host's mounts. */
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        die_errno(g_sync, "make old root a slave", NULL);
    if (umount2(".", MNT_DETACH) < 0)
        die_errno(g_sync, "detach old root", NULL);
    if (chdir("/") < 0)
        die_errno(g_sync, "chdir", "/");

}

/* After sysctls, as runc does: /proc/sys is among the read-only paths. */
static void finish_rootfs(const struct plan *p)
{
    int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root < 0)
        die_errno(g_sync, "open", "/");
    for (size_t i = 0; i < p->nrecs; i++) {
        const struct plan_rec *r = &p->recs[i];
        if (r->op == OP_MASK && r->count == 1)
            do_mask(root, r->args[0]);
        else if (r->op == OP_READONLY_PATH && r->count == 1)
            do_readonly(root, r->args[0]);
    }
    close(root);
    if (plan_has(p, OP_READONLY_ROOT) && remount_keeping_locked("/", MS_BIND | MS_REMOUNT | MS_RDONLY) < 0)
        die_errno(g_sync, "remount read-only", "/");
}

/* A new network namespace starts with lo down; bring it up, as runc does. */
static void loopback_up(void)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        die_errno(g_sync, "socket for", "lo");
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
        die_errno(g_sync, "read the flags of", "lo");
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
        die_errno(g_sync, "bring up", "lo");
    close(fd);
}

static void apply_sysctls(const struct plan *p)
{
    for (size_t i = 0; i < p->nrecs; i++) {
        const struct plan_rec *r = &p->recs[i];
        if (r->op != OP_SYSCTL || r->count != 2)
            continue;
        char path[512] = "/proc/sys/";
        size_t n = strlen(path);
        for (const char *c = r->args[0]; *c && n < sizeof(path) - 1; c++)
            path[n++] = *c == '.' ? '/' : *c;
        path[n] = '\0';
        if (write_file(path, r->args[1], strlen(r->args[1])) < 0)
            die_errno(g_sync, "sysctl", r->args[0]);
    }
}

static void setup_terminal(const struct plan_rec *t)
{
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        die_errno(g_sync, "open", "/dev/ptmx");
    int unlock = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
        die_errno(g_sync, "unlock pty", NULL);
    int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
    if (slave < 0)
        die_errno(g_sync, "open pty peer", NULL);
    struct winsize ws = { .ws_row = (unsigned short)parse_u64(t->args[0]), .ws_col = (unsigned short)parse_u64(t->args[1]) };
    if (ws.ws_row && ws.ws_col)
        ioctl(slave, TIOCSWINSZ, &ws);
    if (ioctl(slave, TIOCSCTTY, 0) < 0)
        die_errno(g_sync, "set controlling terminal", NULL);
    for (int i = 0; i < 3; i++)
        if (dup2(slave, i) < 0)
            die_errno(g_sync, "dup pty", NULL);
    if (slave > 2)
        close(slave);
    if (send_msg(g_sync, "pty", master) < 0)
        die_errno(g_sync, "send pty", NULL);
    close(master);
}

static void set_identity(const struct plan *p)
{
    const struct plan_rec *user = plan_find(p, OP_USER);
    const struct plan_rec *groups = plan_find(p, OP_GROUPS);
    const struct plan_rec *caps = plan_find(p, OP_CAPS);
    uid_t uid = user ? (uid_t)parse_u64(user->args[0]) : 0;
    gid_t gid = user ? (gid_t)parse_u64(user->args[1]) : 0;

    if (!plan_has(p, OP_SETGROUPS_DENY)) {
        gid_t list[256];
        size_t n = 0;
        for (uint32_t i = 0; groups && i < groups->count && n < 256; i++)
            list[n++] = (gid_t)parse_u64(groups->args[i]);
        if (setgroups(n, list) < 0)
            die_errno(g_sync, "setgroups", NULL);
    }
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        die_errno(g_sync, "keep capabilities", NULL);
    unsigned long long bounding = caps ? parse_u64(caps->args[0]) : 0;
    for (int cap = 0; cap < 64; cap++)
        if (!(bounding & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            die_errno(g_sync, "drop bounding capability", NULL);
    if (setresgid(gid, gid, gid) < 0)
        die_errno(g_sync, "setresgid", user ? user->args[1] : "0");
    if (setresuid(uid, uid, uid) < 0)
        die_errno(g_sync, "setresuid", user ? user->args[0] : "0");

    unsigned long long eff = caps ? parse_u64(caps->args[1]) : 0, perm = caps ? parse_u64(caps->args[2]) : 0,
                       inh = caps ? parse_u64(caps->args[3]) : 0, amb = caps ? parse_u64(caps->args[4]) : 0;
    struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct data[2] = {
        { .effective = (uint32_t)eff, .permitted = (uint32_t)perm, .inheritable = (uint32_t)inh },
        { .effective = (uint32_t)(eff >> 32), .permitted = (uint32_t)(perm >> 32), .inheritable = (uint32_t)(inh >> 32) },
    };
    if (syscall(SYS_capset, &hdr, data) < 0)
        die_errno(g_sync, "capset", NULL);
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    /* The kernel takes only ambient capabilities that are permitted and inheritable; runc skips
       the rest rather than fail (its default spec asks for ambient ones it makes no inheritable). */
    amb &= perm & inh;
    for (int cap = 0; cap < 64; cap++)
        if ((amb & (1ULL << cap)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            die_errno(g_sync, "raise ambient capability", NULL);
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        die_errno(g_sync, "keep capabilities", NULL);
    if (user && parse_i64(user->args[2]) >= 0)
        umask((mode_t)parse_i64(user->args[2]));
    else
        umask(022);
}

static const char *find_env(char **env, const char *name)
{
    size_t n = strlen(name);
    for (; env && *env; env++)
        if (strncmp(*env, name, n) == 0 && (*env)[n] == '=')
            return *env + n + 1;
    return NULL;
}

/* Resolves argv[0] with the container's PATH, as execvp would, but before start. */
static void resolve_program(const char *prog, char **env, char *out, size_t size)
{
    if (strchr(prog, '/')) {
        snprintf(out, size, "%s", prog);
        if (access(out, X_OK) < 0)
            die_errno(g_sync, "exec", prog);
        return;
    }
    const char *path = find_env(env, "PATH");
    if (!path)
        path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    while (*path) {
        const char *end = strchrnul(path, ':');
        snprintf(out, size, "%.*s/%s", (int)(end - path), path, prog);
        struct stat st;
        if (end != path && stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
            return;
        path = *end ? end + 1 : end;
    }
    char msg[512];
    snprintf(msg, sizeof(msg), "exec: \"%s\": executable file not found in $PATH", prog);
    die_msg(g_sync, msg);
}

void init_run(const struct plan *p, int sync_fd, const int *tasks_fds, int ntasks)
{
    g_sync = sync_fd;
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    umask(0);

    /* Move into the container's v1 cgroups: "0" is this (single) thread, which the kernel moves without its global lock. */
    for (int i = 0; i < ntasks; i++) {
        if (write(tasks_fds[i], "0", 1) != 1)
            die_errno(g_sync, "join cgroup", "(tasks)");
        close(tasks_fds[i]);
    }

    char msg[256];
    if (recv_msg(g_sync, msg, sizeof(msg), NULL) <= 0 || strcmp(msg, "setup") != 0)
        _exit(125); /* the monitor gave up on us */

    /* Join the namespaces of another container (exec, pods); the user namespace comes first in the plan. */
    for (size_t i = 0; i < p->nrecs; i++) {
        const struct plan_rec *j = &p->recs[i];
        unsigned long nsflag = j->op == OP_JOIN_NS && j->count == 2 ? parse_u64(j->args[1]) : 0;
        if (!nsflag || (nsflag & (CLONE_NEWPID | CLONE_NEWTIME)))
            continue;
        int fd = open(j->args[0], O_RDONLY | O_CLOEXEC);
        if (fd < 0 || setns(fd, (int)nsflag) < 0)
            die_errno(g_sync, "join namespace", j->args[0]);
        close(fd);
    }

    const struct plan_rec *flags_rec = plan_find(p, OP_CLONE_FLAGS);
    unsigned long flags = flags_rec ? parse_u64(flags_rec->args[0]) : 0;
    int joined = 0;
    if (flags & CLONE_NEWCGROUP) {
        /* The namespace's root is the cgroup it is made in: make it only once every hierarchy is joined. */
        if (recv_msg(g_sync, msg, sizeof(msg), NULL) <= 0 || strcmp(msg, "joined") != 0)
            _exit(125);
        joined = 1;
        if (unshare(CLONE_NEWCGROUP) < 0)
            die_errno(g_sync, "unshare", "cgroup namespace");
    }
    if (flags & CLONE_NEWUSER) {
        if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
            die_errno(g_sync, "become root in the user namespace", NULL);
    }
    if (setsid() < 0 && errno != EPERM)
        die_errno(g_sync, "setsid", NULL);

    if (plan_has(p, OP_ROOTFS))
        setup_rootfs(p);

    const struct plan_rec *r;
    if (flags & CLONE_NEWNET)
        loopback_up();
    if ((r = plan_find(p, OP_HOSTNAME)) && sethostname(r->args[0], strlen(r->args[0])) < 0)
        die_errno(g_sync, "sethostname", r->args[0]);
    if ((r = plan_find(p, OP_DOMAINNAME)) && setdomainname(r->args[0], strlen(r->args[0])) < 0)
        die_errno(g_sync, "setdomainname", r->args[0]);
    apply_sysctls(p);
    if (plan_has(p, OP_ROOTFS))
        finish_rootfs(p);
    for (size_t i = 0; i < p->nrecs; i++) {
        r = &p->recs[i];
        if (r->op != OP_RLIMIT || r->count != 3)
            continue;
        struct rlimit rl = { .rlim_cur = parse_u64(r->args[1]), .rlim_max = parse_u64(r->args[2]) };
        if (setrlimit((int)parse_u64(r->args[0]), &rl) < 0)
            die_errno(g_sync, "setrlimit", r->args[0]);
    }
    if ((r = plan_find(p, OP_OOM_SCORE_ADJ)) && write_file("/proc/self/oom_score_adj", r->args[0], strlen(r->args[0])) < 0)
        die_errno(g_sync, "oom_score_adj", r->args[0]);
    if ((r = plan_find(p, OP_TERMINAL)) && r->count == 2)
        setup_terminal(r);

    /* No host fd may survive into the container, least of all as its working directory. */
    if (g_sync > 3)
        syscall(SYS_close_range, 3, g_sync - 1, 0);
    syscall(SYS_close_range, g_sync + 1, ~0U, 0);

    set_identity(p);

    if ((r = plan_find(p, OP_CWD))) {
        if (chdir(r->args[0]) < 0)
            die_errno(g_sync, "chdir to cwd", r->args[0]);
        char cwd[4096];
        if (!getcwd(cwd, sizeof(cwd)) || cwd[0] != '/')
            die_msg(g_sync, "cwd is outside the container's root");
    }

    const struct plan_rec *args = plan_find(p, OP_ARGS);
    const struct plan_rec *env = plan_find(p, OP_ENV);
    if (!args || args->count == 0)
        die_msg(g_sync, "process.args is empty");
    char **envp = env ? env->args : (char *[]){ NULL };
    char program[4096];
    resolve_program(args->args[0], envp, program, sizeof(program));

    if (plan_has(p, OP_NO_NEW_PRIVS) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        die_errno(g_sync, "no_new_privs", NULL);
    /* The default seccomp profile will be loaded here, last, as runc does. */

    /* Not a step further until the monitor has the container in its cgroup. */
    if (!joined && (recv_msg(g_sync, msg, sizeof(msg), NULL) <= 0 || strcmp(msg, "joined") != 0))
        _exit(125);
    if (send_msg(g_sync, "ready", -1) < 0)
        _exit(125);
    if (!plan_has(p, OP_START_NOW)) {
        if (recv_msg(g_sync, msg, sizeof(msg), NULL) <= 0 || strcmp(msg, "start") != 0)
            _exit(125);
    }

    sigset_t none;
    sigemptyset(&none);
    for (int sig = 1; sig < NSIG; sig++)
        signal(sig, SIG_DFL);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(program, args->args, envp);
    die_errno(g_sync, "exec", program);
}
