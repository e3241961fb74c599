package dev.viasock;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Connects a client to a server's socket with the JDK's own Unix-domain sockets: the client is on the path of
 * every call, and loading junixsocket's native library there would cost more than the whole rest of a warm
 * call.
 */
final class Connector {
  private Connector() {}

  /**
   * Connects to {@code socket}.
   *
   * @return null when no server listens there (no socket file, or a file left by a server that died)
   */
  static SocketChannel tryConnect(Path socket) throws IOException {
    if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try {
      channel.connect(UnixDomainSocketAddress.of(socket));
      return channel;
    } catch (ConnectException | java.nio.file.NoSuchFileException e) {
      channel.close();
      return null;
    } catch (IOException e) {
      channel.close();
      if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
      throw e;
    }
  }
}
