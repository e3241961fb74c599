package dev.viasock;

import java.io.IOException;

/** Where a {@link Session}'s records go: a server over its socket, or a worker in this JVM. */
interface SessionTransport {
  /** Sends one whole input record. */
  void send(byte[] record) throws IOException;

  /**
   * Waits for the next piece of output.
   *
   * @throws ViasockException when the program or the server ended the session instead
   */
  byte[] nextOutput() throws IOException;

  /** Ends the input and lets the program go; never throws. */
  void close();
}
