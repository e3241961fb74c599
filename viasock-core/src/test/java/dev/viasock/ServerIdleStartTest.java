package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.collect.ImmutableList;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server's idleness counts from when it starts accepting: a first program that started slower than the
 * server timeout (a loaded machine, a short {@code -W}) does not stop the server before its first caller
 * connects. Time is a fake clock, moved by the test: only the housekeeping tick runs in real time.
 */
class ServerIdleStartTest {
  private static final Duration IDLE = Duration.ofSeconds(1);
  /** Several housekeeping ticks (100 ms each): a server that considers itself idle stops within them. */
  private static final Duration TICKS = Duration.ofMillis(800);

  @RegisterExtension final Sandbox sandbox = new Sandbox();
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void aServerWhoseStartTookLongerThanItsTimeoutServesItsFirstCallerAndThenStopsWhenIdle() throws Exception {
    Path socket = sandbox.workDir().resolve("idle.sock");
    Program cat = Program.resolve("cat", List.of(), sandbox.workDir(), System.getenv("PATH"));
    ServerSpec spec = new ServerSpec(
        cat, Framing.LINES, Duration.ZERO, IDLE, 1, ImmutableList.of(), ImmutableList.of());
    Server server = new Server(new ServerConfig(spec, "k", null, socket, null, null, now::get), ServerListener.NONE);
    now.addAndGet(IDLE.multipliedBy(3).toNanos()); // the time its making and its first program's start took
    server.start();
    try {
      assertThat(server.awaitStopped(TICKS)).as("stopped before anyone could connect").isFalse();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Serverizer.connect(socket, new ByteArrayInputStream("first\n".getBytes(UTF_8)), out);
      assertThat(out.toString(UTF_8)).isEqualTo("first\n");

      // The server's side of the call may close a moment after the client has its answer: the clock moves
      // on until the server, idle for its timeout since then, has stopped.
      long deadline = System.nanoTime() + Sandbox.STOP_BOUND.toNanos();
      boolean stopped = false;
      while (!stopped && System.nanoTime() < deadline) {
        now.addAndGet(IDLE.toNanos());
        stopped = server.awaitStopped(TICKS);
      }
      assertThat(stopped).as("stopped once idle for its timeout").isTrue();
      assertThat(socket).doesNotExist();
    } finally {
      server.stop("the test ended", true);
      server.awaitStopped(Sandbox.STOP_BOUND);
    }
  }
}
