package dev.viasock;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

/**
 * Stops a server on SIGTERM, SIGINT and SIGHUP through its own orderly stop, instead of the JVM's shutdown
 * hooks: those run all at once, so java.util.logging's would close the log in the middle of the stop, and
 * the JVM could exit before a cut call had been told why. Here the JVM exits only after the server has
 * stopped, when its main thread ends.
 *
 * <p>Signals are handled through {@code sun.misc.Signal} (module jdk.unsupported), reached by reflection so
 * that the build stays free of its warning; a JVM without it gets a shutdown hook instead.
 */
final class SignalStop {
  private static final List<String> SIGNALS = List.of("TERM", "INT", "HUP");

  private SignalStop() {}

  static void install(Server server) {
    try {
      Class<?> signalClass = Class.forName("sun.misc.Signal");
      Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
      Constructor<?> signalOf = signalClass.getConstructor(String.class);
      Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
      for (String name : SIGNALS) {
        Object handler =
            Proxy.newProxyInstance(
                SignalStop.class.getClassLoader(), new Class<?>[] {handlerClass}, new Stopper(server, name));
        try {
          handle.invoke(null, signalOf.newInstance(name), handler);
        } catch (java.lang.reflect.InvocationTargetException notOnThisPlatform) {
          // The others still stop the server.
        }
      }
    } catch (ReflectiveOperationException | RuntimeException noSignals) {
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        server.stop("shutdown", true);
        try {
          server.awaitStopped(Server.STOP_BOUND);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "viasock-shutdown-hook"));
    }
  }

  /** The handler of one signal: starts the server's stop. */
  private static final class Stopper implements InvocationHandler {
    private final Server server;
    private final String signal;

    Stopper(Server server, String signal) {
      this.server = server;
      this.signal = signal;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
      switch (method.getName()) {
        case "handle":
          server.stop("SIG" + signal, true);
          return null;
        case "hashCode":
          return System.identityHashCode(proxy);
        case "equals":
          return proxy == args[0];
        default:
          return "viasock handler of SIG" + signal;
      }
    }
  }
}
