package dev.viasock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behaviour 3: a server that has had no call for its server timeout ({@code -W}) stops, with its program,
 * and removes its socket, lock and info files; a call during the idle period starts the wait anew.
 */
class IdleShutdownIT {
  @RegisterExtension final Viasock viasock = new Viasock();
  String program;

  @BeforeEach
  void setUp() throws Exception {
    program = viasock.script("pid.sh", "#!/bin/sh\nwhile IFS= read -r line; do echo \"$$ $line\"; done\n");
  }

  @Test
  void anIdleServerStopsWithItsProgramAndRemovesItsFiles() throws Exception {
    // -W 3: the files and processes of the running server are looked at after the client's exit, within it.
    String out = viasock.run("a\n", "run", "-W", "3", program).assertSucceeded().out();
    long programPid = Long.parseLong(out.substring(0, out.indexOf(' ')));
    assertThat(out).isEqualTo(programPid + " a\n");

    List<ProcessHandle> servers = viasock.servers();
    assertThat(servers).hasSize(1);
    assertThat(stateFiles()).as("files of the running server")
        .anyMatch(name -> name.endsWith(".sock"))
        .anyMatch(name -> name.endsWith(".lock"))
        .anyMatch(name -> name.endsWith(".info"));
    assertThat(viasock.leftovers()).as("server and program").extracting(ProcessHandle::pid).contains(programPid);

    assertThat(viasock.awaitNoLeftovers(Duration.ofSeconds(15))).as("server and program gone after -W 3").isTrue();
    assertThat(stateFiles())
        .as("state directory after the server stopped")
        .noneMatch(name -> name.endsWith(".sock") || name.endsWith(".lock") || name.endsWith(".info"));
    assertThat(stateFiles()).as("the log stays, for whoever wants to know what happened").anyMatch(name -> name.endsWith(".log"));
    String log = logText();
    assertThat(log).contains("idle for 3 s");
  }

  @Test
  void callsDuringTheIdlePeriodKeepTheServerAlive() throws Exception {
    Duration idle = Duration.ofSeconds(4);
    String first = viasock.run("a\n", "run", "-W", "4", program).assertSucceeded().out();
    String pid = first.substring(0, first.indexOf(' '));
    assertThat(first).isEqualTo(pid + " a\n");
    long firstEnded = System.nanoTime();

    // Calls one after the other (each gap is one client start-up, well under -W 4) for longer than -W in all:
    // every one is served by the same program, so the idle wait started anew with each.
    int calls = 0;
    while (System.nanoTime() - firstEnded < idle.toNanos() + Duration.ofSeconds(1).toNanos()) {
      String line = "call" + ++calls;
      assertThat(viasock.run(line + "\n", "run", "-W", "4", program).assertSucceeded().out())
          .as("call %s, %s ms after the first ended", calls, (System.nanoTime() - firstEnded) / 1_000_000)
          .isEqualTo(pid + " " + line + "\n");
    }
    assertThat(viasock.servers()).hasSize(1);

    // Then, left alone, it stops.
    assertThat(viasock.awaitNoLeftovers(Duration.ofSeconds(15))).as("server and program gone after -W 4").isTrue();
  }

  @Test
  void aCallLongerThanTheServerTimeoutIsNotCut() throws Exception {
    String slow = viasock.script("slow.sh", "#!/bin/sh\nwhile IFS= read -r line; do sleep 0.3; echo \"$$ $line\"; done\n");
    String input = "1\n2\n3\n4\n5\n6\n";

    // About 1.8 s of answering, with -W 1.
    String out = viasock.run(input, "run", "-W", "1", slow).assertSucceeded().out();

    String pid = out.substring(0, out.indexOf(' '));
    assertThat(out).isEqualTo(input.replaceAll("(?m)^", pid + " "));
    assertThat(viasock.awaitNoLeftovers(Duration.ofSeconds(8))).as("server and program gone after -W 1").isTrue();
  }

  private List<String> stateFiles() throws IOException {
    try (Stream<Path> files = Files.list(viasock.stateDir())) {
      return files.map(file -> file.getFileName().toString()).toList();
    }
  }

  private String logText() throws IOException {
    try (Stream<Path> files = Files.list(viasock.stateDir())) {
      Path log = files.filter(file -> file.toString().endsWith(".log")).findFirst().orElseThrow();
      return Files.readString(log);
    }
  }
}
