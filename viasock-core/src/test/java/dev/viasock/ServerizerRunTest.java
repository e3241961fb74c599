package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link Serverizer#run} from Java, against real programs and a real background server. */
class ServerizerRunTest {
  @RegisterExtension final Sandbox sandbox = new Sandbox();

  private static String run(Serverizer serverizer, String input) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    serverizer.run(new ByteArrayInputStream(input.getBytes(UTF_8)), out);
    return out.toString(UTF_8);
  }

  @Test
  void runStreamsEveryRecordThroughTheProgram() {
    Serverizer cat = sandbox.serverizer("cat").build();

    assertThat(run(cat, "one\ntwo\n")).isEqualTo("one\ntwo\n");
  }

  @Test
  void callsFromOneServerizerShareOneProgramProcess() throws Exception {
    Serverizer pids =
        sandbox.serverizer(sandbox.script("pid.sh", "#!/bin/sh\nwhile IFS= read -r l; do echo \"$$ $l\"; done\n"))
            .build();

    String first = run(pids, "a\n");
    String second = run(pids, "b\n");

    String pid = first.substring(0, first.indexOf(' '));
    assertThat(second).isEqualTo(pid + " b\n");
    assertThat(sandbox.servers()).hasSize(1);
  }

  @Test
  void programFailureIsAViasockExceptionThatNamesTheExitStatusAndTheLog() throws Exception {
    Serverizer crash =
        sandbox.serverizer(sandbox.script("crash.sh", "#!/bin/sh\nread l\necho 'model missing' >&2\nexit 3\n"))
            .build();

    assertThatThrownBy(() -> run(crash, "a\n"))
        .isInstanceOfSatisfying(ViasockException.class, e -> {
          assertThat(e.failure()).isEqualTo(Failure.PROGRAM_FAILED);
          assertThat(e.getMessage())
              .startsWith("viasock: ")
              .contains("exited with status 3")
              .contains("model missing")
              .contains(crash.logFile().toString());
        });
  }

  @Test
  void theInfoFileFollowsTheProgramsAndCallsDoNotRewriteIt() throws Exception {
    Serverizer pids =
        sandbox.serverizer(sandbox.script("pid.sh", "#!/bin/sh\nwhile IFS= read -r l; do echo \"$$ $l\"; done\n"))
            .build();
    Path info = sandbox.stateDir().resolve(pids.key() + ".info");

    String first = run(pids, "a\n");
    String program = first.substring(0, first.indexOf(' '));
    awaitInfo(info, program::equals);
    Object written = identity(info);
    for (int call = 0; call < 5; call++) {
      assertThat(run(pids, "b\n")).isEqualTo(program + " b\n");
    }
    assertThat(identity(info)).as("the info file is written again only when it changes").isEqualTo(written);

    // A program that had answered is replaced at once; the info file names its successor, which serves.
    ProcessHandle.of(Long.parseLong(program)).orElseThrow().destroyForcibly();
    String successor = awaitInfo(info, pid -> !pid.isEmpty() && !pid.equals(program));
    assertThat(run(pids, "c\n")).isEqualTo(successor + " c\n");
  }

  /** A file's inode and modification time: a file written again differs in one of them. */
  private static Object identity(Path file) throws IOException {
    BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
    return List.of(attributes.fileKey(), attributes.lastModifiedTime());
  }

  /** Waits until the pid of the program that {@code info} lists is {@code expected}; returns it. */
  private static String awaitInfo(Path info, Predicate<String> expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      Properties properties = new Properties();
      try (Reader in = Files.newBufferedReader(info)) {
        properties.load(in);
      } catch (NoSuchFileException replacedJustNow) {
        // Read it again.
      }
      String programs = properties.getProperty("programs", "");
      String pid = programs.contains("@") ? programs.substring(0, programs.indexOf('@')) : "";
      if (expected.test(pid)) {
        return pid;
      }
      assertThat(System.nanoTime()).as("the info file's programs: " + properties).isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  @Test
  void idleServerStopsAndRemovesItsFiles() throws Exception {
    // Not much shorter: under load, the call may connect a second after the server said it was ready.
    Serverizer cat = sandbox.serverizer("cat").serverTimeout(Duration.ofSeconds(2)).build();
    String key = cat.key();

    assertThat(run(cat, "x\n")).isEqualTo("x\n");

    assertThat(sandbox.awaitNoLeftovers(Duration.ofSeconds(15))).as("the server and cat ended").isTrue();
    assertThat(sandbox.stateDir().resolve(key + ".sock")).doesNotExist();
    assertThat(sandbox.stateDir().resolve(key + ".lock")).doesNotExist();
    assertThat(sandbox.stateDir().resolve(key + ".info")).doesNotExist();
  }

  @Test
  void missingProgramFailsWhenBuilt() {
    assertThatThrownBy(() -> sandbox.serverizer("no-such-program-anywhere").build())
        .isInstanceOfSatisfying(ViasockException.class, e -> assertThat(e.failure()).isEqualTo(Failure.NOT_FOUND));
  }

  @Test
  void builderNamesTheBadValue() {
    assertThatThrownBy(() -> Serverizer.builder("cat").inputTerminator("(["))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'(['");
    assertThatThrownBy(() -> Serverizer.builder("cat").workers(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0");
  }
}
