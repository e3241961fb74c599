package dev.viasock;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The program kept alive by this JVM itself: no background server, no socket. For test harnesses and build
 * tools whose JVM lives long anyway. It has the same framing, prelude, pool and watchdog as a server, but no
 * idle timeout and no key check: the program runs until {@link #close()}, and a change to its files is not
 * noticed (close and start again). Its log lines go to {@link System.Logger}.
 *
 * <p>Thread-safe: calls from several threads share the workers; a call that finds every worker busy waits
 * its turn. Made by {@link Serverizer#startInProcess()}.
 */
public final class InProcessServer implements AutoCloseable {
  private static final Duration WATCHDOG_TICK = Duration.ofMillis(100);
  private static final Duration STOP_GRACE = Duration.ofSeconds(2);

  private final ServerSpec spec;
  private final boolean forwardStderr;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(Threads.named("in-process-timer"));
  private final WorkerPool pool;

  InProcessServer(ServerSpec spec, boolean forwardStderr) {
    this.spec = spec;
    this.forwardStderr = forwardStderr;
    WorkerContext context =
        new WorkerContext(spec, null, Ticker.system(), scheduler, this::changed, new LongAdder());
    this.pool = new WorkerPool(spec.workers(), slot -> Worker.launch(slot, context));
    pool.prestart();
    scheduler.scheduleWithFixedDelay(
        () -> pool.workers().forEach(Worker::checkWatchdog),
        WATCHDOG_TICK.toMillis(),
        WATCHDOG_TICK.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void changed(Worker worker) {
    pool.changed(worker);
  }

  /**
   * Like {@link Serverizer#run(InputStream, OutputStream)}, in this JVM.
   *
   * @param in the input records
   * @param out where the prelude and the output records go
   * @throws ViasockException when not every record could be answered
   * @throws IllegalStateException when this server is closed
   */
  public void run(InputStream in, OutputStream out) {
    run(in, out, null);
  }

  /**
   * Like {@link Serverizer#run(InputStream, OutputStream, OutputStream)}, in this JVM.
   *
   * @param in the input records
   * @param out where the prelude and the output records go
   * @param err where the program's stderr goes while it serves this call, when the serverizer forwards it
   * @throws ViasockException when not every record could be answered
   * @throws IllegalStateException when this server is closed
   */
  public void run(InputStream in, OutputStream out, OutputStream err) {
    requireNonNull(in, "in");
    requireNonNull(out, "out");
    Worker worker = lease();
    Attachment attachment = null;
    try {
      byte[] prelude = worker.awaitReady();
      out.write(prelude);
      out.flush();
      LocalCall call = new LocalCall(out, forwardStderr ? err : null);
      Attachment attached = worker.attach(call, forwardStderr && err != null);
      attachment = attached;
      Threads.start("in-process-input", () -> call.feed(in, attached));
      call.await();
    } catch (IOException e) {
      throw new ViasockException(Failure.OUTPUT_CLOSED, "viasock: writing the output failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ViasockException(Failure.PROGRAM_FAILED, "viasock: interrupted while the program started", e);
    } finally {
      if (attachment != null) {
        attachment.detach();
      }
      pool.release(worker);
    }
  }

  /**
   * Like {@link Serverizer#openSession()}, in this JVM.
   *
   * @return a session holding one worker until it is closed
   * @throws ViasockException when the program could not start
   * @throws IllegalStateException when this server is closed
   */
  public Session openSession() {
    Worker worker = lease();
    try {
      byte[] prelude = worker.awaitReady();
      LocalTransport transport = new LocalTransport(() -> pool.release(worker));
      transport.attachTo(worker);
      return new Session(transport, spec.framing(), prelude);
    } catch (InterruptedException e) {
      pool.release(worker);
      Thread.currentThread().interrupt();
      throw new ViasockException(Failure.PROGRAM_FAILED, "viasock: interrupted while the program started", e);
    } catch (RuntimeException e) {
      pool.release(worker);
      throw e;
    }
  }

  private Worker lease() {
    Worker worker;
    try {
      worker = pool.lease();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ViasockException(Failure.PROGRAM_FAILED, "viasock: interrupted while waiting for a worker", e);
    }
    if (worker == null) {
      throw new IllegalStateException("the in-process server is closed");
    }
    return worker;
  }

  /** Stops the programs (EOF on stdin, then SIGTERM and SIGKILL within bounds) and waits for them. */
  @Override
  public void close() {
    try {
      pool.closeAndStop(STOP_GRACE);
    } finally {
      scheduler.shutdownNow();
    }
  }
}
