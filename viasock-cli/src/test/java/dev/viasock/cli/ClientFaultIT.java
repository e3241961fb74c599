package dev.viasock.cli;

import static dev.viasock.cli.Probes.LAUNCHER;
import static dev.viasock.cli.Probes.PYTHON;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that dies, loses its output or is interrupted in the middle of a call harms neither the server, nor
 * the program, nor the calls that come after it or run beside it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClientFaultIT {
  /** Answers each line with "PID line", 50 ms after reading it. */
  static final String SLOW =
      "#!" + PYTHON + "\n"
          + "import os, sys, time\n"
          + "pid = os.getpid()\n"
          + "for line in sys.stdin:\n"
          + "    time.sleep(0.05)\n"
          + "    sys.stdout.write(f'{pid} {line}')\n"
          + "    sys.stdout.flush()\n";
  /**
   * Execs its arguments with SIGINT (and the signals python itself ignores) at their defaults, as at an
   * interactive terminal: a process started from a background job may inherit SIGINT ignored, and a JVM
   * keeps an ignored SIGINT ignored.
   */
  static final String DEFAULT_SIGNALS =
      "import os, signal, sys\n"
          + "for s in (signal.SIGINT, signal.SIGPIPE, signal.SIGXFSZ):\n"
          + "    signal.signal(s, signal.SIG_DFL)\n"
          + "os.execv(sys.argv[1], sys.argv[1:])\n";

  @RegisterExtension final Viasock viasock = new Viasock();
  String slow;

  @BeforeEach
  void setUp() throws Exception {
    slow = viasock.script("slow.py", SLOW);
  }

  @Test
  void theNextClientAfterOneKilledMidStreamGetsExactlyItsOwnOutputFromTheSameServer() throws Exception {
    String pid = programPid(viasock.run("w\n", "run", slow).assertSucceeded().out());
    long server = onlyServer();

    Probes.Call victim = Probes.start(viasock, "run", slow).feed(records("r", 40), false);
    Probes.awaitJvm(victim.process);
    victim.awaitLines(2, Duration.ofSeconds(20));
    victim.process.destroyForcibly();
    assertThat(victim.process.waitFor(10, TimeUnit.SECONDS)).as("the killed client ended").isTrue();

    Viasock.Result next = viasock.run("n1\nn2\nn3\n", "run", slow).assertSucceeded();

    assertThat(next.out()).isEqualTo(pid + " n1\n" + pid + " n2\n" + pid + " n3\n");
    assertThat(viasock.servers()).extracting(ProcessHandle::pid).containsExactly(server);
  }

  /**
   * The scenario of issue 8: a client killed while the program hangs on its record, no -w. The worker drains
   * the answer owed to no one for at most 5 s without output, then replaces the program: the next call gets
   * a fresh program, and the server goes idle and stops as usual (before: busy for as long as it lived).
   */
  @Test
  void aClientKilledWhileTheProgramHangsDoesNotKeepTheServerBusy() throws Exception {
    String hanger = viasock.script("hanger.py", "#!" + Probes.PYTHON + "\n"
        + "import os, sys, time\n"
        + "for line in sys.stdin:\n"
        + "    if line == 'hang\\n':\n"
        + "        time.sleep(3600)\n"
        + "    print(os.getpid(), line.strip(), flush=True)\n");
    String pid = programPid(viasock.run("w\n", "run", "-W", "8", hanger).assertSucceeded().out());
    long server = onlyServer();

    Probes.Call victim = Probes.start(viasock, "run", "-W", "8", hanger).feed("hang\n", true);
    Probes.awaitJvm(victim.process);
    Thread.sleep(1_000);
    victim.process.destroyForcibly();
    assertThat(victim.process.waitFor(10, TimeUnit.SECONDS)).as("the killed client ended").isTrue();

    long started = System.nanoTime();
    String next = viasock.run("n\n", "run", "-W", "8", hanger).assertSucceeded().out();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).as("the next call waited for the drain bound")
        .isLessThan(Duration.ofSeconds(20));
    assertThat(programPid(next)).as("a fresh program").isNotEqualTo(pid);
    assertThat(next).isEqualTo(programPid(next) + " n\n");
    Probes.awaitGone(server, Duration.ofSeconds(30), "the server, idle for its -W of 8 s");
  }

  @Test
  void aClientWhoseOutputClosesEarlyEndsPromptlyAndQuietly() throws Exception {
    StringBuilder big = new StringBuilder();
    for (int i = 1; i <= 1_000_000; i++) {
      big.append(String.format("line %07d%n", i));
    }
    Files.writeString(viasock.workDir().resolve("big.txt"), big); // 13 MB
    viasock.run("warm\n", "run", "cat").assertSucceeded(); // the client JVM's archive, and the server
    long server = onlyServer();

    long started = System.nanoTime();
    Probes.Call pipeline = Probes.start(viasock, viasock.workDir(), List.of("sh", "-c",
        "{ \"$0\" run cat < big.txt; echo $? > status.txt; } | head -1", LAUNCHER.toString()));
    Viasock.Result result = pipeline.finish(Duration.ofSeconds(30));
    Duration took = Duration.ofNanos(System.nanoTime() - started);

    assertThat(result.exitStatus()).as("the pipeline's status (head's); stderr: %s", result.stderr()).isZero();
    assertThat(result.out()).isEqualTo("line 0000001\n");
    assertThat(result.stderr()).doesNotContain("Exception").doesNotContain("at dev.").isEmpty();
    assertThat(Files.readString(viasock.workDir().resolve("status.txt"))).as("the client's exit status")
        .isEqualTo("141\n");
    assertThat(took).as("time to end").isLessThan(Duration.ofSeconds(10));

    assertThat(viasock.run("x\ny\n", "run", "cat").assertSucceeded().out()).isEqualTo("x\ny\n");
    assertThat(viasock.servers()).extracting(ProcessHandle::pid).containsExactly(server);
  }

  @Test
  void ctrlCAtAClientEndsItWith130AndDisturbsNoOtherCaller() throws Exception {
    String other = viasock.script("other.py", SLOW);
    String pid = programPid(viasock.run("w\n", "run", slow).assertSucceeded().out());
    String otherPid = programPid(viasock.run("w\n", "run", other).assertSucceeded().out());

    // The victim keeps its input open: it is interrupted while it still streams.
    Probes.Call victim = Probes.start(viasock, viasock.workDir(),
        List.of(PYTHON, "-c", DEFAULT_SIGNALS, LAUNCHER.toString(), "run", slow)).feed(records("r", 40), true);
    Probes.awaitJvm(victim.process);
    victim.awaitLines(2, Duration.ofSeconds(20));
    // Beside it: a caller queued for the same server's worker, and one streaming through another server.
    Probes.Call sameServer = Probes.start(viasock, "run", slow).feed(records("b", 5));
    Probes.Call otherServer = Probes.start(viasock, "run", other).feed(records("c", 30));
    Probes.awaitJvm(sameServer.process);
    otherServer.awaitLines(1, Duration.ofSeconds(20));

    long signalled = System.nanoTime();
    Probes.signal(victim.pid(), "INT");
    Viasock.Result interrupted = victim.finish(Duration.ofSeconds(10));
    Duration took = Duration.ofNanos(System.nanoTime() - signalled);

    assertThat(interrupted.exitStatus()).as("exit status; stderr: %s", interrupted.stderr()).isEqualTo(130);
    assertThat(took).as("time from SIGINT to the end").isLessThan(Duration.ofSeconds(5));
    assertThat(interrupted.stderr()).doesNotContain("Exception");
    assertThat(otherServer.finish(Viasock.CALL_BOUND).assertSucceeded().out()).isEqualTo(answers(otherPid, "c", 30));
    assertThat(sameServer.finish(Viasock.CALL_BOUND).assertSucceeded().out()).isEqualTo(answers(pid, "b", 5));
    assertThat(viasock.run("n\n", "run", slow).assertSucceeded().out()).isEqualTo(pid + " n\n");
    assertThat(viasock.servers()).hasSize(2);
  }

  private long onlyServer() {
    List<ProcessHandle> servers = viasock.servers();
    assertThat(servers).hasSize(1);
    return servers.get(0).pid();
  }

  static String programPid(String firstAnswer) {
    assertThat(firstAnswer).matches("(?s)[0-9]+ .*\n");
    return firstAnswer.substring(0, firstAnswer.indexOf(' '));
  }

  static String records(String prefix, int count) {
    StringBuilder all = new StringBuilder();
    for (int i = 1; i <= count; i++) {
      all.append(prefix).append(i).append('\n');
    }
    return all.toString();
  }

  static String answers(String pid, String prefix, int count) {
    StringBuilder all = new StringBuilder();
    for (int i = 1; i <= count; i++) {
      all.append(pid).append(' ').append(prefix).append(i).append('\n');
    }
    return all.toString();
  }
}
