package dev.viasock.cli;

/**
 * The help texts: what each subcommand does, its options, their defaults, and the exit statuses. They are
 * also the source of the man page and the shell completions ({@link ManPage}, {@link Completion}), so their
 * layout is a format: a heading ends with ':' at the start of a line, and a list (commands, options,
 * statuses) has its items two spaces in and each description starting in one column.
 */
final class Help {
  private Help() {}

  static final String TOP =
      """
      Usage: viasock COMMAND [OPTIONS] ...

      Keeps a slow-starting filter running behind a Unix-domain socket, so that
      every call after the first skips its start-up.

      Commands:
        run PROGRAM [ARGS...]         run PROGRAM through its server (started on first use)
        server SOCKET PROGRAM [ARGS]  run a server for PROGRAM in the foreground on SOCKET
        client SOCKET                 connect stdin and stdout to the server on SOCKET
        list [--json]                 list the running servers
        stop PROGRAM [ARGS...]        stop the server that 'run' would use (same options)
        stop --all                    stop every server
        log [-f] PROGRAM [ARGS...]    print (or follow) the log of that server
        doctor                        check what viasock needs on this machine

      Run 'viasock COMMAND --help' for a command's options.
      Exit status: 0 when every input record got its output record; see 'viasock run --help'.
      """;

  static final String PROGRAM_OPTIONS =
      """
      Options (before PROGRAM; everything from PROGRAM on, or after --, is the program's):
        -t, --input-terminator PATTERN  an input line (without its newline) that matches this
                                        regex ends a record; default '' (every line is a record)
        -T, --output-terminator PATTERN the same for output records; '^$' = records end with an
                                        empty line
        -P, --output-prelude N          the program writes N output records at start, before
                                        reading input; every caller gets them first (default 0)
            --prelude-lines N           the prelude given as N lines instead of records
        -w, --process-timeout SECONDS   the most the program may take to answer one record; past
                                        it the program is stopped and the call fails (default: no
                                        limit)
        -W, --server-timeout SECONDS    idle seconds before the server stops (default 15)
        -l, --log PATH                  the server's log (default: one per server in the state
                                        directory)
            --workers N                 program processes serving calls at once (default 1)
            --max-record-size SIZE      the largest input or output record, in bytes or with K, M
                                        or G; a larger one fails its call with status 67 (default
                                        32M)
            --watch PATH                a file or directory whose change starts a new server
                                        (repeatable)
            --env NAME                  this variable's value becomes part of the server's key
                                        (repeatable); the program sees the environment of the
                                        call that started its server
        -u, --unbuffered                the program's stdout is a pseudo-terminal (raw: bytes pass
                                        unchanged), so that programs that keep their output in a
                                        buffer when writing to a pipe (sed, grep, perl, python...)
                                        flush each line; TERM=dumb
            --stderr                    forward the program's stderr to this call (default: log)
        -h, --help                      show this help
            --version                   show the version
      """;

  static final String EXIT_STATUSES =
      """
      Exit status:
        0    every input record got its output record
        1    the program crashed, exited, closed its output, stopped reading its input, or wrote
             more records than it was given
        2    usage error (unknown option, bad pattern, non-numeric timeout)
        65   the input ends with an unterminated record (the records before it were served)
        67   a record is larger than --max-record-size (only that call fails)
        69   the server could not be started or reached, or stopped without answering
        70   the server went silent (stopped or hung): no sign of life for 10 s
        74   reading the input failed
        75   the program kept its answers in a buffer (it owed answers and waited for more
             input): try -u, or the program's own option to flush each line
        76   the server's answer broke the protocol
        77   the state directory is not private to you
        124  the program took longer than --process-timeout to answer a record
        126  the program cannot be executed
        127  the program cannot be found
        130  interrupted (Ctrl-C)
        141  the output was closed early (as with '| head -1')

      Environment:
        VIASOCK_DIR      where sockets, locks and logs live (default $XDG_RUNTIME_DIR/viasock,
                         else a per-user directory under the temp directory); must be private
        VIASOCK_JAVA     the java that runs viasock (default $JAVA_HOME/bin/java, else java on PATH)
        XDG_CACHE_HOME   an installed viasock keeps its class-data archives in $XDG_CACHE_HOME/viasock
                         (default ~/.cache/viasock); 'viasock doctor' says which
      """;

  static final String RUN =
      "Usage: viasock run [OPTIONS] PROGRAM [ARGS...]\n\n"
          + "Runs PROGRAM, a filter that answers each input record with one output record, through a\n"
          + "background server that is started on the first call and reused by every later call with\n"
          + "the same command, working directory, files and options.\n\n"
          + PROGRAM_OPTIONS + "\n" + EXIT_STATUSES;

  static final String SERVER =
      "Usage: viasock server SOCKET [OPTIONS] PROGRAM [ARGS...]\n\n"
          + "Runs a server for PROGRAM in the foreground, listening on SOCKET, until it has been idle\n"
          + "for the server timeout or is stopped (Ctrl-C, SIGTERM). Logs to stderr unless -l is given.\n\n"
          + PROGRAM_OPTIONS;

  static final String LIST =
      """
      Usage: viasock list [--json]

      Lists the running servers of the state directory: pid, busy/total workers, uptime, idle time,
      records served, command, working directory and log.

      Options:
            --json      a JSON array for scripts instead of the table
        -h, --help      show this help
            --version   show the version
      """;

  static final String STOP =
      """
      Usage: viasock stop [OPTIONS] PROGRAM [ARGS...]
             viasock stop --all

      Stops the server that 'viasock run' with the same options, PROGRAM and ARGS (in this working
      directory) would use, or every server with --all. Current calls get a few seconds to finish.
      Exits 0 also when no such server runs (and says so on stderr).

      """
          + PROGRAM_OPTIONS
          + "      --all                       every server of the state directory (no PROGRAM then)\n";

  static final String LOG =
      """
      Usage: viasock log [-f] [OPTIONS] PROGRAM [ARGS...]

      Prints the log of the server that 'viasock run' with the same options, PROGRAM and ARGS (in this
      working directory) would use. With -f (--follow), keeps printing what is appended, until Ctrl-C.

      """
          + PROGRAM_OPTIONS
          + "  -f, --follow                    keep printing what is appended to the log\n";

  static final String DOCTOR =
      """
      Usage: viasock doctor

      Checks what viasock needs on this machine: the java that runs it and its version, the state
      directory (private to you, and short enough for socket paths), the native client, and
      pseudo-terminals. Prints each finding, and for each problem what to do about it.

      Exit status:
        0    nothing blocks viasock from working (warnings may have been printed)
        1    something blocks viasock from working; the lines marked FAIL say what to fix
        2    usage error
      """;

  static final String CLIENT =
      """
      Usage: viasock client SOCKET

      Streams stdin through the server listening on SOCKET (see 'viasock server') to stdout.

      Options:
        -h, --help      show this help
            --version   show the version
      """;

  /** The help of {@code command}, as {@code viasock COMMAND --help} prints it; null for an unknown command. */
  static String of(String command) {
    switch (command) {
      case "run":
        return RUN;
      case "server":
        return SERVER;
      case "client":
        return CLIENT;
      case "list":
        return LIST;
      case "stop":
        return STOP;
      case "log":
        return LOG;
      case "doctor":
        return DOCTOR;
      default:
        return null;
    }
  }
}
