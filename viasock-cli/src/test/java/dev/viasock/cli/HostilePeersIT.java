package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Peers of the server's own user that do not speak the protocol (silent, garbage, an impossible frame
 * length) cost it nothing lasting: they are dropped (a silent one within the 5 s greeting bound), honest
 * callers are served meanwhile, and the server's descriptors and threads return to their baseline.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HostilePeersIT {
  private static final int EACH = 5;

  @RegisterExtension final Viasock viasock = new Viasock();

  private static SocketChannel connect(Path socket) throws IOException {
    return SocketChannel.open(UnixDomainSocketAddress.of(socket));
  }

  private static void send(SocketChannel peer, byte[] bytes) throws IOException {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    while (buffer.hasRemaining()) {
      peer.write(buffer);
    }
  }

  /** Completes when the server has closed {@code peer}'s connection (end of stream, or reset). */
  private static CompletableFuture<Void> closedByServer(SocketChannel peer) {
    return CompletableFuture.runAsync(() -> {
      ByteBuffer buffer = ByteBuffer.allocate(4096);
      try {
        while (peer.read(buffer) >= 0) {
          buffer.clear();
        }
      } catch (IOException reset) {
        // Closed, too.
      }
    });
  }

  @Test
  void silentGarbageAndImpossibleFramePeersAreDroppedAndHonestCallersServedMeanwhile() throws Exception {
    viasock.run("warm\n", "run", "-W", "120", "cat").assertSucceeded();
    long server = viasock.servers().get(0).pid();
    Path socket = Probes.onlyFile(viasock.stateDir(), ".sock").orElseThrow();
    Thread.sleep(6_000); // Idle connection threads end after 5 s.
    Probes.Sample before = Probes.Sample.of(server);

    List<SocketChannel> peers = new ArrayList<>();
    List<CompletableFuture<Void>> silentClosed = new ArrayList<>();
    List<CompletableFuture<Void>> talkersClosed = new ArrayList<>();
    for (int i = 0; i < EACH; i++) {
      SocketChannel silent = connect(socket);
      peers.add(silent);
      silentClosed.add(closedByServer(silent));

      SocketChannel garbage = connect(socket);
      peers.add(garbage);
      send(garbage, "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(US_ASCII));
      talkersClosed.add(closedByServer(garbage));

      SocketChannel impossible = connect(socket);
      peers.add(impossible);
      send(impossible, new byte[] {'H', (byte) 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff});
      talkersClosed.add(closedByServer(impossible));
    }

    long start = System.nanoTime();
    String honest = viasock.run("honest\n", "run", "-W", "120", "cat").assertSucceeded().out();
    assertThat(honest).isEqualTo("honest\n");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("an honest call meanwhile").isLessThan(Duration.ofSeconds(10));

    CompletableFuture.allOf(talkersClosed.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
    CompletableFuture.allOf(silentClosed.toArray(CompletableFuture[]::new)).get(15, TimeUnit.SECONDS);
    for (SocketChannel peer : peers) {
      peer.close();
    }
    assertThat(viasock.servers()).extracting(ProcessHandle::pid).containsExactly(server);

    Thread.sleep(6_000);
    Probes.Sample after = Probes.Sample.of(server);
    assertThat(after.fds()).as("open descriptors").isLessThanOrEqualTo(before.fds());
    assertThat(after.threads()).as("threads").isLessThanOrEqualTo(before.threads());
    String log = viasock.run(new byte[0], "log", "-W", "120", "cat").out();
    assertThat(log).contains("sent no greeting within 5 s").contains("sent garbage instead of a greeting");
  }
}
