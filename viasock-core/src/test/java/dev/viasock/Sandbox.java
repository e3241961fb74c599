package dev.viasock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

/**
 * A private state directory and working directory for one test, and the reaper of whatever it started:
 * every server it starts carries the sandbox's path on its command line, and so does every program written
 * into it.
 */
final class Sandbox implements AutoCloseable {
  private final Path root;
  private final Path stateDir;
  private final Path workDir;

  Sandbox(Path temp) throws IOException {
    this.root = temp.toRealPath();
    this.stateDir = root.resolve("state");
    this.workDir = Files.createDirectories(root.resolve("work"));
  }

  Path stateDir() {
    return stateDir;
  }

  Path workDir() {
    return workDir;
  }

  /** Writes an executable script into the working directory and returns its absolute path. */
  String script(String name, String body) throws IOException {
    Path file = workDir.resolve(name);
    Files.writeString(file, body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file.toString();
  }

  /** Runs {@code input} (UTF-8) through an in-process server and returns its output. */
  static String run(InProcessServer server, String input) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    server.run(new java.io.ByteArrayInputStream(input.getBytes(java.nio.charset.StandardCharsets.UTF_8)), out);
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A builder for {@code command} that uses this sandbox's directories. */
  Serverizer.Builder serverizer(String... command) {
    return Serverizer.builder(List.of(command)).stateDirectory(stateDir).workingDirectory(workDir);
  }

  List<ProcessHandle> leftovers() {
    String marker = root.toString();
    long self = ProcessHandle.current().pid();
    return ProcessHandle.allProcesses()
        .filter(p -> p.pid() != self)
        .filter(p -> p.info().commandLine().map(line -> line.contains(marker)).orElse(false))
        .toList();
  }

  List<ProcessHandle> servers() {
    return leftovers().stream()
        .filter(p -> p.info().commandLine().map(line -> line.contains("dev.viasock.Daemon")).orElse(false))
        .toList();
  }

  @Override
  public void close() throws InterruptedException {
    servers().forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!leftovers().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    List<ProcessHandle> left = leftovers();
    if (!left.isEmpty()) {
      left.forEach(ProcessHandle::destroyForcibly);
      throw new AssertionError("processes left running: "
          + left.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList());
    }
  }
}
