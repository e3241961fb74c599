package dev.viasock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A server's resident memory stays within 64 MiB: idle, after a bulk call, and after 20 parallel callers. */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MemoryIT {
  static final long BOUND_KIB = 64 * 1024;
  private static final int CALLERS = 20;
  private static final int CALLS_EACH = 5;

  @RegisterExtension final Viasock viasock = new Viasock();
  ExecutorService callers;

  @BeforeEach
  void setUp() {
    callers = Executors.newFixedThreadPool(CALLERS);
  }

  @AfterEach
  void tearDown() {
    callers.shutdownNow();
  }

  private static String lines(int count, String text) {
    StringBuilder all = new StringBuilder();
    for (int i = 0; i < count; i++) {
      all.append(i).append(' ').append(text).append('\n');
    }
    return all.toString();
  }

  @Test
  void aServerStaysWithinSixtyFourMebibytesIdleAfterABulkCallAndAfterTwentyParallelCallers() throws Exception {
    String[] cat = {"run", "-W", "120", "--workers", "4", "cat"};
    viasock.run("warm\n", cat).assertSucceeded();
    long server = viasock.servers().get(0).pid();
    Thread.sleep(2_000);
    long idle = Probes.Sample.of(server).rssKib();

    String bulk = lines(500_000, "a line of a bulk call, some forty bytes");
    Viasock.Result bulkResult = viasock.run(bulk, cat).assertSucceeded();
    assertThat(bulkResult.stdout().length).isEqualTo(bulk.getBytes(StandardCharsets.UTF_8).length);
    long afterBulk = Probes.Sample.of(server).rssKib();

    List<Future<Boolean>> calls = new ArrayList<>();
    for (int c = 0; c < CALLERS; c++) {
      int caller = c;
      calls.add(callers.submit(() -> {
        boolean allOwn = true;
        for (int i = 0; i < CALLS_EACH; i++) {
          String input = lines(1 + (caller * 37 + i * 101) % 2000, "caller " + caller);
          allOwn &= viasock.run(input, cat).assertSucceeded().out().equals(input);
        }
        return allOwn;
      }));
    }
    for (Future<Boolean> call : calls) {
      assertThat(call.get(4, TimeUnit.MINUTES)).isTrue();
    }
    long afterParallel = Probes.Sample.of(server).rssKib();

    System.out.printf("server RSS: idle %d KiB, after a bulk call of %d bytes %d KiB, after %d parallel callers %d KiB%n",
        idle, bulk.length(), afterBulk, CALLERS, afterParallel);
    assertThat(idle).as("idle RSS, KiB").isLessThanOrEqualTo(BOUND_KIB);
    assertThat(afterBulk).as("RSS after a bulk call, KiB").isLessThanOrEqualTo(BOUND_KIB);
    assertThat(afterParallel).as("RSS after 20 parallel callers, KiB").isLessThanOrEqualTo(BOUND_KIB);
  }
}
