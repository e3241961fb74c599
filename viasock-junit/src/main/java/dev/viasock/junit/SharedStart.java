package dev.viasock.junit;

import java.util.function.Supplier;

/**
 * A program shared by the suite, kept in JUnit's root store, which closes it (stops and checks it) when the
 * test run ends. A program that failed to start fails every class that asks for it, with the same failure,
 * without being started again.
 */
final class SharedStart implements AutoCloseable {
  private final Started program;
  private final RuntimeException failure;

  SharedStart(Supplier<Started> start) {
    Started started = null;
    RuntimeException failed = null;
    try {
      started = start.get();
    } catch (RuntimeException e) {
      failed = e;
    }
    this.program = started;
    this.failure = failed;
  }

  Started get() {
    if (failure != null) {
      throw failure;
    }
    return program;
  }

  @Override
  public void close() {
    if (program != null) {
      program.close();
    }
  }
}
