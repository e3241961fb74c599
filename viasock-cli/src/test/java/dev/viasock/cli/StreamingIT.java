package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behaviour 10: input and output stream at the same time. A caller may hand over its whole large input at
 * once (a file on stdin, output to a file) and gets every byte back; a program answers records while input is
 * still arriving; and an answer reaches the caller before the caller's input has ended.
 */
class StreamingIT {
  private static final int RECORDS = 100_000;
  private static final Duration ANSWER_BOUND = Duration.ofSeconds(20);

  @RegisterExtension final Viasock viasock = new Viasock();
  String upper;

  @BeforeEach
  void setUp() throws Exception {
    upper = viasock.script("upper.py", """
        #!/usr/bin/env python3
        import sys
        stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
        while True:
            line = stdin.readline()
            if not line:
                break
            stdout.write(b"<" + line.rstrip(b"\\n").upper() + b">\\n")
            stdout.flush()
        """);
  }

  @Test
  void aHundredThousandRecordsFromAFileComeBackByteIdenticalThroughCat() throws Exception {
    byte[] input = manyRecords();
    assertThat(input.length).as("input size").isGreaterThan(4_000_000);
    Files.write(viasock.workDir().resolve("big.in"), input);

    CliProcesses.Outcome outcome = CliProcesses.shell(viasock.workDir(), CliProcesses.environment(viasock),
        "\"$VIASOCK\" run cat < big.in > big.out", Viasock.CALL_BOUND);

    assertThat(outcome.exitStatus()).as("exit status; stderr: %s", outcome.stderr()).isZero();
    assertThat(outcome.stderr()).isEmpty();
    assertSameBytes(Files.readAllBytes(viasock.workDir().resolve("big.out")), input);
  }

  @Test
  void aHundredThousandRecordsWrittenAllAtOnceComeBackByteIdenticalOnAWarmServer() {
    viasock.run("warm\n", "run", "cat").assertSucceeded();
    byte[] input = manyRecords();

    Viasock.Result result = viasock.run(input, "run", "cat").assertSucceeded();

    assertSameBytes(result.stdout(), input);
  }

  @Test
  void aPythonProgramAnswersEveryRecordOfALargeInputInOrder() throws Exception {
    StringBuilder input = new StringBuilder();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 20_000; i++) {
      input.append("record ").append(i).append(" \u00e9t\u00e9\n");
      expected.append("<RECORD ").append(i).append(" \u00e9T\u00e9>\n"); // bytes.upper(): ASCII only
    }
    Files.writeString(viasock.workDir().resolve("py.in"), input);

    CliProcesses.Outcome outcome = CliProcesses.shell(viasock.workDir(), CliProcesses.environment(viasock),
        "\"$VIASOCK\" run " + upper + " < py.in", Viasock.CALL_BOUND);

    assertThat(outcome.exitStatus()).as("exit status; stderr: %s", outcome.stderr()).isZero();
    assertSameBytes(outcome.stdout(), expected.toString().getBytes(UTF_8));
  }

  @Test
  void fewRecordsOfAMegabyteEachComeBackByteIdentical() {
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    for (int record = 0; record < 4; record++) {
      byte[] line = new byte[1 << 20];
      for (int i = 0; i < line.length; i++) {
        line[i] = (byte) ('a' + (i + record) % 26);
      }
      input.writeBytes(line);
      input.write('\n');
    }

    Viasock.Result result = viasock.run(input.toByteArray(), "run", "cat").assertSucceeded();

    assertSameBytes(result.stdout(), input.toByteArray());
  }

  @Test
  void theAnswerToARecordArrivesBeforeTheInputEndsOnAColdCall() throws Exception {
    assertAnswersFlowBeforeInputEnds(new String[] {"run", "cat"}, "hello", "hello", "world", "world");
  }

  @Test
  void aPythonProgramAnswersRecordByRecordWhileInputIsStillArriving() throws Exception {
    viasock.run("warm\n", "run", upper).assertSucceeded();
    Process call = viasock.start("run", upper);
    try {
      CliProcesses.Lines out = new CliProcesses.Lines(call.getInputStream());
      OutputStream in = call.getOutputStream();
      for (int i = 0; i < 200; i++) {
        in.write(("step " + i + "\n").getBytes(UTF_8));
        in.flush();
        assertThat(out.next(ANSWER_BOUND)).isEqualTo("<STEP " + i + ">");
      }
      in.close();
      out.awaitEnd(ANSWER_BOUND);
      assertThat(call.waitFor(ANSWER_BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(call.exitValue()).isZero();
    } finally {
      call.destroyForcibly();
    }
  }

  /** Sends one record at a time and reads its answer before sending the next, stdin still open throughout. */
  private void assertAnswersFlowBeforeInputEnds(String[] args, String... recordsAndAnswers) throws Exception {
    Process call = viasock.start(args);
    try {
      CliProcesses.Lines out = new CliProcesses.Lines(call.getInputStream());
      OutputStream in = call.getOutputStream();
      for (int i = 0; i < recordsAndAnswers.length; i += 2) {
        in.write((recordsAndAnswers[i] + "\n").getBytes(UTF_8));
        in.flush();
        assertThat(out.next(ANSWER_BOUND)).as("the answer to '%s', stdin still open", recordsAndAnswers[i])
            .isEqualTo(recordsAndAnswers[i + 1]);
        assertThat(call.isAlive()).isTrue();
      }
      in.close();
      out.awaitEnd(ANSWER_BOUND);
      assertThat(call.waitFor(ANSWER_BOUND.toSeconds(), TimeUnit.SECONDS)).isTrue();
      assertThat(new String(Viasock.readAll(call.getErrorStream()), UTF_8)).isEmpty();
      assertThat(call.exitValue()).isZero();
    } finally {
      call.destroyForcibly();
    }
  }

  /** 100,000 distinct one-line records of varying length, about 5 MB. */
  private static byte[] manyRecords() {
    StringBuilder all = new StringBuilder(RECORDS * 52);
    String padding = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    for (int i = 0; i < RECORDS; i++) {
      all.append("record-").append(String.format("%06d", i)).append(' ')
          .append(padding, 0, 20 + i % 40).append('\n');
    }
    return all.toString().getBytes(UTF_8);
  }

  /** Compares bytes without dumping megabytes into a failure message. */
  private static void assertSameBytes(byte[] actual, byte[] expected) {
    int mismatch = Arrays.mismatch(actual, expected);
    if (mismatch >= 0) {
      int from = Math.max(0, mismatch - 40);
      throw new AssertionError("output differs from the expected " + expected.length + " bytes at byte " + mismatch
          + " (got " + actual.length + " bytes); expected ..."
          + new String(expected, from, Math.min(expected.length, mismatch + 40) - from, UTF_8) + "... got ..."
          + new String(actual, from, Math.min(actual.length, mismatch + 40) - from, UTF_8) + "...");
    }
  }
}
