package dev.viasock;

import java.io.IOException;

/**
 * One call's hold on a worker, returned by {@link Worker#attach}: the only way to send it input, end that
 * input and give the worker back. Once detached, the handle is rejected: its sends throw
 * {@link CallEndedException} and never reach the program, so a caller's input thread that outlives its
 * call cannot feed the next caller's program.
 *
 * <p>The bytes of an input record not yet complete are held here, by the call they belong to, and reach the
 * program only with the record's end. One thread feeds a handle at a time.
 */
final class Attachment {
  private final Worker worker;
  private final Worker.Sink sink;
  private final RecordScanner inputScanner;
  private final HeldBytes heldBack = new HeldBytes();
  private volatile boolean detached;

  Attachment(Worker worker, Worker.Sink sink, Terminator inputTerminator) {
    this.worker = worker;
    this.sink = sink;
    this.inputScanner = new RecordScanner(inputTerminator);
  }

  /**
   * Writes the input records that {@code bytes} completes to the program, holding back the start of a record
   * not yet complete.
   *
   * @throws CallEndedException when this handle has been detached (nothing reaches the program)
   * @throws IOException when the program no longer reads its input
   */
  synchronized void send(byte[] bytes, int offset, int length) throws IOException {
    checkAttached();
    worker.send(this, bytes, offset, length);
  }

  /**
   * The call's input has ended: the call ends when every record it sent has been answered.
   *
   * @throws CallEndedException when this handle has been detached
   */
  synchronized void endOfInput() throws CallEndedException {
    checkAttached();
    worker.endOfInput(this);
  }

  /** Gives the worker back (see {@link Worker#detach}); from now on this handle is rejected. Idempotent. */
  void detach() {
    detached = true;
    worker.detach(this);
  }

  boolean isDetached() {
    return detached;
  }

  private void checkAttached() throws CallEndedException {
    if (detached) {
      throw new CallEndedException();
    }
  }

  Worker.Sink sink() {
    return sink;
  }

  /** Owned by the feeding thread (and read once its input has ended). */
  RecordScanner inputScanner() {
    return inputScanner;
  }

  HeldBytes heldBack() {
    return heldBack;
  }
}
