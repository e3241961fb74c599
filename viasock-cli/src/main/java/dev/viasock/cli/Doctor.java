package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.viasock.Serverizer;
import dev.viasock.Servers;
import dev.viasock.ViasockException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code viasock doctor}: checks what viasock needs on this machine and says what to fix. The launcher tells
 * it where the native client and the client's class-data archive belong ({@code viasock.native},
 * {@code viasock.archive}); the java that runs this is the java it checks (a missing or too old java is
 * found by the launcher, since it could not run this). The state directory is checked by the same code that
 * every call runs, so doctor and a call cannot disagree.
 */
final class Doctor {
  private static final Path PTMX = Path.of("/dev/ptmx");
  private static final Path SETSID = Path.of("/usr/bin/setsid");

  private final PrintStream out;
  private int warnings;
  private int failures;

  private Doctor(PrintStream out) {
    this.out = out;
  }

  static int run(List<String> args, PrintStream out) throws UsageException {
    CommandLine line = new CommandLine("doctor", args);
    while (line.nextOption()) {
      if (line.answeredHelpOrVersion(Help.DOCTOR, out)) {
        return 0;
      }
      throw line.unknown();
    }
    line.noOperands();
    return new Doctor(out).checkAll();
  }

  private int checkAll() {
    out.println(Main.version() + ", from " + property("viasock.home", "(unknown: not run by bin/viasock)"));
    checkJava();
    checkStateDirectory();
    checkNativeClient();
    checkClassDataArchive();
    checkPseudoTerminals();
    checkSetsid();
    if (failures > 0) {
      out.println("viasock doctor: " + count(failures, "problem") + " blocking viasock, " + count(warnings, "warning"));
      return 1;
    }
    out.println("viasock doctor: nothing blocks viasock" + (warnings > 0 ? " (" + count(warnings, "warning") + ")" : ""));
    return 0;
  }

  private void checkJava() {
    ok("java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ") in " + System.getProperty("java.home"));
  }

  private void checkStateDirectory() {
    Path directory = Servers.ofCurrentUser().directory();
    try {
      Serverizer probe = Serverizer.builder("true").stateDirectory(directory).build();
      probe.logFile(); // the checks of every call: socket paths short enough, and an existing one private to you
      int socketBytes = directory.resolve(probe.key() + ".sock").toString().getBytes(UTF_8).length;
      ok("state directory " + directory + ": "
          + (Files.exists(directory) ? "private to you" : "not there yet (the first call makes it, private to you)")
          + "; its socket paths are " + socketBytes + " bytes");
    } catch (ViasockException e) {
      fail("state directory " + directory + ": " + e.getMessage().replaceFirst("^viasock: ", ""),
          "set VIASOCK_DIR to a short path of a directory of yours (it is made with mode 0700)");
    }
  }

  /** The launcher names the native client, or gives an empty name for an installation built without one. */
  private void checkNativeClient() {
    String configured = System.getProperty("viasock.native");
    if (configured == null) {
      warn("native client: unknown (doctor was not run by bin/viasock)", "run 'viasock doctor' through bin/viasock");
      return;
    }
    if (configured.isEmpty()) {
      warnBuiltWithoutNativeClient();
      return;
    }
    Path client = Path.of(configured);
    if (Files.isExecutable(client)) {
      ok("native client " + client + ": 'run' starts without a JVM");
    } else if (Files.exists(client)) {
      warn("native client " + client + " is not executable; 'run' falls back to the JVM client",
          "chmod +x '" + client + "'");
    } else if (Files.isDirectory(Path.of(property("viasock.home", "/nonexistent"), "viasock-cli"))) {
      warn("native client: not built (" + client + " is missing); 'run' uses the JVM client, which starts slower",
          onPath("cc") ? "rebuild (mvn -B package) and see the build's output for why it was skipped"
              : "install a C compiler (cc, e.g. gcc) and rebuild with mvn -B package");
    } else {
      warnBuiltWithoutNativeClient();
    }
  }

  private void warnBuiltWithoutNativeClient() {
    warn("native client: this distribution was built without one; 'run' uses the JVM client, which starts slower",
        "build viasock from source where a C compiler (cc) is installed");
  }

  private void checkClassDataArchive() {
    String archive = System.getProperty("viasock.archive", "");
    if (archive.isEmpty()) {
      warn("client class-data archive: none can be made (no cache directory: HOME and XDG_CACHE_HOME are unset)",
          "set HOME or XDG_CACHE_HOME; without the archive every call starts slower");
    } else if (Path.of(archive).toFile().length() > 0) {
      ok("client class-data archive " + archive);
    } else if (Files.isRegularFile(Path.of(archive))) {
      warn("client class-data archive " + archive + ": the java could not write it (it is empty); calls start slower",
          "remove it, run 'viasock run cat < /dev/null' and look at what java says on stderr");
    } else {
      ok("client class-data archive " + archive + ": made by the next 'viasock run'");
    }
  }

  private void checkPseudoTerminals() {
    try (RandomAccessFile master = new RandomAccessFile(PTMX.toFile(), "rw")) {
      ok("pseudo-terminals: " + PTMX + " opens (for run -u)");
    } catch (IOException e) {
      warn("pseudo-terminals: " + PTMX + " cannot be opened (" + e.getMessage() + "); 'run -u' falls back"
          + " to stdbuf -oL and PYTHONUNBUFFERED=1, which only C stdio and Python programs heed",
          "mount devpts (in a container: give it /dev/pts and /dev/ptmx)");
    }
  }

  private void checkSetsid() {
    if (Files.isExecutable(SETSID)) {
      ok("setsid: background servers are detached from your terminal");
    } else {
      warn("setsid: " + SETSID + " is missing; a Ctrl-C at the terminal that started a server can stop it",
          "install util-linux");
    }
  }

  private void ok(String finding) {
    out.println("ok    " + finding);
  }

  private void warn(String finding, String fix) {
    warnings++;
    out.println("WARN  " + finding);
    out.println("      fix: " + fix);
  }

  private void fail(String finding, String fix) {
    failures++;
    out.println("FAIL  " + finding);
    out.println("      fix: " + fix);
  }

  private static String property(String name, String otherwise) {
    String value = System.getProperty(name);
    return value == null || value.isEmpty() ? otherwise : value;
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    return path != null
        && List.of(path.split(":")).stream().anyMatch(dir -> Files.isExecutable(Path.of(dir.isEmpty() ? "." : dir, command)));
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
