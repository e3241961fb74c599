/* One call over a connected socket: the greeting, then both directions at once with poll, then END. */
#ifndef VIASOCK_CALL_H
#define VIASOCK_CALL_H

#include "frames.h"

struct call {
  int socket;
  int forward_stderr;
  const char *log;
  struct frame_reader reader;
  /* The server's silence, in milliseconds, after which the client gives up (0: no bound). */
  int silence_bound;
  /* errno of a failed read of stdin, 0 while it has not failed. */
  int input_failed;
};

/* Connects to the socket: the descriptor, or -1 when no server listens there (errno says why). */
int call_connect(const char *socket_path);

/* Says hello and waits its turn: 1 when a worker is ours, 0 when the server asks us to connect again. */
int call_greet(struct call *call);

/* Streams stdin to the server and its answers to stdout until END, then exits with the call's status. */
_Noreturn void call_stream(struct call *call);

/*
 * What the client does with one frame from the server after ACCEPT: 0 to go on, 1 when the call has ended
 * (status in *status). Exits on a frame that makes no sense. Output goes to out_fd, forwarded stderr to err_fd.
 */
int call_answer(struct call *call, const struct frame *frame, int out_fd, int err_fd, int *status);

#endif
