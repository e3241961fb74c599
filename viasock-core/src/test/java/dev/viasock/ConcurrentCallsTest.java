package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Many threads of one JVM calling at once: every caller gets exactly its own answers. */
class ConcurrentCallsTest {
  private static final int THREADS = 8;
  private static final int CALLS = 200;
  private static final int CALLS_PER_SESSION = 10;

  @RegisterExtension final Sandbox sandbox = new Sandbox();
  ExecutorService threads;

  @BeforeEach
  void setUp() throws Exception {
    threads = Executors.newFixedThreadPool(THREADS);
  }

  @AfterEach
  void tearDown() throws Exception {
    threads.shutdownNow();
    threads.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Test
  void eightThreadsMakingTwoHundredSessionCallsEachOnTwoWorkersEachGetExactlyTheirOwnAnswers() throws Exception {
    Serverizer serverizer = sandbox.serverizer("cat").workers(2).build();
    try (Session warm = serverizer.openSession()) {
      assertThat(warm.call("warm\n".getBytes(UTF_8))).isEqualTo("warm\n".getBytes(UTF_8));
    }
    List<Future<Integer>> results = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      results.add(threads.submit(() -> {
        int answered = 0;
        for (int s = 0; s < CALLS / CALLS_PER_SESSION; s++) {
          try (Session session = serverizer.openSession()) {
            for (int c = 0; c < CALLS_PER_SESSION; c++) {
              byte[] record = ("thread " + thread + " session " + s + " call " + c + "\n").getBytes(UTF_8);
              assertThat(session.call(record)).isEqualTo(record);
              answered++;
            }
          }
        }
        return answered;
      }));
    }
    for (Future<Integer> result : results) {
      assertThat(result.get(5, TimeUnit.MINUTES)).isEqualTo(CALLS);
    }
    assertThat(sandbox.servers()).hasSize(1);
  }

  @Test
  void anInProcessCallerFailingMidStreamWhileAnotherRunsNeverHandsItsRecordsToIt() throws Exception {
    StringBuilder input = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      input.append("b").append(i).append('\n');
    }
    String expected = input.toString();
    try (InProcessServer server = sandbox.serverizer("cat").build().startInProcess()) {
      for (int round = 0; round < 30; round++) {
        Future<Throwable> a = threads.submit(() -> {
          try {
            server.run(TestStreams.endlessSecrets(), TestStreams.failingAfter(1));
            return null;
          } catch (ViasockException e) {
            return e;
          }
        });
        Future<String> b = threads.submit(() -> {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          server.run(new ByteArrayInputStream(expected.getBytes(UTF_8)), out);
          return out.toString(UTF_8);
        });

        assertThat(b.get(60, TimeUnit.SECONDS)).as("round %d", round).isEqualTo(expected);
        assertThat(a.get(60, TimeUnit.SECONDS)).as("round %d", round)
            .isInstanceOfSatisfying(ViasockException.class, e -> assertThat(e.failure()).isEqualTo(Failure.OUTPUT_CLOSED));
      }
    }
  }
}
