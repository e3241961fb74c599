package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code --workers N}: a pool of program processes behind one key. */
class WorkersIT {
  @RegisterExtension final Viasock viasock = new Viasock();
  String program;
  long heldPid;

  @BeforeEach
  void setUp() throws Exception {
    program = viasock.script("pid.sh", "#!/bin/sh\nwhile IFS= read -r l; do echo \"$$ $l\"; done\n");
  }

  /** A call that holds its worker: it has been answered once and keeps its input open. */
  private Process holdAWorker(String... options) throws Exception {
    String[] args = new String[options.length + 2];
    args[0] = "run";
    System.arraycopy(options, 0, args, 1, options.length);
    args[args.length - 1] = program;
    Process held = viasock.start(args);
    OutputStream in = held.getOutputStream();
    in.write("held\n".getBytes(UTF_8));
    in.flush();
    String answer = new BufferedReader(new InputStreamReader(held.getInputStream(), UTF_8)).readLine();
    assertThat(answer).endsWith(" held");
    heldPid = pidOf(answer);
    return held;
  }

  private static void release(Process held) throws Exception {
    held.getOutputStream().close();
    assertThat(held.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(held.exitValue()).isZero();
  }

  @Test
  void withTwoWorkersASecondCallerIsServedWhileTheFirstHoldsItsWorker() throws Exception {
    Process held = holdAWorker("--workers", "2");

    String other = viasock.run("other\n", "run", "--workers", "2", program).assertSucceeded().out();

    assertThat(held.isAlive()).as("the first call still holds its worker").isTrue();
    assertThat(other).endsWith(" other\n");
    release(held);
  }

  @Test
  void withOneWorkerASecondCallerWaitsItsTurn() throws Exception {
    Process held = holdAWorker();

    CompletableFuture<Viasock.Result> waiting =
        CompletableFuture.supplyAsync(() -> viasock.run("waiting\n", "run", program));
    Thread.sleep(Duration.ofSeconds(1).toMillis());
    assertThat(waiting).as("the second call waits while the worker is held").isNotDone();

    release(held);
    assertThat(waiting.get(30, TimeUnit.SECONDS).assertSucceeded().out()).endsWith(" waiting\n");
  }

  @Test
  void anIdleExtraWorkerStopsWhileTheFirstStays() throws Exception {
    Process held = holdAWorker("--workers", "2", "-W", "6");
    long first = heldPid;
    long second = pidOf(viasock.run("x\n", "run", "--workers", "2", "-W", "6", program).assertSucceeded().out());
    release(held);
    assertThat(first).isNotEqualTo(second);

    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (isAlive(second) && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(isAlive(second)).as("the extra worker retires after half the server timeout").isFalse();
    assertThat(isAlive(first)).as("the first worker stays until the server stops").isTrue();
    assertThat(viasock.servers()).hasSize(1);
  }

  private static long pidOf(String answer) {
    return Long.parseLong(answer.substring(0, answer.indexOf(' ')));
  }

  private static boolean isAlive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }
}
