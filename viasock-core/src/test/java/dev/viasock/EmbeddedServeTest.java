package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link Serverizer#serve} in a JVM that has other work: it changes nothing JVM-wide (the JVM's logging
 * stays as it was, no signal handler is installed), and interrupting the serving thread stops the server.
 */
class EmbeddedServeTest {
  @RegisterExtension final Sandbox sandbox = new Sandbox();
  Thread serving;

  @AfterEach
  void tearDown() throws Exception {
    if (serving != null) {
      serving.interrupt();
      serving.join(Server.STOP_BOUND.toMillis());
    }
  }

  @Test
  void servingLeavesTheJvmsLoggingAndSignalsAloneAndLogsToItsFile() throws Exception {
    List<Handler> rootHandlers = List.of(Logger.getLogger("").getHandlers());
    Path log = sandbox.workDir().resolve("embedded.log");
    Path socket = sandbox.workDir().resolve("embedded.sock");
    Object hupHandlerBefore = swapSignalHandler("HUP", null);

    CompletableFuture<Throwable> ended = serveInBackground(sandbox.serverizer("cat").logFile(log).build(), socket);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Serverizer.connect(socket, new ByteArrayInputStream("one\ntwo\n".getBytes(UTF_8)), out);

    assertThat(out.toString(UTF_8)).isEqualTo("one\ntwo\n");
    assertThat(Logger.getLogger("").getHandlers()).as("the JVM's root handlers").containsExactlyElementsOf(rootHandlers);
    // sun.misc.Signal wraps the JVM's own handlers anew on each call: they are told apart by what they wrap.
    assertThat(swapSignalHandler("HUP", hupHandlerBefore))
        .as("the SIGHUP handler while serving")
        .hasToString(hupHandlerBefore.toString())
        .matches(handler -> !Proxy.isProxyClass(handler.getClass()), "is not viasock's");
    assertThat(Files.readString(log)).contains(" serving cat in ");

    serving.interrupt();
    assertThat(ended.get(Server.STOP_BOUND.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    assertThat(Logger.getLogger("dev.viasock").getHandlers()).as("viasock's own handlers after serving").isEmpty();
  }

  @Test
  void interruptingTheServingThreadStopsTheServerItsProgramAndRemovesTheSocket() throws Exception {
    Path socket = sandbox.workDir().resolve("embedded.sock");
    String program = sandbox.script("pid.sh", "#!/bin/sh\nwhile IFS= read -r l; do echo \"$$ $l\"; done\n");
    CompletableFuture<Throwable> ended = serveInBackground(sandbox.serverizer(program).build(), socket);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Serverizer.connect(socket, new ByteArrayInputStream("x\n".getBytes(UTF_8)), out);
    long pid = Long.parseLong(out.toString(UTF_8).split(" ")[0]);

    long interrupted = System.nanoTime();
    serving.interrupt();

    assertThat(ended.get(Server.STOP_BOUND.toSeconds(), TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
    assertThat(Duration.ofNanos(System.nanoTime() - interrupted)).isLessThan(Server.STOP_BOUND);
    assertThat(socket).doesNotExist();
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("the program is alive").isFalse();
  }

  @Test
  void aStopRequestEndsAnEmbeddedServerAndIsAnsweredAsSoonAsServeReturns() throws Exception {
    Path socket = sandbox.workDir().resolve("embedded.sock");
    CompletableFuture<Throwable> ended = serveInBackground(sandbox.serverizer("cat").build(), socket);

    long asked = System.nanoTime();
    Optional<ServerStatus> stopped = ServerControl.stop(socket);
    Duration took = Duration.ofNanos(System.nanoTime() - asked);

    assertThat(stopped).as("the stopped server's last status").isPresent();
    assertThat(ended.get(5, TimeUnit.SECONDS)).as("what ended serve").isNull();
    // The answer's connection is held until the server's owner is done with it, not for a fixed bound.
    assertThat(took).as("time until the stop was answered").isLessThan(Server.STOP_BOUND.dividedBy(2));
    assertThat(socket).doesNotExist();
  }

  /** Serves on a thread of the test's; completes with what ended it (null when it returned). */
  private CompletableFuture<Throwable> serveInBackground(Serverizer serverizer, Path socket) throws Exception {
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    serving = new Thread(() -> {
      try {
        serverizer.serve(socket);
        ended.complete(null);
      } catch (Throwable e) {
        ended.complete(e);
      }
    }, "test-serve");
    serving.start();
    // The socket file appears as it is bound, a moment before it listens: a connection is what tells.
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!ended.isDone() && System.nanoTime() < deadline) {
      try (var probe = Connector.tryConnect(socket)) {
        if (probe != null) {
          return ended;
        }
      }
      Thread.sleep(10);
    }
    throw new AssertionError("not serving on " + socket + " within 30 s; serve ended with " + ended.getNow(null));
  }

  /**
   * Sets the handler of a signal through {@code sun.misc.Signal} and returns the one it replaced; null keeps
   * the current one (it is swapped for a moment and put back).
   */
  private static Object swapSignalHandler(String name, Object handler) throws Exception {
    Class<?> signalClass = Class.forName("sun.misc.Signal");
    Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
    Object signal = signalClass.getConstructor(String.class).newInstance(name);
    Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
    Object replacement = handler != null ? handler : handlerClass.getField("SIG_DFL").get(null);
    Object previous = handle.invoke(null, signal, replacement);
    if (handler == null) {
      handle.invoke(null, signal, previous);
    }
    return previous;
  }
}
