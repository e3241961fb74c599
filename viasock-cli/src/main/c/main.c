/*
 * The native client of `viasock run` (docs/design.md, "The native client"). A checkout's bin/viasock runs
 * it as `viasock-client LAUNCHER run ARGS...`; an installation has it as bin/viasock itself (launcher.h). It
 * serves the call, starting the server when none listens; anything else (another subcommand, an option it
 * does not know, help, a dead or retiring server to replace, a server that failed to start) it hands to
 * the JVM client by exec, before it has read a byte of input, so that there is one behaviour whichever
 * client runs.
 *
 * `viasock-client --key run ARGS...` prints the key that a call would use, or "hand-off" (for the
 * conformance test).
 */
#include "address.h"
#include "call.h"
#include "launcher.h"
#include "options.h"
#include "spawn.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_ATTEMPTS 10

static void on_signal(int signal) {
  /* As the JVM client: the status 128 + signal, at once (the server sees the connection close). */
  _exit(128 + signal);
}

static void install_signals(void) {
  struct sigaction ignore = {.sa_handler = SIG_IGN};
  sigaction(SIGPIPE, &ignore, NULL);
  struct sigaction quit = {.sa_handler = on_signal};
  sigemptyset(&quit.sa_mask);
  sigaction(SIGINT, &quit, NULL);
  sigaction(SIGTERM, &quit, NULL);
  sigaction(SIGHUP, &quit, NULL);
}

static int print_key(int argc, char **argv) {
  struct run_options options;
  struct address address;
  memset(&address, 0, sizeof address);
  if (argc < 3 || strcmp(argv[2], "run") != 0 || parse_run_options(argc - 3, argv + 3, &options) != 0
      || compute_address(&options, &address) != 0) {
    puts("hand-off");
  } else {
    puts(address.key);
  }
  return 0;
}

/* VIASOCK_SILENCE_SECONDS (a whole number) shortens or lengthens the bound, as for the JVM client. */
static int silence_bound_millis(void) {
  const char *text = getenv("VIASOCK_SILENCE_SECONDS");
  if (text != NULL) {
    char *end;
    long seconds = strtol(text, &end, 10);
    if (*text != '\0' && *end == '\0' && seconds > 0 && seconds < 86400) {
      return (int)seconds * 1000;
    }
  }
  return SILENCE_BOUND_SECONDS * 1000;
}

/* The server kept answering RETRY: as ServerLauncher.unavailable says it. */
_Noreturn static void kept_stopping(const char *log) {
  char message[256];
  snprintf(message, sizeof message, "viasock: the server kept stopping as calls arrived (%d attempts) (log: %s)",
           MAX_ATTEMPTS, log);
  fail_with_log(STATUS_SERVER_UNAVAILABLE, message, NULL, 0);
}

/* Serves `run ARGS...` (argv[0] is "run"), or hands it to the JVM client. */
static int serve(int argc, char **argv) {
  struct run_options options;
  struct address address;
  memset(&address, 0, sizeof address);
  if (strcmp(argv[0], "run") != 0 || parse_run_options(argc - 1, argv + 1, &options) != 0
      || compute_address(&options, &address) != 0) {
    hand_off();
  }
  install_signals();
  struct call call = {.forward_stderr = options.forward_stderr, .log = address.log.bytes,
                      .silence_bound = silence_bound_millis()};
  if (frames_init(&call.reader) != 0) {
    fail(STATUS_SERVER_UNAVAILABLE, "viasock: out of memory");
  }
  for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    call.socket = call_connect(address.socket.bytes);
    if (call.socket < 0 && (errno == ENOENT || errno == ECONNREFUSED) && spawn_server(&options, &address) == 0) {
      call.socket = call_connect(address.socket.bytes);
    }
    if (call.socket < 0) {
      hand_off(); /* The JVM client sees to it, or says why it cannot. */
    }
    call.reader.start = call.reader.end = 0;
    if (call_greet(&call)) {
      call_stream(&call);
    }
    close(call.socket);
  }
  kept_stopping(address.log.bytes);
}

int main(int argc, char **argv) {
  self_init(argv[0]);
  struct text launcher = {0};
  if (installed_command(&launcher)) {
    /* The installation's bin/viasock: the launcher gets every command but a `run` for this client. */
    argv[0] = launcher.bytes;
    hand_off_init(launcher.bytes, argv);
    const char *client = getenv("VIASOCK_CLIENT");
    if (argc < 2 || strcmp(argv[1], "run") != 0 || (client != NULL && strcmp(client, "jvm") == 0)) {
      pass_on();
    }
    return serve(argc - 1, argv + 1);
  }
  if (argc >= 2 && strcmp(argv[1], "--key") == 0) {
    return print_key(argc, argv);
  }
  /* The launcher is a path, never a bare name: so a subcommand is never taken for it. */
  if (argc < 3 || strchr(argv[1], '/') == NULL) {
    fail(2, "viasock: usage: viasock-client LAUNCHER run [OPTION]... PROGRAM [ARG]... (LAUNCHER a path with a "
            "'/'; installed as bin/viasock, it is the viasock command itself)");
  }
  hand_off_init(argv[1], argv + 1);
  return serve(argc - 2, argv + 2);
}
