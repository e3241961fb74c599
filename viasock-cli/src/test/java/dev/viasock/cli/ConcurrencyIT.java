package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behaviour 9: calls that arrive together on a cold key start exactly one server; a call that arrives while
 * the program serves another waits its turn; every call gets exactly the answers to its own records, in order,
 * and records of different calls never mix.
 */
class ConcurrencyIT {
  private static final int CALLERS = 10;
  private static final int RECORDS = 60;
  private static final Pattern ANSWER = Pattern.compile("([0-9]+) (.*)");

  @RegisterExtension final Viasock viasock = new Viasock();
  String program;
  ExecutorService callers;

  @BeforeEach
  void setUp() throws Exception {
    program = viasock.script("pid.sh", "#!/bin/sh\nwhile IFS= read -r line; do echo \"$$ $line\"; done\n");
    callers = Executors.newFixedThreadPool(CALLERS);
  }

  @AfterEach
  void tearDown() throws Exception {
    callers.shutdownNow();
  }

  @Test
  void callsArrivingTogetherOnAColdKeyStartOneServerAndEachGetsItsOwnAnswers() throws Exception {
    List<Viasock.Result> results = callAllAtOnce(List.of("run", program));

    Set<String> pids = new HashSet<>();
    for (int caller = 0; caller < CALLERS; caller++) {
      Viasock.Result result = results.get(caller).assertSucceeded();
      pids.addAll(assertOwnAnswers(caller, result.out()));
    }
    assertThat(pids).as("program processes that answered").hasSize(1);
    assertThat(viasock.servers()).as("servers running").hasSize(1);
    assertThat(Files.readString(log())).as("the server log")
        .containsOnlyOnce(" INFO serving ")
        .doesNotContain("another server already listens");
  }

  @Test
  void callsArrivingTogetherOnAWarmKeyAreServedOneAfterAnother() throws Exception {
    String warm = viasock.run("warm-up\n", "run", program).assertSucceeded().out();
    String pid = warm.substring(0, warm.indexOf(' '));

    List<Viasock.Result> results = callAllAtOnce(List.of("run", program));

    for (int caller = 0; caller < CALLERS; caller++) {
      assertThat(assertOwnAnswers(caller, results.get(caller).assertSucceeded().out())).containsExactly(pid);
    }
    assertThat(viasock.servers()).hasSize(1);
  }

  @Test
  void withSeveralWorkersEachCallIsAnsweredByOneProgramAndRecordsNeverMix() throws Exception {
    List<Viasock.Result> results = callAllAtOnce(List.of("run", "--workers", "3", program));

    Set<String> pids = new HashSet<>();
    for (int caller = 0; caller < CALLERS; caller++) {
      Set<String> answeredBy = assertOwnAnswers(caller, results.get(caller).assertSucceeded().out());
      assertThat(answeredBy).as("the programs that answered caller %s", caller).hasSize(1);
      pids.addAll(answeredBy);
    }
    assertThat(pids).as("program processes").hasSizeBetween(1, 3);
    assertThat(viasock.servers()).hasSize(1);
  }

  @Test
  void aCallThatArrivesWhileTheProgramServesAnotherWaitsItsTurn() throws Exception {
    Process first = viasock.start("run", program);
    try {
      CliProcesses.Lines firstOut = new CliProcesses.Lines(first.getInputStream());
      OutputStream firstIn = first.getOutputStream();
      firstIn.write("first-1\n".getBytes(UTF_8));
      firstIn.flush();
      String answer = firstOut.next(Viasock.CALL_BOUND);
      String pid = answer.substring(0, answer.indexOf(' '));
      assertThat(answer).isEqualTo(pid + " first-1");

      // The first call holds the only program, and its input has not ended: the second must wait.
      Process second = viasock.start("run", program);
      CompletableFuture<byte[]> secondOut = Viasock.drain(second.getInputStream());
      CompletableFuture<byte[]> secondErr = Viasock.drain(second.getErrorStream());
      try (OutputStream secondIn = second.getOutputStream()) {
        secondIn.write("second-1\nsecond-2\n".getBytes(UTF_8));
      }
      assertThat(second.waitFor(2, TimeUnit.SECONDS)).as("the second call ended while the first held the program")
          .isFalse();

      firstIn.write("first-2\n".getBytes(UTF_8));
      firstIn.flush();
      assertThat(firstOut.next(Viasock.CALL_BOUND)).isEqualTo(pid + " first-2");
      firstIn.close();
      firstOut.awaitEnd(Viasock.CALL_BOUND);
      assertThat(first.waitFor(Viasock.CALL_BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(first.exitValue()).isZero();

      assertThat(second.waitFor(Viasock.CALL_BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(secondErr.get(10, TimeUnit.SECONDS)).isEmpty();
      assertThat(second.exitValue()).isZero();
      assertThat(new String(secondOut.get(10, TimeUnit.SECONDS), UTF_8))
          .isEqualTo(pid + " second-1\n" + pid + " second-2\n");
    } finally {
      first.destroyForcibly();
    }
  }

  @Test
  void aCallWaitingBehindOneWhoseProgramCrashesGetsAFreshProgram() throws Exception {
    String crashes = viasock.script("crash.sh", """
        #!/bin/sh
        while IFS= read -r line; do
          if [ "$line" = boom ]; then echo "crash.sh: boom" >&2; exit 3; fi
          echo "$$ $line"
        done
        """);
    Process first = viasock.start("run", crashes);
    try {
      CliProcesses.Lines firstOut = new CliProcesses.Lines(first.getInputStream());
      OutputStream firstIn = first.getOutputStream();
      firstIn.write("first-1\n".getBytes(UTF_8));
      firstIn.flush();
      String answer = firstOut.next(Viasock.CALL_BOUND);
      String pid = answer.substring(0, answer.indexOf(' '));

      Process second = viasock.start("run", crashes);
      CompletableFuture<byte[]> secondOut = Viasock.drain(second.getInputStream());
      CompletableFuture<byte[]> secondErr = Viasock.drain(second.getErrorStream());
      try (OutputStream secondIn = second.getOutputStream()) {
        secondIn.write("second-1\nsecond-2\n".getBytes(UTF_8));
      }
      assertThat(second.waitFor(2, TimeUnit.SECONDS)).as("the second call ended while the first held the program")
          .isFalse();

      firstIn.write("boom\nfirst-3\n".getBytes(UTF_8));
      firstIn.close();
      firstOut.awaitEnd(Viasock.CALL_BOUND);
      assertThat(first.waitFor(Viasock.CALL_BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(first.exitValue()).isEqualTo(1);
      assertThat(new String(Viasock.readAll(first.getErrorStream()), UTF_8)).startsWith("viasock: ")
          .contains("crash.sh: boom");

      assertThat(second.waitFor(Viasock.CALL_BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(new String(secondErr.get(10, TimeUnit.SECONDS), UTF_8)).isEmpty();
      assertThat(second.exitValue()).isZero();
      String out = new String(secondOut.get(10, TimeUnit.SECONDS), UTF_8);
      String freshPid = out.substring(0, Math.max(0, out.indexOf(' ')));
      assertThat(freshPid).as("a fresh program").isNotEqualTo(pid);
      assertThat(out).isEqualTo(freshPid + " second-1\n" + freshPid + " second-2\n");
    } finally {
      first.destroyForcibly();
    }
  }

  /** Starts {@link #CALLERS} calls at once, caller k sending {@code callerK-lineJ} for J = 1..RECORDS. */
  private List<Viasock.Result> callAllAtOnce(List<String> args) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    List<CompletableFuture<Viasock.Result>> calls = new ArrayList<>();
    for (int caller = 0; caller < CALLERS; caller++) {
      byte[] input = Viasock.bytes(Viasock.concat(recordsOf(caller)));
      calls.add(CompletableFuture.supplyAsync(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return viasock.run(input, args);
      }, callers));
    }
    go.countDown();
    List<Viasock.Result> results = new ArrayList<>();
    for (CompletableFuture<Viasock.Result> call : calls) {
      results.add(call.get(2 * Viasock.CALL_BOUND.toSeconds(), TimeUnit.SECONDS));
    }
    return results;
  }

  private static List<String> recordsOf(int caller) {
    return IntStream.rangeClosed(1, RECORDS).mapToObj(line -> "caller" + caller + "-line" + line).toList();
  }

  /** Checks that {@code out} answers exactly caller's records, in order; returns the pids that answered. */
  private static Set<String> assertOwnAnswers(int caller, String out) {
    List<String> lines = out.lines().toList();
    List<String> records = new ArrayList<>();
    Set<String> pids = new HashSet<>();
    for (String line : lines) {
      Matcher answer = ANSWER.matcher(line);
      assertThat(answer.matches()).as("caller %s got the line '%s'", caller, line).isTrue();
      pids.add(answer.group(1));
      records.add(answer.group(2));
    }
    assertThat(out).as("caller %s's output ends with a newline", caller).endsWith("\n");
    assertThat(records).as("the records answered for caller %s", caller).isEqualTo(recordsOf(caller));
    return pids;
  }

  private Path log() throws IOException {
    try (Stream<Path> files = Files.list(viasock.stateDir())) {
      List<Path> logs = files.filter(file -> file.getFileName().toString().endsWith(".log")).toList();
      assertThat(logs).as("server logs").hasSize(1);
      return logs.get(0);
    }
  }
}
