package dev.viasock;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

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
      notifyAll();
    }
  }

  /** Waits until no connection is open. */
  synchronized void awaitNoneActive() throws InterruptedException {
    while (active > 0) {
      wait();
    }
  }

  /** Waits at most {@code bound} (real time) until no connection is open; returns whether none is. */
  synchronized boolean awaitNoneActive(Duration bound) throws InterruptedException {
    long deadline = System.nanoTime() + bound.toNanos();
    while (active > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  synchronized int active() {
    return active;
  }

  /** How long the server has been without a connection; zero while it has one. */
  synchronized java.time.Duration idleFor() {
    return active > 0 ? java.time.Duration.ZERO : java.time.Duration.ofNanos(ticker.read() - idleSince);
  }

  synchronized boolean expired() {
    return active == 0 && ticker.read() - idleSince >= idleNanos;
  }
}
