package dev.viasock.dist;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs a command to its end within a bound, with its output and status. */
final class Processes {
  private static final long BOUND_SECONDS = 120;

  private Processes() {}

  record Result(List<String> command, int status, String stdout, String stderr) {
    void assertOk() {
      assertThat(status).as(toString()).isZero();
    }

    @Override
    public String toString() {
      return command + " exited " + status + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
  }

  static Result run(List<String> command, Path directory, Map<String, String> environment) throws Exception {
    return run(command, directory, environment, "");
  }

  /** Runs {@code command}; an empty value in {@code environment} removes that variable. */
  static Result run(List<String> command, Path directory, Map<String, String> environment, String input)
      throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    environment.forEach((name, value) -> {
      if (value.isEmpty()) {
        builder.environment().remove(name);
      } else {
        builder.environment().put(name, value);
      }
    });
    Process process = builder.start();
    CompletableFuture<byte[]> stdout = drain(process.getInputStream());
    CompletableFuture<byte[]> stderr = drain(process.getErrorStream());
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(input.getBytes(UTF_8));
    }
    if (!process.waitFor(BOUND_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new AssertionError(command + " did not end within " + BOUND_SECONDS + " s");
    }
    return new Result(command, process.exitValue(), new String(stdout.get(), UTF_8), new String(stderr.get(), UTF_8));
  }

  private static CompletableFuture<byte[]> drain(InputStream stream) {
    CompletableFuture<byte[]> bytes = new CompletableFuture<>();
    Thread drainer = new Thread(() -> {
      try (InputStream in = stream) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        bytes.complete(out.toByteArray());
      } catch (IOException e) {
        bytes.completeExceptionally(new UncheckedIOException(e));
      }
    }, "drain-output");
    drainer.setDaemon(true);
    drainer.start();
    return bytes;
  }

  static boolean onPath(String command) {
    return List.of(System.getenv("PATH").split(":")).stream()
        .anyMatch(dir -> Files.isExecutable(Path.of(dir.isEmpty() ? "." : dir, command)));
  }
}
