package dev.viasock.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.viasock.Serverizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Serverizer#stop()} returns the stopped server's status whenever a server was running. */
class StopAnswerTest {
  private static final int ROUNDS = 40;

  @TempDir Path stateDirectory;
  Serverizer cat;

  @AfterEach
  void nothingLeft() throws Exception {
    if (cat != null) {
      cat.stop();
    }
    NothingLeftRunning.check(stateDirectory);
  }

  @Test
  void everyStopOfARunningServerReturnsItsStatus() {
    cat = Serverizer.builder("cat").stateDirectory(stateDirectory).build();
    for (int round = 0; round < ROUNDS; round++) {
      cat.run(new ByteArrayInputStream(new byte[] {'a', '\n'}), new ByteArrayOutputStream());
      assertThat(cat.status()).as("round %d: running", round).isPresent();
      assertThat(cat.stop()).as("round %d: stop() answered", round).isPresent();
    }
  }
}
