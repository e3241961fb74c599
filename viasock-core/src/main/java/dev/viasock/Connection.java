package dev.viasock;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.time.Duration;
import org.newsclub.net.unix.AFUNIXSocket;

/**
 * Serves one client: greets it, leases a worker for it (the client waits its turn here), sends the prelude,
 * feeds its input to the program, and waits until the worker has ended the call. Output travels from the
 * worker's own output thread, so input and output stream at the same time.
 */
final class Connection implements Runnable {
  private static final System.Logger LOG = System.getLogger(Connection.class.getName());
  private static final Duration HELLO_BOUND = Duration.ofSeconds(10);
  private static final Duration DEAD_WORKER_GRACE = Duration.ofSeconds(5);

  private final AFUNIXSocket socket;
  private final WorkerPool pool;
  private final Server server;
  private final IdleTimer idle;

  /** Only calls count as activity for {@code idle}; status and stop requests do not keep a server alive. */
  Connection(AFUNIXSocket socket, WorkerPool pool, Server server, IdleTimer idle) {
    this.socket = socket;
    this.pool = pool;
    this.server = server;
    this.idle = idle;
  }

  @Override
  public void run() {
    try (socket) {
      serve();
    } catch (IOException e) {
      LOG.log(DEBUG, "connection ended: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void serve() throws IOException, InterruptedException {
    FrameReader reader = new FrameReader(socket.getInputStream());
    FrameWriter writer = new FrameWriter(socket.getOutputStream());
    socket.setSoTimeout((int) HELLO_BOUND.toMillis());
    if (!reader.next()) {
      return;
    }
    switch (reader.type()) {
      case Frame.HELLO:
        break;
      case Frame.STATUS:
        writer.sendEnd(0, server.status().encode());
        return;
      case Frame.STOP:
        answerStop(writer);
        return;
      default:
        LOG.log(WARNING, "a client connected without a greeting; dropped it");
        return;
    }
    int version = reader.intAt(0);
    boolean forwardStderr = (reader.intAt(1) & Frame.FLAG_FORWARD_STDERR) != 0;
    if (version != Frame.PROTOCOL_VERSION) {
      writer.sendEnd(
          Failure.SERVER_UNAVAILABLE.exitStatus(),
          "viasock: the server speaks protocol " + Frame.PROTOCOL_VERSION + " and the client " + version
              + "; stop the old server (viasock stop --all) and call again");
      return;
    }
    socket.setSoTimeout(0);
    idle.opened();
    try {
      serveCall(reader, writer, forwardStderr);
    } finally {
      idle.closed();
    }
  }

  /**
   * Stops the server, then answers: so that a stopped server is really gone when 'viasock stop' returns,
   * the connection is left open until this process exits, which the asker sees as the end of the stream.
   */
  private void answerStop(FrameWriter writer) throws IOException, InterruptedException {
    ServerStatus last = server.status();
    server.stopAnswerPending();
    try {
      server.stop("asked to stop", true);
      server.awaitStopped(Server.STOP_BOUND);
      writer.sendEnd(0, last.encode());
    } finally {
      server.stopAnswered();
    }
    Thread.sleep(Server.STOP_BOUND.toMillis());
  }

  private void serveCall(FrameReader reader, FrameWriter writer, boolean forwardStderr)
      throws IOException, InterruptedException {
    Worker worker = pool.lease();
    if (worker == null) {
      writer.send(Frame.RETRY);
      return;
    }
    try {
      converse(worker, reader, writer, forwardStderr);
    } finally {
      pool.release(worker);
    }
  }

  private void converse(Worker worker, FrameReader reader, FrameWriter writer, boolean forwardStderr)
      throws IOException, InterruptedException {
    Conversation conversation = new Conversation(writer, socket);
    byte[] prelude;
    Attachment attachment;
    try {
      prelude = worker.awaitReady();
      attachment = worker.attach(conversation, forwardStderr);
    } catch (ViasockException e) {
      writer.sendEnd(e.exitStatus(), e.getMessage());
      return;
    }
    try {
      writer.send(Frame.ACCEPT);
      if (prelude.length > 0) {
        writer.send(Frame.PRELUDE, prelude, 0, prelude.length);
      }
      if (feedInput(attachment, reader)) {
        awaitEnd(worker, conversation);
      }
    } finally {
      attachment.detach();
    }
  }

  /**
   * Feeds the client's input to the program until the input ends.
   *
   * @return whether to wait for the call's end: false when the client went away first
   */
  private static boolean feedInput(Attachment attachment, FrameReader reader) {
    try {
      while (reader.next()) {
        switch (reader.type()) {
          case Frame.INPUT:
            try {
              attachment.send(reader.payload(), 0, reader.length());
            } catch (IOException programStoppedReading) {
              return true; // The worker reports why, through the conversation.
            }
            break;
          case Frame.END_OF_INPUT:
            attachment.endOfInput();
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

  private static void awaitEnd(Worker worker, Conversation conversation) throws InterruptedException {
    long deadWaits = 0;
    while (!conversation.awaitFinished(Duration.ofSeconds(1))) {
      if (worker.isDead() && ++deadWaits >= DEAD_WORKER_GRACE.toSeconds()) {
        conversation.finish(Failure.PROGRAM_FAILED, "viasock: the program ended without answering");
      }
    }
  }
}
