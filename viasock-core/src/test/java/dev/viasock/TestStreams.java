package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/** Caller streams that misbehave on purpose. */
final class TestStreams {
  private TestStreams() {}

  /** Endless records of caller A's secret: its input never ends by itself. */
  static InputStream endlessSecrets() {
    byte[] line = "SECRET-OF-A\n".getBytes(UTF_8);
    return new InputStream() {
      private long position;

      @Override
      public int read() {
        return line[(int) (position++ % line.length)];
      }

      @Override
      public int read(byte[] buffer, int offset, int length) {
        for (int i = 0; i < length; i++) {
          buffer[offset + i] = (byte) read();
        }
        return length;
      }
    };
  }

  /** Accepts {@code writes} writes, then fails as a closed pipe does. */
  static OutputStream failingAfter(int writes) {
    return new OutputStream() {
      private int left = writes;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] bytes, int offset, int length) throws IOException {
        if (left-- <= 0) {
          throw new IOException("closed");
        }
      }
    };
  }
}
