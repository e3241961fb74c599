package dev.viasock;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Serves a slow-starting Unix filter from a background server, so that its start-up is paid once.
 *
 * <p>A {@code Serverizer} is made from a command and its options. Each call derives the server's key from the
 * command, the working directory, the files the command names and the options; it connects to the server of
 * that key, or starts one (a separate JVM, detached from the caller) when none runs, and streams its input
 * through the program:
 *
 * <pre>{@code
 * Serverizer parse = Serverizer.builder("./parse", "-m", "model")
 *     .outputTerminator("^$")
 *     .build();
 * parse.run(System.in, System.out);
 * }</pre>
 *
 * <p>The program must write exactly one output record per input record, flushed before it reads the next.
 * Records are bytes: nothing is decoded. A server stops after {@link Builder#serverTimeout} without a call,
 * and stops once idle when its key no longer holds (the program or a file it names changed).
 *
 * <p>Instances are immutable and thread-safe: any number of threads may call {@link #run},
 * {@link #openSession} and {@link #startInProcess} at once, on one serverizer or many, cold or warm; each
 * call is a connection of its own, and calls that find every worker busy wait their turn. Exactly one server
 * starts for a key however many threads and processes find it cold at once.
 */
public final class Serverizer {
  private static final int MAX_ATTEMPTS = 10;

  private final ServerSpec spec;
  private final Path stateDirectory;
  private final Path logFile;
  private final boolean forwardStderr;
  private final Function<String, String> environment;
  private final Duration callTimeout;

  private Serverizer(Builder builder, ServerSpec spec) {
    this.callTimeout = builder.callTimeout;
    this.spec = spec;
    this.stateDirectory = builder.stateDirectory;
    this.logFile = builder.logFile;
    this.forwardStderr = builder.forwardStderr;
    this.environment = builder.environment;
  }

  /**
   * Starts building a serverizer for {@code program} (resolved through PATH unless it has a slash).
   *
   * @param program the program: a name looked up in PATH, or a path (relative to the working directory)
   * @param arguments its arguments
   * @return a builder with the default options
   */
  public static Builder builder(String program, String... arguments) {
    return new Builder(program, List.of(arguments));
  }

  /**
   * Starts building a serverizer for a command: the program, then its arguments.
   *
   * @param command the program, then its arguments; not empty
   * @return a builder with the default options
   */
  public static Builder builder(List<String> command) {
    checkArgument(!command.isEmpty(), "the command is empty: it needs at least the program");
    return new Builder(command.get(0), command.subList(1, command.size()));
  }

  /**
   * Streams {@code in} through the program to {@code out}: every input record, in order, becomes its output
   * record, after the prelude. Returns when every record has been answered. The program's stderr goes to the
   * server's log.
   *
   * @param in the input records
   * @param out where the prelude and the output records go
   * @throws ViasockException when not every record could be answered; {@link ViasockException#failure()}
   *     says why, and the message names the server's log
   */
  public void run(InputStream in, OutputStream out) {
    run(in, out, null);
  }

  /**
   * Like {@link #run(InputStream, OutputStream)}, and when the serverizer was built with
   * {@link Builder#forwardStderr(boolean)}, the program's stderr, while it serves this call, goes to
   * {@code err}.
   *
   * @param in the input records
   * @param out where the prelude and the output records go
   * @param err where the program's stderr goes while it serves this call, when forwarded; may be null
   * @throws ViasockException when not every record could be answered
   */
  public void run(InputStream in, OutputStream out, OutputStream err) {
    requireNonNull(in, "in");
    requireNonNull(out, "out");
    ServerFiles files = files();
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      ClientCall call = new ClientCall(connect(files), files.log());
      if (call.stream(in, out, forwardStderr ? err : null, callTimeout) == ClientCall.Outcome.DONE) {
        return;
      }
    }
    throw retriesExhausted(files);
  }

  /**
   * Opens a session: one connection, holding one worker, on which records are sent one at a time. Close it
   * to let others have the worker.
   *
   * @return the session, holding its worker until it is closed
   * @throws ViasockException when the server could not be reached or the program could not start
   */
  public Session openSession() {
    ServerFiles files = files();
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      Session session =
          SocketTransport.open(new ClientCall(connect(files), files.log()), spec.framing(), callTimeout);
      if (session != null) {
        return session;
      }
    }
    throw retriesExhausted(files);
  }

  /**
   * Runs the server in this JVM, listening on {@code socket}, until it has been idle for the server timeout,
   * its key no longer holds, or the calling thread is interrupted; clients reach it with {@link #connect}.
   * It changes nothing JVM-wide: viasock's log records ({@code dev.viasock} loggers) also go to the log file
   * when one was set, and otherwise only wherever this JVM's logging sends them; no signal handler is
   * installed. See {@link #serveAsProcess} for a JVM whose one job is the server.
   *
   * @param socket the path of the socket to listen on
   * @throws IOException when the socket cannot be bound (another server listens on it)
   * @throws InterruptedException when the calling thread is interrupted while it serves: the server has then
   *     stopped (its current calls cut with {@link Failure#SERVER_UNAVAILABLE}), within a bound
   */
  public void serve(Path socket) throws IOException, InterruptedException {
    serve(socket, false);
  }

  /**
   * Like {@link #serve}, for a JVM whose one job is this server, as {@code viasock server}: all of this
   * JVM's {@code java.util.logging} goes to the log file, or to stderr when none was set (the
   * {@code LogManager} is reset), and SIGTERM, SIGINT and SIGHUP stop the server in order (its current calls
   * get a few seconds, then are cut with a clear message) before the method returns.
   *
   * @param socket the path of the socket to listen on
   * @throws IOException when the socket cannot be bound (another server listens on it)
   * @throws InterruptedException when the calling thread is interrupted while it serves
   */
  public void serveAsProcess(Path socket) throws IOException, InterruptedException {
    serve(socket, true);
  }

  private void serve(Path socket, boolean wholeProcess) throws IOException, InterruptedException {
    Path listening = socket.toAbsolutePath();
    clearForForeground(listening);
    ServerLog.Route route;
    if (wholeProcess) {
      ServerLog.install(logFile);
      route = () -> {};
    } else {
      route = ServerLog.attach(logFile);
    }
    try (route) {
      String key = ServerKey.derive(spec, environment);
      ServerConfig config = new ServerConfig(
          spec, key, logFile, listening, ServerKey.staleness(spec), null, Ticker.system());
      Server server = new Server(config, ServerListener.NONE);
      try {
        server.start();
      } catch (java.net.BindException e) {
        throw new ViasockException(
            Failure.SERVER_UNAVAILABLE, "viasock: another server already listens on " + listening, e);
      }
      if (wholeProcess) {
        SignalStop.install(server);
      }
      try {
        server.awaitEnd();
      } catch (InterruptedException e) {
        server.stop("the serving thread was interrupted", true);
        awaitStopDespiteInterrupts(server);
        throw e;
      } finally {
        server.release();
      }
    }
  }

  /** Waits for the stop that an interrupt asked for, within the stop's bound, whatever else interrupts. */
  private static void awaitStopDespiteInterrupts(Server server) {
    long deadline = System.nanoTime() + Server.STOP_BOUND.toNanos();
    while (true) {
      try {
        server.awaitStopped(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        return;
      } catch (InterruptedException again) {
        // Already stopping; a second interrupt cannot ask for more.
      }
    }
  }

  /** Refuses a socket a live server listens on, and removes one that a dead server left. */
  private static void clearForForeground(Path socket) throws IOException {
    try (SocketChannel live = Connector.tryConnect(socket)) {
      if (live != null) {
        throw new ViasockException(
            Failure.SERVER_UNAVAILABLE, "viasock: another server already listens on " + socket);
      }
    }
    if (java.nio.file.Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      java.nio.file.Files.delete(socket);
    }
  }

  /**
   * Streams {@code in} through the server listening on {@code socket} (started with {@link #serve}) to
   * {@code out}. This is what {@code viasock client} does.
   *
   * @param socket the socket the server listens on
   * @param in the input records
   * @param out where the prelude and the output records go
   * @throws ViasockException when not every record could be answered
   */
  public static void connect(Path socket, InputStream in, OutputStream out) {
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      SocketChannel channel;
      try {
        channel = Connector.tryConnect(socket);
      } catch (IOException e) {
        throw new ViasockException(Failure.SERVER_UNAVAILABLE, "viasock: cannot connect to " + socket + ": " + e, e);
      }
      if (channel == null) {
        throw new ViasockException(Failure.SERVER_UNAVAILABLE, "viasock: no server listens on " + socket);
      }
      if (new ClientCall(channel, null).stream(in, out, null) == ClientCall.Outcome.DONE) {
        return;
      }
    }
    throw new ViasockException(Failure.SERVER_UNAVAILABLE, "viasock: the server on " + socket + " keeps stopping");
  }

  /**
   * Starts the program in this JVM instead of in a background server: for harnesses and tools whose JVM
   * lives long anyway. Close the returned server to stop the program.
   *
   * @return the in-process server, its program already starting
   */
  public InProcessServer startInProcess() {
    return new InProcessServer(spec, forwardStderr, callTimeout);
  }

  /**
   * A splitter that cuts what a call of this serverizer writes to its output into the output records, with the
   * prelude left out: for code that consumes the output one record at a time.
   *
   * @return a new splitter, for the output of one call
   */
  public OutputSplitter outputSplitter() {
    return new OutputSplitter(spec.framing());
  }

  /**
   * The status of the server that a call made now would use, when one runs.
   *
   * @return its status, or empty when no server answers
   */
  public Optional<ServerStatus> status() {
    ServerFiles files = existingFiles();
    return files == null ? Optional.empty() : ServerControl.status(files.socket());
  }

  /**
   * Stops the server that a call made now would use, when one runs: its current calls get a few seconds to
   * finish, then are cut. Returns once the server has ended.
   *
   * @return the stopped server's last status, or empty when none was running
   */
  public Optional<ServerStatus> stop() {
    ServerFiles files = existingFiles();
    return files == null ? Optional.empty() : ServerControl.stop(files.socket());
  }

  /**
   * The key of the server that a call made now would use.
   *
   * @return the key: 20 hex digits, the name of the server's files in the state directory
   */
  public String key() {
    return ServerKey.derive(spec, environment);
  }

  /**
   * The log file of the server that a call made now would use.
   *
   * @return the log file (which exists once such a server has started)
   */
  public Path logFile() {
    ServerFiles files = existingFiles();
    return files != null ? files.log() : ServerFiles.of(stateDirectory(), key(), logFile).log();
  }

  /**
   * The program as resolved: an absolute path.
   *
   * @return the program's absolute path
   */
  public Path executable() {
    return spec.program().executable();
  }

  /** The server's files in the state directory, which is created (private) if it does not exist. */
  private ServerFiles files() {
    Path directory = StateDirectory.ensurePrivate(stateDirectory());
    return ServerFiles.of(directory, ServerKey.derive(spec, environment), logFile);
  }

  /** The server's files if the state directory exists (and is private); null when it does not exist. */
  private ServerFiles existingFiles() {
    Path directory = stateDirectory();
    if (!java.nio.file.Files.exists(directory, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    return ServerFiles.of(StateDirectory.ensurePrivate(directory), ServerKey.derive(spec, environment), logFile);
  }

  private Path stateDirectory() {
    return stateDirectory != null ? stateDirectory : StateDirectory.locate(environment);
  }

  private SocketChannel connect(ServerFiles files) {
    try {
      return ServerLauncher.connectOrStart(spec, files);
    } catch (IOException e) {
      throw ServerLauncher.unavailable(files, "cannot reach the server: " + e.getMessage());
    }
  }

  private static ViasockException retriesExhausted(ServerFiles files) {
    return ServerLauncher.unavailable(
        files, "the server kept stopping as calls arrived (" + MAX_ATTEMPTS + " attempts)");
  }

  /** This process's environment. A class, not {@code System::getenv}: a call's JVM links no method handle. */
  private static final class ProcessEnvironment implements Function<String, String> {
    @Override
    public String apply(String name) {
      return System.getenv(name);
    }
  }

  /**
   * Builds a {@link Serverizer}. Each setter checks its value at once and names it when it is wrong; the
   * program is resolved by {@link #build()}.
   */
  public static final class Builder {
    private final String program;
    private final ImmutableList<String> arguments;
    private String inputTerminator = "";
    private String outputTerminator = "";
    private int preludeRecords;
    private int preludeLines;
    private Duration processTimeout = Duration.ZERO;
    private Duration serverTimeout = Duration.ofSeconds(15);
    private Duration callTimeout = Duration.ZERO;
    private long maxRecordSize = MaxRecordSize.DEFAULT;
    private int workers = 1;
    private Path workingDirectory = Path.of("").toAbsolutePath();
    private Path stateDirectory;
    private Path logFile;
    private boolean forwardStderr;
    private boolean unbuffered;
    private final List<String> environmentNames = new ArrayList<>();
    private final List<Path> watchPaths = new ArrayList<>();
    private Function<String, String> environment = new ProcessEnvironment();

    private Builder(String program, List<String> arguments) {
      this.program = requireNonNull(program, "program");
      this.arguments = ImmutableList.copyOf(arguments);
    }

    /**
     * A regex; an input line (without its newline) in which it is found ends a record. Default: every line.
     *
     * @param pattern a {@link java.util.regex.Pattern} regex; {@code ""} makes every line a record
     * @return this builder
     */
    public Builder inputTerminator(String pattern) {
      Terminator.of(requireNonNull(pattern, "pattern"));
      this.inputTerminator = pattern;
      return this;
    }

    /**
     * A regex; an output line (without its newline) in which it is found ends a record. Default: every line.
     *
     * @param pattern a {@link java.util.regex.Pattern} regex; {@code "^$"}: records end with an empty line
     * @return this builder
     */
    public Builder outputTerminator(String pattern) {
      Terminator.of(requireNonNull(pattern, "pattern"));
      this.outputTerminator = pattern;
      return this;
    }

    /**
     * The program writes this many output records at start, before reading input; each caller gets them.
     *
     * @param records the number of prelude records, at least 0 (the default)
     * @return this builder
     */
    public Builder outputPrelude(int records) {
      checkArgument(records >= 0, "output prelude must be at least 0 records, not %s", records);
      this.preludeRecords = records;
      return this;
    }

    /**
     * The prelude counted in lines rather than records, for a banner that does not end like a record.
     *
     * @param lines the number of prelude lines, at least 0 (the default)
     * @return this builder
     */
    public Builder preludeLines(int lines) {
      checkArgument(lines >= 0, "prelude lines must be at least 0, not %s", lines);
      this.preludeLines = lines;
      return this;
    }

    /**
     * The most the program may take to answer one record; past it the program is stopped. Default: none.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder processTimeout(Duration timeout) {
      checkArgument(
          !requireNonNull(timeout, "timeout").isNegative() && !timeout.isZero(),
          "process timeout must be positive, not %s",
          timeout);
      this.processTimeout = timeout;
      return this;
    }

    /**
     * How long the server waits without a call before it stops. Default: 15 seconds.
     *
     * @param timeout a positive duration
     * @return this builder
     */
    public Builder serverTimeout(Duration timeout) {
      checkArgument(
          !requireNonNull(timeout, "timeout").isNegative() && !timeout.isZero(),
          "server timeout must be positive, not %s",
          timeout);
      this.serverTimeout = timeout;
      return this;
    }

    /**
     * How many program processes may serve calls at once. Default: 1.
     *
     * @param count between 1 and 64
     * @return this builder
     */
    public Builder workers(int count) {
      checkArgument(count >= 1 && count <= 64, "workers must be between 1 and 64, not %s", count);
      this.workers = count;
      return this;
    }

    /**
     * The directory the program runs in, and against which relative file arguments are resolved.
     *
     * @param directory the working directory; default: this JVM's
     * @return this builder
     */
    public Builder workingDirectory(Path directory) {
      this.workingDirectory = requireNonNull(directory, "directory").toAbsolutePath().normalize();
      return this;
    }

    /**
     * Where sockets, locks, logs live. Default: {@code $VIASOCK_DIR}, {@code $XDG_RUNTIME_DIR/viasock}, ...
     *
     * @param directory the state directory; created (mode 0700) when missing, refused when not private
     * @return this builder
     */
    public Builder stateDirectory(Path directory) {
      this.stateDirectory = requireNonNull(directory, "directory").toAbsolutePath().normalize();
      return this;
    }

    /**
     * The server's log file. Default: {@code <key>.log} in the state directory.
     *
     * @param file the log file
     * @return this builder
     */
    public Builder logFile(Path file) {
      this.logFile = requireNonNull(file, "file").toAbsolutePath().normalize();
      return this;
    }

    /**
     * Whether the program's stderr goes to the caller it serves at the moment instead of to the log.
     *
     * @param forward true to forward it; default false
     * @return this builder
     */
    public Builder forwardStderr(boolean forward) {
      this.forwardStderr = forward;
      return this;
    }

    /**
     * Whether the program's stdout is a pseudo-terminal (in raw mode: the bytes pass unchanged) instead of a
     * pipe, so that programs that keep their output in a buffer when writing to a pipe (C stdio, Python,
     * Perl, Ruby: sed, grep, tr, ...) flush each line. The program's {@code TERM} is {@code dumb}; its stdin
     * and stderr stay pipes. Where no pseudo-terminal can be had, {@code stdbuf -oL} and
     * {@code PYTHONUNBUFFERED=1} are used instead, and the log says so. Part of the key.
     *
     * @param unbuffered true for a terminal; default false
     * @return this builder
     */
    public Builder unbuffered(boolean unbuffered) {
      this.unbuffered = unbuffered;
      return this;
    }

    /**
     * Makes this environment variable's value part of the key (the program sees the caller's environment).
     *
     * @param name a variable name ({@code [A-Za-z_][A-Za-z0-9_]*})
     * @return this builder
     */
    public Builder passEnvironment(String name) {
      checkArgument(
          requireNonNull(name, "name").matches("[A-Za-z_][A-Za-z0-9_]*"),
          "not an environment variable name: '%s'",
          name);
      environmentNames.add(name);
      return this;
    }

    /**
     * A file or directory whose change (anywhere under it) gives a new server.
     *
     * @param path the file or directory, relative to the working directory or absolute
     * @return this builder
     */
    public Builder watch(Path path) {
      watchPaths.add(requireNonNull(path, "path"));
      return this;
    }

    /**
     * The largest record, input or output, a call may pass; part of the server's key. A call with a larger
     * record fails with {@link Failure#RECORD_TOO_LARGE} (only that call: the program is restarted only when
     * it holds part of that record). It bounds the memory one call can take in the server. Default: 32 MiB.
     *
     * @param bytes the maximum size in bytes, positive
     * @return this builder
     */
    public Builder maxRecordSize(long bytes) {
      checkArgument(bytes > 0, "the maximum record size must be positive, not %s", bytes);
      this.maxRecordSize = bytes;
      return this;
    }

    /**
     * The most a call may take, for programs without a process timeout: each {@link Session#call(byte[])}'s
     * answer, and each {@link InProcessServer#run} as a whole. Past it the call fails with
     * {@link Failure#TIMEOUT}, and the program is drained or replaced. Not part of the server's key. Default:
     * none.
     *
     * @param timeout a positive duration, or zero for none
     * @return this builder
     */
    public Builder callTimeout(Duration timeout) {
      checkArgument(!requireNonNull(timeout, "timeout").isNegative(), "call timeout must not be negative: %s", timeout);
      this.callTimeout = timeout;
      return this;
    }

    /** The environment the key and PATH lookups read; for tests. */
    Builder environment(Map<String, String> variables) {
      this.environment = ImmutableMap.copyOf(variables)::get;
      return this;
    }

    /**
     * Resolves the program and builds the serverizer.
     *
     * @return the serverizer
     * @throws ViasockException {@link Failure#NOT_FOUND} or {@link Failure#NOT_EXECUTABLE}
     * @throws IllegalArgumentException when the options contradict each other
     */
    public Serverizer build() {
      Program resolved = Program.resolve(program, arguments, workingDirectory, environment.apply("PATH"));
      Framing framing =
          new Framing(Terminator.of(inputTerminator), Terminator.of(outputTerminator), preludeRecords, preludeLines);
      ServerSpec spec =
          new ServerSpec(
              resolved,
              framing,
              processTimeout,
              serverTimeout,
              workers,
              ImmutableList.copyOf(environmentNames),
              ImmutableList.copyOf(watchPaths),
              maxRecordSize,
              unbuffered);
      return new Serverizer(this, spec);
    }
  }
}
