package dev.viasock.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.viasock.InProcessServer;
import dev.viasock.Serverizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Serverizer.Builder#forwardStderr}: what the program writes on stderr while it serves a call goes to
 * that call's {@code err}. The program here writes its stderr line for each record before it writes the
 * record's answer, so by the time the last answer arrives every stderr line has been written.
 */
class StderrForwardingTest {
  private static final int CALLS = 10;

  @TempDir Path temp;
  Path stateDirectory;
  Serverizer program;

  @BeforeEach
  void writeTheProgram() throws IOException {
    stateDirectory = temp.resolve("state");
    Path script = temp.resolve("err-first");
    Files.writeString(script, "#!/bin/sh\nwhile IFS= read -r l; do echo \"err $l\" >&2; echo \"out $l\"; done\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    program = Serverizer.builder(script.toString()).forwardStderr(true).stateDirectory(stateDirectory).build();
  }

  @AfterEach
  void stopTheServer() throws Exception {
    program.stop();
    NothingLeftRunning.check(stateDirectory);
  }

  @Test
  void throughAServerEveryStderrLineWrittenBeforeTheLastAnswerIsForwarded() {
    for (int call = 0; call < CALLS; call++) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      program.run(new ByteArrayInputStream("b\nc\n".getBytes(UTF_8)), out, err);
      assertThat(out.toString(UTF_8)).isEqualTo("out b\nout c\n");
      assertThat(err.toString(UTF_8)).as("call %d", call).isEqualTo("err b\nerr c\n");
    }
  }

  @Test
  void inProcessEveryStderrLineWrittenBeforeTheLastAnswerIsForwarded() {
    try (InProcessServer server = program.startInProcess()) {
      for (int call = 0; call < CALLS; call++) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        server.run(new ByteArrayInputStream("b\nc\n".getBytes(UTF_8)), out, err);
        assertThat(out.toString(UTF_8)).isEqualTo("out b\nout c\n");
        assertThat(err.toString(UTF_8)).as("call %d", call).isEqualTo("err b\nerr c\n");
      }
    }
  }
}
