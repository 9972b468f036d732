/*
 * The container's log, as Docker's json-file driver writes it, kept by the monitor (as conmon
 * does) so that it keeps growing when the process that created the container is gone:
 *
 *   {"log":"hello\n","stream":"stdout","time":"2026-11-26T05:00:00.123456789Z"}
 *
 * One object a line, one line of output an object; a line longer than 16 KiB is split, and a
 * last line without a newline is written when its pipe ends. Each object goes to the file in
 * one write(2) with O_APPEND, so a reader sees whole lines only, and at worst a half-written last one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "shim.h"

/* The worst case: every byte of a line escaped as \u00XX, plus the keys, stream and time. */
#define MAX_ENTRY (LOG_MAX_LINE * 6 + 128)

static int open_pipe(struct log_stream *s, const char *name)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    if (fcntl(fds[0], F_SETFL, O_NONBLOCK) < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        errno = e;
        return -1;
    }
    s->fd = fds[0];
    s->child_fd = fds[1];
    s->name = name;
    s->len = 0;
    return 0;
}

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

int log_open(struct container_log *log, const char *path)
{
    log->out.fd = log->out.child_fd = log->err.fd = log->err.child_fd = -1;
    log->file = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC, 0640);
    if (log->file < 0)
        return -1;
    if (open_pipe(&log->out, "stdout") < 0 || open_pipe(&log->err, "stderr") < 0) {
        int e = errno;
        close_fd(&log->file);
        close_fd(&log->out.fd);
        close_fd(&log->out.child_fd);
        errno = e;
        return -1;
    }
    return 0;
}

void log_attach(const struct container_log *log)
{
    /* dup2 clears close-on-exec on the copies: the program keeps them, and nothing else. */
    if (dup2(log->out.child_fd, 1) < 0 || dup2(log->err.child_fd, 2) < 0)
        _exit(125);
}

void log_detach_child(struct container_log *log)
{
    close_fd(&log->out.child_fd);
    close_fd(&log->err.child_fd);
}

/* The length of the valid UTF-8 sequence at s (n > 0 bytes), and its code point; 0 when the byte
   starts none: a stray continuation, an overlong form, a surrogate, or past U+10FFFF. */
static size_t utf8_sequence(const unsigned char *s, size_t n, unsigned int *cp)
{
    size_t len;
    unsigned int min;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xE0) == 0xC0) {
        len = 2;
        min = 0x80;
        *cp = s[0] & 0x1F;
    } else if ((s[0] & 0xF0) == 0xE0) {
        len = 3;
        min = 0x800;
        *cp = s[0] & 0x0F;
    } else if ((s[0] & 0xF8) == 0xF0) {
        len = 4;
        min = 0x10000;
        *cp = s[0] & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return len;
}

/* Writes text as the inside of a JSON string, as Docker does: control characters, quote and
   backslash escaped, <, > and & as \u003c..., U+2028 and U+2029 escaped, and each byte that is
   not part of valid UTF-8 replaced by U+FFFD. Returns the bytes written to out. */
static size_t json_escape(char *out, const unsigned char *text, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = text[i];
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&') {
            out[o++] = (char)c;
            i++;
            continue;
        }
        if (c < 0x80) {
            out[o++] = '\\';
            if (c == '"' || c == '\\') {
                out[o++] = (char)c;
            } else if (c == '\n') {
                out[o++] = 'n';
            } else if (c == '\r') {
                out[o++] = 'r';
            } else if (c == '\t') {
                out[o++] = 't';
            } else {
                memcpy(out + o, "u00", 3);
                o += 3;
                out[o++] = hex[c >> 4];
                out[o++] = hex[c & 0xF];
            }
            i++;
            continue;
        }
        unsigned int cp;
        size_t len = utf8_sequence(text + i, n - i, &cp);
        if (len == 0) {
            memcpy(out + o, "\\ufffd", 6);
            o += 6;
            i++;
        } else if (cp == 0x2028 || cp == 0x2029) {
            memcpy(out + o, cp == 0x2028 ? "\\u2028" : "\\u2029", 6);
            o += 6;
            i += len;
        } else {
            memcpy(out + o, text + i, len);
            o += len;
            i += len;
        }
    }
    return o;
}

/* RFC 3339 in UTC with nanoseconds: 2026-11-26T05:00:00.123456789Z */
static size_t format_time(char *out, size_t size)
{
    struct timespec now;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    size_t n = strftime(out, size, "%Y-%m-%dT%H:%M:%S", &tm);
    int w = snprintf(out + n, size - n, ".%09ldZ", now.tv_nsec);
    return w < 0 ? n : n + (size_t)w;
}

static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Appends the line held in s as one entry; a full disk loses the entry, not the container. */
static void write_entry(struct container_log *log, struct log_stream *s)
{
    static char entry[MAX_ENTRY];
    size_t o = 0;
    memcpy(entry, "{\"log\":\"", 8);
    o += 8;
    o += json_escape(entry + o, s->line, s->len);
    o += (size_t)snprintf(entry + o, MAX_ENTRY - o, "\",\"stream\":\"%s\",\"time\":\"", s->name);
    o += format_time(entry + o, MAX_ENTRY - o);
    memcpy(entry + o, "\"}\n", 3);
    o += 3;
    write_all(log->file, entry, o);
    s->len = 0;
}

/* Adds bytes read from the pipe to the line, writing an entry at each newline and at 16 KiB. */
static void take(struct container_log *log, struct log_stream *s, const unsigned char *data, size_t n)
{
    while (n > 0) {
        size_t room = LOG_MAX_LINE - s->len;
        const unsigned char *newline = memchr(data, '\n', n < room ? n : room);
        size_t chunk = newline ? (size_t)(newline - data) + 1 : (n < room ? n : room);
        memcpy(s->line + s->len, data, chunk);
        s->len += chunk;
        data += chunk;
        n -= chunk;
        if (newline || s->len == LOG_MAX_LINE)
            write_entry(log, s);
    }
}

int log_pump(struct container_log *log, struct log_stream *s)
{
    static unsigned char chunk[64 * 1024];
    if (s->fd < 0)
        return 0;
    /* A bounded number of reads: a container that writes without pause must not starve the
       monitor's other work; poll reports the rest. */
    for (int reads = 0; reads < 16; reads++) {
        ssize_t n = read(s->fd, chunk, sizeof(chunk));
        if (n > 0) {
            take(log, s, chunk, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return 1;
        /* The end (or a broken pipe): what is left of a line is written without its newline. */
        if (s->len > 0)
            write_entry(log, s);
        close_fd(&s->fd);
        return 0;
    }
    return 1;
}

int log_is_open(const struct container_log *log)
{
    return log->out.fd >= 0 || log->err.fd >= 0;
}

void log_close(struct container_log *log)
{
    struct log_stream *streams[] = { &log->out, &log->err };
    for (size_t i = 0; i < 2; i++) {
        if (streams[i]->fd >= 0 && streams[i]->len > 0)
            write_entry(log, streams[i]);
        close_fd(&streams[i]->fd);
        close_fd(&streams[i]->child_fd);
    }
    close_fd(&log->file);
}
