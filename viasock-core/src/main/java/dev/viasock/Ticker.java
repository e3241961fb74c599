package dev.viasock;

/**
 * A source of monotonic time in nanoseconds. Injected wherever a timeout is decided (the record watchdog, the
 * idle timer) so that tests can move time forward without sleeping.
 */
@FunctionalInterface
interface Ticker {
  long read();

  static Ticker system() {
    return System::nanoTime;
  }
}
