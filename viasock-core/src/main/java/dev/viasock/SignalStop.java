package dev.viasock;

import java.util.List;
import sun.misc.Signal;

/**
 * Stops a server on SIGTERM, SIGINT and SIGHUP through its own orderly stop, instead of the JVM's shutdown
 * hooks: those run all at once, so java.util.logging's would close the log in the middle of the stop, and
 * the JVM could exit before a cut call had been told why. Here the JVM exits only after the server has
 * stopped, when its main thread ends.
 */
final class SignalStop {
  private static final List<String> SIGNALS = List.of("TERM", "INT", "HUP");

  private SignalStop() {}

  static void install(Server server) {
    for (String name : SIGNALS) {
      try {
        Signal.handle(new Signal(name), signal -> server.stop("SIG" + name, true));
      } catch (IllegalArgumentException notOnThisPlatform) {
        // The others still stop the server.
      }
    }
  }
}
