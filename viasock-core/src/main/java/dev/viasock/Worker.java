package dev.viasock;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One program process: the thin I/O shell around its {@link RecordLedger}. It starts the program, reads its
 * output and stderr on threads of its own, writes calls' input to it, and carries out what the ledger
 * decides (end a call, stop the program, tell the pool), outside its lock. A worker is one incarnation of the
 * program: once the process has ended the worker is dead for good and the pool makes a new one.
 */
final class Worker implements Attachment.Target {
  private static final System.Logger LOG = System.getLogger(Worker.class.getName());
  private static final int BUFFER = 1 << 16;
  /** A program that ends closes its pipes a moment before it can be reaped; this tells the two apart. */
  private static final Duration OUTPUT_CLOSED_GRACE = Duration.ofSeconds(1);

  private final int number;
  private final WorkerContext context;
  private final ServerSpec spec;
  private final StderrPump stderr;
  private final Object lock = new Object();

  // Guarded by lock.
  private final RecordLedger ledger;
  private ProgramProcess process;
  private ViasockException failure;
  private boolean forwardStderr;
  private Failure killFailure;
  private String killReason;
  private HeldOutputDetector heldAnswers;

  // What the detector of held answers reads: written by the input and output threads.
  private volatile long bytesWritten;
  private volatile long bytesRead;
  private volatile boolean handlingOutput;

  private Worker(int number, WorkerContext context) {
    this.number = number;
    this.context = context;
    this.spec = context.spec();
    this.stderr = new StderrPump("worker " + number + " stderr: ");
    this.ledger = new RecordLedger(
        spec.framing(), spec.program().name(), context.ticker(), spec.processTimeout(), spec.maxRecordSize());
  }

  /**
   * Starts the program and returns once it runs; {@link #awaitReady} waits for its prelude. A program that
   * cannot be started gives a dead worker whose {@link #awaitReady} reports why.
   */
  static Worker launch(int number, WorkerContext context) {
    Worker worker = new Worker(number, context);
    worker.start();
    return worker;
  }

  private void start() {
    ProgramProcess started;
    try {
      started =
          ProgramProcess.start(
              spec.program(),
              ProgramLaunch.of(spec.program(), context.environment(), spec.unbuffered()),
              Threads.named("worker-" + number + "-exec"));
    } catch (ViasockException e) {
      synchronized (lock) {
        failure = e;
        ledger.exited(e.failure(), e.getMessage());
        lock.notifyAll();
      }
      LOG.log(WARNING, e.getMessage());
      return;
    }
    synchronized (lock) {
      process = started;
      heldAnswers = new HeldOutputDetector(context.ticker(), ProcActivityProbe.forProgram(started.pid()));
    }
    LOG.log(INFO, "worker " + number + " started " + spec.program().commandText() + " as pid " + started.pid());
    Threads.start("worker-" + number + "-output", this::pumpOutput);
    Threads.start("worker-" + number + "-stderr", () -> stderr.run(started));
    started.exit().thenAccept(this::onExit);
    if (!spec.framing().hasPrelude()) {
      act(ledgerStep(RecordLedger::ready));
    }
  }

  /**
   * Waits until the prelude has been read. Returns at once for a worker that is already serving.
   *
   * @throws ViasockException why the program could not be started or died before its prelude
   */
  byte[] awaitReady() throws InterruptedException {
    synchronized (lock) {
      while (ledger.state() == RecordLedger.State.STARTING) {
        lock.wait();
      }
      if (ledger.state() == RecordLedger.State.DEAD) {
        throw deadFailureLocked();
      }
      return ledger.prelude();
    }
  }

  int number() {
    return number;
  }

  boolean isDead() {
    return state() == RecordLedger.State.DEAD;
  }

  /** Whether a call may be attached now. */
  boolean isAvailable() {
    synchronized (lock) {
      return ledger.available();
    }
  }

  boolean isStarting() {
    return state() == RecordLedger.State.STARTING;
  }

  boolean isBusy() {
    synchronized (lock) {
      return ledger.busy();
    }
  }

  private RecordLedger.State state() {
    synchronized (lock) {
      return ledger.state();
    }
  }

  /**
   * Whether the program ever answered a record. Only such a worker is replaced as soon as it dies: one that
   * died before answering anything would likely die again, and is restarted by the next call instead.
   */
  boolean answeredARecord() {
    synchronized (lock) {
      return ledger.answeredARecord();
    }
  }

  /** How long the worker has been idle; zero unless it is idle. */
  Duration idleFor() {
    synchronized (lock) {
      return ledger.idleFor();
    }
  }

  /**
   * The program's process while it runs. The handle is the one made when it started: asked after every
   * call (has a program started or ended?), this reads nothing from {@code /proc}.
   */
  Optional<ProcessHandle> program() {
    synchronized (lock) {
      return process == null || ledger.state() == RecordLedger.State.DEAD
          ? Optional.empty()
          : Optional.of(process.handle());
    }
  }

  /**
   * Gives the program to a call. The worker must be ready (see {@link #awaitReady}).
   *
   * @return the call's handle: the only way to send input, end it and detach
   * @throws ViasockException why the program died or is being replaced, if it is
   */
  Attachment attach(CallSink sink) {
    synchronized (lock) {
      if (ledger.state() == RecordLedger.State.DEAD || ledger.condemned() != null) {
        throw deadFailureLocked();
      }
      forwardStderr = false;
      stderr.forwardTo(null);
      return ledger.attach(this, sink, spec.maxRecordSize());
    }
  }

  /** Whether the worker is being replaced (or has died): a caller should lease another. */
  boolean isCondemned() {
    synchronized (lock) {
      return ledger.condemned() != null || ledger.state() == RecordLedger.State.DEAD;
    }
  }

  @Override
  public void forwardStderr(Attachment owner) {
    synchronized (lock) {
      if (ledger.isAttached(owner)) {
        forwardStderr = true;
        stderr.forwardTo(owner.sink());
      }
    }
  }

  @Override
  public void fail(Attachment owner, Failure why, String message) {
    act(ledgerStep(l -> l.fail(owner, why, message)));
  }

  @Override
  public void send(Attachment owner, byte[] bytes, int offset, int length) throws IOException {
    InputFramer framer = owner.framer();
    long completed = framer.scan(bytes, offset, length);
    writeInput(owner, framer, completed, bytes, offset, length);
    if (framer.tooLarge()) {
      String limit = MaxRecordSize.describe(spec.maxRecordSize());
      act(ledgerStep(l -> l.fail(owner, Failure.RECORD_TOO_LARGE,
          "viasock: an input record is larger than the maximum record size of " + limit + " ("
              + MaxRecordSize.OPTION + "); it was not sent to the program, and the records before it were"
              + " answered")));
      LOG.log(INFO, "worker " + number + ": refused an input record larger than " + limit);
      throw new IOException("an input record is larger than " + limit);
    }
  }

  /** Counts the records {@code bytes} completes as sent, then writes them to the program. */
  private void writeInput(
      Attachment owner, InputFramer framer, long completed, byte[] bytes, int offset, int length)
      throws IOException {
    ProgramProcess target;
    synchronized (lock) {
      if (completed > 0) {
        ledger.sent(owner, completed);
      } else if (!ledger.isAttached(owner)) {
        throw new CallEndedException();
      }
      target = process;
    }
    try {
      framer.deliver(target.stdin(), bytes, offset, length);
      bytesWritten += length;
    } catch (IOException stoppedReading) {
      // Usually the program has died, and its exit says why; one that lives on without reading is broken.
      if (!target.awaitExit(OUTPUT_CLOSED_GRACE)) {
        kill(Failure.PROGRAM_FAILED, "the program " + spec.program().name() + " stopped reading its input");
      }
      throw stoppedReading;
    }
  }

  @Override
  public void endOfInput(Attachment owner) throws CallEndedException {
    RecordLedger.Step step;
    synchronized (lock) {
      step = ledger.endOfInput(owner);
    }
    act(step);
  }

  /**
   * Takes the program back from a call, which has ended or whose caller has gone. Answers still owed are
   * drained and discarded (bounded, see {@link #checkWatchdog}); the held-back part of an incomplete record
   * is dropped with the handle, as the program never saw it.
   */
  @Override
  public void detach(Attachment owner) {
    RecordLedger.Step step;
    synchronized (lock) {
      if (!ledger.isAttached(owner)) {
        return;
      }
      stderr.forwardTo(null);
      step = ledger.detach(owner);
      if (ledger.state() == RecordLedger.State.DRAINING) {
        LOG.log(INFO, "worker " + number + " drains " + ledger.owed() + " answers to a caller that left");
      }
    }
    act(step);
  }

  /** Stops the program now, and reports {@code reason} to the call it serves, if any. */
  void kill(Failure why, String reason) {
    ProgramProcess target;
    synchronized (lock) {
      if (ledger.state() == RecordLedger.State.DEAD || killReason != null || process == null) {
        return;
      }
      ledger.condemn(reason);
      killFailure = why;
      killReason = reason;
      target = process;
    }
    LOG.log(WARNING, "worker " + number + " (pid " + target.pid() + "): " + reason);
    target.terminate(context.scheduler());
  }

  /**
   * Called periodically: stops a program that has taken longer than the process timeout, or that keeps a
   * drain going past its bound (the answers owed to a caller that left are not coming).
   */
  void checkWatchdog() {
    String overdue;
    String drainOverdue;
    synchronized (lock) {
      overdue = ledger.overdue();
      drainOverdue = ledger.drainOverdue(context.drainBound());
    }
    if (overdue != null) {
      kill(Failure.TIMEOUT, overdue);
    } else if (drainOverdue != null) {
      kill(Failure.PROGRAM_FAILED, drainOverdue);
    }
  }

  /**
   * Called periodically: stops a program that holds its answers in a buffer (see {@link HeldOutputDetector})
   * instead of leaving its caller hanging.
   */
  void checkHeldAnswers() {
    HeldOutputDetector detector;
    boolean starting;
    long owed;
    synchronized (lock) {
      if (ledger.state() == RecordLedger.State.DEAD || killReason != null || heldAnswers == null) {
        return;
      }
      detector = heldAnswers;
      starting = ledger.state() == RecordLedger.State.STARTING;
      owed = ledger.watchdog().outstanding();
    }
    if (detector.holdsAnswers(new HeldOutputDetector.Progress(owed, bytesWritten, bytesRead, handlingOutput))) {
      kill(Failure.OUTPUT_BUFFERED, HeldOutputDetector.reason(spec.program(), spec.unbuffered(), starting));
    }
  }

  /** Ends the program politely: closes its input, then stops it if it has not ended within a bound. */
  void stop(Duration grace) throws InterruptedException {
    ProgramProcess target;
    synchronized (lock) {
      target = process;
      if (target == null || ledger.state() == RecordLedger.State.DEAD) {
        return;
      }
      if (killReason == null) {
        killFailure = Failure.SERVER_UNAVAILABLE;
        killReason = "the server stopped";
        ledger.condemn(killReason);
      }
    }
    List<ProcessHandle> children = target.children();
    target.closeStdin();
    try {
      target.exit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
      Reaper.kill(children);
    } catch (ExecutionException | TimeoutException e) {
      target.terminate(context.scheduler());
      try {
        target.exit().get(ProgramProcess.TERMINATE_GRACE.toMillis() * 2, TimeUnit.MILLISECONDS);
      } catch (ExecutionException | TimeoutException ignored) {
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
        handlingOutput = true;
        bytesRead += read;
        int position = 0;
        while (position < read) {
          position = deliver(buffer, position, read, stdout);
        }
        handlingOutput = false;
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

  /** Handles output bytes {@code [from, to)}; returns how far it got. */
  private int deliver(byte[] bytes, int from, int to, InputStream stdout) {
    RecordLedger.Delivery delivery;
    synchronized (lock) {
      if (ledger.state() == RecordLedger.State.STARTING) {
        int end = ledger.prelude(bytes, from, to);
        if (ledger.state() == RecordLedger.State.IDLE) {
          lock.notifyAll();
          context.scheduler().execute(context.onChange());
        }
        return end;
      }
      delivery = ledger.output(bytes, from, to);
    }
    if (delivery.step() != RecordLedger.Step.NONE) {
      act(delivery.step());
      return to;
    }
    if (delivery.target() != null && delivery.cut() >= 0) {
      forward(delivery.target(), bytes, from, delivery.cut());
    }
    context.recordsServed().add(delivery.completed());
    boolean moreOutput = delivery.end() < to || available(stdout);
    RecordLedger.Step step;
    synchronized (lock) {
      step = ledger.answered(delivery, bytes, moreOutput);
    }
    act(step);
    return delivery.end();
  }

  /** Forwards whole records: the held-back start of the first one, then {@code bytes[from, end)}. */
  private void forward(CallSink target, byte[] bytes, int from, int end) {
    RecordWatchdog watchdog = ledger.watchdog();
    watchdog.pause();
    try {
      ledger.heldOutput().drainTo(target::output);
      target.output(bytes, from, end - from);
    } catch (IOException clientGone) {
      act(ledgerStep(l -> l.outputFailed(target)));
    } finally {
      watchdog.resume();
    }
  }

  /** Carries out a ledger's step, outside the lock. */
  private void act(RecordLedger.Step step) {
    if (step.endsACall()) {
      if (step.failure() == null || step.failure() == Failure.UNTERMINATED_INPUT) {
        endStderrForwarding();
      }
      step.sink().finish(step.failure(), step.message());
    }
    if (step.kill() != null) {
      kill(Failure.PROGRAM_FAILED, step.kill());
    }
    if (step.available()) {
      synchronized (lock) {
        lock.notifyAll();
      }
      context.onChange().run();
    }
  }

  private interface LedgerAction {
    RecordLedger.Step apply(RecordLedger ledger);
  }

  private RecordLedger.Step ledgerStep(LedgerAction action) {
    synchronized (lock) {
      return action.apply(ledger);
    }
  }

  /** Lets the stderr written before the last answer reach the caller (with --stderr), then stops forwarding. */
  private void endStderrForwarding() {
    boolean forwarding;
    synchronized (lock) {
      forwarding = forwardStderr;
    }
    if (forwarding) {
      stderr.awaitForwarded();
    }
    stderr.forwardTo(null);
  }

  private static boolean available(InputStream stdout) {
    try {
      return stdout.available() > 0;
    } catch (IOException e) {
      return false;
    }
  }

  private void onExit(int status) {
    RecordLedger.Step step;
    String message;
    synchronized (lock) {
      Failure why = killFailure != null ? killFailure : Failure.PROGRAM_FAILED;
      message = failureMessageLocked(status);
      failure = new ViasockException(why, message);
      step = ledger.exited(why, message);
      lock.notifyAll();
    }
    LOG.log(killReason == null ? WARNING : INFO, "worker " + number + " ended: " + message.replace('\n', ' '));
    act(step);
    context.onChange().run();
  }

  private ViasockException deadFailureLocked() {
    if (failure != null) {
      return failure;
    }
    String reason = killReason != null ? killReason : ledger.condemned();
    return new ViasockException(
        Failure.PROGRAM_FAILED, reason != null ? "viasock: " + reason : "viasock: the program is not running");
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
      RecordLedger.State state = ledger.state();
      if (state == RecordLedger.State.STARTING && spec.framing().hasPrelude()) {
        message.append(" before it wrote its prelude");
      } else if (ledger.busy()) {
        message.append(ledger.answeredARecord() ? " while answering a record" : " before it answered any record");
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
}
