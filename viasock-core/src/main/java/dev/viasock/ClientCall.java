package dev.viasock;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

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

  private static final int BUFFER = 1 << 16;

  private final SocketChannel channel;
  private final Path log;
  private final FrameReader reader;
  private final FrameWriter writer;

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
    try (channel) {
      if (!greet(err != null)) {
        return Outcome.RETRY;
      }
      AtomicReference<IOException> inputFailure = new AtomicReference<>();
      Threads.start("client-input", new Runnable() {
        // An inner class, not a lambda: a call's JVM links no method handle on its way.
        @Override
        public void run() {
          pumpInput(in, inputFailure);
        }
      });
      try {
        relayOutput(out, err);
      } catch (ViasockException e) {
        IOException unreadable = inputFailure.get();
        if (unreadable != null) {
          // The server ended the call because this client stopped sending: the input is what failed.
          throw new ViasockException(
              Failure.INPUT_FAILED, "viasock: reading the input failed: " + unreadable.getMessage(), unreadable);
        }
        throw e;
      }
      return Outcome.DONE;
    } catch (IOException e) {
      throw new ViasockException(Failure.SERVER_UNAVAILABLE, withLog("viasock: lost the server: " + e.getMessage()), e);
    }
  }

  /**
   * Says hello and waits for a worker (while other clients are served, this is where a caller waits).
   *
   * @return false when the server asked us to connect again
   */
  boolean greet(boolean forwardStderr) throws IOException {
    writer.sendHello(forwardStderr ? Frame.FLAG_FORWARD_STDERR : 0);
    if (!reader.next()) {
      return false; // The server closed as it was stopping; nothing was sent yet.
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

  private void pumpInput(InputStream in, AtomicReference<IOException> inputFailure) {
    byte[] buffer = new byte[BUFFER];
    try {
      int read;
      while (true) {
        try {
          read = in.read(buffer);
        } catch (IOException e) {
          inputFailure.set(e);
          channel.shutdownOutput(); // Tells the server that this client is gone, not done.
          return;
        }
        if (read < 0) {
          break;
        }
        writer.send(Frame.INPUT, buffer, 0, read);
      }
      writer.send(Frame.END_OF_INPUT);
    } catch (IOException serverGone) {
      // The output side reports what happened.
    }
  }

  private void relayOutput(OutputStream out, OutputStream err) throws IOException {
    while (reader.next()) {
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
    throw new ViasockException(
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
        Failure.SERVER_UNAVAILABLE,
        withLog("viasock: the server sent an unexpected frame '" + (char) reader.type() + "'"));
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
