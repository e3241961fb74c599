package dev.viasock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test's own corner of the machine: a fresh directory holding a private state directory ({@code state})
 * and a working directory ({@code work}), and the check that the test left no process behind. Every server
 * started in it carries its path on its command line (through its state directory), and so does every
 * program written into it, which is how {@link #close()} finds them: it stops the servers (SIGTERM), waits
 * for everything of the sandbox to end, and otherwise kills what is left and fails the test.
 *
 * <p>The easy way is a JUnit 5 extension field, which makes the directory before each test and checks and
 * removes it after: <pre>{@code @RegisterExtension final Sandbox sandbox = new Sandbox();}</pre>
 * {@code new Sandbox(directory)} uses a fresh directory of the caller's, who then calls {@link #close()}.
 */
public class Sandbox implements BeforeEachCallback, AfterEachCallback, AutoCloseable {
  /** How long the servers get to stop on SIGTERM, and their programs with them. */
  public static final Duration STOP_BOUND = Duration.ofSeconds(20);

  private final boolean ownsRoot;
  private Path root;

  /** A sandbox made before each test and checked and removed after it: register it as an extension. */
  public Sandbox() {
    this.ownsRoot = true;
  }

  /** A sandbox in {@code root}, a fresh directory that the caller owns; call {@link #close()} at the end. */
  public Sandbox(Path root) throws IOException {
    this.ownsRoot = false;
    open(root);
  }

  private void open(Path directory) throws IOException {
    root = directory.toRealPath();
    Files.createDirectories(root.resolve("work"));
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    open(Files.createTempDirectory("viasock-test-"));
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      close();
    } finally {
      if (ownsRoot) {
        delete(root);
      }
    }
  }

  /** The sandbox's directory (a real path: no symbolic link in it). */
  public Path root() {
    if (root == null) {
      throw new IllegalStateException("the sandbox is made as each test starts: register it with @RegisterExtension");
    }
    return root;
  }

  /** The state directory of every server the sandbox starts; it does not exist before the first call. */
  public Path stateDir() {
    return root().resolve("state");
  }

  /** The working directory of the calls, and where {@link #script} writes. */
  public Path workDir() {
    return root().resolve("work");
  }

  /**
   * Writes an executable script into the working directory.
   *
   * @return the name to run it by from the working directory: here its absolute path
   */
  public String script(String name, String body) throws IOException {
    return writeScript(name, body).toString();
  }

  /** Writes an executable script (mode 0700) into the working directory; returns its path. */
  protected final Path writeScript(String name, String body) throws IOException {
    Path file = workDir().resolve(name);
    Files.writeString(file, body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  /** Runs {@code input} (UTF-8) through an in-process server and returns its output. */
  static String run(InProcessServer server, String input) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    server.run(new java.io.ByteArrayInputStream(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)), out);
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A builder for {@code command} that uses this sandbox's directories. */
  public Serverizer.Builder serverizer(String... command) {
    return Serverizer.builder(List.of(command)).stateDirectory(stateDir()).workingDirectory(workDir());
  }

  /** The processes of this sandbox that are still running: servers and programs. */
  public List<ProcessHandle> leftovers() {
    String marker = root().toString();
    long self = ProcessHandle.current().pid();
    return ProcessHandle.allProcesses()
        .filter(p -> p.pid() != self)
        .filter(p -> p.info().commandLine().map(line -> line.contains(marker)).orElse(false))
        .filter(p -> !Reaper.gone(p))
        .toList();
  }

  /** The background servers of this sandbox that are running. */
  public List<ProcessHandle> servers() {
    return leftovers().stream()
        .filter(p -> p.info().commandLine().map(line -> line.contains("dev.viasock.Daemon")).orElse(false))
        .toList();
  }

  /**
   * Whether the process has ended. A zombie counts as ended: the container's init may be slow to reap the
   * children it inherits (a killed server, an orphaned program), and {@link ProcessHandle#isAlive} says true
   * for them.
   */
  public static boolean gone(long pid) {
    return ProcessHandle.of(pid).map(Reaper::gone).orElse(true);
  }

  /** Waits (within {@code bound}) until no process of this sandbox is left; returns whether none is. */
  public boolean awaitNoLeftovers(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    List<ProcessHandle> left = leftovers();
    while (!left.isEmpty() && System.nanoTime() < deadline) {
      // Processes that appear meanwhile (a program a stopping server still started) are looked for again.
      Reaper.awaitGone(left, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
      left = leftovers();
    }
    return left.isEmpty();
  }

  /**
   * Stops every server of this sandbox (SIGTERM) and waits for all of its processes to end; kills
   * (SIGKILL) what is still running after {@link #STOP_BOUND} and fails.
   *
   * @throws AssertionError when processes were left running
   */
  @Override
  public void close() throws InterruptedException {
    servers().forEach(ProcessHandle::destroy);
    if (!awaitNoLeftovers(STOP_BOUND)) {
      List<ProcessHandle> left = leftovers();
      String described = left.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList().toString();
      Reaper.kill(left);
      throw new AssertionError("processes left running after the servers were stopped: " + described);
    }
  }

  private static void delete(Path directory) throws IOException {
    if (directory == null || !Files.exists(directory)) {
      return;
    }
    // A test may have taken permissions away (to see them refused); the owner's are given back first.
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.filter(p -> Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)).toList()) {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
      }
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }
}
