package dev.viasock;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Optional;

/** Asks a running server for its status, or to stop, over its socket. */
final class ServerControl {
  private ServerControl() {}

  /** The status of the server on {@code socket}, or empty when none answers there. */
  static Optional<ServerStatus> status(Path socket) {
    return ask(socket, Frame.STATUS).map(ServerStatus::decode);
  }

  /**
   * Asks the server on {@code socket} to stop; returns once its process has ended: its current calls are
   * given a few seconds to finish, then cut, and its programs are stopped.
   *
   * @return the stopped server's last status, or empty when none answered there
   */
  static Optional<ServerStatus> stop(Path socket) {
    return ask(socket, Frame.STOP).map(ServerStatus::decode);
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
      String answer = reader.textFrom(4);
      // A stopping server keeps the connection until its process ends; the end of stream says it has.
      while (reader.next()) {
        // Nothing more is sent.
      }
      return Optional.of(answer);
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
