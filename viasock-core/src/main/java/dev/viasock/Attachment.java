package dev.viasock;

import java.io.IOException;

/**
 * One call's hold on a worker, returned when the call is attached: the only way to send the program input,
 * end that input and give the worker back. Once detached, the handle is rejected: its sends throw
 * {@link CallEndedException} and never reach the program, so a caller's input thread that outlives its call
 * cannot feed the next caller's program.
 *
 * <p>The bytes of an input record not yet complete are held here (in its {@link InputFramer}), by the call
 * they belong to, and reach the program only with the record's end. One thread feeds a handle at a time.
 */
final class Attachment {
  /** What a handle acts on: the worker. */
  interface Target {
    void send(Attachment owner, byte[] bytes, int offset, int length) throws IOException;

    void endOfInput(Attachment owner) throws CallEndedException;

    void detach(Attachment owner);

    void fail(Attachment owner, Failure failure, String message);

    void forwardStderr(Attachment owner);
  }

  private final Target target;
  private final CallSink sink;
  private final InputFramer framer;
  private volatile boolean detached;

  Attachment(Target target, CallSink sink, InputFramer framer) {
    this.target = target;
    this.sink = sink;
    this.framer = framer;
  }

  /**
   * Writes the input records that {@code bytes} completes to the program, holding back the start of a record
   * not yet complete.
   *
   * @throws CallEndedException when this handle has been detached (nothing reaches the program)
   * @throws IOException when the call has ended or the program no longer reads its input
   */
  synchronized void send(byte[] bytes, int offset, int length) throws IOException {
    checkAttached();
    target.send(this, bytes, offset, length);
  }

  /**
   * The call's input has ended: the call ends when every record it sent has been answered.
   *
   * @throws CallEndedException when this handle has been detached
   */
  synchronized void endOfInput() throws CallEndedException {
    checkAttached();
    target.endOfInput(this);
  }

  /** Ends the call with {@code failure} unless it has already ended; the handle stays attached. */
  void fail(Failure failure, String message) {
    target.fail(this, failure, message);
  }

  /** From now on the program's stderr goes to this call's sink too. */
  void forwardStderr() {
    target.forwardStderr(this);
  }

  /** Gives the worker back; from now on this handle is rejected. Detaching twice does nothing. */
  void detach() {
    detached = true;
    target.detach(this);
  }

  boolean isDetached() {
    return detached;
  }

  private void checkAttached() throws CallEndedException {
    if (detached) {
      throw new CallEndedException();
    }
  }

  CallSink sink() {
    return sink;
  }

  InputFramer framer() {
    return framer;
  }
}
