package dev.viasock;

import static java.lang.System.Logger.Level.WARNING;

import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * How a program is started: the command line, its environment, and for {@code -u} the pseudo-terminal that
 * becomes its stdout. Without {@code -u} it is the program as given. With {@code -u} the program is started
 * through {@code sh}, which opens the terminal's slave side as stdout and then execs the program (same pid,
 * stdin and stderr still pipes): the child, not this JVM, opens the terminal, so this JVM never acquires it as
 * its controlling terminal. {@code TERM=dumb} and {@code NO_COLOR=1}, so that programs that colour their
 * output on a terminal do not. Where no pseudo-terminal can be had, {@code -u} falls back to {@code stdbuf -oL} (C stdio) and
 * {@code PYTHONUNBUFFERED=1}, and logs it.
 *
 * @param command the command line to execute
 * @param environment the program's environment; null for this JVM's
 * @param terminal the terminal that is the program's stdout, or null when its stdout is a pipe
 */
record ProgramLaunch(ImmutableList<String> command, Map<String, String> environment, PseudoTerminal terminal) {
  private static final System.Logger LOG = System.getLogger(ProgramLaunch.class.getName());
  /** {@code $0} is the terminal's path, the rest the program and its arguments. */
  private static final String OPEN_TERMINAL_THEN_EXEC = "exec >\"$0\" || exit 126; exec \"$@\"";

  /** An opener of pseudo-terminals; the default is {@link PseudoTerminal#openRaw()}. */
  @FunctionalInterface
  interface TerminalOpener {
    PseudoTerminal open() throws IOException;
  }

  static ProgramLaunch of(Program program, Map<String, String> environment, boolean unbuffered) {
    // Without -u, nothing here may load JNA's classes: a server that needs no terminal does not pay for them.
    return unbuffered ? of(program, environment, true, PseudoTerminal::openRaw) : of(program, environment, false, null);
  }

  static ProgramLaunch of(
      Program program, Map<String, String> environment, boolean unbuffered, TerminalOpener opener) {
    ImmutableList<String> plain =
        ImmutableList.<String>builder().add(program.executable().toString()).addAll(program.arguments()).build();
    if (!unbuffered) {
      return new ProgramLaunch(plain, environment, null);
    }
    Map<String, String> variables = new HashMap<>(environment != null ? environment : System.getenv());
    variables.put("TERM", "dumb");
    variables.put("NO_COLOR", "1");
    try {
      PseudoTerminal terminal = opener.open();
      ImmutableList<String> command =
          ImmutableList.<String>builder()
              .add("/bin/sh", "-c", OPEN_TERMINAL_THEN_EXEC, terminal.slavePath())
              .addAll(plain)
              .build();
      return new ProgramLaunch(command, variables, terminal);
    } catch (IOException | RuntimeException | LinkageError e) {
      variables.put("PYTHONUNBUFFERED", "1");
      Path stdbuf = findStdbuf(variables.get("PATH"));
      LOG.log(
          WARNING,
          "-u: no pseudo-terminal can be had (" + e.getMessage() + "); falling back to "
              + (stdbuf != null ? "stdbuf -oL and " : "(no stdbuf found) ") + "PYTHONUNBUFFERED=1 for "
              + program.commandText());
      if (stdbuf == null) {
        return new ProgramLaunch(plain, variables, null);
      }
      return new ProgramLaunch(
          ImmutableList.<String>builder().add(stdbuf.toString(), "-oL").addAll(plain).build(), variables, null);
    }
  }

  private static Path findStdbuf(String path) {
    for (String directory : (path == null ? "/usr/bin:/bin" : path).split(":")) {
      if (!directory.isEmpty()) {
        Path candidate = Path.of(directory, "stdbuf");
        if (Files.isExecutable(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }
}
