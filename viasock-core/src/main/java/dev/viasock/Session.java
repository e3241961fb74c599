package dev.viasock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * One connection to a server, holding one of its workers, on which records are sent one at a time and each
 * answer is read before the next record goes: for Java code that wants to call the program record by record,
 * such as a test fixture or a build step. Other callers wait for the worker until the session is closed.
 *
 * <p>Not for concurrent use: calls are serialized. After a call fails, the session is broken and every
 * further call fails the same way; open a new session.
 */
public final class Session implements AutoCloseable {
  private final ClientCall call;
  private final Framing framing;
  private final byte[] prelude;
  private ViasockException broken;
  private boolean closed;

  private Session(ClientCall call, Framing framing, byte[] prelude) {
    this.call = call;
    this.framing = framing;
    this.prelude = prelude;
  }

  /** Opens a session over a connected call; null when the server asked to connect again. */
  static Session open(ClientCall call, Framing framing) {
    try {
      if (!call.greet(false)) {
        call.close();
        return null;
      }
      RecordScanner scanner = framing.newPreludeScanner();
      ByteArrayOutputStream prelude = new ByteArrayOutputStream();
      while (scanner.records() < framing.preludeLength()) {
        readAnswerFrame(call, Frame.PRELUDE);
        byte[] payload = call.reader().payload();
        int length = call.reader().length();
        scanner.scan(payload, 0, length, Long.MAX_VALUE);
        prelude.write(payload, 0, length);
      }
      return new Session(call, framing, prelude.toByteArray());
    } catch (IOException e) {
      call.close();
      throw new ViasockException(Failure.SERVER_UNAVAILABLE, "viasock: lost the server: " + e.getMessage(), e);
    } catch (ViasockException e) {
      call.close();
      throw e;
    }
  }

  /** The program's prelude, the same for every session; empty when it has none. */
  public byte[] prelude() {
    return prelude.clone();
  }

  /**
   * Sends one input record and returns its output record.
   *
   * @param record exactly one whole input record, ending with its newline
   * @throws IllegalArgumentException when {@code record} is not exactly one whole input record
   * @throws ViasockException when the program failed to answer; the session is then broken
   */
  public synchronized byte[] call(byte[] record) {
    checkUsable();
    checkOneRecord(record);
    try {
      call.writer().send(Frame.INPUT, record, 0, record.length);
      RecordScanner scanner = new RecordScanner(framing.output());
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      while (scanner.records() == 0) {
        readAnswerFrame(call, Frame.OUTPUT);
        byte[] payload = call.reader().payload();
        int length = call.reader().length();
        scanner.scan(payload, 0, length, 1);
        answer.write(payload, 0, length);
      }
      return answer.toByteArray();
    } catch (IOException e) {
      throw breakWith(new ViasockException(
          Failure.SERVER_UNAVAILABLE, "viasock: lost the server: " + e.getMessage(), e));
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

  /** Reads frames until one of {@code expected} type; stderr frames are skipped. */
  private static void readAnswerFrame(ClientCall call, byte expected) throws IOException {
    while (true) {
      if (!call.reader().next()) {
        throw new ViasockException(Failure.SERVER_UNAVAILABLE, "viasock: the server closed the session");
      }
      byte type = call.reader().type();
      if (type == expected) {
        return;
      }
      if (type == Frame.END) {
        throw call.endFailure();
      }
      if (type != Frame.STDERR) {
        throw call.unexpectedFrame();
      }
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
    call.close();
    return failure;
  }

  /** Ends the session and gives the worker back. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (broken == null) {
      try {
        call.writer().send(Frame.END_OF_INPUT);
        while (call.reader().next() && call.reader().type() != Frame.END) {
          // Only an END can follow; anything else is dropped with the connection.
        }
      } catch (IOException e) {
        // The server is gone; the worker is free either way.
      }
    }
    call.close();
  }
}
