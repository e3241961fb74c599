/* Small helpers: messages, whole writes, growable strings. */
#ifndef VIASOCK_UTIL_H
#define VIASOCK_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Exit statuses, as Failure in the Java library numbers them. */
enum {
  STATUS_PROGRAM_FAILED = 1,
  STATUS_INPUT_FAILED = 74,
  STATUS_SERVER_UNAVAILABLE = 69,
  STATUS_SERVER_UNRESPONSIVE = 70,
  STATUS_PROTOCOL_ERROR = 76,
  STATUS_OUTPUT_CLOSED = 141,
  STATUS_INTERRUPTED = 130
};

/* A growable, NUL-terminated byte string. */
struct text {
  char *bytes;
  size_t length;
  size_t capacity;
};

void text_add(struct text *t, const void *bytes, size_t length);
void text_adds(struct text *t, const char *s);
void text_free(struct text *t);

/* Writes all of it; returns 0, or -1 with errno set. Waits out EAGAIN on a non-blocking descriptor. */
int write_all(int fd, const void *bytes, size_t length);

/* Prints "message\n(server log: LOG)" plus, when tail is set, the log's last lines; then exits. */
_Noreturn void fail_with_log(int status, const char *message, const char *log, int tail);

/* Prints the message as is (it starts with "viasock: ") and exits. */
_Noreturn void fail(int status, const char *message);

/* Monotonic milliseconds. */
int64_t now_millis(void);

#endif
