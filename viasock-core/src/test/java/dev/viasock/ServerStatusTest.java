package dev.viasock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ServerStatusTest {
  private static final ServerStatus STATUS =
      new ServerStatus("0123456789abcdef0123", 4242, "./parse -m model.bin", Path.of("/work/dir"), 4, 1,
          Instant.parse("2026-11-30T02:03:04.567Z"), Duration.ofMillis(1500), 12345, Path.of("/state/k.log"));

  @Test
  void whatAServerSaysIsWhatTheCallerReads() {
    assertThat(ServerStatus.decode(STATUS.encode())).isEqualTo(STATUS);
  }

  @Test
  void aServerLoggingToStderrHasNoLogFile() {
    ServerStatus toStderr = new ServerStatus(STATUS.key(), STATUS.pid(), STATUS.command(), STATUS.directory(),
        STATUS.workers(), STATUS.busyWorkers(), STATUS.started(), STATUS.idle(), STATUS.recordsServed(), null);

    assertThat(ServerStatus.decode(toStderr.encode()).log()).isNull();
  }

  @Test
  void everyPartButTheLogIsRequired() {
    assertThatThrownBy(() -> new ServerStatus("k", 1, null, Path.of("/"), 1, 0, Instant.EPOCH, Duration.ZERO, 0, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("command");
  }
}
