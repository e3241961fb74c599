package dev.viasock;

import java.time.Duration;

/** A {@link Ticker} whose time moves only when a test moves it. */
final class FakeTicker implements Ticker {
  private long now;

  FakeTicker() {
    this(1_000_000_000L);
  }

  FakeTicker(long start) {
    this.now = start;
  }

  @Override
  public synchronized long read() {
    return now;
  }

  synchronized void advance(Duration duration) {
    now += duration.toNanos();
  }

  synchronized void advanceNanos(long nanos) {
    now += nanos;
  }
}
