package dev.viasock;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A session's records handed straight to a worker of an {@link InProcessServer}, through a {@link Call}. */
final class LocalTransport implements SessionTransport, CallSink {
  private final BlockingQueue<Object> pieces = new LinkedBlockingQueue<>();
  private Call call;
  private byte[] prelude;

  /** Attaches a session to a worker of {@code pool}; null when the pool is closed. */
  static LocalTransport open(WorkerPool pool) throws InterruptedException {
    LocalTransport transport = new LocalTransport();
    try {
      transport.call = Call.open(pool, transport, false);
    } catch (IOException impossible) {
      throw new IllegalStateException(impossible);
    }
    return transport.call == null ? null : transport;
  }

  byte[] prelude() {
    return prelude;
  }

  @Override
  public void accepted(byte[] bytes) {
    prelude = bytes;
  }

  @Override
  public void send(byte[] record) throws IOException {
    call.send(record, 0, record.length);
  }

  @Override
  public byte[] nextOutput(long deadlineNanos) throws IOException, InterruptedException {
    Object piece = pieces.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    if (piece == null) {
      return null;
    }
    if (piece instanceof ViasockException) {
      throw (ViasockException) piece;
    }
    return (byte[]) piece;
  }

  @Override
  public void output(byte[] bytes, int offset, int length) {
    pieces.add(Arrays.copyOfRange(bytes, offset, offset + length));
  }

  @Override
  public void stderr(byte[] bytes, int offset, int length) {
    // A session does not forward stderr; the program's stderr is logged.
  }

  @Override
  public void finish(Failure failure, String message) {
    if (failure != null) {
      pieces.add(new ViasockException(failure, message));
    }
  }

  @Override
  public void abandon(Failure failure, String message) {
    call.fail(failure, message);
    call.close();
  }

  @Override
  public void close() {
    try {
      call.endOfInput();
    } catch (CallEndedException alreadyEnded) {
      // Nothing more to end.
    } finally {
      call.close();
    }
  }
}
