package dev.viasock;

import java.time.Duration;

/**
 * Decides when a program has taken too long to answer a record. The clock runs only while records are
 * outstanding and the program is the one holding things up: while the answer is being written to a slow
 * client the clock is paused, because that wait is not the program's. Every answered record restarts it.
 *
 * <p>commons-exec's {@code ExecuteWatchdog} times a whole process from its start and cannot be reset, which
 * is why this one exists. It only decides; whoever polls {@link #overdue()} stops the program.
 */
final class RecordWatchdog {
  private final Ticker ticker;
  private final long timeoutNanos;
  private long outstanding;
  private long since;
  private int pauses;

  /** A watchdog with no limit when {@code timeout} is zero. */
  RecordWatchdog(Ticker ticker, Duration timeout) {
    this.ticker = ticker;
    this.timeoutNanos = timeout.toNanos();
  }

  synchronized void expect(long records) {
    if (records <= 0) {
      return;
    }
    if (outstanding == 0) {
      since = ticker.read();
    }
    outstanding += records;
  }

  synchronized void answered(long records) {
    if (records <= 0) {
      return;
    }
    outstanding -= records;
    since = ticker.read();
  }

  synchronized void pause() {
    pauses++;
  }

  synchronized void resume() {
    pauses--;
    since = ticker.read();
  }

  synchronized boolean overdue() {
    return timeoutNanos > 0 && outstanding > 0 && pauses == 0 && ticker.read() - since > timeoutNanos;
  }

  Duration timeout() {
    return Duration.ofNanos(timeoutNanos);
  }

  synchronized long outstanding() {
    return outstanding;
  }
}
