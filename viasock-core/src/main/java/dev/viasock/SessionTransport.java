package dev.viasock;

import java.io.IOException;

/** Where a {@link Session}'s records go: a server over its socket, or a worker in this JVM. */
interface SessionTransport {
  /** Sends one whole input record. */
  void send(byte[] record) throws IOException;

  /**
   * Waits for the next piece of output, until {@code deadlineNanos} ({@link System#nanoTime()};
   * {@link Long#MAX_VALUE} for none).
   *
   * @return the piece, or null when the deadline passed first
   * @throws ViasockException when the program or the server ended the session instead
   * @throws InterruptedException when the waiting thread was interrupted
   */
  byte[] nextOutput(long deadlineNanos) throws IOException, InterruptedException;

  /** Ends the session at once, answers still owed (the program is drained or replaced); never throws. */
  void abandon(Failure failure, String message);

  /** Ends the input and lets the program go; never throws. */
  void close();
}
