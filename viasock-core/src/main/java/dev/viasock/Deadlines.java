package dev.viasock;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cuts a client's connection when its call's deadline passes: closing the channel is what unblocks a thread
 * that waits in a read. One timer thread for the JVM, started by the first call that has a deadline.
 */
final class Deadlines {
  private Deadlines() {}

  private static final class Timer {
    static final ScheduledExecutorService INSTANCE =
        Executors.newSingleThreadScheduledExecutor(Threads.named("call-deadline"));
  }

  /** Runs {@code cut} in {@code nanos} unless cancelled first. */
  static ScheduledFuture<?> schedule(Runnable cut, long nanos) {
    return Timer.INSTANCE.schedule(cut, Math.max(0, nanos), TimeUnit.NANOSECONDS);
  }
}
