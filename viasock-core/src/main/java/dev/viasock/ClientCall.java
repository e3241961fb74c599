package dev.viasock;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The client's side of one call over a connected socket: it greets the server, waits for a worker, then
 * streams the input from one thread while it writes the output on the calling thread, until the server's END
 * frame says how the call ended.
 */
final class ClientCall {
  /** How a call ended when it did not fail. */
  enum Outcome {
    /** Every input record got its output record. */
    DONE,
    /** The server was stopping and took nothing: connect again. */
    RETRY
  }

  /**
   * How long a failed call waits for its input thread, which may be blocked in a read of the caller's stream
   * that cannot be cut short; once stopped it reads nothing more.
   */
  private static final java.time.Duration INPUT_JOIN_BOUND = java.time.Duration.ofMillis(250);
  /** How long a client waits for a sign of life (any frame; the server sends HEARTBEAT every second). */
  static final java.time.Duration SILENCE_BOUND = silenceBound();

  private final SocketChannel channel;
  private final Path log;
  private final FrameReader reader;
  private final FrameWriter writer;
  /** Set while the client waits for a frame; the time it last heard from the server then. */
  private volatile boolean waiting;
  private volatile long lastHeard = System.nanoTime();
  private volatile boolean silent;
  private volatile boolean closed;

  /** @param log the server's log, named in error messages; null when unknown */
  ClientCall(SocketChannel channel, Path log) {
    this.channel = channel;
    this.log = log;
    this.reader = new FrameReader(ChannelStreams.input(channel));
    this.writer = new FrameWriter(ChannelStreams.output(channel));
  }

  /**
   * Streams {@code in} through the server to {@code out}, and the program's stderr to {@code err} when given.
   * Closes the channel.
   *
   * @throws ViasockException when the call failed; the message says why
   */
  Outcome stream(InputStream in, OutputStream out, OutputStream err) {
    return stream(in, out, err, java.time.Duration.ZERO);
  }

  /**
   * Like {@link #stream(InputStream, OutputStream, OutputStream)}, failing with {@link Failure#TIMEOUT} when
   * the call has not ended within {@code timeout} (zero: no bound). A thread interrupted while it waits ends
   * the call at once. When the call fails, nothing more is read from {@code in}.
   */
  Outcome stream(InputStream in, OutputStream out, OutputStream err, java.time.Duration timeout) {
    Deadlines.Deadline deadline = null;
    InputPump input = null;
    try (channel) {
      if (!greet(err != null)) {
        return Outcome.RETRY;
      }
      if (!timeout.isZero()) {
        deadline = Deadlines.schedule(new Cut(), timeout.toNanos());
      }
      Sender sender = new Sender();
      input = InputPump.start("client-input", in, sender);
      try {
        relayOutput(out, err);
      } catch (ViasockException e) {
        IOException unreadable = sender.unreadable;
        if (unreadable != null) {
          // The server ended the call because this client stopped sending: the input is what failed.
          throw new ViasockException(
              Failure.INPUT_FAILED, "viasock: reading the input failed: " + unreadable.getMessage(), unreadable);
        }
        throw e;
      }
      return Outcome.DONE;
    } catch (java.nio.channels.ClosedByInterruptException e) {
      Thread.currentThread().interrupt();
      throw Session.interrupted(e);
    } catch (java.net.ProtocolException e) {
      throw new ViasockException(
          Failure.PROTOCOL_ERROR, withLog("viasock: the server's answer is malformed: " + e.getMessage()), e);
    } catch (java.io.EOFException e) {
      throw stoppedMidCall();
    } catch (IOException e) {
      if (deadline != null && deadline.passed()) {
        throw new ViasockException(Failure.TIMEOUT, withLog("viasock: the call did not end within "
            + Durations.seconds(timeout) + " (the call timeout); it was abandoned"), e);
      }
      throw new ViasockException(Failure.SERVER_UNAVAILABLE, withLog("viasock: lost the server: " + e.getMessage()), e);
    } finally {
      closed = true;
      if (deadline != null) {
        deadline.cancel();
      }
      if (input != null) {
        input.stopAndJoin(INPUT_JOIN_BOUND);
      }
    }
  }

  /** Closes the connection when the deadline passes. A class, not a lambda: a call's JVM links none. */
  private final class Cut implements Runnable {
    @Override
    public void run() {
      close();
    }
  }

  /** Sends the caller's input as INPUT frames, then END_OF_INPUT. */
  private final class Sender implements InputPump.Receiver {
    volatile IOException unreadable;

    @Override
    public void piece(byte[] bytes, int offset, int length) throws IOException {
      writer.send(Frame.INPUT, bytes, offset, length);
    }

    @Override
    public void end() throws IOException {
      writer.send(Frame.END_OF_INPUT);
    }

    @Override
    public void unreadable(IOException e) {
      unreadable = e;
      try {
        channel.shutdownOutput(); // Tells the server that this client is gone, not done.
      } catch (IOException gone) {
        // The server is gone too; the output side reports it.
      }
    }
  }

  /**
   * Says hello and waits for a worker (while other clients are served, this is where a caller waits).
   *
   * @return false when the server asked us to connect again
   */
  boolean greet(boolean forwardStderr) throws IOException {
    watchSilence();
    try {
      writer.sendHello(forwardStderr ? Frame.FLAG_FORWARD_STDERR : 0);
      if (!next()) {
        return false; // The server closed as it was stopping; nothing was sent yet.
      }
    } catch (java.nio.channels.ClosedByInterruptException e) {
      throw e;
    } catch (IOException e) {
      // A server that stops (idle, or its key no longer holds) closes its socket with this connection still in
      // its queue, unaccepted: reset, with nothing sent yet.
      return false;
    }
    switch (reader.type()) {
      case Frame.ACCEPT:
        return true;
      case Frame.RETRY:
        return false;
      case Frame.END:
        throw endFailure();
      default:
        throw unexpectedFrame();
    }
  }

  /**
   * Reads the next frame that is not a heartbeat, giving up when the server is silent for longer than
   * {@link #SILENCE_BOUND} meanwhile.
   *
   * @return false at the clean end of the stream
   */
  boolean next() throws IOException {
    lastHeard = System.nanoTime();
    waiting = true;
    try {
      while (reader.next()) {
        lastHeard = System.nanoTime();
        if (reader.type() != Frame.HEARTBEAT) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      if (silent) {
        throw new ViasockException(
            Failure.SERVER_UNRESPONSIVE,
            withLog("viasock: the server has not been heard from for " + SILENCE_BOUND.toSeconds()
                + " s (it is stopped, hung or overloaded); gave up"),
            e);
      }
      throw e;
    } finally {
      waiting = false;
    }
  }

  /** Closes the connection when the server stays silent while this client waits for it. */
  private void watchSilence() {
    Threads.start("client-silence", new Runnable() {
      // An inner class, not a lambda: a call's JVM links no method handle on its way.
      @Override
      public void run() {
        long bound = SILENCE_BOUND.toNanos();
        while (!closed) {
          try {
            Thread.sleep(Math.min(250, SILENCE_BOUND.toMillis()));
          } catch (InterruptedException e) {
            return;
          }
          if (waiting && System.nanoTime() - lastHeard > bound) {
            silent = true;
            close();
            return;
          }
        }
      }
    });
  }

  private static java.time.Duration silenceBound() {
    String seconds = System.getenv("VIASOCK_SILENCE_SECONDS");
    try {
      if (seconds != null && Integer.parseInt(seconds) > 0) {
        return java.time.Duration.ofSeconds(Integer.parseInt(seconds));
      }
    } catch (NumberFormatException e) {
      // The default, then.
    }
    return java.time.Duration.ofSeconds(10);
  }

  private void relayOutput(OutputStream out, OutputStream err) throws IOException {
    while (next()) {
      switch (reader.type()) {
        case Frame.PRELUDE:
        case Frame.OUTPUT:
          write(out, reader.payload(), reader.length());
          break;
        case Frame.STDERR:
          if (err != null) {
            err.write(reader.payload(), 0, reader.length());
            err.flush();
          }
          break;
        case Frame.END:
          int status = reader.intAt(0);
          if (status != 0) {
            throw endFailure();
          }
          return;
        default:
          throw unexpectedFrame();
      }
    }
    throw stoppedMidCall();
  }

  private ViasockException stoppedMidCall() {
    return new ViasockException(
        Failure.SERVER_UNAVAILABLE,
        withLog("viasock: the server stopped before it finished this call") + logTail());
  }

  private void write(OutputStream out, byte[] bytes, int length) {
    try {
      out.write(bytes, 0, length);
      out.flush();
    } catch (IOException e) {
      throw new ViasockException(
          Failure.OUTPUT_CLOSED, "viasock: the output was closed before every record was written", e);
    }
  }

  void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      // Closing is all that was asked.
    }
  }

  FrameReader reader() {
    return reader;
  }

  FrameWriter writer() {
    return writer;
  }

  ViasockException endFailure() throws java.net.ProtocolException {
    int status = reader.intAt(0);
    return new ViasockException(Failure.ofExitStatus(status), withLog(reader.textFrom(4)));
  }

  ViasockException unexpectedFrame() {
    return new ViasockException(
        Failure.PROTOCOL_ERROR, withLog("viasock: the server sent an unexpected frame " + Frame.describe(reader.type())));
  }

  private String withLog(String message) {
    return log == null ? message : message + "\n(server log: " + log + ")";
  }

  private String logTail() {
    if (log == null) {
      return "";
    }
    StringBuilder tail = new StringBuilder();
    for (String line : ServerLog.tail(log, 5)) {
      tail.append("\n  ").append(line);
    }
    return tail.length() == 0 ? "" : "\nlast lines of the log:" + tail;
  }
}
