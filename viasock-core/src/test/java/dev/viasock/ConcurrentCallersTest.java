package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many threads of one JVM calling {@code run}, {@code openSession} and {@code startInProcess} at once, on
 * cold keys: exactly one server starts per key, and every caller gets exactly its own output.
 */
class ConcurrentCallersTest {
  private static final int THREADS = 8;
  private static final int RECORDS = 40;
  private static final String TAGGER = "#!/bin/sh\nwhile IFS= read -r l; do echo \"$$ $l\"; done\n";

  @RegisterExtension final Sandbox sandbox = new Sandbox();
  ExecutorService threads;

  @BeforeEach
  void setUp() throws Exception {
    threads = Executors.newFixedThreadPool(THREADS * 2);
  }

  @AfterEach
  void tearDown() throws Exception {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).as("caller threads ended").isTrue();
  }

  @Test
  void eightThreadsColdStartingOneKeyStartExactlyOneServerAndEachGetsItsOwnOutput() throws Exception {
    Serverizer tagger = sandbox.serverizer(sandbox.script("tag.sh", TAGGER)).workers(2).build();

    List<Callable<Void>> callers = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      callers.add(caller(tagger, "caller" + i, i % 2 == 0));
    }
    runTogether(callers);

    assertThat(sandbox.servers()).as("servers of the key").hasSize(1);
    assertThat(servingLines(tagger)).as("servers that ever started for the key").isEqualTo(1);
  }

  @Test
  void threadsOnSeveralKeysStartExactlyOneServerPerKey() throws Exception {
    List<Serverizer> keys = new ArrayList<>();
    for (int k = 0; k < 3; k++) {
      keys.add(sandbox.serverizer(sandbox.script("tag" + k + ".sh", TAGGER)).build());
    }

    List<Callable<Void>> callers = new ArrayList<>();
    for (int i = 0; i < THREADS + 4; i++) {
      callers.add(caller(keys.get(i % keys.size()), "caller" + i, i % 3 != 0));
    }
    runTogether(callers);

    assertThat(sandbox.servers()).as("one server for each key").hasSize(keys.size());
    for (Serverizer key : keys) {
      assertThat(servingLines(key)).as("servers that ever started for %s", key.executable()).isEqualTo(1);
    }
  }

  @Test
  void threadsStartingInProcessServersEachGetTheirOwnOutput() throws Exception {
    Serverizer tagger = sandbox.serverizer(sandbox.script("tag.sh", TAGGER)).build();

    List<Callable<Void>> callers = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      String name = "caller" + i;
      callers.add(() -> {
        try (InProcessServer server = tagger.startInProcess()) {
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          server.run(new ByteArrayInputStream(input(name).getBytes(UTF_8)), out);
          assertOwnOutput(name, out.toString(UTF_8));
        }
        return null;
      });
    }
    runTogether(callers);

    assertThat(sandbox.servers()).as("background servers").isEmpty();
  }

  /** A caller that sends its own records, through {@code run} or a session, and checks what came back. */
  private static Callable<Void> caller(Serverizer serverizer, String name, boolean streams) {
    return () -> {
      if (streams) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        serverizer.run(new ByteArrayInputStream(input(name).getBytes(UTF_8)), out);
        assertOwnOutput(name, out.toString(UTF_8));
      } else {
        StringBuilder out = new StringBuilder();
        try (Session session = serverizer.openSession()) {
          for (String record : input(name).split("(?<=\n)")) {
            out.append(new String(session.call(record.getBytes(UTF_8)), UTF_8));
          }
        }
        assertOwnOutput(name, out.toString());
      }
      return null;
    };
  }

  private static String input(String name) {
    StringBuilder input = new StringBuilder();
    for (int r = 0; r < RECORDS; r++) {
      input.append(name).append(" record ").append(r).append('\n');
    }
    return input.toString();
  }

  /** Every line is the program's pid, then this caller's record, in order. */
  private static void assertOwnOutput(String name, String output) {
    String[] lines = output.split("\n", -1);
    assertThat(lines).as("%s's output", name).hasSize(RECORDS + 1);
    String pid = lines[0].substring(0, lines[0].indexOf(' '));
    for (int r = 0; r < RECORDS; r++) {
      assertThat(lines[r]).as("%s's record %s", name, r).isEqualTo(pid + " " + name + " record " + r);
    }
    assertThat(lines[RECORDS]).isEmpty();
  }

  /** Starts every caller at the same moment and waits (within a bound) for all of them; fails with theirs. */
  private void runTogether(List<Callable<Void>> callers) throws Exception {
    CountDownLatch ready = new CountDownLatch(callers.size());
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Void>> done = new ArrayList<>();
    for (Callable<Void> caller : callers) {
      done.add(threads.submit(() -> {
        ready.countDown();
        go.await();
        return caller.call();
      }));
    }
    assertThat(ready.await(30, TimeUnit.SECONDS)).as("callers ready").isTrue();
    go.countDown();
    for (Future<Void> caller : done) {
      caller.get(120, TimeUnit.SECONDS);
    }
  }

  /** How many servers of this key started: each logs one 'serving' line as it starts. */
  private static long servingLines(Serverizer serverizer) throws Exception {
    try (var lines = Files.lines(serverizer.logFile())) {
      return lines.filter(line -> line.contains(" serving ")).count();
    }
  }
}
