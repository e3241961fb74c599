package dev.viasock.cli;

import static dev.viasock.cli.ClientFaultIT.answers;
import static dev.viasock.cli.ClientFaultIT.programPid;
import static dev.viasock.cli.ClientFaultIT.records;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A program file that changes while a call streams: that call finishes on the old server, the next gets a new one. */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StaleKeyIT {
  @RegisterExtension final Viasock viasock = new Viasock();

  @Test
  void aCallStreamingWhileItsProgramChangesFinishesOnTheOldServerAndTheNextGetsANewOne() throws Exception {
    String slow = viasock.script("slow.py", ClientFaultIT.SLOW);
    Path file = viasock.workDir().resolve("slow.py");
    String oldPid = programPid(viasock.run("w\n", "run", slow).assertSucceeded().out());
    long oldServer = viasock.servers().get(0).pid();
    Probes.Call streaming = Probes.start(viasock, "run", slow).feed(records("r", 100)); // 5 s of work
    streaming.awaitLines(2, Duration.ofSeconds(20));

    Files.setLastModifiedTime(file, FileTime.fromMillis(Files.getLastModifiedTime(file).toMillis() + 10_000));
    String next = viasock.run("n\n", "run", slow).assertSucceeded().out();

    String newPid = programPid(next);
    assertThat(newPid).as("the new server's program").isNotEqualTo(oldPid);
    assertThat(next).isEqualTo(newPid + " n\n");
    if (streaming.process.isAlive()) { // Usually; a slow machine may have finished it by now.
      assertThat(Probes.gone(oldServer)).as("the old server ended while its call still streamed").isFalse();
    }

    assertThat(streaming.finish(Viasock.CALL_BOUND).assertSucceeded().out()).isEqualTo(answers(oldPid, "r", 100));
    Probes.awaitGone(oldServer, Duration.ofSeconds(10), "the old server, after its last call");
    Probes.awaitGone(Long.parseLong(oldPid), Duration.ofSeconds(5), "the old server's program");
    List<ProcessHandle> servers = viasock.servers();
    assertThat(servers).hasSize(1);
    assertThat(servers.get(0).pid()).isNotEqualTo(oldServer);
    assertThat(oldLog(oldServer)).contains("stops accepting").contains("key no longer holds");
    assertThat(viasock.run("m\n", "run", slow).assertSucceeded().out()).isEqualTo(newPid + " m\n");
  }

  /** The log of the server with this pid. */
  private String oldLog(long server) throws Exception {
    try (Stream<Path> files = Files.list(viasock.stateDir())) {
      for (Path log : files.filter(f -> f.toString().endsWith(".log")).toList()) {
        String text = Files.readString(log);
        if (text.contains("(pid " + server + ")")) {
          return text;
        }
      }
    }
    throw new AssertionError("no log names server " + server);
  }
}
