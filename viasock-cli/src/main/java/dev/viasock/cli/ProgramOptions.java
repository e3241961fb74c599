package dev.viasock.cli;

import dev.viasock.Serverizer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** The options of {@code run} and {@code server}, parsed into the settings of a {@link Serverizer}. */
final class ProgramOptions {
  private final List<UnaryOperator<Serverizer.Builder>> settings = new ArrayList<>();
  boolean help;
  boolean version;
  /** {@code log -f}: follow the log. */
  boolean follow;
  /** {@code stop --all}: every server. */
  boolean all;

  /**
   * Parses the options before the program.
   *
   * @return the program and its arguments
   */
  static ProgramOptions parse(CommandLine line, String subcommand) throws UsageException {
    ProgramOptions options = new ProgramOptions();
    while (line.nextOption()) {
      switch (line.option()) {
        case "-t":
        case "--input-terminator":
          options.add(line, subcommand, line.value(), (b, v) -> b.inputTerminator(v));
          break;
        case "-T":
        case "--output-terminator":
          options.add(line, subcommand, line.value(), (b, v) -> b.outputTerminator(v));
          break;
        case "-P":
        case "--output-prelude": {
          int records = line.intValue(0);
          options.settings.add(b -> b.outputPrelude(records));
          break;
        }
        case "--prelude-lines": {
          int lines = line.intValue(0);
          options.settings.add(b -> b.preludeLines(lines));
          break;
        }
        case "-w":
        case "--process-timeout": {
          Duration timeout = line.secondsValue();
          options.settings.add(b -> b.processTimeout(timeout));
          break;
        }
        case "-W":
        case "--server-timeout": {
          Duration timeout = line.secondsValue();
          options.settings.add(b -> b.serverTimeout(timeout));
          break;
        }
        case "-l":
        case "--log": {
          Path log = Path.of(line.value());
          options.settings.add(b -> b.logFile(log));
          break;
        }
        case "--workers": {
          int workers = line.intValue(1);
          options.add(line, subcommand, String.valueOf(workers), (b, v) -> b.workers(workers));
          break;
        }
        case "--watch": {
          Path watched = Path.of(line.value());
          options.settings.add(b -> b.watch(watched));
          break;
        }
        case "--env":
          options.add(line, subcommand, line.value(), (b, v) -> b.passEnvironment(v));
          break;
        case "--stderr":
          if (subcommand.equals("server")) {
            throw new UsageException("server", "--stderr is an option of 'run': each caller asks for it");
          }
          line.noValue();
          options.settings.add(b -> b.forwardStderr(true));
          break;
        case "-f":
        case "--follow":
          onlyFor(line, subcommand, "log");
          line.noValue();
          options.follow = true;
          break;
        case "--all":
          onlyFor(line, subcommand, "stop");
          line.noValue();
          options.all = true;
          break;
        case "-h":
        case "--help":
          line.noValue();
          options.help = true;
          break;
        case "--version":
          line.noValue();
          options.version = true;
          break;
        default:
          throw line.unknown();
      }
    }
    return options;
  }

  private static void onlyFor(CommandLine line, String subcommand, String owner) throws UsageException {
    if (!subcommand.equals(owner)) {
      throw line.unknown();
    }
  }

  private interface Setting {
    Serverizer.Builder apply(Serverizer.Builder builder, String value);
  }

  /** Checks the value at once against a throwaway builder, so that a bad pattern is a usage error. */
  private void add(CommandLine line, String subcommand, String value, Setting setting) throws UsageException {
    try {
      setting.apply(Serverizer.builder("true"), value);
    } catch (IllegalArgumentException e) {
      throw new UsageException(subcommand, "option " + line.option() + ": " + e.getMessage());
    }
    settings.add(builder -> setting.apply(builder, value));
  }

  Serverizer.Builder applyTo(Serverizer.Builder builder) {
    for (UnaryOperator<Serverizer.Builder> setting : settings) {
      setting.apply(builder);
    }
    return builder;
  }
}
