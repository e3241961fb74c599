package dev.viasock;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * One conversation with the program, holding one of its workers, in which records are sent one at a time
 * and each answer is read before the next record goes: for Java code that calls the program record by
 * record, such as a test fixture or a build step. Other callers wait for the worker until the session is
 * closed.
 *
 * <p>Calls are serialized; a session is meant for one thread at a time. After a call fails, the session is
 * broken and every further call fails the same way; open a new one.
 */
public final class Session implements AutoCloseable {
  private final SessionTransport transport;
  private final Framing framing;
  private final byte[] prelude;
  private ViasockException broken;
  private boolean closed;

  Session(SessionTransport transport, Framing framing, byte[] prelude) {
    this.transport = transport;
    this.framing = framing;
    this.prelude = prelude;
  }

  /**
   * The program's prelude, the same for every session; empty when it has none.
   *
   * @return a copy of the prelude's bytes
   */
  public byte[] prelude() {
    return prelude.clone();
  }

  /**
   * Sends one input record and returns its output record.
   *
   * @param record exactly one whole input record, ending with its newline
   * @return the program's output record for it, with its newline
   * @throws IllegalArgumentException when {@code record} is not exactly one whole input record
   * @throws IllegalStateException when the session is closed
   * @throws ViasockException when the program failed to answer; the session is then broken
   */
  public synchronized byte[] call(byte[] record) {
    requireNonNull(record, "record");
    checkUsable();
    checkOneRecord(record);
    try {
      transport.send(record);
      RecordScanner scanner = new RecordScanner(framing.output());
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      while (scanner.records() == 0) {
        byte[] piece = transport.nextOutput();
        scanner.scan(piece, 0, piece.length, 1);
        answer.write(piece, 0, piece.length);
      }
      return answer.toByteArray();
    } catch (IOException e) {
      throw breakWith(new ViasockException(
          Failure.SERVER_UNAVAILABLE, "viasock: lost the program: " + e.getMessage(), e));
    } catch (ViasockException e) {
      throw breakWith(e);
    }
  }

  private void checkOneRecord(byte[] record) {
    RecordScanner scanner = new RecordScanner(framing.input());
    int end = scanner.scan(record, 0, record.length, 1);
    if (scanner.records() != 1 || end != record.length) {
      throw new IllegalArgumentException(
          "a record must be exactly one whole input record ending with a newline"
              + (framing.input().everyLineEndsARecord() ? "" : " on a line matching " + framing.input())
              + "; got " + record.length + " bytes with " + (scanner.records() == 0 ? "no record end"
              : "more after the first record end"));
    }
  }

  private void checkUsable() {
    if (closed) {
      throw new IllegalStateException("the session is closed");
    }
    if (broken != null) {
      throw new ViasockException(broken.failure(), broken.getMessage(), broken);
    }
  }

  private ViasockException breakWith(ViasockException failure) {
    broken = failure;
    transport.close();
    return failure;
  }

  /** Ends the session and gives the worker back. Closing twice does nothing. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (broken == null) {
      transport.close();
    }
  }
}
