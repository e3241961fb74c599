package dev.viasock.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.viasock.Failure;
import dev.viasock.InProcessServer;
import dev.viasock.Serverizer;
import dev.viasock.ViasockException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When reading the caller's input fails, the call fails with {@link Failure#INPUT_FAILED} (exit status 74 of
 * {@code viasock run}), as {@code Failure} and {@code viasock run --help} say.
 */
class InputFailureTest {
  @TempDir Path stateDirectory;
  Serverizer cat;

  @BeforeEach
  void build() {
    cat = Serverizer.builder("cat").stateDirectory(stateDirectory).build();
  }

  @AfterEach
  void stopTheServer() throws Exception {
    cat.stop();
    NothingLeftRunning.check(stateDirectory);
  }

  /** Gives one record, then fails, as reading a directory or a vanished device would. */
  private static InputStream failingAfterOneRecord() {
    return new InputStream() {
      private final byte[] record = "a\n".getBytes(UTF_8);
      private int next;

      @Override
      public int read() throws IOException {
        if (next < record.length) {
          return record[next++];
        }
        throw new IOException("Is a directory");
      }
    };
  }

  @Test
  void inProcessAnInputFailureIsInputFailed() {
    try (InProcessServer server = cat.startInProcess()) {
      assertThatThrownBy(() -> server.run(failingAfterOneRecord(), new ByteArrayOutputStream()))
          .isInstanceOfSatisfying(ViasockException.class,
              e -> assertThat(e.failure()).isEqualTo(Failure.INPUT_FAILED));
    }
  }

  @Test
  void throughAServerAnInputFailureIsInputFailed() {
    assertThatThrownBy(() -> cat.run(failingAfterOneRecord(), new ByteArrayOutputStream()))
        .isInstanceOfSatisfying(ViasockException.class,
            e -> assertThat(e.failure()).isEqualTo(Failure.INPUT_FAILED));
  }
}
