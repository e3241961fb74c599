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
 * tools whose JVM lives long anyway. It has the same framing, prelude, pool and watchdog as a server, and
 * the same call path ({@link Call}), but no idle timeout and no key check: the program runs until
 * {@link #close()}, and a change to its files is not noticed (close and start again). Its log lines go to
 * {@link System.Logger}.
 *
 * <p>Thread-safe: calls from several threads share the workers; a call that finds every worker busy waits
 * its turn. A thread interrupted in {@code run} or in a session's call gets a {@link ViasockException} at
 * once; the program is drained or replaced. Made by {@link Serverizer#startInProcess()}.
 */
public final class InProcessServer implements AutoCloseable {
  private static final Duration WATCHDOG_TICK = Duration.ofMillis(100);
  private static final Duration STOP_GRACE = Duration.ofSeconds(2);
  /** How long a failed call waits for its input thread, which may be blocked reading the caller's stream. */
  private static final Duration INPUT_JOIN_BOUND = Duration.ofSeconds(1);

  private final ServerSpec spec;
  private final boolean forwardStderr;
  private final Duration callTimeout;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(Threads.named("in-process-timer"));
  private final WorkerPool pool;

  InProcessServer(ServerSpec spec, boolean forwardStderr, Duration callTimeout) {
    this.spec = spec;
    this.forwardStderr = forwardStderr;
    this.callTimeout = callTimeout;
    WorkerPool[] self = new WorkerPool[1];
    WorkerContext context = new WorkerContext(
        spec, null, Ticker.system(), scheduler, () -> self[0].changed(), new LongAdder(), WorkerContext.DRAIN_BOUND);
    this.pool = new WorkerPool(spec.workers(), slot -> Worker.launch(slot, context), () -> {}); // no info file
    self[0] = pool;
    pool.prestart();
    scheduler.scheduleWithFixedDelay(
        () -> pool.workers().forEach(InProcessServer::checkWorker),
        WATCHDOG_TICK.toMillis(),
        WATCHDOG_TICK.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private static void checkWorker(Worker worker) {
    worker.checkWatchdog();
    worker.checkHeldAnswers();
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
   * Like {@link Serverizer#run(InputStream, OutputStream, OutputStream)}, in this JVM. When it fails, nothing
   * more is read from {@code in} (a read already under way completes).
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
    Call call;
    try {
      call = Call.open(pool, new LocalCall(out, forwardStderr ? err : null), forwardStderr && err != null);
    } catch (IOException e) {
      throw new ViasockException(Failure.OUTPUT_CLOSED, "viasock: writing the output failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Session.interrupted(e);
    }
    if (call == null) {
      throw closed();
    }
    InputPump input = InputPump.start("in-process-input", in, new Feed(call));
    try {
      ViasockException failure = awaitWithin(call);
      if (failure != null) {
        throw failure;
      }
    } finally {
      input.stopAndJoin(INPUT_JOIN_BOUND);
      call.close();
    }
  }

  private ViasockException awaitWithin(Call call) {
    try {
      if (!callTimeout.isZero() && !call.awaitEnd(callTimeout)) {
        call.fail(Failure.TIMEOUT, "viasock: the call did not end within " + Durations.seconds(callTimeout)
            + " (the call timeout); the program is drained or replaced");
      }
      return call.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ViasockException interrupted = Session.interrupted(e);
      call.fail(interrupted.failure(), interrupted.getMessage());
      return interrupted;
    }
  }

  /** The caller's input, fed to its call. */
  private static final class Feed implements InputPump.Receiver {
    private final Call call;

    Feed(Call call) {
      this.call = call;
    }

    @Override
    public void piece(byte[] bytes, int offset, int length) throws IOException {
      call.send(bytes, offset, length);
    }

    @Override
    public void end() throws IOException {
      call.endOfInput();
    }

    @Override
    public void unreadable(IOException e) {
      call.fail(Failure.INPUT_FAILED, "viasock: reading the input failed: " + e.getMessage());
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
    LocalTransport transport;
    try {
      transport = LocalTransport.open(pool);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Session.interrupted(e);
    }
    if (transport == null) {
      throw closed();
    }
    return new Session(transport, spec.framing(), transport.prelude(), callTimeout);
  }

  private static IllegalStateException closed() {
    return new IllegalStateException("the in-process server is closed");
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
