package dev.viasock.cli;

import dev.viasock.Serverizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The options of {@code run}, {@code server}, {@code stop} and {@code log}, parsed and checked, then applied to
 * a {@link Serverizer.Builder}. Plain fields rather than a list of lambdas: a call's JVM should link as little
 * as it can on its way.
 */
final class ProgramOptions {
  private String inputTerminator;
  private String outputTerminator;
  private Integer preludeRecords;
  private Integer preludeLines;
  private Duration processTimeout;
  private Duration serverTimeout;
  private Path log;
  private Integer workers;
  private Long maxRecordSize;
  private final List<Path> watched = new ArrayList<>();
  private final List<String> passedEnvironment = new ArrayList<>();
  private boolean forwardStderr;
  private boolean unbuffered;
  boolean help;
  boolean version;
  /** {@code log -f}: follow the log. */
  boolean follow;
  /** {@code stop --all}: every server. */
  boolean all;

  /** Parses the options before the program; the operands that follow are left in {@code line}. */
  static ProgramOptions parse(CommandLine line, String subcommand) throws UsageException {
    ProgramOptions options = new ProgramOptions();
    Serverizer.Builder check = Serverizer.builder("true");
    while (line.nextOption()) {
      try {
        options.take(line, subcommand, check);
      } catch (IllegalArgumentException e) {
        throw new UsageException(subcommand, "option " + line.option() + ": " + e.getMessage());
      }
    }
    return options;
  }

  /** Takes the current option; values are checked against {@code check} so that a bad one fails here. */
  private void take(CommandLine line, String subcommand, Serverizer.Builder check) throws UsageException {
    switch (line.option()) {
      case "-t":
      case "--input-terminator":
        inputTerminator = line.value();
        check.inputTerminator(inputTerminator);
        break;
      case "-T":
      case "--output-terminator":
        outputTerminator = line.value();
        check.outputTerminator(outputTerminator);
        break;
      case "-P":
      case "--output-prelude":
        preludeRecords = line.intValue(0);
        break;
      case "--prelude-lines":
        preludeLines = line.intValue(0);
        break;
      case "-w":
      case "--process-timeout":
        processTimeout = line.secondsValue();
        break;
      case "-W":
      case "--server-timeout":
        serverTimeout = line.secondsValue();
        break;
      case "-l":
      case "--log":
        log = Path.of(line.value());
        break;
      case "--workers":
        workers = line.intValue(1);
        check.workers(workers);
        break;
      case "--max-record-size":
        maxRecordSize = line.sizeValue();
        break;
      case "--watch":
        watched.add(Path.of(line.value()));
        break;
      case "--env": {
        String name = line.value();
        check.passEnvironment(name);
        passedEnvironment.add(name);
        break;
      }
      case "--stderr":
        if (subcommand.equals("server")) {
          throw new UsageException("server", "--stderr is an option of 'run': each caller asks for it");
        }
        line.noValue();
        forwardStderr = true;
        break;
      case "-u":
      case "--unbuffered":
        line.noValue();
        unbuffered = true;
        break;
      case "-f":
      case "--follow":
        onlyFor(line, subcommand, "log");
        line.noValue();
        follow = true;
        break;
      case "--all":
        onlyFor(line, subcommand, "stop");
        line.noValue();
        all = true;
        break;
      case "-h":
      case "--help":
        line.noValue();
        help = true;
        break;
      case "--version":
        line.noValue();
        version = true;
        break;
      default:
        throw line.unknown();
    }
  }

  private static void onlyFor(CommandLine line, String subcommand, String owner) throws UsageException {
    if (!subcommand.equals(owner)) {
      throw line.unknown();
    }
  }

  Serverizer.Builder applyTo(Serverizer.Builder builder) {
    if (inputTerminator != null) {
      builder.inputTerminator(inputTerminator);
    }
    if (outputTerminator != null) {
      builder.outputTerminator(outputTerminator);
    }
    if (preludeRecords != null) {
      builder.outputPrelude(preludeRecords);
    }
    if (preludeLines != null) {
      builder.preludeLines(preludeLines);
    }
    if (processTimeout != null) {
      builder.processTimeout(processTimeout);
    }
    if (serverTimeout != null) {
      builder.serverTimeout(serverTimeout);
    }
    if (log != null) {
      builder.logFile(log);
    }
    if (workers != null) {
      builder.workers(workers);
    }
    if (maxRecordSize != null) {
      builder.maxRecordSize(maxRecordSize);
    }
    for (Path path : watched) {
      builder.watch(path);
    }
    for (String name : passedEnvironment) {
      builder.passEnvironment(name);
    }
    return builder.unbuffered(unbuffered).forwardStderr(forwardStderr);
  }
}
