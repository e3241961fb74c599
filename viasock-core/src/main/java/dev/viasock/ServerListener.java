package dev.viasock;

import java.util.List;

/** Who a {@link Server} tells about its life: the background server keeps its info file with it. */
interface ServerListener {
  /**
   * The programs running are not those the listener last heard of: it hears of them first when the server
   * listens (never before: a server that failed to bind says nothing), then whenever a program starts or
   * ends; {@code programs} are those running now, an unmodifiable list. Calls alone never change them.
   */
  default void programsChanged(List<ProcessHandle> programs) {}

  /** Runs last, after the workers have ended and the socket file is gone. */
  default void stopped() {}

  ServerListener NONE = new ServerListener() {};
}
