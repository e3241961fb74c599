package dev.viasock;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Asks a running server for its status, or to stop, over its socket. */
final class ServerControl {
  private static final Duration STOP_BOUND = Duration.ofSeconds(20);

  private ServerControl() {}

  /** The status of the server on {@code socket}, or empty when none answers there. */
  static Optional<ServerStatus> status(Path socket) {
    return ask(socket, Frame.STATUS).map(ServerStatus::decode);
  }

  /**
   * Asks the server on {@code socket} to stop, and waits (within a bound) until its process has ended: its
   * current calls are given a few seconds to finish, then cut.
   *
   * @return the stopped server's last status, or empty when none answered there
   */
  static Optional<ServerStatus> stop(Path socket) {
    Optional<ServerStatus> status = ask(socket, Frame.STOP).map(ServerStatus::decode);
    status.flatMap(stopped -> ProcessHandle.of(stopped.pid())).ifPresent(ServerControl::awaitExit);
    return status;
  }

  private static void awaitExit(ProcessHandle server) {
    try {
      server.onExit().get(STOP_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      throw new ViasockException(
          Failure.SERVER_UNAVAILABLE,
          "viasock: the server (pid " + server.pid() + ") did not stop within " + STOP_BOUND.toSeconds()
              + " s; kill it with: kill -9 " + server.pid());
    }
  }

  private static Optional<String> ask(Path socket, byte request) {
    try (SocketChannel channel = Connector.tryConnect(socket)) {
      if (channel == null) {
        return Optional.empty();
      }
      FrameWriter writer = new FrameWriter(ChannelStreams.output(channel));
      FrameReader reader = new FrameReader(ChannelStreams.input(channel));
      writer.send(request);
      if (!reader.next() || reader.type() != Frame.END) {
        return Optional.empty();
      }
      return Optional.of(reader.textFrom(4));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
