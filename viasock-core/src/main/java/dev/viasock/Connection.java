package dev.viasock;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.newsclub.net.unix.AFUNIXSocket;

/**
 * Serves one client on its own thread: reads its greeting, then makes its {@link Call} (the client waits
 * its turn for a worker here) and feeds it the client's input frames. Output travels from the worker's own
 * output thread, so input and output stream at the same time.
 *
 * <p>A peer that has not greeted within {@link #HELLO_BOUND}, sends garbage or an impossible frame length is
 * dropped: it costs a thread and a descriptor for a few seconds at most.
 */
final class Connection implements Runnable {
  private static final System.Logger LOG = System.getLogger(Connection.class.getName());
  static final Duration HELLO_BOUND = Duration.ofSeconds(5);

  private final AFUNIXSocket socket;
  private final WorkerPool pool;
  private final Administration server;
  private final IdleTimer idle;
  private final ScheduledExecutorService scheduler;
  private volatile boolean droppedSilent;

  /** Only calls count as activity for {@code idle}; status and stop requests do not keep a server alive. */
  Connection(
      AFUNIXSocket socket, WorkerPool pool, Administration server, IdleTimer idle, ScheduledExecutorService scheduler) {
    this.socket = socket;
    this.pool = pool;
    this.server = server;
    this.idle = idle;
    this.scheduler = scheduler;
  }

  /** Whether {@link IdleTimer#greeted} was said for this connection, accepted as pending. */
  private boolean settled;

  @Override
  public void run() {
    try (socket) {
      serve();
    } catch (IOException e) {
      LOG.log(DEBUG, "connection ended: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      settle();
    }
  }

  /** This connection no longer holds the server as one that may be a call. */
  private void settle() {
    if (!settled) {
      settled = true;
      idle.greeted();
    }
  }

  private void serve() throws IOException, InterruptedException {
    FrameReader reader = new FrameReader(socket.getInputStream());
    FrameWriter writer = new FrameWriter(socket.getOutputStream());
    if (!readGreeting(reader)) {
      return;
    }
    if (reader.type() != Frame.HELLO) {
      settle(); // Status and stop requests do not keep a server alive.
    }
    switch (reader.type()) {
      case Frame.HELLO:
        break;
      case Frame.STATUS:
        writer.sendEnd(0, server.status().encode());
        return;
      case Frame.STOP:
        server.stopAndAnswer(writer);
        return;
      default:
        LOG.log(WARNING, "a client connected without a greeting; dropped it");
        return;
    }
    int version = reader.intAt(0);
    boolean forwardStderr = (reader.intAt(1) & Frame.FLAG_FORWARD_STDERR) != 0;
    if (version < 1 || version > Frame.PROTOCOL_VERSION) {
      writer.sendEnd(
          Failure.SERVER_UNAVAILABLE.exitStatus(),
          "viasock: the server speaks protocol " + Frame.PROTOCOL_VERSION + " and the client " + version
              + "; stop the old server (viasock stop --all) and call again");
      return;
    }
    if (server.retiresOnGreeting()) {
      writer.send(Frame.RETRY);
      return;
    }
    idle.opened();
    settle();
    Heartbeat heartbeat = version >= 2 ? Heartbeat.start(writer, scheduler) : null;
    try {
      serveCall(reader, writer, forwardStderr);
    } finally {
      if (heartbeat != null) {
        heartbeat.stop();
      }
      idle.closed();
    }
  }

  /**
   * Reads the first frame within {@link #HELLO_BOUND} in all (a peer that trickles bytes is cut off too).
   *
   * @return false when the peer closed, or was dropped, first
   */
  private boolean readGreeting(FrameReader reader) throws IOException {
    ScheduledFuture<?> cut = scheduler.schedule(this::dropSilentPeer, HELLO_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    boolean greeted;
    try {
      greeted = reader.next();
    } catch (IOException e) {
      if (!droppedSilent) {
        LOG.log(WARNING, "a client sent garbage instead of a greeting (" + e.getMessage() + "); dropped it");
        return false;
      }
      greeted = false;
    } finally {
      cut.cancel(false);
    }
    if (droppedSilent) {
      LOG.log(WARNING, "a client sent no greeting within " + Durations.seconds(HELLO_BOUND) + "; dropped it");
      return false;
    }
    return greeted;
  }

  private void dropSilentPeer() {
    droppedSilent = true;
    try {
      socket.close();
    } catch (IOException e) {
      // Closed already.
    }
  }

  private void serveCall(FrameReader reader, FrameWriter writer, boolean forwardStderr)
      throws IOException, InterruptedException {
    Call call;
    try {
      call = Call.open(pool, new Conversation(writer, socket), forwardStderr);
    } catch (ViasockException e) {
      writer.sendEnd(e.exitStatus(), e.getMessage());
      return;
    }
    if (call == null) {
      writer.send(Frame.RETRY);
      return;
    }
    try {
      if (feedInput(call, reader)) {
        call.await();
      }
    } finally {
      call.close();
    }
  }

  /**
   * Feeds the client's input to the call until the input ends.
   *
   * @return whether to wait for the call's end: false when the client went away first
   */
  private static boolean feedInput(Call call, FrameReader reader) {
    try {
      while (reader.next()) {
        switch (reader.type()) {
          case Frame.INPUT:
            try {
              call.send(reader.payload(), 0, reader.length());
            } catch (IOException callEndedOrProgramStoppedReading) {
              return true; // The worker reports why, through the call's end.
            }
            break;
          case Frame.END_OF_INPUT:
            call.endOfInput();
            return true;
          default:
            LOG.log(WARNING, "a client sent an unexpected frame '" + (char) reader.type() + "'; dropped it");
            return false;
        }
      }
    } catch (IOException clientGone) {
      LOG.log(DEBUG, "a client went away: " + clientGone);
    }
    return false;
  }
}
