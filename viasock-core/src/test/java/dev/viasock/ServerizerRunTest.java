package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
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
    java.nio.file.Path info = sandbox.stateDir().resolve(pids.key() + ".info");

    String first = run(pids, "a\n");
    String program = first.substring(0, first.indexOf(' '));
    Object written = awaitInfoNaming(info, program);
    for (int call = 0; call < 5; call++) {
      assertThat(run(pids, "b\n")).isEqualTo(program + " b\n");
    }
    assertThat(identity(info)).as("the info file is written again only when it changes").isEqualTo(written);

    ProcessHandle killed = ProcessHandle.of(Long.parseLong(program)).orElseThrow();
    killed.destroyForcibly();
    killed.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
    String replaced = run(pids, "c\n");
    awaitInfoNaming(info, replaced.substring(0, replaced.indexOf(' ')));
  }

  /** A file's inode and modification time: a file written again differs in one of them. */
  private static Object identity(java.nio.file.Path file) throws java.io.IOException {
    var attributes = java.nio.file.Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class);
    return java.util.List.of(attributes.fileKey(), attributes.lastModifiedTime());
  }

  /** Waits until {@code info} lists {@code pid} as the program; returns the file's identity then. */
  private static Object awaitInfoNaming(java.nio.file.Path info, String pid) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      java.util.Properties properties = new java.util.Properties();
      try (var in = java.nio.file.Files.newBufferedReader(info)) {
        properties.load(in);
      } catch (java.nio.file.NoSuchFileException replacedJustNow) {
        // Read again.
      }
      if (properties.getProperty("programs", "").startsWith(pid + "@")) {
        return identity(info);
      }
      assertThat(System.nanoTime()).as("the info file names program " + pid + ": " + properties).isLessThan(deadline);
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
