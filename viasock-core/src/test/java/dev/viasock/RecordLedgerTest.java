package dev.viasock;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link RecordLedger}: the bookkeeping of one program's records, with no process and a fake clock. */
class RecordLedgerTest {
  private final FakeTicker ticker = new FakeTicker();

  /** A call's sink that keeps what it gets. */
  private static final class Sink implements CallSink {
    final ByteArrayOutputStream got = new ByteArrayOutputStream();
    Failure failure;
    String message;
    int ends;

    @Override
    public void accepted(byte[] prelude) {}

    @Override
    public void output(byte[] bytes, int offset, int length) {
      got.write(bytes, offset, length);
    }

    @Override
    public void stderr(byte[] bytes, int offset, int length) {}

    @Override
    public void finish(Failure why, String text) {
      failure = why;
      message = text;
      ends++;
    }
  }

  /** Stands for the worker: the ledger's handles only need a target, which these tests do not use. */
  private static final Attachment.Target NO_WORKER = new Attachment.Target() {
    @Override
    public void send(Attachment owner, byte[] bytes, int offset, int length) {}

    @Override
    public void endOfInput(Attachment owner) {}

    @Override
    public void detach(Attachment owner) {}

    @Override
    public void fail(Attachment owner, Failure failure, String message) {}

    @Override
    public void forwardStderr(Attachment owner) {}
  };

  private RecordLedger ledger(Duration processTimeout, long maxRecordBytes) {
    RecordLedger ledger = new RecordLedger(Framing.LINES, "prog", ticker, processTimeout, maxRecordBytes);
    ledger.ready();
    return ledger;
  }

  private static void tell(RecordLedger.Step step) {
    if (step.endsACall()) {
      step.sink().finish(step.failure(), step.message());
    }
  }

  /** Passes program output through the ledger as the output reader does; returns the last step that did something. */
  private static RecordLedger.Step output(RecordLedger ledger, String text) throws IOException {
    byte[] bytes = text.getBytes(US_ASCII);
    int from = 0;
    RecordLedger.Step last = RecordLedger.Step.NONE;
    while (from < bytes.length) {
      RecordLedger.Delivery delivery = ledger.output(bytes, from, bytes.length);
      if (delivery.step() != RecordLedger.Step.NONE) {
        tell(delivery.step());
        return delivery.step();
      }
      if (delivery.target() != null && delivery.cut() >= 0) {
        ledger.heldOutput().drainTo(delivery.target()::output);
        delivery.target().output(bytes, from, delivery.cut() - from);
      }
      RecordLedger.Step step = ledger.answered(delivery, bytes, delivery.end() < bytes.length);
      tell(step);
      last = step == RecordLedger.Step.NONE ? last : step;
      from = delivery.end();
    }
    return last;
  }

  @Test
  void aCallEndsOnceItsInputHasEndedAndEveryRecordItSentIsAnswered() throws Exception {
    RecordLedger ledger = ledger(Duration.ZERO, 1000);
    Sink sink = new Sink();
    Attachment call = ledger.attach(NO_WORKER, sink, 1000);
    ledger.sent(call, 2);
    assertThat(ledger.owed()).isEqualTo(2);
    output(ledger, "a\nb");
    tell(ledger.endOfInput(call));
    assertThat(sink.ends).as("one answer is still owed").isZero();

    output(ledger, "\n");

    assertThat(sink.got.toString(US_ASCII)).isEqualTo("a\nb\n");
    assertThat(sink.ends).isEqualTo(1);
    assertThat(sink.failure).isNull();
    assertThat(ledger.owed()).isZero();
  }

  @Test
  void outputIsForwardedOnlyInWholeRecords() throws Exception {
    RecordLedger ledger = ledger(Duration.ZERO, 1000);
    Sink sink = new Sink();
    Attachment call = ledger.attach(NO_WORKER, sink, 1000);
    ledger.sent(call, 1);

    output(ledger, "half of it");
    assertThat(sink.got.size()).isZero();
    output(ledger, ", the rest\n");
    assertThat(sink.got.toString(US_ASCII)).isEqualTo("half of it, the rest\n");
  }

  @Test
  void aDetachedCallsHandleIsRejectedAndItsOwedAnswersAreDrainedToNobody() throws Exception {
    RecordLedger ledger = ledger(Duration.ZERO, 1000);
    Sink first = new Sink();
    Attachment a = ledger.attach(NO_WORKER, first, 1000);
    ledger.sent(a, 2);
    tell(ledger.detach(a));
    assertThat(ledger.state()).isEqualTo(RecordLedger.State.DRAINING);
    assertThat(ledger.available()).isFalse();
    assertThatThrownBy(() -> ledger.sent(a, 1)).isInstanceOf(CallEndedException.class);

    RecordLedger.Step drained = output(ledger, "a1\na2\n");

    assertThat(drained.available()).isTrue();
    assertThat(first.got.size()).as("a caller that left gets nothing").isZero();
    Sink second = new Sink();
    Attachment b = ledger.attach(NO_WORKER, second, 1000);
    ledger.sent(b, 1);
    output(ledger, "b1\n");
    assertThat(second.got.toString(US_ASCII)).isEqualTo("b1\n");
  }

  @Test
  void outputBetweenCallsIsDiscardedAndTheProgramReplacedBeforeAnyoneIsAttached() throws Exception {
    RecordLedger ledger = ledger(Duration.ZERO, 1000);
    Sink sink = new Sink();
    Attachment call = ledger.attach(NO_WORKER, sink, 1000);
    ledger.sent(call, 1);
    tell(ledger.endOfInput(call));
    output(ledger, "answer\n");
    tell(ledger.detach(call));
    assertThat(ledger.available()).isTrue();

    RecordLedger.Step stray = output(ledger, "late stray\n");

    assertThat(stray.kill()).contains("between calls").contains("late stray");
    assertThat(stray.endsACall()).as("no one is attached to blame").isFalse();
    assertThat(ledger.available()).as("never attached again").isFalse();
    assertThatThrownBy(() -> ledger.attach(NO_WORKER, new Sink(), 1000)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void moreAnswersThanRecordsFailTheCallAndReplaceTheProgram() throws Exception {
    RecordLedger ledger = ledger(Duration.ZERO, 1000);
    Sink sink = new Sink();
    Attachment call = ledger.attach(NO_WORKER, sink, 1000);
    ledger.sent(call, 1);
    tell(ledger.endOfInput(call));

    RecordLedger.Step step = output(ledger, "one\ntwo\n");

    assertThat(sink.failure).isEqualTo(Failure.PROGRAM_FAILED);
    assertThat(sink.message).contains("more output records than it was given input records");
    assertThat(step.kill()).contains("protocol violation");
  }

  @Test
  void anOutputRecordOverTheMaximumFailsOnlyItsCallWith67AndReplacesTheProgram() throws Exception {
    RecordLedger ledger = ledger(Duration.ZERO, 16);
    Sink sink = new Sink();
    Attachment call = ledger.attach(NO_WORKER, sink, 16);
    ledger.sent(call, 2);
    output(ledger, "short\n");

    RecordLedger.Step step = output(ledger, "a record of more than sixteen bytes");

    assertThat(sink.got.toString(US_ASCII)).isEqualTo("short\n");
    assertThat(sink.failure).isEqualTo(Failure.RECORD_TOO_LARGE);
    assertThat(sink.message).contains("16 bytes").contains("--max-record-size");
    assertThat(step.kill()).as("the program holds part of that record").isNotNull();
    assertThat(ledger.heldOutput().size()).as("its bytes are released").isZero();
  }

  @Test
  void anInputRecordOverTheMaximumIsRefusedBeforeAnyOfItReachesTheProgram() throws Exception {
    InputFramer framer = new InputFramer(Terminator.everyLine(), 16);
    ByteArrayOutputStream program = new ByteArrayOutputStream();
    byte[] fine = "fine\nstart of a".getBytes(US_ASCII);
    assertThat(framer.scan(fine, 0, fine.length)).isEqualTo(1);
    framer.deliver(program, fine, 0, fine.length);
    byte[] more = " record that goes on and on".getBytes(US_ASCII);

    assertThat(framer.scan(more, 0, more.length)).isZero();
    framer.deliver(program, more, 0, more.length);
    assertThat(framer.tooLarge()).isTrue();
    assertThat(program.toString(US_ASCII)).isEqualTo("fine\n");
    assertThat(framer.holdsNothing()).as("what it held is released").isTrue();
  }

  @Test
  void aWholeRecordOverTheMaximumIsRefusedEvenWhenItArrivesInOnePiece() throws Exception {
    InputFramer framer = new InputFramer(Terminator.everyLine(), 16);
    byte[] input = "ok\na record of more than sixteen bytes\n".getBytes(US_ASCII);
    ByteArrayOutputStream program = new ByteArrayOutputStream();
    assertThat(framer.scan(input, 0, input.length)).as("the record before it").isEqualTo(1);
    framer.deliver(program, input, 0, input.length);
    assertThat(framer.tooLarge()).isTrue();
    assertThat(program.toString(US_ASCII)).isEqualTo("ok\n");

    RecordLedger ledger = ledger(Duration.ZERO, 16);
    Sink sink = new Sink();
    Attachment call = ledger.attach(NO_WORKER, sink, 16);
    ledger.sent(call, 2);
    RecordLedger.Step step = output(ledger, "ok\nan answer of more than sixteen bytes\n");
    assertThat(sink.failure).isEqualTo(Failure.RECORD_TOO_LARGE);
    assertThat(sink.got.toString(US_ASCII)).as("the answer before it is delivered").isEqualTo("ok\n");
    assertThat(step.kill()).isNotNull();
  }

  @Test
  void aDrainIsOverdueOnlyAfterTheBoundWithoutOutputAndOnlyWithoutAProcessTimeout() throws Exception {
    RecordLedger ledger = ledger(Duration.ZERO, 1000);
    Attachment call = ledger.attach(NO_WORKER, new Sink(), 1000);
    ledger.sent(call, 3);
    tell(ledger.detach(call));
    Duration bound = Duration.ofSeconds(5);

    ticker.advance(Duration.ofSeconds(4));
    output(ledger, "one\n");
    ticker.advance(Duration.ofSeconds(4));
    assertThat(ledger.drainOverdue(bound)).as("output 4 s ago restarted the clock").isNull();
    ticker.advance(Duration.ofSeconds(2));

    assertThat(ledger.drainOverdue(bound)).contains("2 answers owed to a caller that left").contains("5 s");
  }

  @Test
  void itTellsWhatIsOwedWhetherAllInputWasDeliveredAndWhenTheProgramLastWrote() throws Exception {
    RecordLedger ledger = ledger(Duration.ZERO, 1000);
    Attachment call = ledger.attach(NO_WORKER, new Sink(), 1000);
    byte[] bytes = "a\nb".getBytes(US_ASCII);
    long completed = call.framer().scan(bytes, 0, bytes.length);
    ledger.sent(call, completed);
    call.framer().deliver(new ByteArrayOutputStream(), bytes, 0, bytes.length);
    long before = ticker.read();
    ticker.advance(Duration.ofSeconds(3));

    assertThat(ledger.owed()).isEqualTo(1);
    assertThat(ledger.allInputDelivered()).as("'b' is held back").isFalse();
    assertThat(ledger.lastOutput()).isEqualTo(before);
    output(ledger, "a\n");
    assertThat(ledger.lastOutput()).isEqualTo(ticker.read());
  }

  @Test
  void theWatchdogNamesThePreludeOrTheRecordThatTookTooLong() throws Exception {
    RecordLedger starting =
        new RecordLedger(new Framing(Terminator.everyLine(), Terminator.everyLine(), 1, 0), "prog", ticker,
            Duration.ofSeconds(2), 1000);
    ticker.advance(Duration.ofSeconds(3));
    assertThat(starting.overdue()).contains("write its prelude").contains("2 s");

    RecordLedger ledger = ledger(Duration.ofSeconds(2), 1000);
    Attachment call = ledger.attach(NO_WORKER, new Sink(), 1000);
    ledger.sent(call, 1);
    assertThat(ledger.overdue()).isNull();
    ticker.advance(Duration.ofSeconds(3));
    assertThat(ledger.overdue()).contains("answer a record");
  }
}
