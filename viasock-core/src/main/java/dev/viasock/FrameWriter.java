package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/** Writes frames to one peer. Thread-safe: several threads may write whole frames to the same peer. */
final class FrameWriter {
  private final OutputStream out;
  private volatile long lastWrite = System.nanoTime();
  private boolean ended;

  FrameWriter(OutputStream out) {
    this.out = new BufferedOutputStream(out, 1 << 13);
  }

  /** Writes {@code bytes[offset, offset + length)} as one or more frames of {@code type}, and flushes. */
  synchronized void send(byte type, byte[] bytes, int offset, int length) throws IOException {
    do {
      int chunk = Math.min(length, Frame.MAX_PAYLOAD);
      writeHeader(type, chunk);
      out.write(bytes, offset, chunk);
      offset += chunk;
      length -= chunk;
    } while (length > 0);
    out.flush();
  }

  synchronized void send(byte type) throws IOException {
    writeHeader(type, 0);
    out.flush();
  }

  synchronized void sendHello(int flags) throws IOException {
    writeHeader(Frame.HELLO, 8);
    writeInt(Frame.PROTOCOL_VERSION);
    writeInt(flags);
    out.flush();
  }

  synchronized void sendEnd(int status, String message) throws IOException {
    byte[] text = message.getBytes(UTF_8);
    if (text.length > Frame.MAX_PAYLOAD) {
      text = java.util.Arrays.copyOf(text, Frame.MAX_PAYLOAD);
    }
    writeHeader(Frame.END, 4 + text.length);
    writeInt(status);
    out.write(text);
    out.flush();
    ended = true;
  }

  /** Sends HEARTBEAT when nothing was written for {@code quiet} and the call has not ended. */
  void heartbeatIfQuiet(java.time.Duration quiet) throws IOException {
    if (System.nanoTime() - lastWrite < quiet.toNanos()) {
      return;
    }
    synchronized (this) {
      if (!ended && System.nanoTime() - lastWrite >= quiet.toNanos()) {
        send(Frame.HEARTBEAT);
      }
    }
  }

  private void writeHeader(byte type, int length) throws IOException {
    lastWrite = System.nanoTime();
    out.write(type);
    writeInt(length);
  }

  private void writeInt(int value) throws IOException {
    out.write(value >>> 24);
    out.write(value >>> 16);
    out.write(value >>> 8);
    out.write(value);
  }
}
