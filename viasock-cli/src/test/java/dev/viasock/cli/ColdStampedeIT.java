package dev.viasock.cli;

import static dev.viasock.cli.ClientFaultIT.programPid;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Twenty calls at once on a cold key start exactly one server and are all answered. */
@Timeout(value = 150, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ColdStampedeIT {
  static final int CALLS = 20;

  @RegisterExtension final Viasock viasock = new Viasock();

  @BeforeEach
  void setUp() throws Exception {
    // The client JVMs' archive is made first, in a sandbox of its own, so that the key below stays cold.
    Probes.warmUp(viasock.root().resolve("warm"));
  }

  @Test
  void twentyCallsAtOnceOnAColdKeyStartOneServerAndAllGetTheirAnswers() throws Exception {
    // Slow to start, so that callers pile up while the first starts the server.
    String program = viasock.script("pid.sh", "#!/bin/sh\nsleep 0.5\nwhile IFS= read -r l; do echo \"$$ $l\"; done\n");

    List<Probes.Call> calls = new ArrayList<>();
    for (int i = 0; i < CALLS; i++) {
      calls.add(Probes.start(viasock, "run", program).feed("c" + i + "a\nc" + i + "b\n"));
    }
    List<Viasock.Result> results = new ArrayList<>();
    for (Probes.Call call : calls) {
      results.add(call.finish(Viasock.CALL_BOUND));
    }

    Set<String> programPids = new TreeSet<>();
    for (int i = 0; i < CALLS; i++) {
      String out = results.get(i).assertSucceeded().out();
      String pid = programPid(out);
      programPids.add(pid);
      assertThat(out).as("call %d", i).isEqualTo(pid + " c" + i + "a\n" + pid + " c" + i + "b\n");
    }
    assertThat(programPids).as("program pids seen").hasSize(1);
    assertThat(viasock.servers()).as("servers").hasSize(1);
    String log = viasock.run(new byte[0], "log", program).assertSucceeded().out();
    assertThat(log.lines().filter(line -> line.contains(" serving ")).count()).as("servers that started").isEqualTo(1);
    assertThat(log).doesNotContain("another server already listens");
  }
}
