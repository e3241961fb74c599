package dev.viasock;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Phaser;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * Listens on one socket and serves its clients from a pool of workers. It stops when it has been idle for the
 * spec's server timeout, when its key no longer holds (then once its current clients are done), when its
 * socket file is removed or replaced, or when told to.
 */
final class Server implements Administration {
  private static final System.Logger LOG = System.getLogger(Server.class.getName());
  private static final Duration TICK = Duration.ofMillis(100);
  private static final long TICKS_PER_KEY_CHECK = 10;
  private static final Duration WORKER_STOP_GRACE = Duration.ofSeconds(2);
  private static final Duration CUT_BOUND = Duration.ofSeconds(5);
  /** The longest a stop can take: the cut, then the programs' grace and their forced kill. */
  private static final Duration STOP_ANSWER_BOUND = Duration.ofSeconds(5);
  static final Duration STOP_BOUND = CUT_BOUND.plus(WORKER_STOP_GRACE).plus(ProgramProcess.TERMINATE_GRACE).plusSeconds(5);

  private final ServerSpec spec;
  private final ServerConfig config;
  private final ServerListener lifeListener;
  /** Keeps what the listener hears in order. */
  private final Object reportLock = new Object();
  /** The programs the listener last heard of; null until it has heard of any. */
  private List<ProcessHandle> programsReported;
  /** Set once the socket is bound: a server that lost the race to bind must not describe itself. */
  private boolean reporting;
  private final Instant started = Instant.now();
  private final LongAdder recordsServed = new LongAdder();
  private final Path socketPath;
  private final Ticker ticker;
  private final IdleTimer idle;
  private final CountDownLatch stopped = new CountDownLatch(1);
  /**
   * The STOP requests whose answer is still being written, each a party, beside the server's owner: the
   * process must not exit under them. Its phase advances when the last of them has answered.
   */
  private final Phaser stopAnswers = new Phaser(1);
  /** Counted down when an embedded server's owner is done with it (see {@link #release}). */
  private final CountDownLatch released = new CountDownLatch(1);
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(Threads.named("server-timer"));
  /** Idle connection threads end after a few seconds, so that a quiet server's threads are few. */
  private final ExecutorService connections =
      new ThreadPoolExecutor(
          0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS, new SynchronousQueue<>(), Threads.named("connection"));
  private final WorkerPool pool;

  private AFUNIXServerSocket listener;
  private Object socketIdentity;
  private long ticks;
  private String staleReason;
  private boolean stopping;

  Server(ServerConfig config, ServerListener listener) {
    this.config = config;
    this.lifeListener = listener;
    this.spec = config.spec();
    this.socketPath = config.socketPath();
    this.ticker = config.ticker();
    this.idle = new IdleTimer(ticker, spec.idleTimeout());
    WorkerContext context = new WorkerContext(
        spec, config.environment(), ticker, scheduler, this::changed, recordsServed, WorkerContext.DRAIN_BOUND);
    this.pool = new WorkerPool(spec.workers(), slot -> Worker.launch(slot, context), this::reportPrograms);
  }

  /**
   * A worker's state changed (it started, ended, or became free again): waiting callers look again, and the
   * listener hears of the programs if they changed. A call that ends changes no program: the listener's file
   * is not written again on every call.
   */
  private void changed() {
    pool.changed();
    reportPrograms();
  }

  /**
   * Tells the listener the programs running now unless it heard of exactly these last: once the server
   * listens, then whenever a started worker takes its slot or a worker's state changes.
   */
  private void reportPrograms() {
    synchronized (reportLock) {
      List<ProcessHandle> programs = programs();
      if (reporting && !programs.equals(programsReported)) {
        programsReported = List.copyOf(programs);
        lifeListener.programsChanged(programsReported);
      }
    }
  }

  private void startReporting() {
    synchronized (reportLock) {
      reporting = true;
    }
    reportPrograms();
  }

  /** The program processes running now. */
  List<ProcessHandle> programs() {
    List<ProcessHandle> programs = new ArrayList<>();
    for (Worker worker : pool.workers()) {
      worker.program().ifPresent(programs::add);
    }
    return programs;
  }

  @Override
  public ServerStatus status() {
    int busy = 0;
    for (Worker worker : pool.workers()) {
      busy += worker.isBusy() ? 1 : 0;
    }
    return new ServerStatus(
        config.key(),
        ProcessHandle.current().pid(),
        spec.program().commandText(),
        spec.program().workingDirectory(),
        spec.workers(),
        busy,
        started,
        idle.idleFor(),
        recordsServed.sum(),
        config.log());
  }

  /**
   * Binds the socket and starts serving. Address reuse is off, so that binding to the socket of a live
   * server fails instead of moving that server's socket aside.
   *
   * @throws java.net.BindException when another server already listens on the socket
   */
  void start() throws IOException {
    // The program starts first: its start-up, usually the slow part, overlaps binding and the first
    // client's connecting.
    pool.prestart();
    try {
      listener = AFUNIXServerSocket.newInstance();
      listener.setReuseAddress(false);
      listener.bind(AFUNIXSocketAddress.of(socketPath), 64);
    } catch (IOException | RuntimeException e) {
      stopWorkersAfterFailedStart();
      throw e;
    }
    Files.setPosixFilePermissions(socketPath, PosixFilePermissions.fromString("rw-------"));
    socketIdentity = identity(socketPath);
    LOG.log(INFO, "serving " + spec.program().commandText() + " in " + spec.program().workingDirectory()
        + " on " + socketPath + " (pid " + ProcessHandle.current().pid() + ")");
    idle.serving();
    Threads.start("accept", this::acceptLoop);
    scheduler.scheduleWithFixedDelay(this::housekeep, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    startReporting();
  }

  private void stopWorkersAfterFailedStart() {
    try {
      pool.closeAndStop(WORKER_STOP_GRACE);
    } finally {
      scheduler.shutdownNow();
    }
  }

  private void acceptLoop() {
    while (true) {
      AFUNIXSocket socket;
      try {
        socket = listener.accept();
      } catch (IOException e) {
        if (listener.isClosed()) {
          return;
        }
        LOG.log(WARNING, "accept failed: " + e);
        continue;
      }
      if (!fromOwnUser(socket)) {
        continue;
      }
      idle.accepted();
      connections.execute(new Connection(socket, pool, this, idle, scheduler));
    }
  }

  private static boolean fromOwnUser(AFUNIXSocket socket) {
    try {
      var peer = socket.getPeerCredentials();
      if (peer.getUid() == Users.currentUid()) {
        return true;
      }
      LOG.log(WARNING, "refused a connection from uid " + peer.getUid() + " (pid " + peer.getPid()
          + "): only uid " + Users.currentUid() + " may use this server");
    } catch (IOException e) {
      LOG.log(WARNING, "refused a connection whose peer could not be identified: " + e);
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // Dropping it is all that is left to do.
    }
    return false;
  }

  private void housekeep() {
    try {
      for (Worker worker : pool.workers()) {
        worker.checkWatchdog();
        worker.checkHeldAnswers();
      }
      if (isStopping()) {
        return;
      }
      if (++ticks % TICKS_PER_KEY_CHECK == 0) {
        checkStillCurrent();
        retireIdleExtraWorkers();
      }
      if (idle.expired()) {
        stop("idle for " + Durations.seconds(spec.idleTimeout()), false);
      } else if (staleReason() != null && idle.active() == 0) {
        stop(staleReason(), false);
      }
    } catch (RuntimeException e) {
      LOG.log(WARNING, "housekeeping failed", e);
    }
  }

  /** Workers beyond the first stop after half the server timeout without a call. */
  private void retireIdleExtraWorkers() {
    for (Worker extra : pool.retireIdleExtras(spec.idleTimeout().dividedBy(2))) {
      LOG.log(INFO, "worker " + extra.number() + " stops: idle");
      Threads.start("retire-worker-" + extra.number(), () -> {
        try {
          extra.stop(WORKER_STOP_GRACE);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
  }

  @Override
  public boolean retiresOnGreeting() {
    checkStillCurrent();
    return staleReason() != null;
  }

  private synchronized String staleReason() {
    return staleReason;
  }

  private synchronized void checkStillCurrent() {
    if (staleReason != null) {
      return;
    }
    String reason = Objects.equals(identity(socketPath), socketIdentity) ? null : "its socket file was removed or replaced";
    if (reason == null && config.staleness() != null) {
      reason = config.staleness().get();
    }
    if (reason != null) {
      staleReason = reason;
      LOG.log(INFO, "stops accepting: " + reason + "; it ends once its current clients are done");
      closeListener();
    }
  }

  private static Object identity(Path path) {
    try {
      return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  private synchronized boolean isStopping() {
    return stopping;
  }

  /**
   * Stops the server: no new clients; current ones finish (with {@code cut}, those not done within a bound
   * are ended with a clear error); then the programs are stopped and the socket file removed.
   */
  void stop(String reason, boolean cut) {
    synchronized (this) {
      if (stopping) {
        return;
      }
      stopping = true;
    }
    LOG.log(INFO, "stopping: " + reason);
    Threads.start("shutdown", () -> shutdown(reason, cut));
  }

  /**
   * The stop itself. Each step runs even if one before it failed (a server whose jar was replaced by an
   * upgrade may fail to load a class on its way out), so that the programs end and the files go.
   */
  private void shutdown(String reason, boolean cut) {
    step("closing the socket", () -> {
      closeListener();
      pool.close();
    });
    step("waiting for the current calls", () -> awaitCalls(reason, cut));
    for (Worker worker : pool.workers()) {
      step("stopping worker " + worker.number(), () -> worker.stop(WORKER_STOP_GRACE));
    }
    step("stopping the timers", () -> {
      scheduler.shutdownNow();
      // Not shutdownNow: the connection that asked for the stop is waiting to say it is done.
      connections.shutdown();
    });
    step("removing the server's files", lifeListener::stopped);
    LOG.log(INFO, "stopped");
    stopped.countDown();
  }

  private void awaitCalls(String reason, boolean cut) throws InterruptedException {
    if (cut) {
      idle.awaitNoneActive(CUT_BOUND);
    } else {
      idle.awaitNoneActive();
    }
    if (idle.active() > 0) {
      for (Worker worker : pool.workers()) {
        worker.kill(Failure.SERVER_UNAVAILABLE, "the server was stopped (" + reason + ") during this call");
      }
    }
  }

  /** One step of the stop. */
  interface Step {
    void run() throws Exception;
  }

  private static void step(String what, Step step) {
    try {
      step.run();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception | LinkageError e) {
      LOG.log(WARNING, "stopping: " + what + " failed", e);
    }
  }

  /** Last resort before the process exits: no program outlives its server. */
  void killSurvivingPrograms() {
    for (ProcessHandle program : programs()) {
      Reaper.kill(Reaper.tree(program));
    }
  }

  private synchronized void closeListener() {
    try {
      if (listener != null && !listener.isClosed()) {
        listener.close();
      }
    } catch (IOException e) {
      LOG.log(WARNING, "closing the socket failed: " + e);
    }
    if (socketIdentity != null && socketIdentity.equals(identity(socketPath))) {
      try {
        Files.deleteIfExists(socketPath);
      } catch (IOException e) {
        LOG.log(WARNING, "could not remove " + socketPath + ": " + e);
      }
    }
  }

  /** Waits until the server has stopped, at most {@code bound}; returns whether it has. */
  boolean awaitStopped(Duration bound) throws InterruptedException {
    return stopped.await(bound.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Waits until the server has stopped and every STOP request has been answered (at most 5 s for those), so
   * that the process may exit: what its main thread waits for.
   */
  void awaitEnd() throws InterruptedException {
    stopped.await();
    stopAnswers.arriveAndDeregister();
    try {
      stopAnswers.awaitAdvanceInterruptibly(0, STOP_ANSWER_BOUND.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      LOG.log(WARNING, "a STOP request was not answered within " + STOP_ANSWER_BOUND.toSeconds() + " s");
    }
  }

  /**
   * The owner of the server is done with it: a server embedded in a JVM with other work has ended. The
   * connections that asked it to stop, held open until then, let go. A background server never calls this:
   * its process's exit closes them.
   */
  void release() {
    released.countDown();
  }

  @Override
  public void stopAndAnswer(FrameWriter writer) throws IOException, InterruptedException {
    ServerStatus last = status();
    if (stopAnswers.register() < 0) {
      return; // The server has ended already: nothing to answer for.
    }
    try {
      stop("asked to stop", true);
      awaitStopped(STOP_BOUND);
      writer.sendEnd(0, last.encode());
    } finally {
      stopAnswers.arriveAndDeregister();
    }
    released.await(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
  }
}
