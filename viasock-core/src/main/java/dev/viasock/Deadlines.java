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
  static Deadline schedule(Runnable cut, long nanos) {
    Deadline deadline = new Deadline(cut);
    deadline.future = Timer.INSTANCE.schedule(deadline, Math.max(0, nanos), TimeUnit.NANOSECONDS);
    return deadline;
  }

  /**
   * A scheduled cut. It counts as passed from the moment the cut begins: the thread the cut wakes may see its
   * read fail before the cut has returned, and must still know that the deadline, not the server, ended it.
   * A class, not a lambda: the JVM client links none on its call path.
   */
  static final class Deadline implements Runnable {
    private final Runnable cut;
    /** Set and cancelled by the calling thread only. */
    private ScheduledFuture<?> future;
    private volatile boolean passed;

    private Deadline(Runnable cut) {
      this.cut = cut;
    }

    @Override
    public void run() {
      passed = true;
      cut.run();
    }

    boolean passed() {
      return passed;
    }

    void cancel() {
      future.cancel(false);
    }
  }
}
