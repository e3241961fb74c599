package dev.viasock;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link RecordLedger} alone, driven by random interleavings of sends (in random chunks), program output (in
 * random chunks), ends of input, detaches, failed callers and dying programs, against a simulated program
 * that answers each line with itself. Invariants: no output reaches a call that did not send its input,
 * every call gets its answers in order and only whole records, every call ends at most once, and once the
 * program has answered everything, the counts balance and the worker is available again.
 * {@code -Dviasock.seed=N} starts elsewhere; a failure names its seed.
 */
class RecordLedgerPropertyTest {
  private static final int CASES = 200;
  private static final int STEPS = 300;

  /** A call's sink: what it got and how it ended. */
  private static final class Caller implements CallSink {
    final int id;
    final List<String> sent = new ArrayList<>();
    final ByteArrayOutputStream got = new ByteArrayOutputStream();
    int ends;
    boolean refuses;
    int nextRecord;
    Attachment attachment;

    Caller(int id) {
      this.id = id;
    }

    @Override
    public void accepted(byte[] prelude) {}

    @Override
    public void output(byte[] bytes, int offset, int length) throws IOException {
      if (refuses) {
        throw new IOException("gone");
      }
      got.write(bytes, offset, length);
    }

    @Override
    public void stderr(byte[] bytes, int offset, int length) {}

    @Override
    public void finish(Failure failure, String message) {
      ends++;
    }
  }

  /** The shell around the ledger, as {@link Worker} is, with a simulated program: it echoes every line. */
  private static final class Simulation implements Attachment.Target {
    final Random random;
    RecordLedger ledger = newLedger();
    final ByteArrayOutputStream programInput = new ByteArrayOutputStream();
    int programRead;
    final ByteArrayOutputStream programOutput = new ByteArrayOutputStream();
    int programWritten;

    Simulation(Random random) {
      this.random = random;
    }

    static RecordLedger newLedger() {
      RecordLedger ledger = new RecordLedger(Framing.LINES, "echo", new FakeTicker(), Duration.ZERO, 1 << 20);
      ledger.ready();
      return ledger;
    }

    @Override
    public void send(Attachment owner, byte[] bytes, int offset, int length) throws IOException {
      long completed = owner.framer().scan(bytes, offset, length);
      if (completed > 0) {
        ledger.sent(owner, completed);
      } else if (!ledger.isAttached(owner)) {
        throw new CallEndedException();
      }
      owner.framer().deliver(programInput, bytes, offset, length);
    }

    @Override
    public void endOfInput(Attachment owner) throws CallEndedException {
      act(ledger.endOfInput(owner));
    }

    @Override
    public void detach(Attachment owner) {
      act(ledger.detach(owner));
    }

    @Override
    public void fail(Attachment owner, Failure failure, String message) {
      act(ledger.fail(owner, failure, message));
    }

    @Override
    public void forwardStderr(Attachment owner) {}

    void act(RecordLedger.Step step) {
      assertThat(step.kill()).as("a well-behaved program is never stopped").isNull();
      if (step.endsACall()) {
        step.sink().finish(step.failure(), step.message());
      }
    }

    /** The program reads what it was sent and answers every whole line. */
    void programRuns() {
      byte[] input = programInput.toByteArray();
      int end = programRead;
      for (int i = programRead; i < input.length; i++) {
        if (input[i] == '\n') {
          end = i + 1;
        }
      }
      programOutput.write(input, programRead, end - programRead);
      programRead = end;
    }

    /** Delivers up to {@code most} bytes of the program's output through the ledger, as the output reader does. */
    void programWrites(int most) {
      byte[] output = programOutput.toByteArray();
      int to = (int) Math.min(output.length, (long) programWritten + most);
      int from = programWritten;
      while (from < to) {
        RecordLedger.Delivery delivery = ledger.output(output, from, to);
        act(delivery.step());
        if (delivery.target() != null && delivery.cut() >= 0) {
          try {
            ledger.heldOutput().drainTo(delivery.target()::output);
            delivery.target().output(output, from, delivery.cut() - from);
          } catch (IOException gone) {
            act(ledger.outputFailed(delivery.target()));
          }
        }
        act(ledger.answered(delivery, output, false));
        from = delivery.end();
      }
      programWritten = to;
    }

    /** The program dies: a new one (with a new ledger) takes its place. */
    void programDies() {
      act(ledger.exited(Failure.PROGRAM_FAILED, "died"));
      ledger = newLedger();
      programInput.reset();
      programRead = 0;
      programOutput.reset();
      programWritten = 0;
    }
  }

  @Test
  void noOutputEverReachesACallThatDidNotSendItsInputAndTheCountsBalance() throws Exception {
    long seed = Long.getLong("viasock.seed", 8_000L);
    for (int c = 0; c < CASES; c++) {
      runCase(seed + c);
    }
  }

  private static void runCase(long seed) throws Exception {
    Random random = new Random(seed);
    Simulation sim = new Simulation(random);
    List<Caller> callers = new ArrayList<>();
    Caller current = null;
    for (int step = 0; step < STEPS; step++) {
      int action = random.nextInt(100);
      if (current == null || current.attachment.isDetached()) {
        current = null;
        if (sim.ledger.available()) {
          current = new Caller(callers.size());
          callers.add(current);
          current.attachment = sim.ledger.attach(sim, current, 1 << 20);
        } else {
          sim.programRuns();
          sim.programWrites(1 + random.nextInt(64));
          continue;
        }
      }
      if (action < 40) {
        send(random, current);
      } else if (action < 60) {
        sim.programRuns();
      } else if (action < 80) {
        sim.programWrites(1 + random.nextInt(64));
      } else if (action < 86) {
        try {
          current.attachment.endOfInput();
        } catch (CallEndedException ended) {
          // A handle rejected after its detach: what the invariant is about.
        }
      } else if (action < 92) {
        current.attachment.detach();
      } else if (action < 95) {
        current.attachment.fail(Failure.INPUT_FAILED, "caller failed");
      } else if (action < 98) {
        current.refuses = true;
      } else {
        sim.programDies();
      }
      if (random.nextInt(10) == 0 && !callers.isEmpty()) {
        // A stale handle of an earlier call sends, as if it had passed its own detached check just before
        // its detach (the race of a caller's input thread): the ledger must reject it, and it reaches nobody.
        Caller stale = callers.get(random.nextInt(callers.size()));
        if (stale != current) {
          byte[] line = ("c" + stale.id + "-stale\n").getBytes(US_ASCII);
          try {
            sim.send(stale.attachment, line, 0, line.length);
            throw new AssertionError("seed " + seed + ": a detached handle's send was accepted");
          } catch (IOException rejected) {
            // As it must be.
          }
        }
      }
      check(seed, callers);
    }
    if (current != null) {
      current.attachment.detach();
    }
    sim.programRuns();
    sim.programWrites(Integer.MAX_VALUE);
    check(seed, callers);
    assertThat(sim.ledger.owed()).as("seed %d: answers owed once the program answered all (%s, program read %d of %d, wrote %d of %d)", seed, sim.ledger.state(), sim.programRead, sim.programInput.size(), sim.programWritten, sim.programOutput.size()).isZero();
    assertThat(sim.ledger.available()).as("seed %d: the worker is available again", seed).isTrue();
  }

  /** Sends the next few records of {@code caller} in a random chunking, maybe leaving a record open. */
  private static void send(Random random, Caller caller) {
    StringBuilder text = new StringBuilder();
    int records = random.nextInt(4);
    for (int i = 0; i < records; i++) {
      String record = "c" + caller.id + "-" + caller.nextRecord++;
      text.append(record).append('\n');
    }
    byte[] bytes = text.toString().getBytes(US_ASCII);
    int position = 0;
    try {
      while (position < bytes.length) {
        int chunk = 1 + random.nextInt(bytes.length - position);
        caller.attachment.send(bytes, position, chunk);
        position += chunk;
      }
      for (String line : text.toString().split("\n")) {
        if (!line.isEmpty()) {
          caller.sent.add(line);
        }
      }
    } catch (IOException refused) {
      // The call has ended or was detached: what it sent before still counts, nothing after.
      String partial = new String(bytes, 0, position, US_ASCII);
      int lastNewline = partial.lastIndexOf('\n');
      if (lastNewline >= 0) {
        for (String line : partial.substring(0, lastNewline).split("\n")) {
          caller.sent.add(line);
        }
      }
    }
  }

  private static void check(long seed, List<Caller> callers) {
    for (Caller caller : callers) {
      String got = caller.got.toString(US_ASCII);
      assertThat(got.isEmpty() || got.endsWith("\n")).as("seed %d: whole records only: %s", seed, got).isTrue();
      List<String> lines = got.isEmpty() ? List.of() : List.of(got.split("\n"));
      assertThat(lines.size()).as("seed %d: caller %d got more than it sent", seed, caller.id)
          .isLessThanOrEqualTo(caller.sent.size());
      assertThat(lines).as("seed %d: caller %d gets exactly its own answers, in order", seed, caller.id)
          .isEqualTo(caller.sent.subList(0, lines.size()));
      assertThat(caller.ends).as("seed %d: caller %d ends at most once", seed, caller.id).isLessThanOrEqualTo(1);
    }
  }
}
