package dev.viasock.cli;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A server that answers every greeting with scripted bytes, for the cases a real server never produces: an
 * impossible frame length, a stream cut mid-frame, a frame out of place, silence. It reads the client's
 * HELLO first, then writes its script, then holds the connection open for {@code holdFor} before closing it.
 */
final class FakeServer implements AutoCloseable {
  private final ServerSocketChannel listener;
  private final Thread thread;

  private FakeServer(ServerSocketChannel listener, byte[] script, Duration holdFor) {
    this.listener = listener;
    this.thread = new Thread(() -> serve(script, holdFor), "fake-server");
    thread.setDaemon(true);
    thread.start();
  }

  static FakeServer listen(Path socket, byte[] script, Duration holdFor) throws IOException {
    Files.deleteIfExists(socket);
    ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    listener.bind(UnixDomainSocketAddress.of(socket));
    return new FakeServer(listener, script, holdFor);
  }

  private void serve(byte[] script, Duration holdFor) {
    while (listener.isOpen()) {
      try (SocketChannel client = listener.accept()) {
        ByteBuffer hello = ByteBuffer.allocate(13);
        while (hello.hasRemaining() && client.read(hello) >= 0) {
          // The greeting: a type byte, a length of 8, the version and the flags.
        }
        client.write(ByteBuffer.wrap(script));
        holdUntilClosed(client, holdFor);
      } catch (IOException e) {
        // The client went away, or the listener closed: the next one, if any.
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Reads (and drops) what the client sends until it closes, for at most {@code bound}. */
  private static void holdUntilClosed(SocketChannel client, Duration bound) throws IOException, InterruptedException {
    client.configureBlocking(false);
    ByteBuffer sink = ByteBuffer.allocate(1 << 16);
    long deadline = System.nanoTime() + bound.toNanos();
    while (System.nanoTime() < deadline) {
      sink.clear();
      if (client.read(sink) < 0) {
        return;
      }
      Thread.sleep(10);
    }
  }

  /** A frame: the type, a 4-byte big-endian length, the payload. */
  static byte[] frame(char type, byte[] payload) {
    return ByteBuffer.allocate(5 + payload.length).put((byte) type).putInt(payload.length).put(payload).array();
  }

  /** A header that announces {@code length} bytes, and no payload. */
  static byte[] header(char type, int length) {
    return ByteBuffer.allocate(5).put((byte) type).putInt(length).array();
  }

  static byte[] end(int status, String message) {
    byte[] text = message.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return frame('Z', ByteBuffer.allocate(4 + text.length).putInt(status).put(text).array());
  }

  static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      all.writeBytes(part);
    }
    return all.toByteArray();
  }

  @Override
  public void close() throws IOException, InterruptedException {
    listener.close();
    thread.interrupt();
    thread.join(5_000);
  }
}
