package dev.viasock;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads one program's stderr on a thread of its own: logs it (and keeps its last lines, see
 * {@link StderrCollector}), forwards it to the call that asked for it, and lets that call's end wait until
 * what the program wrote before its last answer has been forwarded.
 */
final class StderrPump {
  /** The most a call's end waits for the program's stderr to be forwarded, when it is forwarded. */
  private static final Duration CATCH_UP = Duration.ofMillis(50);
  private static final Duration QUIET = Duration.ofMillis(5);

  private final StderrCollector collector;
  /** Bytes taken from the pipe, and those handled (logged, forwarded). */
  private final AtomicLong taken = new AtomicLong();
  private final AtomicLong handled = new AtomicLong();
  /** Notified whenever the reader has handled what it took. */
  private final Object progress = new Object();
  /** Where stderr goes besides the log: the call that asked for it, until its END has been sent. */
  private volatile CallSink target;

  StderrPump(String logPrefix) {
    this.collector = new StderrCollector(logPrefix);
  }

  /** Forwards from now on to {@code sink}; null for nowhere but the log. */
  void forwardTo(CallSink sink) {
    target = sink;
  }

  /** Reads {@code source}'s stderr until it ends. */
  void run(ProgramProcess source) {
    byte[] buffer = new byte[8192];
    try {
      int read;
      while ((read = source.stderr().read(buffer)) >= 0) {
        taken.addAndGet(read);
        collector.accept(buffer, 0, read);
        CallSink sink = target;
        if (sink != null) {
          sink.stderr(buffer, 0, read);
        }
        handled.addAndGet(read);
        synchronized (progress) {
          progress.notifyAll();
        }
      }
    } catch (IOException e) {
      // The stream was closed because the process ended.
    } finally {
      collector.end();
      source.readerDone();
    }
  }

  /**
   * Waits, briefly, until what the program wrote on stderr before its last answer has been forwarded. The
   * pipe cannot be asked how much it holds while the reader waits in it (the JDK's stream locks both), so
   * this waits until the reader has taken nothing new for a moment and has handled all it took.
   */
  void awaitForwarded() {
    long now = System.nanoTime();
    long deadline = now + CATCH_UP.toNanos();
    long lastTaken = taken.get();
    long quietSince = now;
    synchronized (progress) {
      while (now < deadline) {
        long nowTaken = taken.get();
        boolean caughtUp = nowTaken == handled.get();
        if (nowTaken != lastTaken) {
          lastTaken = nowTaken;
          quietSince = now;
        } else if (caughtUp && now - quietSince >= QUIET.toNanos()) {
          return;
        }
        // Caught up: wait out the quiet moment (new bytes restart it); else until the reader has handled them.
        long wakeAt = caughtUp ? Math.min(quietSince + QUIET.toNanos(), deadline) : deadline;
        try {
          TimeUnit.NANOSECONDS.timedWait(progress, Math.max(1, wakeAt - now));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        now = System.nanoTime();
      }
    }
  }

  /** The program's last lines on stderr. */
  List<String> tail() {
    return collector.tail();
  }
}
