package dev.viasock;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;

/**
 * The bookkeeping that keeps one program's records in order and with their own caller, apart from any I/O:
 * its state, which call is attached, how many input records it was sent and how many it answered, and the
 * output scanning that forwards only whole records that answer sent input. Its steps return what the I/O
 * shell ({@link Worker}) must do (end a call, stop the program, tell the pool), which that shell does
 * outside its lock.
 *
 * <p>Not thread-safe: the worker calls it under one lock. The output methods are called by one thread only
 * (the worker's output reader), which alone touches the output scanner and the held-back output bytes.
 *
 * <p>Life: STARTING (reading the prelude), IDLE, BUSY (a call attached), DRAINING (discarding the answers
 * owed to a call that left), DEAD. A worker that must be replaced ({@link #condemn}) is never attached again.
 */
final class RecordLedger {
  enum State {
    STARTING,
    IDLE,
    BUSY,
    DRAINING,
    DEAD
  }

  /** What the shell must do after a step: end a call, stop the program, tell the pool. */
  record Step(CallSink sink, Failure failure, String message, String kill, boolean available) {
    static final Step NONE = new Step(null, null, null, null, false);
    static final Step AVAILABLE = new Step(null, null, null, null, true);

    static Step end(CallSink sink, Failure failure, String message) {
      return new Step(sink, failure, message, null, false);
    }

    Step andKill(String reason) {
      return new Step(sink, failure, message, reason, available);
    }

    boolean endsACall() {
      return sink != null;
    }
  }

  /** What to do with a piece of the program's output: forward {@code [from, cut)} (after the held bytes). */
  record Delivery(CallSink target, int from, int cut, int end, long completed, Step step) {}

  private final Framing framing;
  private final String programName;
  private final Ticker ticker;
  private final long maxRecordBytes;
  private final RecordWatchdog watchdog;

  private State state = State.STARTING;
  private Attachment attached;
  private boolean callEnded;
  private boolean inputEnded;
  private long sent;
  private long answered;
  private long idleSince;
  private long drainingSince;
  private long lastOutput;
  private String condemned;
  private byte[] prelude;

  // Touched only by the output reader.
  private final RecordScanner outputScanner;
  private final HeldBytes heldOutput = new HeldBytes();
  private final RecordScanner preludeScanner;
  private final ByteArrayOutputStream preludeBytes = new ByteArrayOutputStream();

  RecordLedger(Framing framing, String programName, Ticker ticker, Duration processTimeout, long maxRecordBytes) {
    this.framing = framing;
    this.programName = programName;
    this.ticker = ticker;
    this.maxRecordBytes = maxRecordBytes;
    this.watchdog = new RecordWatchdog(ticker, processTimeout);
    this.outputScanner = new RecordScanner(framing.output());
    this.preludeScanner = framing.newPreludeScanner();
    this.lastOutput = ticker.read();
    watchdog.expect(framing.preludeLength());
  }

  State state() {
    return state;
  }

  /** Whether a call may be attached now: idle, and not to be replaced. */
  boolean available() {
    return state == State.IDLE && condemned == null;
  }

  boolean busy() {
    return state == State.BUSY || state == State.DRAINING;
  }

  /** Answers owed: input records sent to the program and not yet answered. */
  long owed() {
    return sent - answered;
  }

  boolean answeredARecord() {
    return answered > 0;
  }

  /** Whether every input byte the attached call gave has reached the program (none held back). */
  boolean allInputDelivered() {
    return attached == null || attached.framer().holdsNothing();
  }

  /** When the program last wrote output, in {@link Ticker} nanoseconds. */
  long lastOutput() {
    return lastOutput;
  }

  /** How long the worker has been idle; zero unless it is. */
  Duration idleFor() {
    return state == State.IDLE ? Duration.ofNanos(ticker.read() - idleSince) : Duration.ZERO;
  }

  /** Why the program is being replaced, or null. */
  String condemned() {
    return condemned;
  }

  byte[] prelude() {
    return prelude;
  }

  /** Says why the program has taken too long (with {@code -w}), or null while it has not. */
  String overdue() {
    if (!watchdog.overdue()) {
      return null;
    }
    return "the program " + programName + " took longer than " + Durations.seconds(watchdog.timeout()) + " to "
        + (state == State.STARTING ? "write its prelude" : "answer a record") + " and was stopped (-w)";
  }

  /**
   * Says why a drain has gone on too long, or null: the answers owed to a call that left have not come
   * within {@code bound} of the drain's start or of the program's last output.
   */
  String drainOverdue(Duration bound) {
    if (state != State.DRAINING || bound.isZero()) {
      return null;
    }
    if (ticker.read() - Math.max(drainingSince, lastOutput) <= bound.toNanos()) {
      return null;
    }
    return "the " + (sent - answered) + " answers owed to a caller that left did not come within "
        + Durations.seconds(bound) + "; the program was stopped, to be replaced";
  }

  RecordWatchdog watchdog() {
    return watchdog;
  }

  /** A program without a prelude is ready as soon as it runs. */
  Step ready() {
    if (state != State.STARTING) {
      return Step.NONE;
    }
    prelude = new byte[0];
    becomeIdle();
    return Step.AVAILABLE;
  }

  /**
   * Gives the program to a call.
   *
   * @throws IllegalStateException when the worker is not available (see {@link #available})
   */
  Attachment attach(Attachment.Target target, CallSink sink, long maxInputRecordBytes) {
    if (!available()) {
      throw new IllegalStateException("the worker is " + state + (condemned != null ? ", being replaced" : "")
          + ", not available");
    }
    state = State.BUSY;
    attached = new Attachment(target, sink, new InputFramer(framing.input(), maxInputRecordBytes));
    callEnded = false;
    inputEnded = false;
    return attached;
  }

  boolean isAttached(Attachment owner) {
    return owner != null && attached == owner;
  }

  /**
   * Counts {@code records} of {@code owner}'s input as sent, before they are written: their answers, which
   * cannot come sooner, are then always expected.
   *
   * @throws CallEndedException when {@code owner} is not the attached call
   * @throws IOException when its call has already ended (it failed): nothing more is sent for it
   */
  void sent(Attachment owner, long records) throws IOException {
    checkAttached(owner);
    if (callEnded || state != State.BUSY) {
      throw new IOException("the call has ended");
    }
    sent += records;
    watchdog.expect(records);
  }

  /** The attached call's input has ended: it ends once every record it sent has been answered. */
  Step endOfInput(Attachment owner) throws CallEndedException {
    checkAttached(owner);
    inputEnded = true;
    return answered == sent ? complete(false) : Step.NONE;
  }

  /** Ends {@code owner}'s call with a failure, if it has not ended; the program keeps running. */
  Step fail(Attachment owner, Failure failure, String message) {
    if (!isAttached(owner) || callEnded) {
      return Step.NONE;
    }
    callEnded = true;
    return Step.end(owner.sink(), failure, message);
  }

  /**
   * Takes the program back from {@code owner}. Answers still owed are drained and discarded; the worker is
   * available again once they have come.
   */
  Step detach(Attachment owner) {
    if (!isAttached(owner)) {
      return Step.NONE;
    }
    attached = null;
    callEnded = true;
    if (state != State.BUSY) {
      return Step.NONE;
    }
    if (answered < sent) {
      state = State.DRAINING;
      drainingSince = ticker.read();
      return Step.NONE;
    }
    becomeIdle();
    return Step.AVAILABLE;
  }

  /**
   * Decides that the program must be replaced: it is never attached again, and the attached call, if any,
   * is told {@code reason} once the program has ended.
   *
   * @return false when that was already decided
   */
  boolean condemn(String reason) {
    if (condemned != null || state == State.DEAD) {
      return false;
    }
    condemned = reason;
    return true;
  }

  /** The program has ended: the attached call, if still running, ends with {@code failure}. */
  Step exited(Failure failure, String message) {
    CallSink target = state == State.BUSY && !callEnded ? attached.sink() : null;
    callEnded = true;
    state = State.DEAD;
    return target == null ? Step.NONE : Step.end(target, failure, message);
  }

  /** Takes prelude bytes from {@code [from, to)}; returns how far it got. */
  int prelude(byte[] bytes, int from, int to) {
    lastOutput = ticker.read();
    long before = preludeScanner.records();
    int end = preludeScanner.scan(bytes, from, to, framing.preludeLength() - before);
    preludeBytes.write(bytes, from, end - from);
    watchdog.answered(preludeScanner.records() - before);
    if (preludeScanner.records() == framing.preludeLength()) {
      prelude = preludeBytes.toByteArray();
      becomeIdle();
    }
    return end;
  }

  /**
   * Decides what to do with program output {@code [from, to)}: output is forwarded only while answers are
   * owed, in whole records, to the attached call (or discarded while draining). The caller forwards
   * {@link #heldOutput()} and then {@code [from, cut)} to the delivery's target, then calls
   * {@link #answered}.
   */
  Delivery output(byte[] bytes, int from, int to) {
    lastOutput = ticker.read();
    if (state == State.DEAD || condemned != null) {
      return new Delivery(null, from, -1, to, 0, Step.NONE);
    }
    CallSink target = state == State.BUSY && !callEnded ? attached.sink() : null;
    long allowance = sent - answered;
    if (allowance == 0) {
      return new Delivery(null, from, -1, to, 0, unansweringOutput(bytes, from, to, target));
    }
    int position = from;
    int cut = -1;
    long open = heldOutput.size();
    long completed = 0;
    while (position < to && completed < allowance) {
      int next = outputScanner.scan(bytes, position, to, 1);
      open += next - position;
      if (open > maxRecordBytes) {
        if (completed > 0) {
          // The records before it are delivered first; the next look at the rest fails the call.
          return new Delivery(target, from, cut, cut, completed, Step.NONE);
        }
        return new Delivery(null, from, -1, to, 0, outputTooLarge(target));
      }
      position = next;
      if (outputScanner.lastEnd() < 0) {
        break;
      }
      completed++;
      cut = next;
      open = 0;
    }
    return new Delivery(target, from, cut, position, completed, Step.NONE);
  }

  /** The start of an output record whose end has not arrived: forwarded before the delivery's bytes. */
  HeldBytes heldOutput() {
    return heldOutput;
  }

  /**
   * After {@code delivery} was forwarded: counts its answers, holds back the start of the next record, and
   * decides whether the call has ended (when its input has) or the drain is over.
   *
   * @param moreOutput whether more output is already waiting: when the call's last answer has come, that is
   *     output that answers no input
   */
  Step answered(Delivery delivery, byte[] bytes, boolean moreOutput) {
    if (delivery.cut() < 0) {
      heldOutput.write(bytes, delivery.from(), delivery.end() - delivery.from());
    } else {
      heldOutput.reset();
      heldOutput.write(bytes, delivery.cut(), delivery.end() - delivery.cut());
    }
    answered += delivery.completed();
    watchdog.answered(delivery.completed());
    if (answered != sent || delivery.completed() == 0) {
      return Step.NONE;
    }
    if (state == State.BUSY && inputEnded) {
      return complete(moreOutput);
    }
    if (state == State.DRAINING) {
      becomeIdle();
      return Step.AVAILABLE;
    }
    return Step.NONE;
  }

  /** The attached call's output can no longer be written (its caller has gone). */
  Step outputFailed(CallSink target) {
    if (state != State.BUSY || callEnded || attached.sink() != target) {
      return Step.NONE;
    }
    callEnded = true;
    return Step.end(target, Failure.OUTPUT_CLOSED, "viasock: the output was closed before every record was written");
  }

  /** Decides how the attached call ends, once every record it sent has been answered. */
  private Step complete(boolean extraOutput) {
    if (callEnded) {
      return Step.NONE;
    }
    callEnded = true;
    CallSink target = attached.sink();
    if (extraOutput) {
      condemn("protocol violation: more output records than input records");
      return Step.end(target, Failure.PROGRAM_FAILED,
              "viasock: the program " + programName + " wrote more output records than it was given input"
                  + " records, so its output cannot be trusted; it was restarted")
          .andKill("protocol violation: more output records than input records");
    }
    if (attached.framer().inRecord()) {
      return Step.end(target, Failure.UNTERMINATED_INPUT,
          "viasock: the input ends with an unterminated record (" + describe(framing.input())
              + "); the records before it were answered, and it was not sent to the program");
    }
    return Step.end(target, null, "");
  }

  private Step unansweringOutput(byte[] bytes, int from, int to, CallSink target) {
    String sample = new String(bytes, from, Math.min(to - from, 80), java.nio.charset.StandardCharsets.UTF_8);
    String reason = "protocol violation: the program wrote output that answers no input record: \""
        + sample.strip() + "\" (" + (state == State.IDLE
            ? "between calls; it was discarded, and the program is replaced before the next call"
            : "a banner needs -P or --prelude-lines") + ")";
    return failAndReplace(target, Failure.PROGRAM_FAILED,
        "viasock: the program " + programName + " wrote more output records than it was given input"
            + " records (output that answers no input), so its output cannot be trusted; it was restarted;"
            + " if it writes a banner at start, give it with -P or --prelude-lines",
        reason);
  }

  private Step outputTooLarge(CallSink target) {
    String limit = MaxRecordSize.describe(maxRecordBytes);
    String reason = "an output record is larger than the maximum record size of " + limit;
    heldOutput.reset();
    return failAndReplace(target, Failure.RECORD_TOO_LARGE,
        "viasock: the program " + programName + " wrote an output record larger than the maximum record"
            + " size of " + limit + " (" + MaxRecordSize.OPTION + "); this call failed and the program was"
            + " restarted",
        reason);
  }

  /** The program must be replaced ({@code reason}); the call it serves, if any, fails with {@code message}. */
  private Step failAndReplace(CallSink target, Failure failure, String message, String reason) {
    condemn(reason);
    if (target == null) {
      return Step.NONE.andKill(reason);
    }
    callEnded = true;
    return Step.end(target, failure, message).andKill(reason);
  }

  private void becomeIdle() {
    state = State.IDLE;
    idleSince = ticker.read();
  }

  private void checkAttached(Attachment owner) throws CallEndedException {
    if (!isAttached(owner)) {
      throw new CallEndedException();
    }
  }

  private static String describe(Terminator terminator) {
    return terminator.everyLineEndsARecord()
        ? "its last line has no newline"
        : "no line after the last record matches the input terminator " + terminator;
  }
}
