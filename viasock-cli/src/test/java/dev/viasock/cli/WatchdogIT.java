package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behaviour 6: with {@code -w SECONDS} a program that takes longer than that to answer one record is stopped
 * and the call fails with status 124, at once and with a clear message; the next call gets a fresh program.
 * A program that is merely slow, but within the limit for every record, is left alone.
 */
class WatchdogIT {
  /** Hangs (in-process, so that stopping it leaves no child behind) on the record "hang". */
  private static final String HANGS_ON_HANG =
      """
      #!/usr/bin/env python3
      import os, sys, time
      for line in iter(sys.stdin.readline, ""):
          if line == "hang\\n":
              time.sleep(120)
          sys.stdout.write("%d %s" % (os.getpid(), line))
          sys.stdout.flush()
      """;

  /**
   * The limit for one record. It covers a Python start-up on a loaded machine (a fresh program's first answer or
   * banner counts against it), and is far below the programs' 120 s hang.
   */
  private static final String LIMIT = "3";

  /** Well past -w 3 plus the server's 0.1 s check, the program's stopping and a client JVM's start. */
  private static final Duration PROMPT = Duration.ofSeconds(15);

  @RegisterExtension final Viasock viasock = new Viasock();

  @Test
  void aProgramThatHangsOnARecordIsStoppedAndTheCallFailsWith124() throws Exception {
    String program = viasock.script("hang.py", HANGS_ON_HANG);
    // Started and answering first, so that the hung call's program is the one that answered.
    String warm = viasock.run("a\n", "run", "-w", LIMIT, program).assertSucceeded().out();
    String pid = warm.substring(0, warm.indexOf(' '));
    assertThat(warm).isEqualTo(pid + " a\n");

    long start = System.nanoTime();
    Viasock.Result hung = viasock.run("b\nhang\nc\n", "run", "-w", LIMIT, program);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(hung.exitStatus()).as("exit status; stderr: %s", hung.stderr()).isEqualTo(124);
    assertThat(hung.stdout()).as("the answer before the hang").isEqualTo(bytes(pid + " b\n"));
    assertThat(hung.stderr()).startsWith("viasock: ").contains("hang.py").contains("-w");
    assertThat(took).as("the call ended promptly").isLessThan(PROMPT);
    assertThat(ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false))
        .as("the hung program was stopped")
        .isFalse();

    Viasock.Result next = viasock.run("d\n", "run", "-w", LIMIT, program).assertSucceeded();
    String freshPid = next.out().substring(0, next.out().indexOf(' '));
    assertThat(next.stdout()).isEqualTo(bytes(freshPid + " d\n"));
    assertThat(freshPid).as("a fresh program").isNotEqualTo(pid);
    assertThat(viasock.servers()).as("the same server, with a new program").hasSize(1);
  }

  @Test
  void theFreshProgramAfterAStopGivesItsOwnBanner() throws Exception {
    String program = viasock.script("banner-hang.py", """
        #!/usr/bin/env python3
        import os, sys, time
        print("banner of %d" % os.getpid(), flush=True)
        for line in iter(sys.stdin.readline, ""):
            if line == "hang\\n":
                time.sleep(120)
            sys.stdout.write("%d %s" % (os.getpid(), line))
            sys.stdout.flush()
        """);

    String warm = viasock.run("a\n", "run", "-P", "1", "-w", LIMIT, program).assertSucceeded().out();
    String pid = warm.replaceFirst("(?s)^banner of ([0-9]+)\n.*", "$1");
    assertThat(warm).isEqualTo("banner of " + pid + "\n" + pid + " a\n");

    Viasock.Result hung = viasock.run("hang\n", "run", "-P", "1", "-w", LIMIT, program);
    assertThat(hung.exitStatus()).as("exit status; stderr: %s", hung.stderr()).isEqualTo(124);
    assertThat(hung.stdout()).as("the banner, then nothing").isEqualTo(bytes("banner of " + pid + "\n"));

    String next = viasock.run("b\n", "run", "-P", "1", "-w", LIMIT, program).assertSucceeded().out();
    String freshPid = next.replaceFirst("(?s)^banner of ([0-9]+)\n.*", "$1");
    assertThat(freshPid).isNotEqualTo(pid);
    assertThat(next).as("the fresh program's own banner").isEqualTo("banner of " + freshPid + "\n" + freshPid + " b\n");
  }

  @Test
  void aProgramThatNeverWritesItsBannerIsStoppedWith124() throws Exception {
    String program = viasock.script("mute.py", """
        #!/usr/bin/env python3
        import time
        time.sleep(120)
        """);

    long start = System.nanoTime();
    Viasock.Result result = viasock.run("a\n", "run", "-P", "1", "-w", LIMIT, program);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(result.exitStatus()).as("exit status; stderr: %s", result.stderr()).isEqualTo(124);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr()).startsWith("viasock: ").contains("mute.py").contains("prelude").contains("-w");
    assertThat(took).as("the call ended promptly").isLessThan(PROMPT);
  }

  @Test
  void aSlowProgramWithinTheLimitForEveryRecordSucceeds() throws Exception {
    String program = viasock.script("slow.py", """
        #!/usr/bin/env python3
        import os, sys, time
        for line in iter(sys.stdin.readline, ""):
            time.sleep(0.5)
            sys.stdout.write("%d %s" % (os.getpid(), line))
            sys.stdout.flush()
        """);
    StringBuilder input = new StringBuilder();
    for (int i = 1; i <= 8; i++) {
      input.append("record ").append(i).append('\n');
    }

    // 4 s in all, more than -w 3, but 0.5 s for each record (the first also the program's start-up).
    Viasock.Result result = viasock.run(input.toString(), "run", "-w", LIMIT, program).assertSucceeded();

    String pid = result.out().substring(0, result.out().indexOf(' '));
    assertThat(result.out()).isEqualTo(input.toString().replaceAll("(?m)^record", pid + " record"));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }
}
