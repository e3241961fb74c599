package dev.viasock;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One program process and the accounting that keeps its records in order: how many input records it has
 * been sent, how many output records it has written, and to whom its output belongs. A worker serves one
 * conversation at a time; output is forwarded only while it answers input that was sent, so that no client
 * ever receives another's records.
 *
 * <p>A worker is one incarnation of the program: once the process has ended the worker is dead for good and
 * the pool makes a new one. Its life: STARTING (reading the prelude), IDLE, BUSY (attached to a
 * conversation), DRAINING (discarding the answers to a vanished client's records), DEAD.
 */
final class Worker {
  private static final System.Logger LOG = System.getLogger(Worker.class.getName());
  private static final int BUFFER = 1 << 16;
  /** A program that ends closes its pipes a moment before it can be reaped; this tells the two apart. */
  private static final Duration OUTPUT_CLOSED_GRACE = Duration.ofSeconds(1);

  /** Where a conversation's output goes. */
  interface Sink {
    void output(byte[] bytes, int offset, int length) throws IOException;

    void stderr(byte[] bytes, int offset, int length);

    /** Ends the conversation: success when {@code failure} is null. Called at most once per sink. */
    void finish(Failure failure, String message);
  }

  private enum State {
    STARTING,
    IDLE,
    BUSY,
    DRAINING,
    DEAD
  }

  private final int number;
  private final ServerSpec spec;
  private final ScheduledExecutorService scheduler;
  private final Consumer<Worker> onChange;
  private final LongAdder recordsServed;
  private final Ticker ticker;
  private final RecordWatchdog watchdog;
  private final StderrPump stderr;
  private final Object lock = new Object();

  // Guarded by lock.
  private State state = State.STARTING;
  private ProgramProcess process;
  private byte[] prelude;
  private ViasockException failure;
  private Attachment attached;
  private boolean sinkFinished;
  private boolean forwardStderr;
  private long sent;
  private long answered;
  private boolean inputEnded;
  private Failure killFailure;
  private String killReason;
  private long idleSince;

  // Touched only by the output thread. Output is forwarded in whole records: a program that dies halfway
  // through one must not hand anyone part of it.
  private final RecordScanner outputScanner;
  private final HeldBytes heldOutput = new HeldBytes();
  private final RecordScanner preludeScanner;
  private final ByteArrayOutputStream preludeBytes = new ByteArrayOutputStream();

  private Worker(int number, WorkerContext context) {
    this.number = number;
    this.spec = context.spec();
    this.scheduler = context.scheduler();
    this.onChange = context.onChange();
    this.recordsServed = context.recordsServed();
    this.ticker = context.ticker();
    this.watchdog = new RecordWatchdog(context.ticker(), spec.processTimeout());
    this.stderr = new StderrPump("worker " + number + " stderr: ");
    this.outputScanner = new RecordScanner(spec.framing().output());
    this.preludeScanner = spec.framing().newPreludeScanner();
  }

  /**
   * Starts the program and returns at once; {@link #awaitReady} waits for its prelude. A program that cannot
   * be started gives a dead worker whose {@link #awaitReady} reports why.
   */
  static Worker launch(int number, WorkerContext context) {
    Worker worker = new Worker(number, context);
    worker.start(context.environment());
    return worker;
  }

  private void start(Map<String, String> environment) {
    ProgramProcess started;
    try {
      started = ProgramProcess.start(spec.program(), environment, Threads.named("worker-" + number + "-exec"));
    } catch (ViasockException e) {
      synchronized (lock) {
        failure = e;
        state = State.DEAD;
      }
      LOG.log(WARNING, e.getMessage());
      return;
    }
    synchronized (lock) {
      process = started;
      watchdog.expect(spec.framing().preludeLength());
    }
    LOG.log(INFO, "worker " + number + " started " + spec.program().commandText() + " as pid " + started.pid());
    Threads.start("worker-" + number + "-output", this::pumpOutput);
    Threads.start("worker-" + number + "-stderr", () -> stderr.run(started));
    started.exit().thenAccept(this::onExit);
    if (!spec.framing().hasPrelude()) {
      becomeReady();
    }
  }

  /**
   * Waits until the prelude has been read. Returns at once for a worker that is already serving.
   *
   * @throws ViasockException why the program could not be started or died before its prelude
   */
  byte[] awaitReady() throws InterruptedException {
    synchronized (lock) {
      while (state == State.STARTING) {
        lock.wait(1000);
      }
      if (state == State.DEAD) {
        throw failure != null ? failure : new ViasockException(Failure.PROGRAM_FAILED, failureMessage());
      }
      return prelude;
    }
  }

  int number() {
    return number;
  }

  boolean isDead() {
    synchronized (lock) {
      return state == State.DEAD;
    }
  }

  boolean isIdle() {
    synchronized (lock) {
      return state == State.IDLE;
    }
  }

  boolean isStarting() {
    synchronized (lock) {
      return state == State.STARTING;
    }
  }

  /**
   * Whether the program ever answered a record. Only such a worker is replaced as soon as it dies: one that
   * died before answering anything would likely die again, and is restarted by the next call instead.
   */
  boolean answeredARecord() {
    synchronized (lock) {
      return answered > 0;
    }
  }

  /** The program's process while it runs. */
  java.util.Optional<ProcessHandle> program() {
    synchronized (lock) {
      return process == null || state == State.DEAD ? java.util.Optional.empty() : ProcessHandle.of(process.pid());
    }
  }

  boolean isBusy() {
    synchronized (lock) {
      return state == State.BUSY || state == State.DRAINING;
    }
  }

  /**
   * Gives the program to a conversation. The worker must be ready (see {@link #awaitReady}).
   *
   * @return the conversation's handle: the only way to send input, end it and detach
   * @throws ViasockException why the program died, if it died since it was ready
   */
  Attachment attach(Sink newSink, boolean forwardingStderr) {
    synchronized (lock) {
      if (state == State.DEAD) {
        throw failure != null ? failure : new ViasockException(Failure.PROGRAM_FAILED, failureMessage());
      }
      if (state != State.IDLE) {
        throw new IllegalStateException("worker " + number + " is " + state + ", not idle");
      }
      state = State.BUSY;
      attached = new Attachment(this, newSink, spec.framing().input());
      sinkFinished = false;
      forwardStderr = forwardingStderr;
      stderr.forwardTo(forwardingStderr ? newSink : null);
      inputEnded = false;
      return attached;
    }
  }

  /**
   * Writes the input records that {@code bytes} completes to the program. Bytes of a record not yet complete
   * are held back until its end arrives, so that the program never holds part of a record: an unterminated
   * last record is never sent, and a client that leaves mid-record leaves nothing behind. The records are
   * counted before they are written, so that their answers, which cannot come sooner, are always expected.
   *
   * @throws IOException when the program no longer reads its input (it has died or is being stopped)
   */
  void send(Attachment owner, byte[] bytes, int offset, int length) throws IOException {
    RecordScanner inputScanner = owner.inputScanner();
    HeldBytes heldBack = owner.heldBack();
    long before = inputScanner.records();
    inputScanner.scan(bytes, offset, offset + length, Long.MAX_VALUE);
    int cut = inputScanner.lastEnd();
    if (cut < 0) {
      heldBack.write(bytes, offset, length);
      return;
    }
    long completed = inputScanner.records() - before;
    ProgramProcess target;
    synchronized (lock) {
      if (attached != owner) {
        throw new CallEndedException();
      }
      if (state != State.BUSY || sinkFinished) {
        throw new IOException("the conversation has ended");
      }
      sent += completed;
      watchdog.expect(completed);
      target = process;
    }
    try {
      if (heldBack.size() > 0) {
        heldBack.writeTo(target.stdin());
        heldBack.reset();
      }
      target.stdin().write(bytes, offset, cut - offset);
      target.stdin().flush();
    } catch (IOException stoppedReading) {
      // Usually the program has died, and its exit says why; one that lives on without reading is broken.
      if (!target.awaitExit(OUTPUT_CLOSED_GRACE)) {
        kill(Failure.PROGRAM_FAILED, "the program " + spec.program().name() + " stopped reading its input");
      }
      throw stoppedReading;
    }
    heldBack.write(bytes, cut, offset + length - cut);
  }

  /** The conversation's input has ended: it ends when every record it sent has been answered. */
  void endOfInput(Attachment owner) throws CallEndedException {
    Runnable action;
    synchronized (lock) {
      if (attached != owner) {
        throw new CallEndedException();
      }
      inputEnded = true;
      action = answered == sent ? completeLocked(false) : null;
    }
    run(action);
  }

  /**
   * Takes the program back from its conversation, which has ended or whose client has gone. Answers still
   * owed to a vanished client are drained and discarded (bounded by the watchdog); the held-back part of an
   * incomplete record is dropped, as the program never saw it.
   */
  void detach(Attachment owner) {
    boolean available = false;
    synchronized (lock) {
      if (attached != owner) {
        return;
      }
      stderr.forwardTo(null);
      attached = null;
      sinkFinished = true;
      if (state != State.BUSY) {
        return;
      }
      if (answered < sent) {
        state = State.DRAINING;
        LOG.log(INFO, "worker " + number + " drains " + (sent - answered) + " answers to a client that left");
      } else {
        becomeIdleLocked();
        available = true;
      }
    }
    if (available) {
      onChange.accept(this);
    }
  }

  /** Stops the program now, and reports {@code reason} to the conversation it serves, if any. */
  void kill(Failure why, String reason) {
    ProgramProcess target;
    synchronized (lock) {
      if (state == State.DEAD || killReason != null || process == null) {
        return;
      }
      killFailure = why;
      killReason = reason;
      target = process;
    }
    LOG.log(WARNING, "worker " + number + " (pid " + target.pid() + "): " + reason);
    target.terminate(scheduler);
  }

  /** Called periodically: stops a program that has taken longer than the process timeout. */
  void checkWatchdog() {
    if (watchdog.overdue()) {
      boolean starting = isStarting();
      kill(
          Failure.TIMEOUT,
          "the program " + spec.program().name() + " took longer than " + seconds(spec.processTimeout())
              + " to " + (starting ? "write its prelude" : "answer a record") + " and was stopped (-w)");
    }
  }

  /** Ends the program politely: closes its input, then stops it if it has not ended within a bound. */
  void stop(Duration grace) throws InterruptedException {
    ProgramProcess target;
    synchronized (lock) {
      target = process;
      if (target == null || state == State.DEAD) {
        return;
      }
      if (killReason == null) {
        killFailure = Failure.SERVER_UNAVAILABLE;
        killReason = "the server stopped";
      }
    }
    List<ProcessHandle> children = target.children();
    target.closeStdin();
    try {
      target.exit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
      children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      target.terminate(scheduler);
      try {
        target.exit().get(ProgramProcess.TERMINATE_GRACE.toMillis() * 2, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException ignored) {
        LOG.log(WARNING, "worker " + number + " (pid " + target.pid() + ") did not end after SIGKILL");
      }
    }
  }

  private void pumpOutput() {
    ProgramProcess source;
    synchronized (lock) {
      source = process;
    }
    InputStream stdout = source.stdout();
    byte[] buffer = new byte[BUFFER];
    try {
      int read;
      while ((read = stdout.read(buffer)) >= 0) {
        int position = 0;
        while (position < read) {
          position = deliver(buffer, position, read, stdout);
        }
      }
    } catch (IOException e) {
      // The stream was closed because the process ended: its exit is handled in onExit.
    } finally {
      source.readerDone();
    }
    if (!source.awaitExit(OUTPUT_CLOSED_GRACE)) {
      kill(Failure.PROGRAM_FAILED, "the program " + spec.program().name() + " closed its standard output");
    }
  }

  /** Handles output bytes from {@code from}; returns how far it got. */
  private int deliver(byte[] bytes, int from, int to, InputStream stdout) {
    Sink target;
    long allowance;
    synchronized (lock) {
      if (state == State.DEAD || killReason != null) {
        return to;
      }
      if (state == State.STARTING) {
        return deliverPrelude(bytes, from, to);
      }
      allowance = sent - answered;
      target = state == State.BUSY && !sinkFinished ? attached.sink() : null;
    }
    if (allowance == 0) {
      protocolViolation(bytes, from, to);
      return to;
    }
    long before = outputScanner.records();
    int end = outputScanner.scan(bytes, from, to, allowance);
    long completed = outputScanner.records() - before;
    int cut = outputScanner.lastEnd();
    if (cut < 0) {
      heldOutput.write(bytes, from, end - from);
    } else {
      if (target != null) {
        forward(target, bytes, from, cut);
      }
      heldOutput.reset();
      heldOutput.write(bytes, cut, end - cut);
    }
    Runnable action = null;
    recordsServed.add(completed);
    synchronized (lock) {
      answered += completed;
      watchdog.answered(completed);
      if (answered == sent) {
        if (state == State.BUSY && inputEnded) {
          action = completeLocked(end < to || available(stdout));
        } else if (state == State.DRAINING) {
          becomeIdleLocked();
          action = () -> onChange.accept(this);
        }
      }
    }
    run(action);
    return end;
  }

  private int deliverPrelude(byte[] bytes, int from, int to) {
    long before = preludeScanner.records();
    int end = preludeScanner.scan(bytes, from, to, spec.framing().preludeLength() - before);
    preludeBytes.write(bytes, from, end - from);
    watchdog.answered(preludeScanner.records() - before);
    if (preludeScanner.records() == spec.framing().preludeLength()) {
      prelude = preludeBytes.toByteArray();
      becomeIdleLocked();
      scheduler.execute(() -> onChange.accept(this));
    }
    return end;
  }

  private void becomeIdleLocked() {
    state = State.IDLE;
    idleSince = ticker.read();
    lock.notifyAll();
  }

  /** How long the worker has been idle; zero unless it is idle. */
  Duration idleFor() {
    synchronized (lock) {
      return state == State.IDLE ? Duration.ofNanos(ticker.read() - idleSince) : Duration.ZERO;
    }
  }

  private void becomeReady() {
    synchronized (lock) {
      if (state == State.STARTING) {
        prelude = new byte[0];
        becomeIdleLocked();
      }
    }
    onChange.accept(this);
  }

  /** Forwards whole records: the held-back start of the first one, then {@code bytes[from, end)}. */
  private void forward(Sink target, byte[] bytes, int from, int end) {
    watchdog.pause();
    try {
      if (heldOutput.size() > 0) {
        target.output(heldOutput.buffer(), 0, heldOutput.size());
      }
      target.output(bytes, from, end - from);
    } catch (IOException clientGone) {
      boolean ours;
      synchronized (lock) {
        ours = attached != null && attached.sink() == target && !sinkFinished;
        if (ours) {
          sinkFinished = true;
        }
      }
      if (ours) {
        target.finish(Failure.OUTPUT_CLOSED, "viasock: the output was closed before every record was written");
      }
    } finally {
      watchdog.resume();
    }
  }

  /** Decides how the attached conversation ends, once every record it sent has been answered. */
  private Runnable completeLocked(boolean extraOutput) {
    if (sinkFinished || attached == null) {
      return null;
    }
    Sink target = attached.sink();
    sinkFinished = true;
    if (extraOutput) {
      String message =
          "viasock: the program " + spec.program().name() + " wrote more output records than it was given input"
              + " records, so its output cannot be trusted; it was restarted";
      return () -> {
        target.finish(Failure.PROGRAM_FAILED, message);
        kill(Failure.PROGRAM_FAILED, "protocol violation: more output records than input records");
      };
    }
    boolean catchUpStderr = forwardStderr;
    if (attached.inputScanner().inRecord()) {
      String message =
          "viasock: the input ends with an unterminated record (" + describeTerminator(spec.framing().input())
              + "); the records before it were answered, and it was not sent to the program";
      return () -> {
        endStderrForwarding(catchUpStderr);
        target.finish(Failure.UNTERMINATED_INPUT, message);
      };
    }
    return () -> {
      endStderrForwarding(catchUpStderr);
      target.finish(null, "");
    };
  }

  /** Lets the stderr written before the last answer reach the caller (with --stderr), then stops forwarding. */
  private void endStderrForwarding(boolean forwarding) {
    if (forwarding) {
      stderr.awaitForwarded();
    }
    stderr.forwardTo(null);
  }

  private static String describeTerminator(Terminator terminator) {
    return terminator.everyLineEndsARecord()
        ? "its last line has no newline"
        : "no line after the last record matches the input terminator " + terminator;
  }

  private void protocolViolation(byte[] bytes, int from, int to) {
    String sample = new String(bytes, from, Math.min(to - from, 80), java.nio.charset.StandardCharsets.UTF_8);
    Sink target;
    synchronized (lock) {
      target = state == State.BUSY && !sinkFinished ? attached.sink() : null;
      sinkFinished = true;
    }
    String message =
        "viasock: the program " + spec.program().name() + " wrote more output records than it was given input"
            + " records (output that answers no input), so its output cannot be trusted; it was restarted;"
            + " if it writes a banner at start, give it with -P or --prelude-lines";
    if (target != null) {
      target.finish(Failure.PROGRAM_FAILED, message);
    }
    kill(
        Failure.PROGRAM_FAILED,
        "protocol violation: the program wrote output that answers no input record: \"" + sample.strip()
            + "\" (a banner needs -P or --prelude-lines)");
  }

  private static boolean available(InputStream stdout) {
    try {
      return stdout.available() > 0;
    } catch (IOException e) {
      return false;
    }
  }

  private void onExit(int status) {
    Sink target;
    String message;
    Failure why;
    synchronized (lock) {
      why = killFailure != null ? killFailure : Failure.PROGRAM_FAILED;
      message = failureMessageLocked(status);
      failure = new ViasockException(why, message);
      target = state == State.BUSY && !sinkFinished ? attached.sink() : null;
      sinkFinished = true;
      state = State.DEAD;
      lock.notifyAll();
    }
    LOG.log(killReason == null ? WARNING : INFO, "worker " + number + " ended: " + message.replace('\n', ' '));
    if (target != null) {
      target.finish(why, message);
    }
    onChange.accept(this);
  }

  private String failureMessage() {
    return killReason != null ? "viasock: " + killReason : "viasock: the program is not running";
  }

  private String failureMessageLocked(int status) {
    StringBuilder message = new StringBuilder("viasock: ");
    if (killReason != null) {
      message.append(killReason);
    } else {
      message.append("the program ").append(spec.program().name());
      message.append(status > 128 && status < 160
          ? " was killed by signal " + (status - 128) + " (exit status " + status + ")"
          : " exited with status " + status);
      if (state == State.STARTING && spec.framing().hasPrelude()) {
        message.append(" before it wrote its prelude");
      } else if (state == State.BUSY || state == State.DRAINING) {
        message.append(answered == 0 ? " before it answered any record" : " while answering a record");
      }
    }
    List<String> lastLines = stderr.tail();
    if (!lastLines.isEmpty()) {
      message.append("\nits last lines on stderr:");
      for (String line : lastLines) {
        message.append("\n  ").append(line);
      }
    }
    return message.toString();
  }

  private static void run(Runnable action) {
    if (action != null) {
      action.run();
    }
  }

  static String seconds(Duration duration) {
    double seconds = duration.toNanos() / 1e9;
    return (seconds == Math.rint(seconds) ? String.valueOf((long) seconds) : String.valueOf(seconds)) + " s";
  }
}
