package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;
import static dev.viasock.Sandbox.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link InProcessServer}: the program kept by this JVM, with no server and no socket. */
class InProcessServerTest {
  @RegisterExtension final Sandbox sandbox = new Sandbox();

  @Test
  void callsShareOneProgramProcessAndNoServerOrSocketIsMade() throws Exception {
    String program = sandbox.script("pid.sh", "#!/bin/sh\necho \"hello $$\"\nwhile IFS= read -r l; do echo \"$$ $l\"; done\n");
    try (InProcessServer server = sandbox.serverizer(program).outputPrelude(1).build().startInProcess()) {
      String first = run(server, "a\nb\n");
      String second = run(server, "c\n");

      String pid = first.substring("hello ".length(), first.indexOf('\n'));
      assertThat(first).isEqualTo("hello " + pid + "\n" + pid + " a\n" + pid + " b\n");
      assertThat(second).isEqualTo("hello " + pid + "\n" + pid + " c\n");
      assertThat(sandbox.servers()).isEmpty();
      assertThat(sandbox.stateDir()).doesNotExist();
    }
    assertThat(sandbox.leftovers()).as("the program ends when the server is closed").isEmpty();
  }

  @Test
  void sessionsAnswerOneRecordAtATime() throws Exception {
    try (InProcessServer server = sandbox.serverizer("cat").build().startInProcess()) {
      try (Session session = server.openSession()) {
        assertThat(session.call("one\n".getBytes(UTF_8))).isEqualTo("one\n".getBytes(UTF_8));
        assertThat(session.call("two\n".getBytes(UTF_8))).isEqualTo("two\n".getBytes(UTF_8));
      }
      assertThat(run(server, "after\n")).as("the worker is free again").isEqualTo("after\n");
    }
  }

  @Test
  void theWatchdogStopsAHungProgramAndTheNextCallGetsAFreshOne() throws Exception {
    String program = sandbox.script("hang.py",
        "#!/usr/bin/env python3\nimport sys, time, os\nfor l in sys.stdin:\n"
            + "    if l.strip() == 'hang': time.sleep(60)\n"
            + "    print(os.getpid(), l.strip(), flush=True)\n");
    try (InProcessServer server =
        sandbox.serverizer(program).processTimeout(Duration.ofSeconds(3)).build().startInProcess()) {
      assertThatThrownBy(() -> run(server, "hang\n"))
          .isInstanceOfSatisfying(ViasockException.class, e -> assertThat(e.failure()).isEqualTo(Failure.TIMEOUT));
      assertThat(run(server, "fine\n")).endsWith(" fine\n");
    }
  }

  @Test
  void aCallerFailingMidStreamNeverHandsItsRecordsToTheNextCaller() throws Exception {
    try (InProcessServer server = sandbox.serverizer("cat").build().startInProcess()) {
      for (int round = 0; round < 40; round++) {
        int writes = round % 3;
        assertThatThrownBy(() -> server.run(TestStreams.endlessSecrets(), TestStreams.failingAfter(writes)))
            .isInstanceOfSatisfying(
                ViasockException.class, e -> assertThat(e.failure()).isEqualTo(Failure.OUTPUT_CLOSED));

        assertThat(run(server, "b1\nb2\nb3\n")).as("round %d", round).isEqualTo("b1\nb2\nb3\n");
      }
    }
  }

  @Test
  void aClosedServerRefusesCalls() throws Exception {
    InProcessServer server = sandbox.serverizer("cat").build().startInProcess();
    server.close();

    assertThatThrownBy(() -> run(server, "x\n")).isInstanceOf(IllegalStateException.class);
  }
}
