/*
 * What the monitor removes for an owner that died, once the container is dead: mounts the owner
 * made on the host (the rootfs), and directories it kept (the container's state, its writable
 * layer). The trees were the container's to write, so they are hostile: no symlink is followed,
 * no mount point crossed (what is under one stays, and so do the directories above it), and the
 * walk holds two descriptors however deep the tree goes.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "shim.h"

#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif
#ifndef UMOUNT_NOFOLLOW
#define UMOUNT_NOFOLLOW 0x00000008
#endif

/* More mounts than this stacked on one point is not the engine's doing. */
#define MAX_STACKED 64

int unmount_all(const char *path)
{
    for (int i = 0; i < MAX_STACKED; i++) {
        if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0)
            continue;
        /* EINVAL: not a mount point (any more). */
        return errno == EINVAL || errno == ENOENT ? 0 : -1;
    }
    errno = EBUSY;
    return -1;
}

struct node {
    dev_t dev;
    ino_t ino;
};

/* A growable list of nodes: the directories on the way down, or the entries left behind. */
struct nodes {
    struct node *items;
    size_t count, cap;
};

static int nodes_push(struct nodes *list, dev_t dev, ino_t ino)
{
    if (list->count == list->cap) {
        size_t cap = list->cap ? list->cap * 2 : 16;
        struct node *grown = realloc(list->items, cap * sizeof(*grown));
        if (!grown)
            return -1;
        list->items = grown;
        list->cap = cap;
    }
    list->items[list->count++] = (struct node){ dev, ino };
    return 0;
}

static int nodes_has(const struct nodes *list, dev_t dev, ino_t ino)
{
    for (size_t i = 0; i < list->count; i++)
        if (list->items[i].dev == dev && list->items[i].ino == ino)
            return 1;
    return 0;
}

/* An entry of dir, as lstat sees it, and whether it is the root of a mount (a bind mount of the
   same filesystem has the same device, so the device alone does not tell). */
static int stat_entry(int dir, const char *name, struct statx *sx, dev_t *dev)
{
    if (statx(dir, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, STATX_TYPE | STATX_INO, sx) < 0)
        return -1;
    *dev = makedev(sx->stx_dev_major, sx->stx_dev_minor);
    return 0;
}

static int is_mount_root(const struct statx *sx)
{
    return (sx->stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) && (sx->stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

struct walk {
    dev_t dev;          /* the filesystem of the tree; nothing on another is touched */
    struct nodes left;  /* entries that could not be removed, so are not tried again */
};

/*
 * One pass over dir: removes its files, symlinks and empty directories. Stops at the first
 * directory that is not empty, naming it in descend (with its node in child). *kept counts the
 * entries that stay: mount points, other filesystems, and whatever refused to go.
 */
static int scan(struct walk *w, int dir, char *descend, struct node *child, int *kept)
{
    int fd = fcntl(dir, F_DUPFD_CLOEXEC, 0);
    DIR *d = fd < 0 ? NULL : fdopendir(fd);
    if (!d) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    descend[0] = '\0';
    *kept = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        struct statx sx;
        dev_t dev;
        if (stat_entry(dir, e->d_name, &sx, &dev) < 0) {
            *kept += errno != ENOENT;
            continue;
        }
        if (dev != w->dev || is_mount_root(&sx) || nodes_has(&w->left, dev, sx.stx_ino)) {
            (*kept)++;
            continue;
        }
        int is_dir = S_ISDIR(sx.stx_mode);
        if (unlinkat(dir, e->d_name, is_dir ? AT_REMOVEDIR : 0) == 0 || errno == ENOENT)
            continue;
        if (is_dir && (errno == ENOTEMPTY || errno == EEXIST)) {
            snprintf(descend, NAME_MAX + 1, "%s", e->d_name);
            *child = (struct node){ dev, sx.stx_ino };
            break;
        }
        (*kept)++;
        if (nodes_push(&w->left, dev, sx.stx_ino) < 0) {
            closedir(d);
            return -1;
        }
    }
    closedir(d);
    return 0;
}

/* Opens a directory relative to dir, if it is still the node the walk saw: the one scan chose,
   or, through "..", the one the walk came down from. */
static int open_expected(int dir, const char *name, const struct node *expected)
{
    int fd = openat(dir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) < 0 || st.st_dev != expected->dev || st.st_ino != expected->ino)) {
        close(fd);
        errno = ESTALE;
        return -1;
    }
    return fd;
}

/*
 * Empties the directory top depth first, without recursion: it goes down into the first
 * directory that is not empty, and back up through ".." (checked against the way down) once
 * that one is empty or holds only what must stay; the parent's next pass then removes it.
 * Returns 0 when top is empty.
 */
static int empty_tree(int top, dev_t dev)
{
    struct walk w = { .dev = dev };
    struct nodes path = { 0 };
    struct node came_from = { 0 }; /* the directory just left: if it will not go, it stays */
    int cur = fcntl(top, F_DUPFD_CLOEXEC, 0);
    int rc = cur < 0 ? -1 : 1;
    while (rc == 1) {
        char name[NAME_MAX + 1];
        struct node child;
        int kept;
        struct stat here;
        if (scan(&w, cur, name, &child, &kept) < 0 || fstat(cur, &here) < 0) {
            rc = -1;
        } else if (name[0]) {
            int next = child.dev == came_from.dev && child.ino == came_from.ino ? -1 : open_expected(cur, name, &child);
            if (next < 0) {
                rc = nodes_push(&w.left, child.dev, child.ino) < 0 ? -1 : 1;
            } else if (nodes_push(&path, here.st_dev, here.st_ino) < 0) {
                close(next);
                rc = -1;
            } else {
                close(cur);
                cur = next;
            }
        } else if (path.count == 0) {
            rc = kept ? -1 : 0;
            errno = ENOTEMPTY;
        } else {
            /* Done here: what stays keeps this directory, which its parent must not try again. */
            int up = kept && nodes_push(&w.left, here.st_dev, here.st_ino) < 0 ? -1 : open_expected(cur, "..", &path.items[--path.count]);
            if (up < 0) {
                rc = -1;
            } else {
                came_from = (struct node){ here.st_dev, here.st_ino };
                close(cur);
                cur = up;
            }
        }
    }
    if (cur >= 0)
        close(cur);
    free(w.left.items);
    free(path.items);
    return rc;
}

int remove_tree(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash || slash[1] == '\0' || (size_t)(slash - path) >= PATH_MAX) {
        errno = EINVAL;
        return -1;
    }
    char parent_path[PATH_MAX];
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    memcpy(parent_path, path, n);
    parent_path[n] = '\0';
    const char *name = slash + 1;

    int parent = open(parent_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (parent < 0)
        return errno == ENOENT ? 0 : -1;
    struct stat pst;
    struct statx sx;
    dev_t dev;
    int rc = -1;
    if (fstat(parent, &pst) < 0 || stat_entry(parent, name, &sx, &dev) < 0) {
        rc = errno == ENOENT ? 0 : -1;
    } else if (!S_ISDIR(sx.stx_mode)) {
        rc = unlinkat(parent, name, 0); /* a symlink goes, not what it names */
    } else if (dev != pst.st_dev || is_mount_root(&sx)) {
        errno = EBUSY; /* a mount point: refuse */
    } else {
        int top = open_expected(parent, name, &(struct node){ dev, sx.stx_ino });
        if (top >= 0) {
            rc = empty_tree(top, dev);
            close(top);
        }
        if (rc == 0)
            rc = unlinkat(parent, name, AT_REMOVEDIR);
    }
    int e = errno;
    close(parent);
    errno = e;
    return rc;
}
