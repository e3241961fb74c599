package dev.viasock.cli;

import dev.viasock.ServerStatus;
import dev.viasock.Serverizer;
import dev.viasock.Servers;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** The commands that manage servers: {@code list}, {@code stop} and {@code log}. */
final class Manage {
  private static final Duration FOLLOW_POLL = Duration.ofMillis(200);

  private Manage() {}

  static int list(List<String> args, PrintStream out) throws UsageException {
    boolean json = false;
    CommandLine line = new CommandLine("list", args);
    while (line.nextOption()) {
      if (line.option().equals("--json")) {
        line.noValue();
        json = true;
      } else if (line.answeredHelpOrVersion(Help.LIST, out)) {
        return 0;
      } else {
        throw line.unknown();
      }
    }
    line.noOperands();
    List<ServerStatus> servers = Servers.ofCurrentUser().list();
    out.print(json ? ServerTable.json(servers) : ServerTable.text(servers, Instant.now()));
    return 0;
  }

  static int stop(List<String> args, PrintStream out) throws UsageException {
    CommandLine line = new CommandLine("stop", args);
    ProgramOptions options = ProgramOptions.parse(line, "stop");
    if (options.help || options.version) {
      out.print(options.help ? Help.STOP : Main.version() + "\n");
      return 0;
    }
    List<String> command = line.operands();
    if (options.all) {
      if (!command.isEmpty()) {
        throw new UsageException("stop", "give either --all or a PROGRAM, not both");
      }
      for (ServerStatus stopped : Servers.ofCurrentUser().stopAll()) {
        out.println("stopped " + stopped.command() + " (pid " + stopped.pid() + ")");
      }
      return 0;
    }
    if (command.isEmpty()) {
      throw new UsageException("stop", "no PROGRAM given (or --all)");
    }
    Serverizer serverizer = options.applyTo(Serverizer.builder(command)).build();
    serverizer.stop().ifPresentOrElse(
        stopped -> out.println("stopped " + stopped.command() + " (pid " + stopped.pid() + ")"),
        () -> System.err.println("viasock: no server runs for " + String.join(" ", command)));
    return 0;
  }

  static int log(List<String> args, PrintStream out) throws UsageException, IOException, InterruptedException {
    CommandLine line = new CommandLine("log", args);
    ProgramOptions options = ProgramOptions.parse(line, "log");
    if (options.help || options.version) {
      out.print(options.help ? Help.LOG : Main.version() + "\n");
      return 0;
    }
    List<String> command = line.operands();
    if (command.isEmpty()) {
      throw new UsageException("log", "no PROGRAM given");
    }
    Path log = options.applyTo(Serverizer.builder(command)).build().logFile();
    if (!options.follow) {
      try {
        Files.copy(log, out);
      } catch (NoSuchFileException e) {
        System.err.println("viasock: no log yet for " + String.join(" ", command) + " (" + log + ")");
        return 1;
      }
      out.flush();
      return 0;
    }
    follow(log, out);
    return 0;
  }

  /** Prints the log and then what is appended to it, until interrupted (Ctrl-C). */
  private static void follow(Path log, PrintStream out) throws IOException, InterruptedException {
    long position = 0;
    byte[] buffer = new byte[8192];
    while (!out.checkError()) {
      if (Files.exists(log)) {
        if (Files.size(log) < position) {
          position = 0; // Rotated: start over with the new log.
        }
        try (InputStream in = Files.newInputStream(log)) {
          in.skipNBytes(position);
          int read;
          while ((read = in.read(buffer)) > 0) {
            out.write(buffer, 0, read);
            position += read;
          }
        }
        out.flush();
      }
      Thread.sleep(FOLLOW_POLL.toMillis());
    }
  }
}
