package dev.viasock;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** A session's records handed straight to a worker of an {@link InProcessServer}. */
final class LocalTransport implements SessionTransport, Worker.Sink {
  private final Runnable release;
  private final BlockingQueue<Object> pieces = new LinkedBlockingQueue<>();
  private Attachment attachment;

  /** @param release gives the worker back to its pool; run once, when the session closes */
  LocalTransport(Runnable release) {
    this.release = release;
  }

  /** Takes the worker for this session; see {@link Worker#attach}. */
  void attachTo(Worker worker) {
    attachment = worker.attach(this, false);
  }

  @Override
  public void send(byte[] record) throws IOException {
    attachment.send(record, 0, record.length);
  }

  @Override
  public byte[] nextOutput() {
    Object piece;
    try {
      piece = pieces.take(); // Bounded by the program: it answers, dies, or the watchdog stops it.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ViasockException(Failure.PROGRAM_FAILED, "viasock: interrupted while waiting for the program");
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
  public void close() {
    try {
      attachment.endOfInput();
    } catch (CallEndedException alreadyEnded) {
      // Nothing more to end.
    } finally {
      attachment.detach();
      release.run();
    }
  }
}
