package dev.viasock.junit;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Starts a program and waits, within a bound, until it is ready: a session opened and closed again means
 * that the server (if any) runs and the program has started and written its prelude. A program that cannot
 * start is stopped and checked, and its failure is thrown; one that takes longer than the bound is stopped.
 */
final class Starting {
  private Starting() {}

  static Started start(Supplier<Started> create, Duration bound) {
    Started program = create.get();
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread opener = new Thread(() -> {
      try {
        program.openSession().close();
        ready.complete(null);
      } catch (Throwable e) {
        ready.completeExceptionally(e);
      }
    }, "viasock-junit-start");
    opener.setDaemon(true);
    opener.start();
    try {
      ready.get(bound.toMillis(), TimeUnit.MILLISECONDS);
      return program;
    } catch (ExecutionException e) {
      throw stopAfter(program, e.getCause());
    } catch (TimeoutException e) {
      throw stopAfter(program, new AssertionError("viasock: the program did not start within " + bound.toSeconds()
          + " s (it must run and write its prelude; see startTimeout)"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw stopAfter(program, new IllegalStateException("viasock: interrupted while the program started", e));
    }
  }

  /** Stops {@code program}, keeping {@code failure} as the reason and what the stop found as suppressed. */
  private static RuntimeException stopAfter(Started program, Throwable failure) {
    try {
      program.close();
    } catch (RuntimeException | AssertionError stopping) {
      failure.addSuppressed(stopping);
    }
    if (failure instanceof RuntimeException runtime) {
      return runtime;
    }
    if (failure instanceof Error error) {
      throw error;
    }
    return new IllegalStateException(failure);
  }
}
