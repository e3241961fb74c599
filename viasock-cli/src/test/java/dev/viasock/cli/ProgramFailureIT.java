package dev.viasock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behaviour 7: when the program fails while it serves a call (it exits with an error, is killed by a signal,
 * or exits half-way through an output record), the call fails with status 1 and a message that names the
 * program, how it ended, its last line on stderr and the server's log; the next call with the same command
 * gets a fresh program and works.
 */
class ProgramFailureIT {
  @RegisterExtension final Viasock viasock = new Viasock();

  @Test
  void aProgramThatExitsWithAnErrorFailsTheCallAndTheNextCallGetsAFreshProgram() throws Exception {
    String program = viasock.script("crash.sh", """
        #!/bin/sh
        while IFS= read -r line; do
          if [ "$line" = boom ]; then
            echo "crash.sh: loading the model" >&2
            echo "crash.sh: fatal: cannot handle boom" >&2
            exit 3
          fi
          echo "$$ $line"
        done
        """);

    Viasock.Result failed = viasock.run("a\nboom\nc\n", "run", program);

    String pid = pidOf(failed.out());
    assertThat(failed.out()).as("only the record before the crash is answered").isEqualTo(pid + " a\n");
    assertThat(failed.exitStatus()).as("exit status; stderr: %s", failed.stderr()).isEqualTo(1);
    assertFailureMessage(failed.stderr(), "the program ./crash.sh exited with status 3",
        "crash.sh: fatal: cannot handle boom");
    assertThat(Files.readString(log())).contains("./crash.sh exited with status 3");

    assertFreshProgramServes(program, pid);
  }

  @Test
  void aProgramKilledByASignalFailsTheCallAndTheNextCallGetsAFreshProgram() throws Exception {
    String program = viasock.script("killed.sh", """
        #!/bin/sh
        while IFS= read -r line; do
          if [ "$line" = boom ]; then
            echo "killed.sh: about to be killed" >&2
            kill -KILL $$
          fi
          echo "$$ $line"
        done
        """);

    Viasock.Result failed = viasock.run("a\nb\nboom\nc\n", "run", program);

    String pid = pidOf(failed.out());
    assertThat(failed.out()).isEqualTo(pid + " a\n" + pid + " b\n");
    assertThat(failed.exitStatus()).as("exit status; stderr: %s", failed.stderr()).isEqualTo(1);
    assertFailureMessage(failed.stderr(), "the program ./killed.sh was killed by signal 9",
        "killed.sh: about to be killed");

    assertFreshProgramServes(program, pid);
  }

  @Test
  void aProgramThatExitsHalfWayThroughAnOutputRecordFailsTheCallAndTheNextCallGetsAFreshProgram()
      throws Exception {
    String program = viasock.script("partial.sh", """
        #!/bin/sh
        while IFS= read -r line; do
          if [ "$line" = boom ]; then
            printf 'half of a li'
            echo "partial.sh: leaving in the middle of a record" >&2
            exit 0
          fi
          echo "$$ $line"
        done
        """);

    Viasock.Result failed = viasock.run("a\nboom\nc\n", "run", program);

    String pid = pidOf(failed.out());
    // The unfinished record is never passed on: a caller gets whole records only.
    assertThat(failed.out()).isEqualTo(pid + " a\n");
    assertThat(failed.exitStatus()).as("exit status; stderr: %s", failed.stderr()).isEqualTo(1);
    assertFailureMessage(failed.stderr(), "the program ./partial.sh exited with status 0",
        "partial.sh: leaving in the middle of a record");

    assertFreshProgramServes(program, pid);
  }

  @Test
  void aStoppedProgramTakesTheProcessesItStartedWithIt() throws Exception {
    String program = viasock.script("parent.sh", """
        #!/bin/sh
        sleep 300 &
        while IFS= read -r line; do
          if [ "$line" = hang ]; then read -r never; fi
          echo "$! $line"
        done
        """);

    Viasock.Result failed = viasock.run("a\nhang\n", "run", "-w", "2", program);

    assertThat(failed.exitStatus()).as("exit status; stderr: %s", failed.stderr()).isEqualTo(124);
    long child = Long.parseLong(pidOf(failed.out()));
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
    while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false))
        .as("the program's background child is stopped with it").isFalse();
  }

  @Test
  void aProgramThatClosesItsOutputButKeepsRunningFailsTheCallAndIsReplaced() throws Exception {
    String program = viasock.script("closes.sh", """
        #!/bin/sh
        while IFS= read -r line; do
          if [ "$line" = boom ]; then
            echo "closes.sh: closing stdout" >&2
            exec >&-
            while IFS= read -r ignored; do :; done
            exit 0
          fi
          echo "$$ $line"
        done
        """);

    Viasock.Result failed = viasock.run("a\nboom\nc\n", "run", program);

    String pid = pidOf(failed.out());
    assertThat(failed.out()).isEqualTo(pid + " a\n");
    assertThat(failed.exitStatus()).as("exit status; stderr: %s", failed.stderr()).isEqualTo(1);
    assertFailureMessage(failed.stderr(), "the program ./closes.sh closed its standard output",
        "closes.sh: closing stdout");

    assertFreshProgramServes(program, pid);
  }

  @Test
  void aProgramThatCrashesWhileALargeInputIsStillArrivingFailsTheCallPromptly() throws Exception {
    String program = viasock.script("crash1000.sh", """
        #!/bin/sh
        n=0
        while IFS= read -r line; do
          n=$((n + 1))
          if [ $n = 1000 ]; then echo "crash1000.sh: died at $line" >&2; exit 3; fi
          echo "$line"
        done
        """);
    StringBuilder input = new StringBuilder();
    StringBuilder answered = new StringBuilder();
    for (int i = 1; i <= 200_000; i++) {
      input.append("record-").append(i).append('\n');
      if (i < 1000) {
        answered.append("record-").append(i).append('\n');
      }
    }
    Files.writeString(viasock.workDir().resolve("big.in"), input);

    CliProcesses.Outcome failed = CliProcesses.shell(viasock.workDir(), CliProcesses.environment(viasock),
        "\"$VIASOCK\" run " + program + " < big.in", Viasock.CALL_BOUND);

    assertThat(failed.out()).isEqualTo(answered.toString());
    assertThat(failed.exitStatus()).as("exit status; stderr: %s", failed.stderr()).isEqualTo(1);
    assertFailureMessage(failed.stderr(), "the program ./crash1000.sh exited with status 3",
        "crash1000.sh: died at record-1000");
    assertThat(failed.elapsed()).isLessThan(java.time.Duration.ofSeconds(20));
    assertThat(viasock.run("again\n", "run", program).assertSucceeded().out()).isEqualTo("again\n");
  }

  @Test
  void aPythonProgramThatRaisesFailsTheCallWithItsLastStderrLine() throws Exception {
    String program = viasock.script("raises.py", """
        #!/usr/bin/env python3
        import os, sys
        for line in sys.stdin:
            if line.strip() == "boom":
                raise ValueError("cannot parse record 'boom'")
            sys.stdout.write("%d %s" % (os.getpid(), line))
            sys.stdout.flush()
        """);

    Viasock.Result failed = viasock.run("a\nboom\n", "run", program);

    String pid = pidOf(failed.out());
    assertThat(failed.out()).isEqualTo(pid + " a\n");
    assertThat(failed.exitStatus()).as("exit status; stderr: %s", failed.stderr()).isEqualTo(1);
    assertFailureMessage(failed.stderr(), "the program ./raises.py exited with status 1",
        "ValueError: cannot parse record 'boom'");

    assertFreshProgramServes(program, pid);
  }

  @Test
  void aProgramThatFailsOnTheFirstRecordOfAWarmServerFailsOnlyThatCall() throws Exception {
    String program = viasock.script("crash.sh", """
        #!/bin/sh
        while IFS= read -r line; do
          if [ "$line" = boom ]; then echo "crash.sh: fatal: boom" >&2; exit 3; fi
          echo "$$ $line"
        done
        """);
    String warm = viasock.run("a\n", "run", program).assertSucceeded().out();
    String pid = pidOf(warm);

    Viasock.Result failed = viasock.run("boom\n", "run", program);

    assertThat(failed.out()).isEmpty();
    assertThat(failed.exitStatus()).as("exit status; stderr: %s", failed.stderr()).isEqualTo(1);
    assertFailureMessage(failed.stderr(), "the program ./crash.sh exited with status 3", "crash.sh: fatal: boom");
    assertFreshProgramServes(program, pid);
  }

  /** The message is for a person: it starts with "viasock: " and says what, how, why and where to look. */
  private void assertFailureMessage(String stderr, String what, String lastStderrLine) throws IOException {
    assertThat(stderr).startsWith("viasock: ");
    assertThat(stderr).contains(what);
    assertThat(stderr).contains(lastStderrLine);
    assertThat(stderr).contains(log().toString());
  }

  /** The next call with the same command works, served by a new process of the same server. */
  private void assertFreshProgramServes(String program, String deadPid) {
    String out = viasock.run("x\ny\n", "run", program).assertSucceeded().out();

    String pid = pidOf(out);
    assertThat(pid).as("a fresh program").isNotEqualTo(deadPid);
    assertThat(out).isEqualTo(pid + " x\n" + pid + " y\n");
    assertThat(viasock.servers()).as("the same server").hasSize(1);
  }

  private static String pidOf(String out) {
    assertThat(out).as("output").matches("(?s)[0-9]+ .*");
    return out.substring(0, out.indexOf(' '));
  }

  /** The one server log in the state directory. */
  private Path log() throws IOException {
    try (Stream<Path> files = Files.list(viasock.stateDir())) {
      List<Path> logs = files.filter(file -> file.getFileName().toString().endsWith(".log")).toList();
      assertThat(logs).as("server logs in %s", viasock.stateDir()).hasSize(1);
      return logs.get(0);
    }
  }
}
