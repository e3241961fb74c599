package dev.viasock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code viasock list}, {@code stop} and {@code log}. */
class ManageIT {
  @RegisterExtension final Viasock viasock = new Viasock();
  String program;

  @BeforeEach
  void setUp() throws Exception {
    program = viasock.script("pid.sh", "#!/bin/sh\necho started >&2\nwhile IFS= read -r l; do echo \"$$ $l\"; done\n");
  }

  @Test
  void listShowsEachServerWithItsCommandDirectoryAndRecords() {
    viasock.run("a\nb\n", "run", program).assertSucceeded();
    viasock.run("c\n", "run", "cat").assertSucceeded();

    String table = viasock.run(new byte[0], "list").assertSucceeded().out();

    assertThat(table).contains("PID").contains("./pid.sh").contains("cat").contains(viasock.workDir().toString());
    assertThat(table.lines().filter(line -> line.contains("./pid.sh")).findFirst().orElseThrow()).contains(" 2 ");
  }

  @Test
  void listJsonGivesOneObjectPerServer() {
    viasock.run("a\n", "run", program).assertSucceeded();
    long pid = viasock.servers().get(0).pid();

    String json = viasock.run(new byte[0], "list", "--json").assertSucceeded().out();

    assertThat(json).startsWith("[").contains("\"pid\": " + pid).contains("\"command\": \"./pid.sh\"")
        .contains("\"recordsServed\": 1").endsWith("]\n");
  }

  @Test
  void listWithNoServersSaysSo() {
    assertThat(viasock.run(new byte[0], "list").assertSucceeded().out()).isEqualTo("no servers running\n");
    assertThat(viasock.run(new byte[0], "list", "--json").assertSucceeded().out()).isEqualTo("[]\n");
  }

  @Test
  void stopEndsTheServerThatRunWouldUseAndOnlyThatOne() throws Exception {
    viasock.run("a\n", "run", program).assertSucceeded();
    viasock.run("b\n", "run", "cat").assertSucceeded();

    Viasock.Result stop = viasock.run(new byte[0], "stop", program).assertSucceeded();

    assertThat(stop.out()).startsWith("stopped ./pid.sh (pid ");
    assertThat(viasock.servers()).hasSize(1);
    assertThat(viasock.run(new byte[0], "list").out()).doesNotContain("./pid.sh").contains("cat");
  }

  @Test
  void stopAllEndsEveryServerAndLeavesNoProcess() throws Exception {
    viasock.run("a\n", "run", program).assertSucceeded();
    viasock.run("b\n", "run", "cat").assertSucceeded();

    viasock.run(new byte[0], "stop", "--all").assertSucceeded();

    assertThat(viasock.leftovers()).isEmpty();
  }

  @Test
  void stopWithoutAServerSaysSoAndSucceeds() {
    Viasock.Result stop = viasock.run(new byte[0], "stop", program);

    assertThat(stop.exitStatus()).isZero();
    assertThat(stop.stderr()).startsWith("viasock: no server runs for ./pid.sh");
  }

  @Test
  void logPrintsTheServersLogWithTheProgramsStderr() {
    viasock.run("a\n", "run", program).assertSucceeded();

    String log = viasock.run(new byte[0], "log", program).assertSucceeded().out();

    assertThat(log).contains("serving ./pid.sh").contains("stderr: started");
  }
}
