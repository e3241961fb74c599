package dev.viasock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client never waits on a dead server: a server that is stopped (SIGSTOP) sends no heartbeat, and the
 * client gives up with status 70 after the silence bound (shortened here with VIASOCK_SILENCE_SECONDS); a
 * program that is merely slow keeps its server talking, and its call succeeds however long it takes.
 */
class SilentServerIT {
  @TempDir Path temp;
  private Viasock viasock;
  private String program;

  @BeforeEach
  void setUp() throws Exception {
    viasock = new Viasock(temp);
    program = viasock.script("slow.sh", "#!/bin/sh\nwhile IFS= read -r l; do case $l in slow*) sleep 7;; esac; echo \"$l\"; done\n");
    viasock.env("VIASOCK_SILENCE_SECONDS", "3");
  }

  @AfterEach
  void tearDown() throws Exception {
    for (ProcessHandle server : viasock.servers()) {
      Probes.signal(server.pid(), "CONT");
    }
    viasock.close();
  }

  @Test
  void aStoppedServerIsGivenUpWithStatus70AndTheCallAfterItsResumeWorks() throws Exception {
    viasock.run("warm\n", "run", program).assertSucceeded();
    List<ProcessHandle> servers = viasock.servers();
    assertThat(servers).hasSize(1);
    Probes.signal(servers.get(0).pid(), "STOP");

    long started = System.nanoTime();
    Viasock.Result given = viasock.run("a\n", "run", program);
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(given.exitStatus()).as("exit status; stderr: %s", given.stderr()).isEqualTo(70);
    assertThat(given.stderr())
        .startsWith("viasock: the server has not been heard from for 3 s (it is stopped, hung or overloaded); gave up\n")
        .contains("(server log: ");
    assertThat(took).as("time to give up").isLessThan(Duration.ofSeconds(20));

    Probes.signal(servers.get(0).pid(), "CONT");
    assertThat(viasock.run("b\n", "run", program).assertSucceeded().out()).isEqualTo("b\n");
  }

  @Test
  void aProgramSlowerThanTheSilenceBoundIsNotADeadServer() {
    assertThat(viasock.run("a\nslow b\nc\n", "run", program).assertSucceeded().out()).isEqualTo("a\nslow b\nc\n");
  }
}
