#include "call.h"

#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define CHUNK (1u << 16)

int call_connect(const char *socket_path) {
  struct sockaddr_un address = {.sun_family = AF_UNIX};
  if (strlen(socket_path) >= sizeof address.sun_path) {
    errno = ENAMETOOLONG;
    return -1;
  }
  strcpy(address.sun_path, socket_path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return -1;
  }
  while (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
    if (errno != EINTR) {
      int error = errno;
      close(fd);
      errno = error;
      return -1;
    }
  }
  return fd;
}

static const char *type_text(unsigned char type, char buffer[8]) {
  if (type >= 0x20 && type < 0x7f) {
    snprintf(buffer, 8, "'%c'", type);
  } else {
    snprintf(buffer, 8, "0x%02x", type);
  }
  return buffer;
}

/* A frame the protocol cannot have: the rest of the stream cannot be trusted. */
_Noreturn static void malformed(const struct call *call, unsigned char type, const char *what, long length) {
  char message[256];
  char type_buffer[8];
  snprintf(message, sizeof message, "viasock: the server's answer is malformed: frame of type %s %s", type_text(type, type_buffer), what);
  char full[320];
  snprintf(full, sizeof full, message, length);
  fail_with_log(STATUS_PROTOCOL_ERROR, full, call->log, 0);
}

_Noreturn static void unexpected(const struct call *call, unsigned char type) {
  char message[128];
  char type_buffer[8];
  snprintf(message, sizeof message, "viasock: the server sent an unexpected frame %s", type_text(type, type_buffer));
  fail_with_log(STATUS_PROTOCOL_ERROR, message, call->log, 0);
}

/* The server ended the call because this client stopped sending: the input is what failed. */
static void input_failure_first(const struct call *call) {
  if (call->input_failed) {
    char text[256];
    snprintf(text, sizeof text, "viasock: reading the input failed: %s", strerror(call->input_failed));
    fail(STATUS_INPUT_FAILED, text);
  }
}

_Noreturn static void stopped(const struct call *call) {
  input_failure_first(call);
  fail_with_log(STATUS_SERVER_UNAVAILABLE, "viasock: the server stopped before it finished this call", call->log, 1);
}

_Noreturn static void lost(const struct call *call, int error) {
  input_failure_first(call);
  char message[256];
  snprintf(message, sizeof message, "viasock: lost the server: %s", strerror(error));
  fail_with_log(STATUS_SERVER_UNAVAILABLE, message, call->log, 0);
}

_Noreturn static void unresponsive(const struct call *call) {
  char message[256];
  snprintf(message, sizeof message,
           "viasock: the server has not been heard from for %d s (it is stopped, hung or overloaded); gave up",
           call->silence_bound / 1000);
  fail_with_log(STATUS_SERVER_UNRESPONSIVE, message, call->log, 0);
}

/* The exit statuses of Failure; any other status a server sends is a program failure, as in the JVM client. */
static int exit_status(int32_t status) {
  static const int known[] = {1, 2, 65, 67, 69, 70, 74, 75, 76, 77, 124, 126, 127, 130, 141};
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
    if (known[i] == status) {
      return status;
    }
  }
  return STATUS_PROGRAM_FAILED;
}

/* END: 0 for success, or prints the failure and exits. */
static int ended(const struct call *call, const struct frame *frame) {
  int32_t status;
  const char *message;
  size_t length;
  if (frames_end(frame, &status, &message, &length) != 0) {
    malformed(call, frame->type, "is too short (%ld bytes)", (long)frame->length);
  }
  if (status == 0) {
    return 0;
  }
  input_failure_first(call);
  struct text text = {0};
  text_add(&text, message, length);
  fail_with_log(exit_status(status), text.bytes, call->log, 0);
}

/* Waits until the socket has something, within the silence bound. */
static void await_server(const struct call *call, struct pollfd *fds, nfds_t count, int64_t last_heard) {
  while (1) {
    int timeout = -1;
    if (call->silence_bound > 0) {
      int64_t left = last_heard + call->silence_bound - now_millis();
      if (left <= 0) {
        unresponsive(call);
      }
      timeout = (int)left;
    }
    int ready = poll(fds, count, timeout);
    if (ready > 0) {
      return;
    }
    if (ready < 0 && errno != EINTR) {
      lost(call, errno);
    }
  }
}

/* Reads what the server sent: 1 when something came, 0 at the clean end of the stream. Exits on an error. */
static int hear(struct call *call) {
  ssize_t got = frames_fill(&call->reader, call->socket);
  if (got < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return 1;
    }
    lost(call, errno);
  }
  return got > 0;
}

static int next_frame(struct call *call, struct frame *frame) {
  int next = frames_next(&call->reader, frame);
  if (next < 0) {
    const uint8_t *at = call->reader.buffer + call->reader.start;
    long length = (long)((uint32_t)at[1] << 24 | (uint32_t)at[2] << 16 | (uint32_t)at[3] << 8 | (uint32_t)at[4]);
    malformed(call, at[0], "has an impossible length %ld", length);
  }
  return next;
}

int call_greet(struct call *call) {
  uint8_t hello[FRAME_HEADER + 8];
  frames_header(hello, FRAME_HELLO, 8);
  uint32_t fields[2] = {PROTOCOL_VERSION, call->forward_stderr ? FLAG_FORWARD_STDERR : 0};
  for (int i = 0; i < 2; i++) {
    hello[FRAME_HEADER + 4 * i] = (uint8_t)(fields[i] >> 24);
    hello[FRAME_HEADER + 4 * i + 1] = (uint8_t)(fields[i] >> 16);
    hello[FRAME_HEADER + 4 * i + 2] = (uint8_t)(fields[i] >> 8);
    hello[FRAME_HEADER + 4 * i + 3] = (uint8_t)fields[i];
  }
  if (send(call->socket, hello, sizeof hello, MSG_NOSIGNAL) != (ssize_t)sizeof hello) {
    return 0; /* The server closed as it was stopping; nothing was sent yet. */
  }
  int64_t last_heard = now_millis();
  struct pollfd fds[1] = {{.fd = call->socket, .events = POLLIN}};
  while (1) {
    struct frame frame;
    while (next_frame(call, &frame)) {
      switch (frames_classify(&frame, 0)) {
        case ANSWER_ACCEPT:
          return 1;
        case ANSWER_RETRY:
          return 0;
        case ANSWER_HEARTBEAT:
          break;
        case ANSWER_END:
        case ANSWER_MALFORMED:
          ended(call, &frame);
          unexpected(call, frame.type); /* END with status 0 before ACCEPT makes no sense */
        default:
          unexpected(call, frame.type);
      }
    }
    await_server(call, fds, 1, last_heard);
    ssize_t got = frames_fill(&call->reader, call->socket);
    if (got <= 0) {
      return 0; /* Closed (or reset) before it answered: it was stopping. */
    }
    last_heard = now_millis();
  }
}

int call_answer(struct call *call, const struct frame *frame, int out_fd, int err_fd, int *status) {
  switch (frames_classify(frame, 1)) {
    case ANSWER_OUTPUT:
      if (write_all(out_fd, frame->payload, frame->length) != 0) {
        /* As with `| head -1`: quietly, with the status of a broken pipe. */
        _exit(STATUS_OUTPUT_CLOSED);
      }
      return 0;
    case ANSWER_STDERR:
      if (call->forward_stderr) {
        (void)write_all(err_fd, frame->payload, frame->length);
      }
      return 0;
    case ANSWER_HEARTBEAT:
      return 0;
    case ANSWER_END:
    case ANSWER_MALFORMED:
      *status = ended(call, frame);
      return 1;
    default:
      unexpected(call, frame->type);
  }
}

/* The frame being sent: its header and payload in one buffer, and how much of it is out. */
struct outgoing {
  uint8_t bytes[FRAME_HEADER + CHUNK];
  size_t length;
  size_t sent;
};

_Noreturn void call_stream(struct call *call) {
  static struct outgoing out;
  int input_open = 1;
  int sending = 1;
  int64_t last_heard = now_millis();
  fcntl(call->socket, F_SETFL, fcntl(call->socket, F_GETFL) | O_NONBLOCK);
  while (1) {
    struct frame frame;
    int status;
    while (next_frame(call, &frame)) {
      if (call_answer(call, &frame, STDOUT_FILENO, STDERR_FILENO, &status)) {
        exit(status);
      }
    }
    struct pollfd fds[2] = {{.fd = call->socket, .events = POLLIN}, {.fd = STDIN_FILENO, .events = POLLIN}};
    int pending = sending && out.sent < out.length;
    if (pending) {
      fds[0].events |= POLLOUT;
    }
    nfds_t count = sending && input_open && !pending ? 2 : 1;
    await_server(call, fds, count, last_heard);
    if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      if (!hear(call)) {
        stopped(call); /* The end of the stream without END: cut off, mid-frame or between frames. */
      }
      last_heard = now_millis();
    }
    if (pending && (fds[0].revents & POLLOUT)) {
      ssize_t written = send(call->socket, out.bytes + out.sent, out.length - out.sent, MSG_NOSIGNAL);
      if (written > 0) {
        out.sent += (size_t)written;
      } else if (written < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        sending = 0; /* The server is gone or stopped reading: what it sends says why. */
      }
    }
    if (count == 2 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR | POLLNVAL))) {
      ssize_t got = fds[1].revents & POLLNVAL ? (errno = EBADF, -1)
                                               : read(STDIN_FILENO, out.bytes + FRAME_HEADER, CHUNK);
      if (got > 0) {
        frames_header(out.bytes, FRAME_INPUT, (uint32_t)got);
        out.length = FRAME_HEADER + (size_t)got;
        out.sent = 0;
      } else if (got == 0) {
        frames_header(out.bytes, FRAME_END_OF_INPUT, 0);
        out.length = FRAME_HEADER;
        out.sent = 0;
        input_open = 0;
      } else if (errno != EINTR && errno != EAGAIN) {
        call->input_failed = errno;
        input_open = 0;
        shutdown(call->socket, SHUT_WR); /* Tells the server that this client is gone, not done. */
      }
    }
  }
}
