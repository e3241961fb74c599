package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behaviour 2: the server that serves a call is chosen by a key made of the working directory, the program
 * (resolved through PATH), its arguments, the modification time and size of every file an argument names
 * (the value of {@code --opt=FILE} too) and the framing and timeout options. A call whose key differs gets
 * a server, and so a program process, of its own; a server whose key no longer holds stops once idle.
 */
class KeyIT {
  /** The server checks its key once a second; it should be gone well within this. */
  private static final Duration STALE_SERVER_BOUND = Duration.ofSeconds(5);

  @RegisterExtension final Viasock viasock = new Viasock();
  String program;

  @BeforeEach
  void setUp() throws Exception {
    program = viasock.script("pid.sh", "#!/bin/sh\nwhile IFS= read -r line; do echo \"$$ $line\"; done\n");
  }

  @Test
  void touchingAFileNamedByAnArgumentGivesANewProgram() throws Exception {
    Path data = Files.writeString(viasock.workDir().resolve("data.txt"), "some data\n");

    String first = pidOf(viasock.run("a\n", "run", program, "data.txt").assertSucceeded(), "a");
    String again = pidOf(viasock.run("b\n", "run", program, "data.txt").assertSucceeded(), "b");
    touch(data);
    String afterTouch = pidOf(viasock.run("c\n", "run", program, "data.txt").assertSucceeded(), "c");

    assertThat(again).as("same file, same server").isEqualTo(first);
    assertThat(afterTouch).as("the file's mtime changed").isNotEqualTo(first);
  }

  @Test
  void changingTheSizeOfAFileNamedByAnArgumentGivesANewProgram() throws Exception {
    Path data = Files.writeString(viasock.workDir().resolve("data.txt"), "some data\n");
    FileTime mtime = Files.getLastModifiedTime(data);

    String first = pidOf(viasock.run("a\n", "run", program, "data.txt").assertSucceeded(), "a");
    Files.writeString(data, "some more data\n");
    Files.setLastModifiedTime(data, mtime);
    String afterEdit = pidOf(viasock.run("b\n", "run", program, "data.txt").assertSucceeded(), "b");

    assertThat(afterEdit).as("the file's size changed (same mtime)").isNotEqualTo(first);
  }

  @Test
  void creatingOrRemovingAFileNamedByAnArgumentGivesANewProgram() throws Exception {
    Path data = viasock.workDir().resolve("later.txt");

    String missing = pidOf(viasock.run("a\n", "run", program, "later.txt").assertSucceeded(), "a");
    Files.writeString(data, "now here\n");
    String created = pidOf(viasock.run("b\n", "run", program, "later.txt").assertSucceeded(), "b");
    Files.delete(data);
    String removed = pidOf(viasock.run("c\n", "run", program, "later.txt").assertSucceeded(), "c");

    assertThat(created).as("the file appeared").isNotEqualTo(missing);
    assertThat(removed).as("the file went away").isNotEqualTo(created);
  }

  @Test
  void touchingTheFileOfAnOptionWithEqualsGivesANewProgram() throws Exception {
    Path model = Files.writeString(viasock.workDir().resolve("model.bin"), "weights\n");

    String first = pidOf(viasock.run("a\n", "run", program, "--model=model.bin").assertSucceeded(), "a");
    String again = pidOf(viasock.run("b\n", "run", program, "--model=model.bin").assertSucceeded(), "b");
    touch(model);
    String afterTouch = pidOf(viasock.run("c\n", "run", program, "--model=model.bin").assertSucceeded(), "c");

    assertThat(again).as("same model, same server").isEqualTo(first);
    assertThat(afterTouch).as("the model's mtime changed").isNotEqualTo(first);
  }

  @Test
  void editingTheProgramGivesANewProgram() throws Exception {
    String versioned = viasock.script("versioned.sh", versionedScript("v1"));

    Viasock.Result first = viasock.run("a\n", "run", versioned).assertSucceeded();
    String pid = pidOf(first, "v1 a");
    viasock.script("versioned.sh", versionedScript("v2"));
    Path script = viasock.workDir().resolve("versioned.sh");
    Files.setLastModifiedTime(script, FileTime.fromMillis(Files.getLastModifiedTime(script).toMillis() + 10_000));
    Viasock.Result second = viasock.run("b\n", "run", versioned).assertSucceeded();

    String newPid = pidOf(second, "v2 b");
    assertThat(newPid).isNotEqualTo(pid);
  }

  @Test
  void eachFramingOrTimeoutOptionGivesAServerOfItsOwn() {
    List<List<String>> variants =
        List.of(
            List.of(),
            // Each variant behaves like the plain call on one-line records; only the option differs.
            List.of("-t", "^"),
            List.of("-T", "^"),
            List.of("-w", "30"),
            List.of("-W", "30"));
    List<String> pids = new ArrayList<>();
    for (List<String> options : variants) {
      List<String> args = new ArrayList<>(List.of("run"));
      args.addAll(options);
      args.add(program);
      pids.add(pidOf(viasock.run(Viasock.bytes("x\n"), args).assertSucceeded(), "x"));
    }
    // The same options again reach the same servers.
    for (int i = 0; i < variants.size(); i++) {
      List<String> args = new ArrayList<>(List.of("run"));
      args.addAll(variants.get(i));
      args.add(program);
      assertThat(pidOf(viasock.run(Viasock.bytes("y\n"), args).assertSucceeded(), "y"))
          .as("again with options %s", variants.get(i))
          .isEqualTo(pids.get(i));
    }

    assertThat(pids).as("one program per set of options").doesNotHaveDuplicates();
    assertThat(viasock.servers()).hasSize(variants.size());
  }

  @Test
  void updatingAProgramFoundThroughPathGivesANewServer() throws Exception {
    Path bin = Files.createDirectories(viasock.root().resolve("bin"));
    Path tool = writeExecutable(bin.resolve("vs-tool"), versionedScript("v1"));
    viasock.env("PATH", bin + ":" + System.getenv("PATH"));

    String first = pidOf(viasock.run("a\n", "run", "vs-tool").assertSucceeded(), "v1 a");
    String again = pidOf(viasock.run("b\n", "run", "vs-tool").assertSucceeded(), "v1 b");
    writeExecutable(tool, versionedScript("v2"));
    touch(tool);
    String updated = pidOf(viasock.run("c\n", "run", "vs-tool").assertSucceeded(), "v2 c");

    assertThat(again).isEqualTo(first);
    assertThat(updated).isNotEqualTo(first);
  }

  @Test
  void anotherPathThatFindsAnotherProgramOfTheSameNameGivesAnotherServer() throws Exception {
    Path one = Files.createDirectories(viasock.root().resolve("one"));
    Path two = Files.createDirectories(viasock.root().resolve("two"));
    writeExecutable(one.resolve("vs-tool"), versionedScript("one"));
    writeExecutable(two.resolve("vs-tool"), versionedScript("two"));

    viasock.env("PATH", one + ":" + two + ":" + System.getenv("PATH"));
    String first = pidOf(viasock.run("a\n", "run", "vs-tool").assertSucceeded(), "one a");
    viasock.env("PATH", two + ":" + one + ":" + System.getenv("PATH"));
    String second = pidOf(viasock.run("b\n", "run", "vs-tool").assertSucceeded(), "two b");

    assertThat(second).isNotEqualTo(first);
  }

  @Test
  void aDifferentWorkingDirectoryGivesADifferentServer() throws Exception {
    Path bin = Files.createDirectories(viasock.root().resolve("bin"));
    writeExecutable(bin.resolve("vs-where"), "#!/bin/sh\nwhile IFS= read -r line; do echo \"$$ $(pwd) $line\"; done\n");
    String path = bin + ":" + System.getenv("PATH");
    viasock.env("PATH", path);
    Path other = Files.createDirectories(viasock.root().resolve("other"));

    String here = viasock.run("a\n", "run", "vs-where").assertSucceeded().out();
    String there = runIn(other, path, "b\n", "run", "vs-where").assertSucceeded().out();
    String hereAgain = viasock.run("c\n", "run", "vs-where").assertSucceeded().out();

    String herePid = here.substring(0, here.indexOf(' '));
    String therePid = there.substring(0, there.indexOf(' '));
    assertThat(here).isEqualTo(herePid + " " + viasock.workDir() + " a\n");
    assertThat(there).isEqualTo(therePid + " " + other + " b\n");
    assertThat(hereAgain).isEqualTo(herePid + " " + viasock.workDir() + " c\n");
    assertThat(therePid).isNotEqualTo(herePid);
    assertThat(viasock.servers()).hasSize(2);
  }

  @Test
  void theOldServerStopsOnceItsKeyNoLongerHolds() throws Exception {
    Path data = Files.writeString(viasock.workDir().resolve("data.txt"), "some data\n");

    String oldPid = pidOf(viasock.run("a\n", "run", program, "data.txt").assertSucceeded(), "a");
    List<ProcessHandle> oldServers = viasock.servers();
    assertThat(oldServers).hasSize(1);
    ProcessHandle oldServer = oldServers.get(0);
    ProcessHandle oldProgram = ProcessHandle.of(Long.parseLong(oldPid)).orElseThrow();

    touch(data);
    String newPid = pidOf(viasock.run("b\n", "run", program, "data.txt").assertSucceeded(), "b");
    assertThat(newPid).isNotEqualTo(oldPid);

    // The old server is idle (default -W is 15 s), so only its key check can end it this soon.
    assertThat(awaitGone(oldServer, STALE_SERVER_BOUND)).as("old server %s gone", oldServer.pid()).isTrue();
    assertThat(awaitGone(oldProgram, STALE_SERVER_BOUND)).as("old program %s gone", oldPid).isTrue();
    List<ProcessHandle> servers = viasock.servers();
    assertThat(servers).hasSize(1);
    assertThat(servers.get(0).pid()).isNotEqualTo(oldServer.pid());
    // The old server shared its key (the files' names) with its successor, and left the successor's files.
    try (var files = Files.list(viasock.stateDir())) {
      assertThat(files.map(f -> f.getFileName().toString()).filter(n -> !n.endsWith(".jsa") && !n.endsWith(".tmp")))
          .as("the successor's files")
          .anyMatch(n -> n.endsWith(".sock"))
          .anyMatch(n -> n.endsWith(".lock"))
          .anyMatch(n -> n.endsWith(".log"))
          .anyMatch(n -> n.endsWith(".info"));
    }
    assertThat(Probes.onlyFile(viasock.stateDir(), ".info").map(Probes::programPids).orElseThrow())
        .as("the .info describes the successor's program")
        .containsExactly(Long.parseLong(newPid));
    assertThat(pidOf(viasock.run("c\n", "run", program, "data.txt").assertSucceeded(), "c"))
        .as("the new server still serves with its program")
        .isEqualTo(newPid);
  }

  @Test
  void aStaleServerFinishesTheCallItIsServingBeforeItStops() throws Exception {
    Path data = Files.writeString(viasock.workDir().resolve("data.txt"), "some data\n");
    String oldPid = pidOf(viasock.run("a\n", "run", program, "data.txt").assertSucceeded(), "a");
    ProcessHandle oldServer = viasock.servers().get(0);

    // A call that holds the old server while its key goes stale.
    Process held = viasock.start("run", program, "data.txt");
    CompletableFuture<byte[]> heldErr = Viasock.drain(held.getErrorStream());
    OutputStream heldIn = held.getOutputStream();
    heldIn.write("b\n".getBytes(UTF_8));
    heldIn.flush();
    // Its first answer shows that it is connected to the old server before the key changes.
    String firstAnswer = readLine(held.getInputStream());
    assertThat(firstAnswer).isEqualTo(oldPid + " b\n");
    CompletableFuture<byte[]> heldOut = Viasock.drain(held.getInputStream());
    touch(data);
    String newPid = pidOf(viasock.run("c\n", "run", program, "data.txt").assertSucceeded(), "c");
    assertThat(newPid).isNotEqualTo(oldPid);
    // Once its key check has seen the change, the old server still runs: it has a client.
    assertThat(awaitLogLine("stops accepting: its key no longer holds", STALE_SERVER_BOUND))
        .as("the old server noticed that its key no longer holds")
        .isTrue();
    assertThat(oldServer.isAlive()).as("old server alive while its call is open").isTrue();
    assertThat(awaitGone(oldServer, Duration.ofMillis(500))).as("old server stopped mid-call").isFalse();

    heldIn.write("d\n".getBytes(UTF_8));
    heldIn.close();
    assertThat(held.waitFor(Viasock.CALL_BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(new String(heldErr.get(10, TimeUnit.SECONDS), UTF_8)).isEmpty();
    assertThat(held.exitValue()).isZero();
    assertThat(new String(heldOut.get(10, TimeUnit.SECONDS), UTF_8)).isEqualTo(oldPid + " d\n");
    assertThat(awaitGone(oldServer, STALE_SERVER_BOUND)).as("old server gone once idle").isTrue();
  }

  /** The pid that the program printed before {@code line}, checking that the output is exactly that line. */
  private static String pidOf(Viasock.Result result, String line) {
    String out = result.out();
    assertThat(out).matches("[0-9]+ \\Q" + line + "\\E\n");
    return out.substring(0, out.indexOf(' '));
  }

  /** Reads one line, byte by byte, so that nothing after it is consumed. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      line.write(b);
      if (b == '\n') {
        break;
      }
    }
    return line.toString(UTF_8);
  }

  private static String versionedScript(String version) {
    return "#!/bin/sh\nwhile IFS= read -r line; do echo \"$$ " + version + " $line\"; done\n";
  }

  private static void touch(Path file) throws IOException {
    FileTime mtime = Files.getLastModifiedTime(file);
    Files.setLastModifiedTime(file, FileTime.fromMillis(mtime.toMillis() + 10_000));
  }

  private static Path writeExecutable(Path file, String body) throws IOException {
    Files.writeString(file, body);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
    return file;
  }

  private static boolean awaitGone(ProcessHandle process, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return true;
      }
      Thread.sleep(50);
    }
    return !process.isAlive();
  }

  /** Waits (within a bound) until a server log in the state directory contains {@code text}. */
  private boolean awaitLogLine(String text, Duration bound) throws Exception {
    long deadline = System.nanoTime() + bound.toNanos();
    do {
      try (Stream<Path> files = Files.list(viasock.stateDir())) {
        for (Path log : files.filter(file -> file.toString().endsWith(".log")).toList()) {
          if (Files.readString(log).contains(text)) {
            return true;
          }
        }
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    return false;
  }

  /**
   * Runs {@code viasock ARGS} as {@link Viasock#run} does, with this sandbox's state directory and the given
   * PATH, but in another working directory.
   */
  private Viasock.Result runIn(Path directory, String path, String stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("viasock.launcher", "../bin/viasock")).toAbsolutePath().normalize().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile());
    builder.environment().put("VIASOCK_DIR", viasock.stateDir().toString());
    builder.environment().put("PATH", path);
    Process process = builder.start();
    CompletableFuture<byte[]> out = Viasock.drain(process.getInputStream());
    CompletableFuture<byte[]> err = Viasock.drain(process.getErrorStream());
    try (OutputStream in = process.getOutputStream()) {
      in.write(stdin.getBytes(UTF_8));
    }
    assertThat(process.waitFor(Viasock.CALL_BOUND.toSeconds(), TimeUnit.SECONDS)).as("call ended").isTrue();
    return new Viasock.Result(
        process.exitValue(), out.get(10, TimeUnit.SECONDS), new String(err.get(10, TimeUnit.SECONDS), UTF_8));
  }
}
