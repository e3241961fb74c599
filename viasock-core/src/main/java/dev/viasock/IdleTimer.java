package dev.viasock;

import java.time.Duration;

/** Decides when a server has been without connections for long enough to stop. */
final class IdleTimer {
  private final Ticker ticker;
  private final long idleNanos;
  private int active;
  private long idleSince;

  IdleTimer(Ticker ticker, Duration idle) {
    this.ticker = ticker;
    this.idleNanos = idle.toNanos();
    this.idleSince = ticker.read();
  }

  synchronized void opened() {
    active++;
  }

  synchronized void closed() {
    if (--active == 0) {
      idleSince = ticker.read();
    }
  }

  synchronized int active() {
    return active;
  }

  synchronized boolean expired() {
    return active == 0 && ticker.read() - idleSince >= idleNanos;
  }
}
