package dev.viasock;

import java.util.List;

/** Who a {@link Server} tells about its life: the background server keeps its info file with it. */
interface ServerListener {
  /** A program process started or ended; {@code programs} are those running now. */
  default void programsChanged(List<ProcessHandle> programs) {}

  /** Runs last, after the workers have ended and the socket file is gone. */
  default void stopped() {}

  ServerListener NONE = new ServerListener() {};
}
