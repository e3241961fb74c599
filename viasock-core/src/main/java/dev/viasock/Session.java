package dev.viasock;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;

/**
 * One conversation with the program, holding one of its workers, in which records are sent one at a time
 * and each answer is read before the next record goes: for Java code that calls the program record by
 * record, such as a test fixture or a build step. Other callers wait for the worker until the session is
 * closed.
 *
 * <p>Calls are serialized; a session is meant for one thread at a time. After a call fails, the session is
 * broken and every further call fails the same way; open a new one.
 *
 * <p>A call can be bounded: {@link #call(byte[], Duration)}, or for every call the serverizer's
 * {@link Serverizer.Builder#callTimeout(Duration)}. A thread blocked in {@code call} that is interrupted, or
 * whose deadline passes, gets a {@link ViasockException} at once (within a second), and the session is
 * broken; the program that still owes the answer is drained, or replaced when the answer does not come
 * within a few seconds, so the next session gets a sound program. The server and its other callers are not
 * disturbed.
 */
public final class Session implements AutoCloseable {
  private final SessionTransport transport;
  private final Framing framing;
  private final byte[] prelude;
  private final Duration callTimeout;
  private ViasockException broken;
  private boolean closed;

  /** @param callTimeout the bound of {@link #call(byte[])}; zero for none */
  Session(SessionTransport transport, Framing framing, byte[] prelude, Duration callTimeout) {
    this.transport = transport;
    this.framing = framing;
    this.prelude = prelude;
    this.callTimeout = callTimeout;
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
   * Sends one input record and returns its output record, within the serverizer's call timeout when it has
   * one ({@link Serverizer.Builder#callTimeout(Duration)}).
   *
   * @param record exactly one whole input record, ending with its newline
   * @return the program's output record for it, with its newline
   * @throws IllegalArgumentException when {@code record} is not exactly one whole input record
   * @throws IllegalStateException when the session is closed
   * @throws ViasockException when the program failed to answer, the call timeout passed
   *     ({@link Failure#TIMEOUT}) or the thread was interrupted (its interrupt flag is then set again); the
   *     session is then broken
   */
  public byte[] call(byte[] record) {
    return call(record, callTimeout);
  }

  /**
   * Sends one input record and returns its output record, waiting at most {@code timeout} for it.
   *
   * @param record exactly one whole input record, ending with its newline
   * @param timeout the longest to wait for the answer; zero for no bound
   * @return the program's output record for it, with its newline
   * @throws IllegalArgumentException when {@code record} is not exactly one whole input record, or the
   *     timeout is negative
   * @throws IllegalStateException when the session is closed
   * @throws ViasockException when the program failed to answer, the timeout passed ({@link Failure#TIMEOUT})
   *     or the thread was interrupted (its interrupt flag is then set again); the session is then broken
   */
  public synchronized byte[] call(byte[] record, Duration timeout) {
    requireNonNull(record, "record");
    requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("the timeout must not be negative: " + timeout);
    }
    checkUsable();
    checkOneRecord(record);
    long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    try {
      if (Thread.interrupted()) {
        throw new InterruptedException("interrupted before the call");
      }
      transport.send(record);
      RecordScanner scanner = new RecordScanner(framing.output());
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      while (scanner.records() == 0) {
        byte[] piece = transport.nextOutput(deadline);
        if (piece == null) {
          throw abandon(new ViasockException(Failure.TIMEOUT,
              "viasock: the program did not answer within " + Durations.seconds(timeout)
                  + "; the session was ended and the program is drained or replaced"));
        }
        scanner.scan(piece, 0, piece.length, 1);
        answer.write(piece, 0, piece.length);
      }
      return answer.toByteArray();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw abandon(interrupted(e));
    } catch (java.nio.channels.ClosedByInterruptException e) {
      Thread.currentThread().interrupt();
      throw abandon(interrupted(e));
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

  /** What a thread interrupted during a call gets. */
  static ViasockException interrupted(Exception cause) {
    return new ViasockException(
        Failure.INTERRUPTED, "viasock: interrupted while waiting for the program; the call was abandoned", cause);
  }

  private ViasockException abandon(ViasockException failure) {
    broken = failure;
    transport.abandon(failure.failure(), failure.getMessage());
    return failure;
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
