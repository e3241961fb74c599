package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.collect.ImmutableList;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Attachment}: a call's handle on a worker, rejected once detached. */
class AttachmentTest {
  @TempDir Path temp;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private Worker worker;

  @AfterEach
  void tearDown() throws Exception {
    if (worker != null) {
      worker.stop(Duration.ofSeconds(2));
    }
    scheduler.shutdownNow();
  }

  /** Collects a call's output and how it ended. */
  private static final class Collector implements CallSink {
    @Override
    public void accepted(byte[] prelude) {}

    final ByteArrayOutputStream output = new ByteArrayOutputStream();
    final CompletableFuture<Failure> end = new CompletableFuture<>();

    @Override
    public synchronized void output(byte[] bytes, int offset, int length) {
      output.write(bytes, offset, length);
    }

    @Override
    public void stderr(byte[] bytes, int offset, int length) {}

    @Override
    public void finish(Failure failure, String message) {
      end.complete(failure);
    }

    synchronized String text() {
      return output.toString(UTF_8);
    }
  }

  private Worker cat() throws Exception {
    ServerSpec spec = new ServerSpec(
        Program.resolve("cat", ImmutableList.of(), temp, System.getenv("PATH")),
        Framing.LINES,
        Duration.ZERO,
        Duration.ofSeconds(15),
        1,
        ImmutableList.of(),
        ImmutableList.of());
    WorkerContext context = new WorkerContext(
        spec, null, Ticker.system(), scheduler, () -> {}, new LongAdder(), WorkerContext.DRAIN_BOUND);
    Worker started = Worker.launch(0, context);
    started.awaitReady();
    return started;
  }

  private static void send(Attachment attachment, String text) throws Exception {
    byte[] bytes = text.getBytes(UTF_8);
    attachment.send(bytes, 0, bytes.length);
  }

  @Test
  void aDetachedHandleIsRejectedAndNothingItSendsReachesTheProgram() throws Exception {
    worker = cat();
    Collector first = new Collector();
    Attachment a = worker.attach(first);
    send(a, "a1\n");
    a.endOfInput();
    assertThat(first.end.get(10, TimeUnit.SECONDS)).isNull();
    a.detach();

    Collector second = new Collector();
    Attachment b = worker.attach(second);
    assertThatThrownBy(() -> send(a, "SECRET-OF-A\n")).isInstanceOf(CallEndedException.class);
    assertThatThrownBy(() -> send(a, "half a rec")).isInstanceOf(CallEndedException.class);
    assertThatThrownBy(a::endOfInput).isInstanceOf(CallEndedException.class);
    send(b, "b1\n");
    send(b, "b2\n");
    b.endOfInput();

    assertThat(second.end.get(10, TimeUnit.SECONDS)).isNull();
    assertThat(first.text()).isEqualTo("a1\n");
    assertThat(second.text()).isEqualTo("b1\nb2\n");
    b.detach();
    assertThat(worker.isAvailable()).isTrue();
  }

  @Test
  void detachingTwiceOrAfterTheNextCallerAttachedLeavesTheNextCallerAttached() throws Exception {
    worker = cat();
    Attachment a = worker.attach(new Collector());
    a.detach();
    Collector second = new Collector();
    Attachment b = worker.attach(second);
    a.detach();

    send(b, "b1\n");
    b.endOfInput();
    assertThat(second.end.get(10, TimeUnit.SECONDS)).isNull();
    assertThat(second.text()).isEqualTo("b1\n");
  }
}
