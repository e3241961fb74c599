package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code bin/viasock} launcher, as a user would, in a sandbox of its own: a private state
 * directory and a working directory under a test's temporary directory. Every process that a test starts
 * through it carries the sandbox's path on its command line (the servers through {@code --state-dir}, the
 * test programs through their path), which is how {@link #close()} finds and reaps anything left behind.
 */
final class Viasock implements AutoCloseable {
  static final Duration CALL_BOUND = Duration.ofSeconds(60);
  private static final Path LAUNCHER = Path.of(System.getProperty("viasock.launcher", "../bin/viasock")).toAbsolutePath().normalize();

  private final Path root;
  private final Path stateDir;
  private final Path workDir;
  private final Map<String, String> environment = new HashMap<>();
  private final java.util.Set<String> removed = new java.util.HashSet<>();

  /** A sandbox under {@code root}, which must be a fresh temporary directory. */
  Viasock(Path root) throws IOException {
    this.root = root.toRealPath();
    this.stateDir = this.root.resolve("state");
    this.workDir = Files.createDirectories(this.root.resolve("work"));
    environment.put("VIASOCK_DIR", stateDir.toString());
  }

  Path stateDir() {
    return stateDir;
  }

  Path workDir() {
    return workDir;
  }

  /** Removes a variable from the environment of the calls made from now on (and of their servers). */
  Viasock unset(String name) {
    removed.add(name);
    return this;
  }

  /** Sets a variable for the calls made from now on (the launcher, the server and the program see it). */
  Viasock env(String name, String value) {
    environment.put(name, value);
    return this;
  }

  /**
   * Writes an executable script into the working directory.
   *
   * @return its name relative to the working directory, as {@code ./name}
   */
  String script(String name, String body) throws IOException {
    Path file = workDir.resolve(name);
    Files.writeString(file, body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return "./" + name;
  }

  /** Runs {@code viasock ARGS} with {@code stdin} as input and waits for it (within a bound). */
  Result run(byte[] stdin, String... args) {
    return run(stdin, List.of(args));
  }

  Result run(String stdin, String... args) {
    return run(stdin.getBytes(UTF_8), List.of(args));
  }

  Result run(byte[] stdin, List<String> args) {
    Process process = start(args);
    CompletableFuture<byte[]> out = drain(process.getInputStream());
    CompletableFuture<byte[]> err = drain(process.getErrorStream());
    CompletableFuture.runAsync(() -> {
      try (OutputStream in = process.getOutputStream()) {
        in.write(stdin);
      } catch (IOException e) {
        // The call may end before it reads all of its input; that is its business.
      }
    });
    try {
      if (!process.waitFor(CALL_BOUND.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("viasock " + args + " did not end within " + CALL_BOUND);
      }
      return new Result(process.exitValue(), out.get(10, TimeUnit.SECONDS), new String(err.get(10, TimeUnit.SECONDS), UTF_8));
    } catch (Exception e) {
      throw new AssertionError("viasock " + args + " failed to run", e);
    }
  }

  /** Starts {@code viasock ARGS} and leaves its streams to the caller. */
  Process start(String... args) {
    return start(List.of(args));
  }

  Process start(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(LAUNCHER.toString());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
    builder.environment().keySet().removeAll(removed);
    builder.environment().putAll(environment);
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CompletableFuture<byte[]> drain(InputStream in) {
    CompletableFuture<byte[]> all = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (in) {
        all.complete(in.readAllBytes());
      } catch (IOException e) {
        all.completeExceptionally(e);
      }
    }, "test-drain");
    reader.setDaemon(true);
    reader.start();
    return all;
  }

  /** The processes started from this sandbox that are still alive: servers and programs. */
  List<ProcessHandle> leftovers() {
    String marker = root.toString();
    long self = ProcessHandle.current().pid();
    return ProcessHandle.allProcesses()
        .filter(p -> p.pid() != self)
        .filter(p -> p.info().commandLine().map(line -> line.contains(marker)).orElse(false))
        .toList();
  }

  /** The background servers of this sandbox that are alive. */
  List<ProcessHandle> servers() {
    return leftovers().stream()
        .filter(p -> p.info().commandLine().map(line -> line.contains("dev.viasock.Daemon")).orElse(false))
        .toList();
  }

  /** Waits (within a bound) until no process of this sandbox is left; returns whether none is. */
  boolean awaitNoLeftovers(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      if (leftovers().isEmpty()) {
        return true;
      }
      Thread.sleep(50);
    }
    return leftovers().isEmpty();
  }

  /** Stops every server of this sandbox (SIGTERM, then SIGKILL) and anything else it left running. */
  @Override
  public void close() throws InterruptedException {
    for (ProcessHandle server : servers()) {
      server.destroy();
    }
    if (!awaitNoLeftovers(Duration.ofSeconds(20))) {
      List<ProcessHandle> left = leftovers();
      left.forEach(ProcessHandle::destroyForcibly);
      throw new AssertionError("processes left running after the servers were stopped: "
          + left.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList());
    }
  }

  /** What a call printed and how it ended. */
  record Result(int exitStatus, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, UTF_8);
    }

    Result assertSucceeded() {
      assertThat(exitStatus).as("exit status; stderr: %s", stderr).isZero();
      assertThat(stderr).as("stderr").isEmpty();
      return this;
    }
  }

  static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  static String concat(List<String> lines) {
    StringBuilder all = new StringBuilder();
    lines.forEach(line -> all.append(line).append('\n'));
    return all.toString();
  }

  static byte[] readAll(InputStream in) {
    try {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      return all.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
