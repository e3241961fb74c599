package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;

/** Reads frames from one peer, one at a time, into a reused buffer. Not thread-safe. */
final class FrameReader {
  private final DataInputStream in;
  private byte[] payload = new byte[1 << 13];
  private byte type;
  private int length;

  FrameReader(InputStream in) {
    this.in = new DataInputStream(new BufferedInputStream(in, 1 << 13));
  }

  /**
   * Reads the next frame.
   *
   * @return false at a clean end of stream between frames
   * @throws EOFException when the stream ends inside a frame
   * @throws ProtocolException when the frame is not one this protocol knows
   */
  boolean next() throws IOException {
    int first = in.read();
    if (first < 0) {
      return false;
    }
    type = (byte) first;
    length = in.readInt();
    if (length < 0 || length > Frame.MAX_PAYLOAD + 4) {
      throw new ProtocolException(
          "frame of type " + Frame.describe(type) + " has an impossible length " + Integer.toUnsignedLong(length));
    }
    if (payload.length < length) {
      payload = new byte[Math.max(length, payload.length * 2)];
    }
    in.readFully(payload, 0, length);
    return true;
  }

  byte type() {
    return type;
  }

  byte[] payload() {
    return payload;
  }

  int length() {
    return length;
  }

  /** The {@code index}-th big-endian int of the payload. */
  int intAt(int index) throws ProtocolException {
    int at = index * 4;
    if (length < at + 4) {
      throw new ProtocolException("frame of type " + Frame.describe(type) + " is too short (" + length + " bytes)");
    }
    return (payload[at] & 0xff) << 24 | (payload[at + 1] & 0xff) << 16 | (payload[at + 2] & 0xff) << 8
        | (payload[at + 3] & 0xff);
  }

  /** The payload from byte {@code offset} on, as UTF-8 text. */
  String textFrom(int offset) {
    return new String(payload, offset, Math.max(0, length - offset), UTF_8);
  }
}
