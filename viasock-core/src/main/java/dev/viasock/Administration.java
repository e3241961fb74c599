package dev.viasock;

import java.io.IOException;

/** What a connection may ask of its server besides a call: its status, and to stop. */
interface Administration {
  ServerStatus status();

  /**
   * Stops the server, then answers with its last status on {@code writer}, and keeps the connection until
   * the process exits, so that a stopped server is really gone when 'viasock stop' returns.
   */
  void stopAndAnswer(FrameWriter writer) throws IOException, InterruptedException;
}
