package dev.viasock;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One call on a worker of a pool, the same for a socket's client and an in-process caller: lease a worker
 * (waiting its turn), wait for its prelude, attach, feed, await the end, detach, release. The callers differ
 * only in their transport: the {@link CallSink} the output goes to, and where the input comes from.
 *
 * <p>The call's end is decided once, by whoever comes first (the worker: every answer came, the program
 * failed, the watchdog; or the caller: its input failed, it was interrupted, its deadline passed), and
 * reaches the transport exactly once.
 */
final class Call implements AutoCloseable {
  /** A dead program's exit reaches its call within moments; past this, the call ends regardless. */
  private static final Duration DEAD_WORKER_GRACE = Duration.ofSeconds(5);
  /** A worker being replaced (stray output between calls) is skipped: lease again, this many times. */
  private static final int LEASE_ATTEMPTS = 3;

  private final WorkerPool pool;
  private final Worker worker;
  private final Ending ending;
  private Attachment attachment;
  private boolean closed;

  private Call(WorkerPool pool, Worker worker, Ending ending) {
    this.pool = pool;
    this.worker = worker;
    this.ending = ending;
  }

  /**
   * Leases a worker (waiting while all are busy), waits for its prelude, attaches the call to it and tells
   * the transport so. A worker found to be in the middle of being replaced is given back and another leased,
   * so the call starts on a sound program.
   *
   * @return the attached call, or null when the pool is closed (the server is stopping)
   * @throws ViasockException when the program cannot be started or has died
   * @throws IOException when the transport could not be told (its caller has gone)
   */
  static Call open(WorkerPool pool, CallSink transport, boolean forwardStderr)
      throws InterruptedException, IOException {
    for (int attempt = 1; ; attempt++) {
      Worker worker = pool.lease();
      if (worker == null) {
        return null;
      }
      Call call = new Call(pool, worker, new Ending(transport));
      try {
        byte[] prelude = worker.awaitReady();
        call.attachment = worker.attach(call.ending);
        transport.accepted(prelude);
      } catch (ViasockException e) {
        call.close();
        if (attempt < LEASE_ATTEMPTS && worker.isCondemned() && worker.answeredARecord()) {
          continue;
        }
        throw e;
      } catch (IOException | InterruptedException | RuntimeException e) {
        call.close();
        throw e;
      }
      if (forwardStderr) {
        call.attachment.forwardStderr();
      }
      return call;
    }
  }

  /** The input records of {@code bytes}, in any chunking; see {@link Attachment#send}. */
  void send(byte[] bytes, int offset, int length) throws IOException {
    attachment.send(bytes, offset, length);
  }

  /** The input has ended; see {@link Attachment#endOfInput}. */
  void endOfInput() throws CallEndedException {
    attachment.endOfInput();
  }

  /** Ends the call with {@code failure}, unless it has already ended. */
  void fail(Failure failure, String message) {
    attachment.fail(failure, message);
    // A call no longer attached (the worker died) still ends, and only once.
    ending.finish(failure, message);
  }

  boolean hasEnded() {
    return ending.done.getCount() == 0;
  }

  /**
   * Waits for the call's end: success, or the failure the transport was told. Bounded by the program (it
   * answers, dies, or the watchdog stops it); a worker that died without ending the call ends it here.
   *
   * @return null on success, else why the call failed
   */
  ViasockException await() throws InterruptedException {
    long deadWaits = 0;
    while (!ending.done.await(1, TimeUnit.SECONDS)) {
      if (worker.isDead() && ++deadWaits >= DEAD_WORKER_GRACE.toSeconds()) {
        ending.finish(Failure.PROGRAM_FAILED, "viasock: the program ended without answering");
      }
    }
    return ending.failure;
  }

  /**
   * Waits at most {@code bound} for the call's end.
   *
   * @return whether it has ended
   */
  boolean awaitEnd(Duration bound) throws InterruptedException {
    return ending.done.await(bound.toNanos(), TimeUnit.NANOSECONDS);
  }

  /** Detaches (answers still owed are drained by the worker) and gives the worker back. Idempotent. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (attachment != null) {
      attachment.detach();
    }
    pool.release(worker);
  }

  /** Passes output to the transport and tells it the end exactly once. */
  private static final class Ending implements CallSink {
    private final CallSink transport;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile ViasockException failure;

    Ending(CallSink transport) {
      this.transport = transport;
    }

    @Override
    public void accepted(byte[] prelude) throws IOException {
      transport.accepted(prelude);
    }

    @Override
    public void output(byte[] bytes, int offset, int length) throws IOException {
      transport.output(bytes, offset, length);
    }

    @Override
    public void stderr(byte[] bytes, int offset, int length) {
      transport.stderr(bytes, offset, length);
    }

    @Override
    public void finish(Failure why, String message) {
      synchronized (this) {
        if (done.getCount() == 0) {
          return;
        }
        failure = why == null ? null : new ViasockException(why, message);
        try {
          transport.finish(why, message);
        } finally {
          done.countDown();
        }
      }
    }
  }
}
