package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.viasock.Sandbox;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code bin/viasock} launcher, as a user would, in a {@link Sandbox} of its own: a private state
 * directory and a working directory under a fresh directory. Every process that a test starts through it
 * carries the sandbox's path on its command line (the servers through {@code --state-dir}, the test programs
 * through their path), which is how the sandbox finds, and fails the test for, anything left behind.
 *
 * <p>The easy way: <pre>{@code @RegisterExtension final Viasock viasock = new Viasock();}</pre> makes the
 * sandbox before each test and checks and removes it after; {@code new Viasock(directory)} with a
 * {@code close()} of the caller's works too.
 */
final class Viasock extends Sandbox {
  static final Duration CALL_BOUND = Duration.ofSeconds(60);
  private static final Path LAUNCHER = Path.of(System.getProperty("viasock.launcher", "../bin/viasock")).toAbsolutePath().normalize();

  private final Map<String, String> environment = new HashMap<>();
  private final java.util.Set<String> removed = new java.util.HashSet<>();

  /** A sandbox made before each test and checked after it: register it with {@code @RegisterExtension}. */
  Viasock() {}

  /** A sandbox under {@code root}, which must be a fresh temporary directory; {@link #close()} it. */
  Viasock(Path root) throws IOException {
    super(root);
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
   * @return its name relative to the working directory, as {@code ./name}: the name the CLI's messages quote
   */
  @Override
  public String script(String name, String body) throws IOException {
    writeScript(name, body);
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
    ProcessBuilder builder = new ProcessBuilder(command).directory(workDir().toFile());
    builder.environment().put("VIASOCK_DIR", stateDir().toString());
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
