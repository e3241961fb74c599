package dev.viasock.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.viasock.Servers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The examples' own check that a test cleaned up after itself: no server answers in its state directory,
 * and no process this JVM started (a background server, or a program that an in-process server ran) is
 * still alive. Not something a user's tests need; it keeps these examples honest.
 */
final class NothingLeftRunning {
  private static final Duration BOUND = Duration.ofSeconds(15);

  private NothingLeftRunning() {}

  static void check(Path stateDirectory) throws InterruptedException {
    assertThat(Servers.in(stateDirectory).list()).as("servers still answering in " + stateDirectory).isEmpty();
    check();
  }

  /** Waits (within a bound) for every process started by this JVM to end. */
  static void check() throws InterruptedException {
    long deadline = System.nanoTime() + BOUND.toNanos();
    List<ProcessHandle> alive = descendants();
    while (!alive.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      alive = descendants();
    }
    assertThat(alive.stream().map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList())
        .as("processes left running")
        .isEmpty();
  }

  private static List<ProcessHandle> descendants() {
    return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).toList();
  }
}
