package dev.viasock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Ends processes, the one way viasock does it: SIGTERM, a grace period, then SIGKILL for whatever is left,
 * always with the processes each one started (a child that holds a program's pipes must not outlive it).
 *
 * <p>A process counts as gone once it has exited, even while it waits as a zombie for its parent (or an
 * init that is slow to reap) to collect it. Waiting wakes on the exit of this JVM's own children
 * ({@link ProcessHandle#onExit}); other processes give no signal of their exit, so they are looked at again
 * every {@link #RECHECK} as well.
 */
final class Reaper {
  static final Duration RECHECK = Duration.ofMillis(50);

  private Reaper() {}

  /** {@code root} and every process it has started, as they are now: the descendants first. */
  static List<ProcessHandle> tree(ProcessHandle root) {
    List<ProcessHandle> tree = new ArrayList<>(root.descendants().toList());
    tree.add(root);
    return tree;
  }

  /** Sends SIGTERM now, and SIGKILL to those not gone after {@code grace}; returns at once. */
  static void terminate(List<ProcessHandle> processes, Duration grace, ScheduledExecutorService scheduler) {
    processes.forEach(ProcessHandle::destroy);
    scheduler.schedule(() -> kill(processes), grace.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Sends SIGKILL to those not gone yet. */
  static void kill(List<ProcessHandle> processes) {
    processes.stream().filter(p -> !gone(p)).forEach(ProcessHandle::destroyForcibly);
  }

  /**
   * Waits up to {@code bound} until every process is gone.
   *
   * @return those not gone when it returns; empty when all are
   */
  static List<ProcessHandle> awaitGone(List<ProcessHandle> processes, Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    List<ProcessHandle> left = stillRunning(processes);
    while (!left.isEmpty()) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        break;
      }
      CompletableFuture<?>[] exits = left.stream().map(ProcessHandle::onExit).toArray(CompletableFuture[]::new);
      try {
        CompletableFuture.anyOf(exits).get(Math.min(remaining, RECHECK.toNanos()), TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // Time to look again: a process that is not this JVM's child says nothing when it exits.
      }
      left = stillRunning(left);
    }
    return left;
  }

  private static List<ProcessHandle> stillRunning(List<ProcessHandle> processes) {
    return processes.stream().filter(p -> !gone(p)).toList();
  }

  /** Whether the process has exited; a zombie has. */
  static boolean gone(ProcessHandle process) {
    if (!process.isAlive()) {
      return true;
    }
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "stat"));
      char state = stat.charAt(stat.lastIndexOf(')') + 2);
      return state == 'Z' || state == 'X';
    } catch (IOException | RuntimeException e) {
      return !process.isAlive();
    }
  }
}
