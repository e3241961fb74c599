package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What the integration tests need beyond {@link Viasock}: shell pipelines around the real launcher (run as
 * {@code sh -c SCRIPT}, with {@code $VIASOCK} naming the launcher), and reading a running call's output one
 * line at a time, with a bound.
 */
final class CliProcesses {
  static final Path LAUNCHER =
      Path.of(System.getProperty("viasock.launcher", "../bin/viasock")).toAbsolutePath().normalize();

  private CliProcesses() {}

  /** The environment of a pipeline in {@code viasock}'s sandbox: its state directory and {@code $VIASOCK}. */
  static Map<String, String> environment(Viasock viasock) {
    Map<String, String> environment = new HashMap<>();
    environment.put("VIASOCK_DIR", viasock.stateDir().toString());
    environment.put("VIASOCK", LAUNCHER.toString());
    return environment;
  }

  /** How a pipeline ended, and how long it took until it had exited and closed both of its streams. */
  record Outcome(int exitStatus, byte[] stdout, String stderr, Duration elapsed) {
    String out() {
      return new String(stdout, UTF_8);
    }
  }

  /**
   * Runs {@code sh -c script} in {@code directory} with stdin from /dev/null, and waits, within {@code bound},
   * until it has exited AND its stdout and stderr have reached their end (a process that inherited them, such
   * as a server that did not let go of them, keeps them open).
   *
   * @param environment added to this JVM's environment; a null value removes the variable
   */
  static Outcome shell(Path directory, Map<String, String> environment, String script, Duration bound) {
    ProcessBuilder builder =
        new ProcessBuilder("sh", "-c", script)
            .directory(directory.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    environment.forEach((name, value) -> {
      if (value == null) {
        builder.environment().remove(name);
      } else {
        builder.environment().put(name, value);
      }
    });
    long start = System.nanoTime();
    long deadline = start + bound.toNanos();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    CompletableFuture<byte[]> out = Viasock.drain(process.getInputStream());
    CompletableFuture<byte[]> err = Viasock.drain(process.getErrorStream());
    try {
      if (!process.waitFor(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("sh -c '" + script + "' did not end within " + bound);
      }
      byte[] stdout;
      String stderr;
      try {
        stdout = out.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        stderr = new String(err.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS), UTF_8);
      } catch (TimeoutException e) {
        throw new AssertionError("sh -c '" + script + "' exited with status " + process.exitValue()
            + ", but its stdout or stderr was still open " + bound + " after it started: another process holds it");
      }
      return new Outcome(process.exitValue(), stdout, stderr, Duration.ofNanos(System.nanoTime() - start));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new AssertionError("interrupted", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("reading the output of sh -c '" + script + "' failed", e);
    }
  }

  /** Reads a stream line by line on a thread of its own, so that a test can wait for one line with a bound. */
  static final class Lines {
    private static final String END = new String("end of stream");
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

    Lines(InputStream in) {
      Thread reader = new Thread(() -> {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        try (in) {
          int b;
          while ((b = in.read()) >= 0) {
            if (b == '\n') {
              lines.add(line.toString(UTF_8));
              line.reset();
            } else {
              line.write(b);
            }
          }
          if (line.size() > 0) {
            lines.add(line.toString(UTF_8) + "<no newline>");
          }
        } catch (IOException e) {
          lines.add("<read failed: " + e + ">");
        } finally {
          lines.add(END);
        }
      }, "test-lines");
      reader.setDaemon(true);
      reader.start();
    }

    /** The next line (without its newline); fails when none comes within {@code bound} or the stream ended. */
    String next(Duration bound) throws InterruptedException {
      String line = lines.poll(bound.toMillis(), TimeUnit.MILLISECONDS);
      if (line == null) {
        throw new AssertionError("no line came within " + bound);
      }
      if (line == END) {
        lines.add(END);
        throw new AssertionError("the stream ended where a line was expected");
      }
      return line;
    }

    /** Waits (within {@code bound}) for the stream's end; fails if a line comes instead. */
    void awaitEnd(Duration bound) throws InterruptedException {
      String line = lines.poll(bound.toMillis(), TimeUnit.MILLISECONDS);
      if (line == null) {
        throw new AssertionError("the stream did not end within " + bound);
      }
      if (line != END) {
        throw new AssertionError("expected the end of the stream, got the line '" + line + "'");
      }
    }
  }
}
