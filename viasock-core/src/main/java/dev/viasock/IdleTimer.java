package dev.viasock;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Decides when a server has been without connections for long enough to stop. Idleness counts from when the
 * server starts accepting ({@link #serving}), and a connection accepted but not yet greeted holds the server,
 * so that a caller that reached the socket in time is served, however slowly it or the first program starts.
 */
final class IdleTimer {
  private final Ticker ticker;
  private final long idleNanos;
  private int active;
  /** Accepted connections whose greeting is not read yet: they may be calls. */
  private int pending;
  private long idleSince;

  IdleTimer(Ticker ticker, Duration idle) {
    this.ticker = ticker;
    this.idleNanos = idle.toNanos();
    this.idleSince = ticker.read();
  }

  /** The server accepts from now on: the time its first program took to start was not idleness. */
  synchronized void serving() {
    idleSince = ticker.read();
  }

  /** A connection was accepted; until {@link #greeted} it holds the server without restarting its idle clock. */
  synchronized void accepted() {
    pending++;
  }

  /** An accepted connection greeted or left; a call is counted by {@link #opened} before this. */
  synchronized void greeted() {
    pending--;
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
    return active == 0 && pending == 0 && ticker.read() - idleSince >= idleNanos;
  }
}
