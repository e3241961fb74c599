package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The soak test of docs/reliability.md: thousands of warm calls, sequential and in parallel, each checked
 * byte for byte, while the server's descriptors, threads and memory are watched. Not in the default run:
 * {@code mvn -B verify -Psoak}. Its figures are printed and appended to target/soak-figures.txt.
 */
@Tag("soak")
class SoakIT {
  static final int SEQUENTIAL_CALLS = Integer.getInteger("soak.sequential", 2000);
  static final int PARALLEL_CALLERS = 20;
  static final int CALLS_PER_PARALLEL_CALLER = Integer.getInteger("soak.perCaller", 20);
  /** docs/reliability.md states this bound. */
  static final long RSS_BOUND_KIB = MemoryIT.BOUND_KIB;

  @RegisterExtension final Viasock viasock = new Viasock();
  final AtomicInteger mismatches = new AtomicInteger();

  /** A call with its own content: lines that name the call, with bytes of every kind. */
  private void call(int id) {
    Random random = new Random(id);
    StringBuilder input = new StringBuilder();
    int lines = 1 + random.nextInt(20);
    for (int line = 0; line < lines; line++) {
      input.append("call ").append(id).append(" line ").append(line).append(' ');
      for (int i = random.nextInt(60); i > 0; i--) {
        input.append((char) (' ' + random.nextInt(95)));
      }
      input.append('\n');
    }
    byte[] expected = input.toString().getBytes(UTF_8);
    Viasock.Result result = viasock.run(expected, "run", "-W", "120", "cat");
    if (result.exitStatus() != 0 || !java.util.Arrays.equals(result.stdout(), expected)) {
      mismatches.incrementAndGet();
      System.err.println("soak: call " + id + " mismatched: status " + result.exitStatus() + " " + result.stderr());
    }
  }

  private void parallelBurst(int base, int callsPerCaller) throws Exception {
    ExecutorService callers = Executors.newFixedThreadPool(PARALLEL_CALLERS);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int caller = 0; caller < PARALLEL_CALLERS; caller++) {
        int first = base + caller * callsPerCaller;
        done.add(callers.submit(() -> {
          for (int i = 0; i < callsPerCaller; i++) {
            call(first + i);
          }
        }));
      }
      for (Future<?> future : done) {
        future.get();
      }
    } finally {
      callers.shutdown();
    }
  }

  /** Samples after a quiet moment: the server ends idle connection threads after 5 s. */
  private Probes.Sample sample(long pid) throws IOException, InterruptedException {
    Thread.sleep(6_000);
    return Probes.Sample.of(pid);
  }

  @Test
  void thousandsOfCallsGetExactlyTheirOwnOutputAndTheServerStaysFlat() throws Exception {
    parallelBurst(1_000_000, 2);
    for (int i = 0; i < 20; i++) {
      call(2_000_000 + i);
    }
    assertThat(viasock.servers()).hasSize(1);
    long server = viasock.servers().get(0).pid();
    Probes.Sample start = sample(server);
    long began = System.nanoTime();

    for (int i = 0; i < SEQUENTIAL_CALLS; i++) {
      call(i);
    }
    long sequentialNanos = System.nanoTime() - began;
    long parallelBegan = System.nanoTime();
    parallelBurst(100_000, CALLS_PER_PARALLEL_CALLER);
    long parallelNanos = System.nanoTime() - parallelBegan;
    Probes.Sample end = sample(server);

    String figures = String.format(
        "soak: %d sequential calls in %.1f s (%.1f ms each), %d parallel calls (%d callers) in %.1f s;"
            + " mismatches %d; server fds %d -> %d, threads %d -> %d, RSS %d -> %d KiB%n",
        SEQUENTIAL_CALLS, sequentialNanos / 1e9, sequentialNanos / 1e6 / SEQUENTIAL_CALLS,
        PARALLEL_CALLERS * CALLS_PER_PARALLEL_CALLER, PARALLEL_CALLERS, parallelNanos / 1e9,
        mismatches.get(), start.fds(), end.fds(), start.threads(), end.threads(), start.rssKib(), end.rssKib());
    System.out.print(figures);
    Files.writeString(Path.of("target/soak-figures.txt"), figures,
        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);

    assertThat(mismatches.get()).isZero();
    assertThat(viasock.servers()).extracting(ProcessHandle::pid).containsExactly(server);
    assertThat(end.fds()).as("open descriptors").isLessThanOrEqualTo(start.fds() + 2);
    assertThat(end.threads()).as("threads").isLessThanOrEqualTo(start.threads());
    assertThat(end.rssKib()).as("resident memory").isLessThanOrEqualTo(RSS_BOUND_KIB);
  }
}
