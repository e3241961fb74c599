package dev.viasock;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server that stops (idle, or stale) closes its socket with the connections still queued on it unanswered:
 * their clients see the connection reset before any answer to their greeting. Nothing was sent, so the
 * caller connects again (and starts a fresh server) instead of failing.
 */
class ClientCallGreetingTest {
  @RegisterExtension final Sandbox sandbox = new Sandbox();

  @Test
  void aConnectionResetBeforeTheGreetingIsAnsweredAsksTheCallerToConnectAgain() throws Exception {
    Path path = sandbox.workDir().resolve("stopping.sock");
    try (ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      listener.bind(UnixDomainSocketAddress.of(path));
      SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path));
      CompletableFuture<Boolean> greeted = new CompletableFuture<>();
      Threads.start("greeting-client", () -> {
        try {
          greeted.complete(new ClientCall(client, null).greet(false));
        } catch (Throwable e) {
          greeted.completeExceptionally(e);
        }
      });
      try (SocketChannel accepted = listener.accept()) {
        // One byte of the greeting read: it has arrived, and the rest is left unread, so that closing resets.
        assertThat(accepted.read(ByteBuffer.allocate(1))).isEqualTo(1);
      }
      assertThat(greeted.get(Sandbox.STOP_BOUND.toSeconds(), TimeUnit.SECONDS))
          .as("the greeting succeeded")
          .isFalse();
      client.close();
    }
  }
}
