package dev.viasock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.Arrays;

/** A session's records over a server's socket. */
final class SocketTransport implements SessionTransport {
  private final ClientCall call;

  private SocketTransport(ClientCall call) {
    this.call = call;
  }

  /**
   * Greets the server and reads the prelude.
   *
   * @return null when the server asked to connect again
   */
  static Session open(ClientCall call, Framing framing, java.time.Duration callTimeout) {
    try {
      if (!call.greet(false)) {
        call.close();
        return null;
      }
      SocketTransport transport = new SocketTransport(call);
      RecordScanner scanner = framing.newPreludeScanner();
      ByteArrayOutputStream prelude = new ByteArrayOutputStream();
      while (scanner.records() < framing.preludeLength()) {
        byte[] piece = transport.next(Frame.PRELUDE);
        scanner.scan(piece, 0, piece.length, Long.MAX_VALUE);
        prelude.write(piece, 0, piece.length);
      }
      return new Session(transport, framing, prelude.toByteArray(), callTimeout);
    } catch (ClosedByInterruptException e) {
      call.close();
      throw Session.interrupted(e);
    } catch (IOException e) {
      call.close();
      throw new ViasockException(Failure.SERVER_UNAVAILABLE, "viasock: lost the server: " + e.getMessage(), e);
    } catch (ViasockException e) {
      call.close();
      throw e;
    }
  }

  @Override
  public void send(byte[] record) throws IOException {
    call.writer().send(Frame.INPUT, record, 0, record.length);
  }

  @Override
  public byte[] nextOutput(long deadlineNanos) throws IOException, InterruptedException {
    if (deadlineNanos == Long.MAX_VALUE) {
      return readOutput();
    }
    long left = deadlineNanos - System.nanoTime();
    Deadlines.Deadline cut = Deadlines.schedule(call::close, left);
    try {
      return readOutput();
    } catch (IOException e) {
      if (cut.passed() && !Thread.currentThread().isInterrupted()) {
        return null;
      }
      throw e;
    } finally {
      cut.cancel();
    }
  }

  private byte[] readOutput() throws IOException, InterruptedException {
    try {
      return next(Frame.OUTPUT);
    } catch (ClosedByInterruptException e) {
      InterruptedException interrupted = new InterruptedException("interrupted while reading the answer");
      interrupted.initCause(e);
      throw interrupted;
    }
  }

  /** Reads frames until one of {@code expected} type; the program's stderr is skipped. */
  private byte[] next(byte expected) throws IOException {
    FrameReader reader = call.reader();
    while (true) {
      if (!call.next()) {
        throw new ViasockException(Failure.SERVER_UNAVAILABLE, "viasock: the server closed the session");
      }
      byte type = reader.type();
      if (type == expected) {
        return Arrays.copyOf(reader.payload(), reader.length());
      }
      if (type == Frame.END) {
        throw call.endFailure();
      }
      if (type != Frame.STDERR) {
        throw call.unexpectedFrame();
      }
    }
  }

  /** Closing the connection is how a client leaves: the server drains the answers owed, or replaces the program. */
  @Override
  public void abandon(Failure failure, String message) {
    call.close();
  }

  @Override
  public void close() {
    try {
      call.writer().send(Frame.END_OF_INPUT);
      while (call.next() && call.reader().type() != Frame.END) {
        // Only an END can follow; anything else goes with the connection.
      }
    } catch (IOException e) {
      // The server is gone; the worker is free either way.
    }
    call.close();
  }
}
