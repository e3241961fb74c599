package dev.viasock.junit;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/** The check that processes have ended: each gets a bound to end in, after which the rest are named. */
final class LeftRunning {
  static final Duration BOUND = Duration.ofSeconds(15);

  private LeftRunning() {}

  /**
   * Waits, within {@link #BOUND} (or {@code bound}), for {@code processes} to end.
   *
   * @throws AssertionError naming those still alive, after {@code what}
   */
  static void check(List<ProcessHandle> processes, String what) {
    check(processes, what, BOUND);
  }

  static void check(List<ProcessHandle> processes, String what, Duration bound) {
    long deadline = System.nanoTime() + bound.toNanos();
    for (ProcessHandle process : processes) {
      try {
        process.onExit().get(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        break;
      } catch (java.util.concurrent.ExecutionException e) {
        // onExit does not fail; the process is checked below.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    List<ProcessHandle> alive = processes.stream().filter(ProcessHandle::isAlive).collect(Collectors.toList());
    if (!alive.isEmpty()) {
      throw new AssertionError("viasock: " + what + " left running " + bound.toMillis() / 1000.0 + " s after being stopped: "
          + alive.stream().map(p -> "pid " + p.pid() + " (" + p.info().commandLine().orElse("?") + ")")
              .collect(Collectors.joining(", ")));
    }
  }
}
