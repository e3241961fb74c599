package dev.viasock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behaviour 11: the first (cold) call starts the server and waits only as long as that takes (no fixed
 * sleep); a program that fails at start fails the call with a clear message instead of hanging it; a program
 * that cannot be found or executed fails the call with 127 or 126 before any server is started.
 */
class ColdStartIT {
  @RegisterExtension final Viasock viasock = new Viasock();

  @Test
  void aColdCallOfAProgramThatStartsAtOnceCompletesQuickly() {
    long start = System.nanoTime();
    Viasock.Result result = viasock.run("one\ntwo\n", "run", "cat");
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertThat(result.assertSucceeded().out()).isEqualTo("one\ntwo\n");
    assertThat(elapsed).as("a cold call: client, server and program start").isLessThan(Duration.ofSeconds(5));
    assertThat(viasock.servers()).hasSize(1);
  }

  @Test
  void aColdCallOfAProgramThatFailsAtStartFailsClearlyInsteadOfHanging() throws Exception {
    String program = viasock.script("nomodel.sh", """
        #!/bin/sh
        echo "nomodel.sh: cannot open model.bin: No such file or directory" >&2
        exit 1
        """);

    for (int call = 1; call <= 2; call++) {
      long start = System.nanoTime();
      Viasock.Result result = viasock.run("a\nb\n", "run", program);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

      assertThat(result.out()).as("call %s", call).isEmpty();
      assertThat(result.exitStatus()).as("call %s exit status; stderr: %s", call, result.stderr()).isEqualTo(1);
      assertThat(result.stderr())
          .startsWith("viasock: ")
          .contains("./nomodel.sh")
          .contains("exited with status 1")
          .contains("nomodel.sh: cannot open model.bin: No such file or directory")
          .contains(viasock.stateDir().toString());
      assertThat(elapsed).as("call %s", call).isLessThan(Duration.ofSeconds(15));
    }
  }

  @Test
  void aColdCallOfAProgramThatFailsAtStartWithoutReadingStdinFailsClearly() throws Exception {
    // The program dies before reading, while a large input is still being written to it.
    String program = viasock.script("nomodel.sh", "#!/bin/sh\necho 'nomodel.sh: bad flags' >&2\nexit 2\n");
    StringBuilder input = new StringBuilder();
    for (int i = 0; i < 50_000; i++) {
      input.append("record ").append(i).append('\n');
    }

    Viasock.Result result = viasock.run(input.toString(), "run", program);

    assertThat(result.out()).isEmpty();
    assertThat(result.exitStatus()).as("exit status; stderr: %s", result.stderr()).isEqualTo(1);
    assertThat(result.stderr()).startsWith("viasock: ").contains("exited with status 2").contains("bad flags");
  }

  @Test
  void aProgramThatFailsAtStartIsNotRestartedOverAndOverWhileNoCallNeedsIt() throws Exception {
    String program = viasock.script("slowfail.sh", """
        #!/bin/sh
        sleep 0.3
        echo "slowfail.sh: cannot load the model" >&2
        exit 1
        """);

    Viasock.Result result = viasock.run("a\n", "run", "-W", "3", program);
    assertThat(result.exitStatus()).as("stderr: %s", result.stderr()).isEqualTo(1);
    assertThat(viasock.awaitNoLeftovers(Duration.ofSeconds(20))).as("the server idles out").isTrue();

    // One start for the call (and, at most, one eager replacement for the next caller, plus one for a race).
    List<String> starts = Files.readAllLines(log()).stream().filter(line -> line.contains(" started ")).toList();
    assertThat(starts).as("program starts in the log").hasSizeLessThanOrEqualTo(3);
  }

  @Test
  void aMissingProgramGivesStatus127AndStartsNoServer() {
    Viasock.Result relative = viasock.run("a\n", "run", "./no-such-program");

    assertThat(relative.exitStatus()).isEqualTo(127);
    assertThat(relative.out()).isEmpty();
    assertThat(relative.stderr()).startsWith("viasock: ").contains("not found").contains("./no-such-program");

    Viasock.Result onPath = viasock.run("a\n", "run", "no-such-program-for-viasock");

    assertThat(onPath.exitStatus()).isEqualTo(127);
    assertThat(onPath.stderr()).startsWith("viasock: ").contains("not found").contains("no-such-program-for-viasock");
    assertNoServer();
  }

  @Test
  void aFileThatIsNotExecutableGivesStatus126AndStartsNoServer() throws Exception {
    Path file = viasock.workDir().resolve("plain.sh");
    Files.writeString(file, "#!/bin/sh\ncat\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    Viasock.Result result = viasock.run("a\n", "run", "./plain.sh");

    assertThat(result.exitStatus()).isEqualTo(126);
    assertThat(result.out()).isEmpty();
    assertThat(result.stderr()).startsWith("viasock: ").contains("./plain.sh").contains("cannot be executed");
    assertNoServer();
  }

  @Test
  void aDirectoryAsTheProgramGivesStatus126AndStartsNoServer() throws Exception {
    Files.createDirectories(viasock.workDir().resolve("adir"));

    Viasock.Result result = viasock.run("a\n", "run", "./adir");

    assertThat(result.exitStatus()).isEqualTo(126);
    assertThat(result.stderr()).startsWith("viasock: ").contains("./adir");
    assertNoServer();
  }

  private void assertNoServer() {
    assertThat(viasock.servers()).as("servers").isEmpty();
    assertThat(viasock.leftovers()).as("processes left").isEmpty();
    if (Files.isDirectory(viasock.stateDir())) {
      try (Stream<Path> files = Files.list(viasock.stateDir())) {
        assertThat(files.filter(f -> f.toString().endsWith(".sock")).toList()).as("sockets").isEmpty();
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  private Path log() throws IOException {
    try (Stream<Path> files = Files.list(viasock.stateDir())) {
      List<Path> logs = files.filter(file -> file.getFileName().toString().endsWith(".log")).toList();
      assertThat(logs).as("server logs").hasSize(1);
      return logs.get(0);
    }
  }
}
