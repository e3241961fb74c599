#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void text_add(struct text *t, const void *bytes, size_t length) {
  if (t->length + length + 1 > t->capacity) {
    size_t capacity = t->capacity ? t->capacity : 64;
    while (capacity < t->length + length + 1) {
      capacity *= 2;
    }
    char *grown = realloc(t->bytes, capacity);
    if (grown == NULL) {
      fail(STATUS_SERVER_UNAVAILABLE, "viasock: out of memory");
    }
    t->bytes = grown;
    t->capacity = capacity;
  }
  if (length > 0) {
    memcpy(t->bytes + t->length, bytes, length);
  }
  t->length += length;
  t->bytes[t->length] = '\0';
}

void text_adds(struct text *t, const char *s) {
  text_add(t, s, strlen(s));
}

void text_free(struct text *t) {
  free(t->bytes);
  t->bytes = NULL;
  t->length = t->capacity = 0;
}

int write_all(int fd, const void *bytes, size_t length) {
  const char *at = bytes;
  while (length > 0) {
    ssize_t written = write(fd, at, length);
    if (written < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        struct pollfd wait = {.fd = fd, .events = POLLOUT};
        poll(&wait, 1, -1);
        continue;
      }
      return -1;
    }
    at += written;
    length -= (size_t)written;
  }
  return 0;
}

/* The last `count` lines of the log, as the JVM client quotes them (ServerLog.tail: the last 16 KiB). */
static void append_log_tail(struct text *out, const char *log, int count) {
  int fd = open(log, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return;
  }
  char window[16384];
  off_t size = lseek(fd, 0, SEEK_END);
  off_t start = size > (off_t)sizeof window ? size - (off_t)sizeof window : 0;
  ssize_t got = size > 0 ? pread(fd, window, (size_t)(size - start), start) : 0;
  close(fd);
  if (got <= 0) {
    return;
  }
  size_t length = (size_t)got;
  /* The lines as String.split("\n") gives them (trailing empty ones dropped); a cut first line skipped. */
  while (length > 0 && window[length - 1] == '\n') {
    length--;
  }
  if (length == 0) {
    return;
  }
  size_t lines = 1;
  for (size_t i = 0; i < length; i++) {
    lines += window[i] == '\n';
  }
  size_t first = lines > (size_t)count ? lines - (size_t)count : 0;
  if (start > 0 && first == 0) {
    first = 1;
  }
  if (first >= lines) {
    return;
  }
  text_adds(out, "\nlast lines of the log:");
  size_t line = 0;
  size_t at = 0;
  while (at <= length && line < lines) {
    const char *newline = memchr(window + at, '\n', length - at);
    size_t end = newline ? (size_t)(newline - window) : length;
    if (line >= first) {
      text_adds(out, "\n  ");
      text_add(out, window + at, end - at);
    }
    line++;
    at = end + 1;
  }
}

_Noreturn void fail_with_log(int status, const char *message, const char *log, int tail) {
  struct text out = {0};
  text_adds(&out, message);
  if (log != NULL) {
    text_adds(&out, "\n(server log: ");
    text_adds(&out, log);
    text_adds(&out, ")");
    if (tail) {
      append_log_tail(&out, log, 5);
    }
  }
  text_adds(&out, "\n");
  (void)write_all(STDERR_FILENO, out.bytes, out.length);
  text_free(&out);
  exit(status);
}

_Noreturn void fail(int status, const char *message) {
  fail_with_log(status, message, NULL, 0);
}

int64_t now_millis(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
}
