package dev.viasock;

import java.io.IOException;

/** What a connection may ask of its server besides a call: whether it still serves, its status, and to stop. */
interface Administration {
  ServerStatus status();

  /**
   * Checks, as a client greets, that the server still serves its key: a server whose files changed stops
   * accepting at once (its socket file goes, so that the caller starts a fresh server under the same key)
   * and finishes its current clients.
   *
   * @return whether the greeting client must go elsewhere (answered with RETRY)
   */
  boolean retiresOnGreeting();

  /**
   * Stops the server, then answers with its last status on {@code writer}, and keeps the connection until
   * the process exits, so that a stopped server is really gone when 'viasock stop' returns.
   */
  void stopAndAnswer(FrameWriter writer) throws IOException, InterruptedException;
}
