package dev.viasock.spark;

import static java.util.Objects.requireNonNull;

import dev.viasock.Serverizer;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A program and viasock's options for {@link ViasockPipe}: what every executor needs to run the program, sent
 * to them with the job. Immutable and serializable; each setter returns a new spec and checks its value at once
 * (on the driver), with the same rules and messages as {@link Serverizer.Builder}.
 *
 * <pre>{@code
 * PipeSpec tagger = PipeSpec.of(List.of("./tagger", "-m", "model.bin"))
 *     .inputTerminator("^$")        // an element is a sentence: lines, then an empty line
 *     .outputTerminator("^$")
 *     .preludeLines(1)              // a one-line banner at start, left out of the output
 *     .processTimeout(Duration.ofSeconds(30));
 * }</pre>
 *
 * <p>The program runs on the executors, in their working directory unless {@link #workingDirectory} says
 * otherwise, with the executors' environment ({@code spark.executorEnv.NAME} sets a variable there).
 */
public final class PipeSpec implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  /** The program, then its arguments. */
  private final List<String> command;
  /** The input terminator regex; empty: every line. */
  private String inputTerminator = "";
  /** The output terminator regex; empty: every line. */
  private String outputTerminator = "";
  /** The prelude in records. */
  private int outputPrelude;
  /** The prelude in lines. */
  private int preludeLines;
  /** The watchdog's bound per record; null: none. */
  private Duration processTimeout;
  /** Program processes per executor (or host); 0: the executor's task slots. */
  private int workers;
  /** Whether the program's stdout is a pseudo-terminal, for programs that buffer into a pipe. */
  private boolean unbuffered;
  /** The largest record in bytes; null: viasock's default. */
  private Long maxRecordSize;
  /** The environment variables whose values are part of the key. */
  private List<String> passedEnvironment = List.of();
  /** The program's working directory on the executors; null: the executor's. */
  private String workingDirectory;
  /** How long an unused program is kept. */
  private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
  /** Whether each host's background server serves the program. */
  private boolean perHostServer;
  /** The per-host server's state directory; null: viasock's default. */
  private String stateDirectory;

  private PipeSpec(List<String> command) {
    this.command = List.copyOf(command);
  }

  private PipeSpec(PipeSpec other) {
    this.command = other.command;
    this.inputTerminator = other.inputTerminator;
    this.outputTerminator = other.outputTerminator;
    this.outputPrelude = other.outputPrelude;
    this.preludeLines = other.preludeLines;
    this.processTimeout = other.processTimeout;
    this.workers = other.workers;
    this.unbuffered = other.unbuffered;
    this.maxRecordSize = other.maxRecordSize;
    this.passedEnvironment = other.passedEnvironment;
    this.workingDirectory = other.workingDirectory;
    this.idleTimeout = other.idleTimeout;
    this.perHostServer = other.perHostServer;
    this.stateDirectory = other.stateDirectory;
  }

  /**
   * A spec for a command with viasock's defaults: every line is a record, no prelude, no watchdog, as many
   * workers as the executor has task slots, the program kept in the executor's JVM.
   *
   * @param command the program, then its arguments, as for {@code RDD.pipe}; not empty
   * @return the spec
   */
  public static PipeSpec of(List<String> command) {
    requireNonNull(command, "command");
    if (command.isEmpty()) {
      throw new IllegalArgumentException("the command is empty: it needs at least the program");
    }
    return new PipeSpec(command).checked();
  }

  /**
   * The program, then its arguments.
   *
   * @return the command
   */
  public List<String> command() {
    return command;
  }

  /**
   * A regex; an input line in which it is found ends a record (viasock's {@code -t}). Each element is sent as
   * one record: its text and a newline, so an element holds the record without its last newline.
   *
   * @param pattern a {@link java.util.regex.Pattern} regex; {@code ""}, the default, makes every line a record
   * @return a new spec
   */
  public PipeSpec inputTerminator(String pattern) {
    return with(spec -> spec.inputTerminator = requireNonNull(pattern, "pattern"));
  }

  /**
   * A regex; an output line in which it is found ends a record (viasock's {@code -T}). Each output record
   * becomes one element: its text without its last newline.
   *
   * @param pattern a {@link java.util.regex.Pattern} regex; {@code ""}, the default, makes every line a record
   * @return a new spec
   */
  public PipeSpec outputTerminator(String pattern) {
    return with(spec -> spec.outputTerminator = requireNonNull(pattern, "pattern"));
  }

  /**
   * The program writes this many output records at start, before reading input (viasock's {@code -P}). The
   * prelude answers no element, so it is left out of the output.
   *
   * @param records at least 0 (the default)
   * @return a new spec
   */
  public PipeSpec outputPrelude(int records) {
    return with(spec -> spec.outputPrelude = records);
  }

  /**
   * The prelude counted in lines (viasock's {@code --prelude-lines}); left out of the output.
   *
   * @param lines at least 0 (the default)
   * @return a new spec
   */
  public PipeSpec preludeLines(int lines) {
    return with(spec -> spec.preludeLines = lines);
  }

  /**
   * The most the program may take to answer one record (viasock's {@code -w}); past it the program is
   * stopped and the task fails (Spark retries it, with a fresh program). Default: none.
   *
   * @param timeout a positive duration
   * @return a new spec
   */
  public PipeSpec processTimeout(Duration timeout) {
    return with(spec -> spec.processTimeout = requireNonNull(timeout, "timeout"));
  }

  /**
   * How many program processes one executor (or one host, with {@link #perHostServer}) may run at once.
   * Default 0: as many as the executor has task slots, so that no task waits for a program.
   *
   * @param count 0 for the executor's task slots, or between 1 and 64
   * @return a new spec
   */
  public PipeSpec workers(int count) {
    return with(spec -> spec.workers = count);
  }

  /**
   * Gives the program a pseudo-terminal as its stdout (viasock's {@code -u}), so that a program that keeps its
   * output in a buffer when it writes to a pipe (sed, grep, tr, awk, Python, Perl: what {@code RDD.pipe} is
   * often used with) answers each record at once. Without it such a program is stopped within seconds with
   * viasock's "keeps its answers in a buffer" error (OUTPUT_BUFFERED) and the task fails.
   *
   * @return a new spec
   */
  public PipeSpec unbuffered() {
    return with(spec -> spec.unbuffered = true);
  }

  /**
   * The largest record, input or output, in bytes (viasock's {@code --max-record-size}); a task with a larger
   * one fails with RECORD_TOO_LARGE. Default: viasock's, 32 MiB.
   *
   * @param bytes a positive number of bytes
   * @return a new spec
   */
  public PipeSpec maxRecordSize(long bytes) {
    return with(spec -> spec.maxRecordSize = bytes);
  }

  /**
   * Makes this environment variable's value part of the program's identity (viasock's {@code --env}): tasks
   * that see another value use another program. The program sees the executor's environment; set the
   * variable there with {@code spark.executorEnv.NAME}.
   *
   * @param name a variable name ({@code [A-Za-z_][A-Za-z0-9_]*})
   * @return a new spec
   */
  public PipeSpec passEnvironment(String name) {
    return with(
        spec -> {
          List<String> names = new ArrayList<>(spec.passedEnvironment);
          names.add(requireNonNull(name, "name"));
          spec.passedEnvironment = List.copyOf(names);
        });
  }

  /**
   * The directory the program runs in on the executors, and against which a relative program path and
   * relative file arguments are resolved. Default: the executor's working directory (where YARN puts the
   * files of {@code --files}).
   *
   * @param directory a directory on the executors' hosts, absolute or relative to the executor's directory
   * @return a new spec
   */
  public PipeSpec workingDirectory(String directory) {
    return with(spec -> spec.workingDirectory = requireNonNull(directory, "directory"));
  }

  /**
   * How long a program may stay unused before it is stopped: an executor's programs after its last task
   * that used them, or the per-host server. Default: 60 seconds.
   *
   * @param timeout a positive duration
   * @return a new spec
   */
  public PipeSpec idleTimeout(Duration timeout) {
    return with(spec -> spec.idleTimeout = requireNonNull(timeout, "timeout"));
  }

  /**
   * Serves the program from viasock's background server of each host ({@link Serverizer#run}) instead of
   * keeping it in the executor's JVM: for hosts that run several executors, which then share one program
   * pool. The server outlives the executors by the idle timeout, and a cluster manager does not see it.
   *
   * @return a new spec
   */
  public PipeSpec perHostServer() {
    return with(spec -> spec.perHostServer = true);
  }

  /**
   * Where the per-host server keeps its socket and log. Default: viasock's ({@code $VIASOCK_DIR},
   * {@code $XDG_RUNTIME_DIR/viasock}, {@code <java.io.tmpdir>/viasock-<uid>}, in the executor's environment);
   * set it when the executors' temporary directories differ (YARN gives each container its own), or they will
   * not share a server.
   *
   * @param directory a directory on the executors' hosts, private to the user the executors run as
   * @return a new spec
   */
  public PipeSpec stateDirectory(String directory) {
    return with(spec -> spec.stateDirectory = requireNonNull(directory, "directory"));
  }

  /**
   * Whether the program is served by each host's background server rather than kept by each executor.
   *
   * @return true after {@link #perHostServer()}
   */
  public boolean isPerHostServer() {
    return perHostServer;
  }

  /**
   * How long a program may stay unused before it is stopped.
   *
   * @return the idle timeout
   */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  /** The serverizer an executor with {@code slots} task slots uses; resolves the program there. */
  Serverizer serverizer(int slots) {
    return builder().workers(workers > 0 ? workers : Math.min(Math.max(slots, 1), 64)).build();
  }

  private Serverizer.Builder builder() {
    Serverizer.Builder builder =
        Serverizer.builder(command)
            .inputTerminator(inputTerminator)
            .outputTerminator(outputTerminator)
            .outputPrelude(outputPrelude)
            .preludeLines(preludeLines)
            .serverTimeout(idleTimeout);
    if (processTimeout != null) {
      builder.processTimeout(processTimeout);
    }
    if (workers != 0) {
      builder.workers(workers);
    }
    if (maxRecordSize != null) {
      builder.maxRecordSize(maxRecordSize);
    }
    builder.unbuffered(unbuffered);
    passedEnvironment.forEach(builder::passEnvironment);
    if (workingDirectory != null) {
      builder.workingDirectory(Path.of(workingDirectory));
    }
    if (stateDirectory != null) {
      builder.stateDirectory(Path.of(stateDirectory));
    }
    return builder;
  }

  private PipeSpec with(Consumer<PipeSpec> change) {
    PipeSpec copy = new PipeSpec(this);
    change.accept(copy);
    return copy.checked();
  }

  /** Checks every option with viasock's own rules (the program itself is resolved on the executors). */
  private PipeSpec checked() {
    builder();
    if (outputPrelude > 0 && preludeLines > 0) {
      throw new IllegalArgumentException(
          "give the prelude in records or in lines, not both (" + outputPrelude + " records, " + preludeLines
              + " lines)");
    }
    return this;
  }

  @Override
  public boolean equals(Object other) {
    if (!(other instanceof PipeSpec)) {
      return false;
    }
    PipeSpec that = (PipeSpec) other;
    return command.equals(that.command)
        && inputTerminator.equals(that.inputTerminator)
        && outputTerminator.equals(that.outputTerminator)
        && outputPrelude == that.outputPrelude
        && preludeLines == that.preludeLines
        && Objects.equals(processTimeout, that.processTimeout)
        && workers == that.workers
        && unbuffered == that.unbuffered
        && Objects.equals(maxRecordSize, that.maxRecordSize)
        && passedEnvironment.equals(that.passedEnvironment)
        && Objects.equals(workingDirectory, that.workingDirectory)
        && idleTimeout.equals(that.idleTimeout)
        && perHostServer == that.perHostServer
        && Objects.equals(stateDirectory, that.stateDirectory);
  }

  @Override
  public int hashCode() {
    return Objects.hash(command, inputTerminator, outputTerminator, processTimeout, workingDirectory, workers);
  }

  @Override
  public String toString() {
    return "PipeSpec" + command;
  }
}
