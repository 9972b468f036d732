/*
 * The monitor: the half of the shim that stays outside the container as its reaper.
 *
 * Started by the .NET host with fd 3 a SOCK_SEQPACKET "owner" socket, on which the plan arrives
 * as one message. It forks once so the host need not be its parent, clones the container into
 * its namespaces, and then serves start, state, kill and wait on the owner socket and on
 * <state>/shim.sock, until the container exits and the exit status is on disk.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/sched.h>
#include <time.h>
#include <unistd.h>

#include "shim.h"

#define OWNER_FD 3
#define MAX_PLAN (16 << 20)
#define MAX_CLIENTS 64
#define MAX_HIERARCHIES 32
/* How long after the exit the log may take to reach its end, should a process that escaped the
   container hold its pipes; with a pid namespace they end at once. */
#define DRAIN_MS 2000

struct monitor {
    const struct plan *plan;
    pid_t child;
    int sync;          /* to the child until it execs; -1 after */
    int owner;         /* the host that created us; -1 once it hangs up */
    int listener;      /* <state>/shim.sock */
    int unlinked;      /* shim.sock's name is gone (taken away at the exit) */
    int sig;           /* signalfd for SIGCHLD */
    int clients[MAX_CLIENTS];
    int waiting[MAX_CLIENTS]; /* 1: wants the exit status; 2: wants the start result */
    int started;
    int exited;
    int owner_died;
    int done;          /* the exit is reported, or the dead owner's leftovers removed */
    int status;
    struct container_log *log; /* the json-file log this monitor writes, or NULL */
    struct timespec drain_until;
    char state_dir[4096];
};

static void broadcast(struct monitor *m, const char *msg, int kind)
{
    if (m->owner >= 0)
        send_msg(m->owner, msg, -1);
    for (int i = 0; i < MAX_CLIENTS; i++) {
        if (m->clients[i] >= 0 && m->waiting[i] == kind) {
            send_msg(m->clients[i], msg, -1);
            m->waiting[i] = 0;
        }
    }
}

/*
 * Takes the socket's name away, once the exit file is written: a client that connects later reads
 * the file instead. It must happen before the exit is reported: whoever hears it may delete the
 * state directory and make a new container there, whose socket this name would then be.
 */
static void stop_listening(struct monitor *m)
{
    if (m->listener < 0 || !m->state_dir[0] || m->unlinked)
        return;
    char path[4200];
    snprintf(path, sizeof(path), "%s/shim.sock", m->state_dir);
    unlink(path);
    m->unlinked = 1;
}

static void write_exit_file(struct monitor *m, const char *line)
{
    if (!m->state_dir[0])
        return;
    char tmp[4200], dst[4200];
    snprintf(tmp, sizeof(tmp), "%s/exit.tmp", m->state_dir);
    snprintf(dst, sizeof(dst), "%s/exit", m->state_dir);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return;
    if (write(fd, line, strlen(line)) >= 0)
        rename(tmp, dst);
    close(fd);
}

static void kill_cgroup(const struct plan *p)
{
    /* Without its own pid namespace a container's other processes outlive its init: kill them too. */
    for (size_t i = 0; i < p->nrecs; i++) {
        if (p->recs[i].op != OP_CGROUP_PROCS)
            continue;
        FILE *f = fopen(p->recs[i].args[0], "re");
        if (!f)
            continue;
        int pid;
        while (fscanf(f, "%d", &pid) == 1)
            kill(pid, SIGKILL);
        fclose(f);
    }
}

/* The owner's own leftovers: its mounts first (deepest first, as the plan lists them), then its directories. */
static void remove_owner_paths(const struct plan *p)
{
    for (size_t i = 0; i < p->nrecs; i++)
        if (p->recs[i].op == OP_OWNER_GONE_UNMOUNT && p->recs[i].count == 1)
            unmount_all(p->recs[i].args[0]);
    for (size_t i = 0; i < p->nrecs; i++) {
        if (p->recs[i].op != OP_OWNER_GONE_REMOVE || p->recs[i].count != 1)
            continue;
        /* Nobody is left to tell of a failure; a second try covers a file made during the first. */
        for (int tries = 0; tries < 3 && remove_tree(p->recs[i].args[0]) < 0; tries++) {
        }
    }
}

static void remove_leftovers(struct monitor *m)
{
    /* The owner died: remove what it would have removed on delete. */
    if (m->log)
        log_close(m->log);
    for (size_t i = 0; i < m->plan->nrecs; i++) {
        const struct plan_rec *r = &m->plan->recs[i];
        if (r->op != OP_CLEANUP_DIR)
            continue;
        for (int tries = 0; tries < 200 && rmdir(r->args[0]) < 0 && errno == EBUSY; tries++) {
            kill_cgroup(m->plan);
            usleep(10000);
        }
    }
    remove_owner_paths(m->plan);
    if (m->state_dir[0]) {
        static const char *files[] = { "exit", "exit.tmp", "shim.sock", "state.json", "state.json.tmp", "pid" };
        char path[4200];
        for (size_t i = 0; i < sizeof(files) / sizeof(*files); i++) {
            snprintf(path, sizeof(path), "%s/%s", m->state_dir, files[i]);
            unlink(path);
        }
        m->unlinked = 1;
        rmdir(m->state_dir);
    }
}

static long drain_ms_left(const struct monitor *m)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (m->drain_until.tv_sec - now.tv_sec) * 1000 + (m->drain_until.tv_nsec - now.tv_nsec) / 1000000;
    return ms > 0 ? ms : 0;
}

/* Reports the exit, once the log holds everything the container wrote (or has had its time). */
static void report_exit_if_drained(struct monitor *m)
{
    if (!m->exited || m->done || (m->log && log_is_open(m->log) && drain_ms_left(m) > 0))
        return;
    char line[64];
    if (WIFSIGNALED(m->status))
        snprintf(line, sizeof(line), "exit %d %d", 128 + WTERMSIG(m->status), WTERMSIG(m->status));
    else
        snprintf(line, sizeof(line), "exit %d 0", WEXITSTATUS(m->status));
    if (m->log) {
        /* Past the deadline, what the pipes hold still goes in; whatever comes after is lost. */
        log_pump(m->log, &m->log->out);
        log_pump(m->log, &m->log->err);
        log_close(m->log);
    }
    write_exit_file(m, line);
    stop_listening(m);
    broadcast(m, line, 1);
    m->done = 1;
}

static void on_owner_gone(struct monitor *m)
{
    m->owner_died = 1;
    if (!m->exited) {
        kill(m->child, SIGKILL);
        kill_cgroup(m->plan);
        return;
    }
    /* It had exited already, and its log was still draining. */
    remove_leftovers(m);
    m->done = 1;
}

static void on_exit_status(struct monitor *m, int status)
{
    m->exited = 1;
    m->status = status;
    if (m->owner_died) {
        remove_leftovers(m);
        m->done = 1;
        return;
    }
    if (m->started && m->sync >= 0) {
        /* It exec'd and exited before we saw the sync socket close: the start succeeded. */
        close(m->sync);
        m->sync = -1;
        broadcast(m, "started", 2);
    }
    if (!m->started)
        broadcast(m, "error the container exited before it started", 2);
    clock_gettime(CLOCK_MONOTONIC, &m->drain_until);
    m->drain_until.tv_sec += DRAIN_MS / 1000;
    m->drain_until.tv_nsec += (DRAIN_MS % 1000) * 1000000L;
    report_exit_if_drained(m);
}

static void handle_request(struct monitor *m, int fd, int slot, const char *req)
{
    if (strcmp(req, "start") == 0) {
        if (m->started || m->sync < 0) {
            send_msg(fd, m->started ? "error the container has already been started" : "error the container is not waiting to start", -1);
            return;
        }
        if (send_msg(m->sync, "start", -1) < 0) {
            send_msg(fd, "error the container's process is gone", -1);
            return;
        }
        m->started = 1;
        if (slot >= 0)
            m->waiting[slot] = 2;
    } else if (strcmp(req, "state") == 0) {
        char line[64];
        snprintf(line, sizeof(line), "state %s %d", m->exited ? "stopped" : m->started ? "running" : "created", (int)m->child);
        send_msg(fd, line, -1);
    } else if (strcmp(req, "wait") == 0) {
        if (slot >= 0)
            m->waiting[slot] = 1;
    } else if (strncmp(req, "kill ", 5) == 0) {
        int sig = atoi(req + 5);
        int all = strstr(req + 5, " all") != NULL;
        if (m->exited) {
            /* Reaped: its pid may be another process's by now. */
            send_msg(fd, "error the container's process is gone", -1);
            return;
        }
        int rc = kill(m->child, sig);
        if (all)
            for (size_t i = 0; i < m->plan->nrecs; i++) {
                if (m->plan->recs[i].op != OP_CGROUP_PROCS)
                    continue;
                FILE *f = fopen(m->plan->recs[i].args[0], "re");
                int pid;
                while (f && fscanf(f, "%d", &pid) == 1)
                    kill(pid, sig);
                if (f)
                    fclose(f);
            }
        send_msg(fd, rc == 0 ? "ok" : "error the container's process is gone", -1);
    } else {
        send_msg(fd, "error unknown request", -1);
    }
}

static void close_client(struct monitor *m, int i)
{
    close(m->clients[i]);
    m->clients[i] = -1;
    m->waiting[i] = 0;
}

enum { FD_SIGNAL, FD_OWNER, FD_LISTENER, FD_SYNC, FD_LOG_OUT, FD_LOG_ERR, FD_CLIENTS };

static void pump_log(struct monitor *m, const struct pollfd *fds)
{
    if (!m->log)
        return;
    if (fds[FD_LOG_OUT].revents)
        log_pump(m->log, &m->log->out);
    if (fds[FD_LOG_ERR].revents)
        log_pump(m->log, &m->log->err);
}

static void serve(struct monitor *m)
{
    char buf[4096];
    while (!m->done) {
        struct pollfd fds[FD_CLIENTS + MAX_CLIENTS];
        int n = 0;
        fds[n++] = (struct pollfd){ .fd = m->sig, .events = POLLIN };
        fds[n++] = (struct pollfd){ .fd = m->owner, .events = POLLIN };
        fds[n++] = (struct pollfd){ .fd = m->listener, .events = POLLIN };
        fds[n++] = (struct pollfd){ .fd = m->sync, .events = POLLIN };
        fds[n++] = (struct pollfd){ .fd = m->log ? m->log->out.fd : -1, .events = POLLIN };
        fds[n++] = (struct pollfd){ .fd = m->log ? m->log->err.fd : -1, .events = POLLIN };
        for (int i = 0; i < MAX_CLIENTS; i++)
            fds[n++] = (struct pollfd){ .fd = m->clients[i], .events = POLLIN };
        /* After the exit, the wait for the log's end is bounded. */
        int timeout = m->exited ? (int)drain_ms_left(m) : -1;
        int ready = poll(fds, (nfds_t)n, timeout);
        if (ready < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        if (ready == 0) {
            report_exit_if_drained(m);
            continue;
        }
        pump_log(m, fds);
        if (fds[FD_SIGNAL].revents & POLLIN) {
            struct signalfd_siginfo si;
            while (read(m->sig, &si, sizeof(si)) == sizeof(si)) {
            }
            int status;
            pid_t pid;
            while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
                if (pid == m->child)
                    on_exit_status(m, status);
            if (m->done)
                break;
        }
        report_exit_if_drained(m);
        if (m->done)
            break;
        if (fds[FD_SYNC].revents) {
            int passed;
            ssize_t got = recv_msg(m->sync, buf, sizeof(buf), &passed);
            if (passed >= 0)
                close(passed);
            if (got <= 0) {
                /* The sync socket closes on exec: the user's program runs. */
                close(m->sync);
                m->sync = -1;
                if (m->started)
                    broadcast(m, "started", 2);
            } else if (strncmp(buf, "error ", 6) == 0) {
                broadcast(m, buf, 2);
            }
        }
        if (fds[FD_OWNER].revents) {
            ssize_t got = recv_msg(m->owner, buf, sizeof(buf), NULL);
            if (got <= 0) {
                close(m->owner);
                m->owner = -1;
                if (plan_has(m->plan, OP_DIE_WITH_OWNER))
                    on_owner_gone(m);
            } else {
                handle_request(m, m->owner, -1, buf);
            }
        }
        if (fds[FD_LISTENER].revents & POLLIN) {
            int c = accept4(m->listener, NULL, NULL, SOCK_CLOEXEC);
            int placed = 0;
            for (int i = 0; c >= 0 && i < MAX_CLIENTS; i++)
                if (m->clients[i] < 0) {
                    m->clients[i] = c;
                    placed = 1;
                    break;
                }
            if (c >= 0 && !placed)
                close(c);
        }
        for (int i = 0; i < MAX_CLIENTS; i++) {
            if (m->clients[i] < 0 || !fds[FD_CLIENTS + i].revents)
                continue;
            ssize_t got = recv_msg(m->clients[i], buf, sizeof(buf), NULL);
            if (got <= 0)
                close_client(m, i);
            else
                handle_request(m, m->clients[i], i, buf);
        }
    }
}

static int listen_on(const char *dir)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int dirfd = -1;
    if (snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/shim.sock", dir) >= (int)sizeof(addr.sun_path)) {
        /* A deep state root outgrows sun_path's 108 bytes: bind through the directory's fd. */
        dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
            return -1;
        snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/shim.sock", dirfd);
    }
    unlink(addr.sun_path);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    int ok = fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 && listen(fd, 16) == 0;
    if (ok)
        chmod(addr.sun_path, 0600);
    int saved = errno;
    if (dirfd >= 0)
        close(dirfd);
    errno = saved;
    return ok ? fd : -1;
}

static void write_id_map(int owner, pid_t pid, const char *file, const char *text)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
    if (write_file(path, text, strlen(text)) < 0) {
        kill(pid, SIGKILL);
        die_errno(owner, "write", file);
    }
}

/* Runs an OCI runtime's create (runc, crun) and becomes the reaper of the container it makes. */
static pid_t run_monitored_runtime(const struct plan_rec *mon, const struct container_log *log)
{
    pid_t runtime = fork();
    if (runtime < 0)
        die_errno(OWNER_FD, "fork", NULL);
    if (runtime == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        /* An ignored signal stays ignored across exec: the runtime and its container must not inherit ours. */
        signal(SIGPIPE, SIG_DFL);
        /* The runtime hands its stdio on to the container's process. */
        if (log)
            log_attach(log);
        syscall(SYS_close_range, 3, ~0U, 0);
        execv(mon->args[1], mon->args + 1);
        _exit(127);
    }
    int status;
    while (waitpid(runtime, &status, 0) < 0 && errno == EINTR) {
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char msg[256];
        snprintf(msg, sizeof(msg), "%s create failed with status %d", mon->args[1], WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        die_msg(OWNER_FD, msg);
    }
    FILE *f = fopen(mon->args[0], "re");
    int pid = 0;
    if (!f || fscanf(f, "%d", &pid) != 1 || pid <= 0)
        die_errno(OWNER_FD, "read pid file", mon->args[0]);
    fclose(f);
    return pid;
}

int main(void)
{
    int type;
    socklen_t len = sizeof(type);
    if (getsockopt(OWNER_FD, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_SEQPACKET) {
        dprintf(2, "containers-shim: no plan on fd 3; this program is started by the Containers.Core runtime\n");
        return 2;
    }

    /* Detach first, while the host is still making the cgroup: it reaps this first process and
       need not be our parent. The plan arrives afterwards. */
    pid_t pid = fork();
    if (pid < 0)
        die_errno(OWNER_FD, "fork", NULL);
    if (pid > 0)
        _exit(0);
    /* The plan: one message on the owner socket. */
    char peek;
    ssize_t size = recv(OWNER_FD, &peek, 1, MSG_PEEK | MSG_TRUNC);
    if (size == 0)
        return 2; /* the host gave up before sending a plan: its stdio is the container's, so say nothing */
    if (size < 0 || size > MAX_PLAN) {
        dprintf(2, "containers-shim: no plan on fd 3; this program is started by the Containers.Core runtime\n");
        return 2;
    }
    unsigned char *raw = malloc((size_t)size);
    if (!raw || recv(OWNER_FD, raw, (size_t)size, 0) != size)
        die_errno(OWNER_FD, "read plan", NULL);
    struct plan plan;
    if (plan_parse(raw, (size_t)size, &plan) < 0)
        die_msg(OWNER_FD, "the plan is malformed");

    setsid();
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct monitor m = { .plan = &plan, .sync = -1, .owner = OWNER_FD, .listener = -1 };
    for (int i = 0; i < MAX_CLIENTS; i++)
        m.clients[i] = -1;
    const struct plan_rec *state = plan_find(&plan, OP_STATE_DIR);
    if (state)
        snprintf(m.state_dir, sizeof(m.state_dir), "%s", state->args[0]);
    m.sig = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    if (m.sig < 0)
        die_errno(OWNER_FD, "signalfd", NULL);
    static struct container_log json_log;
    const struct plan_rec *log_file = plan_find(&plan, OP_LOG_FILE);
    if (log_file) {
        if (log_open(&json_log, log_file->args[0]) < 0)
            die_errno(OWNER_FD, "open log", log_file->args[0]);
        m.log = &json_log;
    }

    const struct plan_rec *mon = plan_find(&plan, OP_MONITOR);
    if (mon && mon->count >= 2) {
        m.child = run_monitored_runtime(mon, m.log);
        m.started = 1; /* the runtime's own start command runs the program */
    } else {
        for (size_t i = 0; i < plan.nrecs; i++) {
            const struct plan_rec *r = &plan.recs[i];
            /* pid and time namespaces apply to children, so the monitor joins them; the child joins the rest. */
            if (r->op != OP_JOIN_NS || r->count != 2 || !(parse_u64(r->args[1]) & (CLONE_NEWPID | CLONE_NEWTIME)))
                continue;
            int fd = open(r->args[0], O_RDONLY | O_CLOEXEC);
            if (fd < 0 || setns(fd, (int)parse_u64(r->args[1])) < 0)
                die_errno(OWNER_FD, "join namespace", r->args[0]);
            close(fd);
        }
        int pair[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
            die_errno(OWNER_FD, "socketpair", NULL);
        const struct plan_rec *flags_rec = plan_find(&plan, OP_CLONE_FLAGS);
        unsigned long flags = flags_rec ? parse_u64(flags_rec->args[0]) : 0;

        /*
         * Joining a cgroup by writing a pid to cgroup.procs takes the kernel's global threadgroup
         * lock, and the first writer after a quiet spell waits a whole RCU grace period (~6 ms
         * here). Neither way in below takes it: on v2 the child is born in its cgroup
         * (clone3 CLONE_INTO_CGROUP); on v1 the single-threaded child moves itself through each
         * hierarchy's tasks file, which the kernel does without that lock.
         */
        int tasks_fds[MAX_HIERARCHIES], ntasks = 0, v2_dir = -1;
        const char *v2_procs = NULL;
        for (size_t i = 0; i < plan.nrecs; i++) {
            const struct plan_rec *r = &plan.recs[i];
            if (r->op != OP_CGROUP_PROCS)
                continue;
            char dir[4096];
            snprintf(dir, sizeof(dir), "%s", r->args[0]);
            char *slash = strrchr(dir, '/');
            if (slash)
                *slash = '\0';
            if (r->count > 1 && strcmp(r->args[1], "v2") == 0) {
                v2_procs = r->args[0];
                if ((v2_dir = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                    die_errno(OWNER_FD, "open cgroup", dir);
            } else {
                char tasks[4200];
                snprintf(tasks, sizeof(tasks), "%s/tasks", dir);
                if (ntasks == MAX_HIERARCHIES)
                    die_msg(OWNER_FD, "too many cgroup hierarchies");
                if ((tasks_fds[ntasks++] = open(tasks, O_WRONLY | O_CLOEXEC)) < 0)
                    die_errno(OWNER_FD, "open cgroup", tasks);
            }
        }
        /* A cgroup namespace must be rooted at the container's cgroup: the child unshares it once it has joined. */
        unsigned long clone_flags = flags & ~(unsigned long)CLONE_NEWCGROUP;
        int v2_by_write = 0;
        m.child = -1;
        if (v2_dir >= 0) {
            struct clone_args args = { .flags = clone_flags | CLONE_INTO_CGROUP, .exit_signal = SIGCHLD, .cgroup = (uint64_t)v2_dir };
            m.child = (pid_t)syscall(SYS_clone3, &args, sizeof(args));
            if (m.child < 0 && (errno == ENOSYS || errno == E2BIG || errno == EINVAL))
                v2_by_write = 1; /* a kernel before 5.7: join by cgroup.procs instead */
            else if (m.child < 0)
                die_errno(OWNER_FD, "clone3 into cgroup", v2_procs);
        }
        if (m.child < 0)
            m.child = (pid_t)syscall(SYS_clone, clone_flags | SIGCHLD, 0, 0, 0, 0);
        if (m.child < 0)
            die_errno(OWNER_FD, "clone", NULL);
        if (m.child == 0) {
            close(pair[0]);
            close(OWNER_FD);
            close(m.sig);
            if (m.log)
                log_attach(m.log);
            init_run(&plan, pair[1], tasks_fds, ntasks);
        }
        close(pair[1]);
        for (int i = 0; i < ntasks; i++)
            close(tasks_fds[i]);
        if (v2_dir >= 0)
            close(v2_dir);
        m.sync = pair[0];

        const struct plan_rec *r;
        if (plan_has(&plan, OP_SETGROUPS_DENY) && (flags & CLONE_NEWUSER))
            write_id_map(OWNER_FD, m.child, "setgroups", "deny");
        if ((r = plan_find(&plan, OP_UID_MAP)))
            write_id_map(OWNER_FD, m.child, "uid_map", r->args[0]);
        if ((r = plan_find(&plan, OP_GID_MAP)))
            write_id_map(OWNER_FD, m.child, "gid_map", r->args[0]);
        if (send_msg(m.sync, "setup", -1) < 0)
            die_errno(OWNER_FD, "signal the container", NULL);
        if (v2_by_write) {
            char pidtext[32];
            int pidlen = snprintf(pidtext, sizeof(pidtext), "%d", (int)m.child);
            if (write_file(v2_procs, pidtext, (size_t)pidlen) < 0 && errno != ESRCH) {
                kill(m.child, SIGKILL);
                die_errno(OWNER_FD, "join cgroup", v2_procs);
            }
        }
        if (send_msg(m.sync, "joined", -1) < 0 && errno != EPIPE && errno != ECONNRESET)
            die_errno(OWNER_FD, "signal the container", NULL);

        /* Until it is ready, the child reports errors, or hands over its terminal. */
        char buf[4200];
        for (;;) {
            int passed;
            ssize_t got = recv_msg(m.sync, buf, sizeof(buf), &passed);
            /* A child that exits with "joined" unread resets the socket; the reset is reported
               (once) before the error message it sent first, which is still queued. */
            if (got < 0 && errno == ECONNRESET)
                got = recv_msg(m.sync, buf, sizeof(buf), &passed);
            if (got <= 0) {
                kill(m.child, SIGKILL);
                die_msg(OWNER_FD, "the container's process died while it was being set up");
            }
            if (strcmp(buf, "ready") == 0)
                break;
            if (strcmp(buf, "pty") == 0 && passed >= 0) {
                send_msg(OWNER_FD, "pty", passed);
                close(passed);
                continue;
            }
            if (passed >= 0)
                close(passed);
            kill(m.child, SIGKILL);
            waitpid(m.child, NULL, 0);
            send_msg(OWNER_FD, buf, -1);
            _exit(125);
        }
        if (plan_has(&plan, OP_START_NOW))
            m.started = 1;
    }

    /* The container holds the pipes' other ends now: they end when its last process does. */
    if (m.log)
        log_detach_child(m.log);
    if (m.state_dir[0] && (m.listener = listen_on(m.state_dir)) < 0) {
        kill(m.child, SIGKILL);
        die_errno(OWNER_FD, "listen in", m.state_dir);
    }
    char created[64];
    snprintf(created, sizeof(created), "created %d %d", (int)m.child, (int)getpid());
    send_msg(OWNER_FD, created, -1);

    /* The container has the stdio now; holding it would keep its readers from seeing EOF. */
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int i = 0; i < 3; i++)
        dup2(null, i);
    if (null > 2)
        close(null);

    serve(&m);
    stop_listening(&m);
    return 0;
}
