package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.viasock.Sandbox;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * What the reliability tests need beyond {@link Viasock}: bounded polling, signals, the program pids a server
 * lists in its {@code <key>.info} file, and calls started in another directory or through a shell.
 */
final class Probes {
  static final Path LAUNCHER =
      Path.of(System.getProperty("viasock.launcher", "../bin/viasock")).toAbsolutePath().normalize();
  /** The system python: reachable by every user (a pyenv shim under /root is not) and quick to start. */
  static final String PYTHON = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

  private Probes() {}

  /** Polls {@code condition} every 20 ms until it holds; fails with {@code what} once {@code bound} has passed. */
  static void await(Duration bound, BooleanSupplier condition, Supplier<String> what) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + bound + ": " + what.get());
      }
      Thread.sleep(20);
    }
  }

  /** Whether the process has ended; a zombie has (see {@link Sandbox#gone}). */
  static boolean gone(long pid) {
    return Sandbox.gone(pid);
  }

  static void awaitGone(long pid, Duration bound, String what) throws InterruptedException {
    await(bound, () -> gone(pid), () -> what + " (pid " + pid + ") is still running");
  }

  /** Sends a signal with kill(1): {@code name} as kill takes it, like {@code INT} or {@code TERM}. */
  static void signal(long pid, String name) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).redirectErrorStream(true).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new AssertionError("kill -" + name + " " + pid + " failed: " + new String(kill.getInputStream().readAllBytes(), UTF_8));
    }
  }

  /** The one file in the state directory whose name ends with {@code suffix}, if exactly one exists. */
  static Optional<Path> onlyFile(Path stateDir, String suffix) {
    if (!Files.isDirectory(stateDir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(stateDir)) {
      List<Path> matching = files.filter(f -> f.getFileName().toString().endsWith(suffix)).toList();
      return matching.size() == 1 ? Optional.of(matching.get(0)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The names of the files in the state directory. */
  static List<String> stateFiles(Path stateDir) {
    if (!Files.isDirectory(stateDir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(stateDir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The program pids that the server's {@code <key>.info} file lists (empty when there is no such file). */
  static List<Long> programPids(Path info) {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(info)) {
      properties.load(in);
    } catch (IOException e) {
      return List.of();
    }
    List<Long> pids = new ArrayList<>();
    for (String entry : properties.getProperty("programs", "").split(",")) {
      if (!entry.isEmpty()) {
        pids.add(Long.parseLong(entry.substring(0, entry.indexOf('@'))));
      }
    }
    return pids;
  }

  /**
   * Makes sure the launcher's class-data archive exists, by one call in a sandbox of its own. Until it does,
   * bin/viasock runs java as a child (to write the archive) instead of exec'ing it, so that a launcher's pid
   * is not the client JVM's, and cold client JVMs are slow.
   */
  static void warmUp(Path directory) throws Exception {
    Files.createDirectories(directory);
    try (Viasock warm = new Viasock(directory)) {
      warm.run("warm\n", "run", "cat").assertSucceeded();
    }
  }

  /**
   * Waits until the launcher has exec'd the client (the client JVM, or the native client when it serves the
   * call itself), so that the process's pid is the client's and signals reach it.
   */
  static void awaitJvm(Process process) throws InterruptedException {
    await(Duration.ofSeconds(10),
        () -> !process.isAlive() || process.info().command().map(Probes::isClient).orElse(false),
        () -> "the launcher (pid " + process.pid() + ") did not exec a client: " + process.info().commandLine().orElse("?"));
    if (!process.isAlive()) {
      throw new AssertionError("the call ended before the test could signal it");
    }
  }

  private static boolean isClient(String command) {
    return command.endsWith("/java") || command.endsWith("/viasock-client");
  }

  /** A server's open descriptors, threads and resident memory, from /proc. */
  record Sample(long fds, long threads, long rssKib) {
    static Sample of(long pid) throws IOException {
      long fds;
      try (var entries = Files.list(Path.of("/proc/" + pid + "/fd"))) {
        fds = entries.count();
      }
      long threads = 0;
      long rss = 0;
      for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
        if (line.startsWith("Threads:")) {
          threads = Long.parseLong(line.replaceAll("\\D", ""));
        } else if (line.startsWith("VmRSS:")) {
          rss = Long.parseLong(line.replaceAll("\\D", ""));
        }
      }
      return new Sample(fds, threads, rss);
    }
  }

  /** Starts {@code command} in {@code directory} with the sandbox's state directory. */
  static Call start(Viasock viasock, Path directory, List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.environment().put("VIASOCK_DIR", viasock.stateDir().toString());
    try {
      return new Call(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Starts {@code viasock ARGS} through {@link Viasock#start}, draining its output at once. */
  static Call start(Viasock viasock, String... args) {
    return new Call(viasock.start(args));
  }

  /** A running process whose stdout and stderr are drained as they come. */
  static final class Call {
    final Process process;
    final CompletableFuture<byte[]> out;
    final CompletableFuture<byte[]> err;
    private final LineWatcher watcher;

    Call(Process process) {
      this.process = process;
      this.watcher = new LineWatcher(process.getInputStream());
      this.out = watcher.all;
      this.err = Viasock.drain(process.getErrorStream());
    }

    long pid() {
      return process.pid();
    }

    /** Writes {@code input} on a thread of its own, then closes stdin unless {@code keepOpen}. */
    Call feed(byte[] input, boolean keepOpen) {
      Thread writer = new Thread(() -> {
        try {
          OutputStream in = process.getOutputStream();
          in.write(input);
          in.flush();
          if (!keepOpen) {
            in.close();
          }
        } catch (IOException e) {
          // The call may end before it takes all of its input.
        }
      }, "test-feed");
      writer.setDaemon(true);
      writer.start();
      return this;
    }

    Call feed(String input) {
      return feed(input.getBytes(UTF_8), false);
    }

    Call feed(String input, boolean keepOpen) {
      return feed(input.getBytes(UTF_8), keepOpen);
    }

    /** Waits until at least {@code lines} output lines have arrived. */
    void awaitLines(int lines, Duration bound) throws InterruptedException {
      await(bound, () -> watcher.lines() >= lines || out.isDone(),
          () -> "only " + watcher.lines() + " lines of output arrived");
      if (watcher.lines() < lines) {
        throw new AssertionError("the call ended after " + watcher.lines() + " lines: " + finish(Duration.ofSeconds(5)));
      }
    }

    /** Waits for the end (within {@code bound}, else kills it and fails) and gives what it printed. */
    Viasock.Result finish(Duration bound) {
      try {
        if (!process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new AssertionError("the call (pid " + process.pid() + ") did not end within " + bound);
        }
        return new Viasock.Result(
            process.exitValue(), out.get(10, TimeUnit.SECONDS), new String(err.get(10, TimeUnit.SECONDS), UTF_8));
      } catch (AssertionError e) {
        throw e;
      } catch (Exception e) {
        throw new AssertionError("the call (pid " + process.pid() + ") failed to run", e);
      }
    }
  }

  /** Reads a stream to its end on a thread of its own, counting the lines so far. */
  private static final class LineWatcher {
    final CompletableFuture<byte[]> all = new CompletableFuture<>();
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    private int lines;

    LineWatcher(InputStream in) {
      Thread reader = new Thread(() -> {
        byte[] buffer = new byte[1 << 16];
        try (in) {
          int read;
          while ((read = in.read(buffer)) >= 0) {
            synchronized (this) {
              bytes.write(buffer, 0, read);
              for (int i = 0; i < read; i++) {
                lines += buffer[i] == '\n' ? 1 : 0;
              }
            }
          }
          synchronized (this) {
            all.complete(bytes.toByteArray());
          }
        } catch (IOException e) {
          all.completeExceptionally(e);
        }
      }, "test-watch");
      reader.setDaemon(true);
      reader.start();
    }

    synchronized int lines() {
      return lines;
    }
  }
}
