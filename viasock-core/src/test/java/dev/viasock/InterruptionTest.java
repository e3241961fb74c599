package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Interruption and deadlines, through a background server and in process: a thread blocked in a call ends
 * it within a second with an exception, nothing more is read from its input, and the next caller gets a
 * sound program (the hung one is drained, then replaced).
 */
class InterruptionTest {
  /** Answers "PID line"; on "hang" it never answers. */
  private static final String HANGER = "#!/usr/bin/env python3\nimport os, sys, time\n"
      + "for l in sys.stdin:\n"
      + "    if l.strip() == 'hang': time.sleep(600)\n"
      + "    print(os.getpid(), l.strip(), flush=True)\n";

  @RegisterExtension final Sandbox sandbox = new Sandbox();
  String hanger;

  @BeforeEach
  void setUp() throws Exception {
    hanger = sandbox.script("hanger.py", HANGER);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  private static String pidOf(byte[] answer) {
    String text = new String(answer, UTF_8);
    return text.substring(0, text.indexOf(' '));
  }

  private static void assertInterrupted(Throwable thrown) {
    assertThat(thrown).isInstanceOfSatisfying(ViasockException.class, e -> {
      assertThat(e.failure()).isEqualTo(Failure.INTERRUPTED);
      assertThat(e.exitStatus()).isEqualTo(130);
      assertThat(e.getMessage()).startsWith("viasock: interrupted");
    });
  }

  /** Runs {@code call} on a thread of its own, interrupts it after a moment, and returns what it threw. */
  private static Throwable interruptedDuring(Runnable call) throws Exception {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Boolean> flagSet = new AtomicReference<>();
    Thread caller = new Thread(() -> {
      try {
        call.run();
      } catch (Throwable t) {
        thrown.set(t);
        flagSet.set(Thread.currentThread().isInterrupted());
      }
    }, "test-caller");
    caller.start();
    Thread.sleep(800);
    long interruptedAt = System.nanoTime();
    caller.interrupt();
    caller.join(Duration.ofSeconds(5).toMillis());
    assertThat(caller.isAlive()).as("the interrupted call is still blocked").isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - interruptedAt)).isLessThan(Duration.ofSeconds(1));
    assertThat(flagSet.get()).as("the interrupt flag is set again").isTrue();
    return thrown.get();
  }

  @Test
  void aSessionCallInterruptedEndsWithinASecondAndTheNextSessionGetsASoundProgram() throws Exception {
    Serverizer serverizer = sandbox.serverizer(hanger).build();
    String pid;
    try (Session session = serverizer.openSession()) {
      pid = pidOf(session.call(bytes("first\n")));
      Throwable thrown = interruptedDuring(() -> session.call(bytes("hang\n")));
      assertInterrupted(thrown);
    }

    try (Session next = serverizer.openSession()) {
      byte[] answer = next.call(bytes("after\n"), Duration.ofSeconds(30));
      assertThat(pidOf(answer)).as("the hung program was replaced").isNotEqualTo(pid);
      assertThat(new String(answer, UTF_8)).endsWith(" after\n");
    }
  }

  @Test
  void aSessionCallPastItsDeadlineFailsWithTimeoutAndTheServerServesOn() throws Exception {
    Serverizer serverizer = sandbox.serverizer(hanger).workers(2).build();
    try (Session session = serverizer.openSession()) {
      long start = System.nanoTime();
      ViasockException e = org.junit.jupiter.api.Assertions.assertThrows(
          ViasockException.class, () -> session.call(bytes("hang\n"), Duration.ofMillis(500)));
      assertThat(e.failure()).isEqualTo(Failure.TIMEOUT);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
    try (Session other = serverizer.openSession()) {
      assertThat(new String(other.call(bytes("fine\n")), UTF_8)).endsWith(" fine\n");
    }
  }

  @Test
  void anInProcessSessionHonoursTheBuildersCallTimeoutAndInterruption() throws Exception {
    try (InProcessServer server =
        sandbox.serverizer(hanger).callTimeout(Duration.ofMillis(500)).build().startInProcess()) {
      try (Session session = server.openSession()) {
        ViasockException e = org.junit.jupiter.api.Assertions.assertThrows(
            ViasockException.class, () -> session.call(bytes("hang\n")));
        assertThat(e.failure()).isEqualTo(Failure.TIMEOUT);
      }
      try (Session session = server.openSession()) {
        Throwable thrown = interruptedDuring(() -> session.call(bytes("hang\n"), Duration.ZERO));
        assertInterrupted(thrown);
      }
      try (Session next = server.openSession()) {
        assertThat(new String(next.call(bytes("after\n"), Duration.ofSeconds(30)), UTF_8)).endsWith(" after\n");
      }
    }
  }

  /** "hang\n", then a line every 50 ms forever; counts the reads made of it. */
  private static final class SlowEndlessInput extends InputStream {
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public int read() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      byte[] line = bytes(reads.getAndIncrement() == 0 ? "hang\n" : "more\n");
      if (reads.get() > 1) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      System.arraycopy(line, 0, buffer, offset, line.length);
      return line.length;
    }
  }

  private static void assertNothingMoreIsRead(SlowEndlessInput input) throws InterruptedException {
    int readsAtTheEnd = input.reads.get();
    Thread.sleep(500);
    assertThat(input.reads.get()).as("reads of the input after the call failed").isEqualTo(readsAtTheEnd);
  }

  @Test
  void aRunInterruptedEndsWithinASecondAndReadsNothingMoreOfItsInput() throws Exception {
    Serverizer serverizer = sandbox.serverizer(hanger).build();
    SlowEndlessInput input = new SlowEndlessInput();

    Throwable thrown = interruptedDuring(() -> serverizer.run(input, new ByteArrayOutputStream()));

    assertInterrupted(thrown);
    assertNothingMoreIsRead(input);
  }

  @Test
  void anInProcessRunInterruptedOrPastItsDeadlineReadsNothingMoreOfItsInput() throws Exception {
    try (InProcessServer server = sandbox.serverizer(hanger).build().startInProcess()) {
      SlowEndlessInput input = new SlowEndlessInput();
      Throwable thrown = interruptedDuring(() -> server.run(input, new ByteArrayOutputStream()));
      assertInterrupted(thrown);
      assertNothingMoreIsRead(input);
    }
    try (InProcessServer server =
        sandbox.serverizer(hanger).callTimeout(Duration.ofMillis(700)).build().startInProcess()) {
      SlowEndlessInput input = new SlowEndlessInput();
      CompletableFuture<Throwable> thrown = CompletableFuture.supplyAsync(() -> {
        try {
          server.run(input, new ByteArrayOutputStream());
          return null;
        } catch (Throwable t) {
          return t;
        }
      });
      assertThat(thrown.get(5, TimeUnit.SECONDS))
          .isInstanceOfSatisfying(ViasockException.class, e -> assertThat(e.failure()).isEqualTo(Failure.TIMEOUT));
      assertNothingMoreIsRead(input);
    }
  }
}
