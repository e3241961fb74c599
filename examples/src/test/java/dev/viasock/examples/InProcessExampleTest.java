package dev.viasock.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.viasock.InProcessServer;
import dev.viasock.Serverizer;
import dev.viasock.Session;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Serverizer#startInProcess()}: the program kept alive by this JVM, with no background server and no
 * socket, for a JVM that lives long anyway (a build daemon, a test suite). The try-with-resources block is
 * the program's lifetime.
 */
class InProcessExampleTest {
  @TempDir Path temp;

  @AfterEach
  void nothingLeftRunning() throws Exception {
    NothingLeftRunning.check();
  }

  private static String run(InProcessServer server, String input) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    server.run(new ByteArrayInputStream(input.getBytes(UTF_8)), out);
    return out.toString(UTF_8);
  }

  @Test
  void theProgramLivesForTheTryBlock() {
    Path stateDirectory = temp.resolve("state");
    Serverizer upcase = Serverizer.builder("./slow-upcase").stateDirectory(stateDirectory).build();

    try (InProcessServer server = upcase.startInProcess()) {
      assertThat(run(server, "first call\n")).isEqualTo("FIRST CALL\n"); //  waits for the start-up
      assertThat(run(server, "second call\nand more\n")).isEqualTo("SECOND CALL\nAND MORE\n"); // does not
      try (Session session = server.openSession()) {
        assertThat(session.call("one record\n".getBytes(UTF_8))).isEqualTo("ONE RECORD\n".getBytes(UTF_8));
      }
    } // close() stops the program

    assertThat(stateDirectory).as("no server, no socket, no state directory").doesNotExist();
    assertThat(upcase.status()).as("and no background server").isEmpty();
  }
}
