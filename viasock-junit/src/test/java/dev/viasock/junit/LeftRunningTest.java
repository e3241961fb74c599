package dev.viasock.junit;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The check behind "nothing is left running": real processes that end, and one that does not. */
class LeftRunningTest {
  @Test
  void processesThatEndWithinTheBoundPass() throws Exception {
    Process quick = new ProcessBuilder("sh", "-c", "sleep 0.2").start();
    assertThatCode(() -> LeftRunning.check(List.of(quick.toHandle()), "the program", Duration.ofSeconds(10)))
        .doesNotThrowAnyException();
  }

  @Test
  void aProcessStillAliveAfterTheBoundIsNamed() throws Exception {
    Process lingering = new ProcessBuilder("sleep", "60").start();
    try {
      assertThatThrownBy(() -> LeftRunning.check(List.of(lingering.toHandle()), "the program", Duration.ofMillis(300)))
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("the program left running")
          .hasMessageContaining("pid " + lingering.pid() + " (").hasMessageContaining("sleep 60)");
    } finally {
      lingering.destroyForcibly().waitFor();
    }
  }
}
