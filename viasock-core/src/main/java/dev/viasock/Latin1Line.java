package dev.viasock;

import java.util.Arrays;

/**
 * A growable line of bytes seen as chars, one char per byte, so that a regex can match raw bytes without
 * decoding them and without copying them into a String.
 */
final class Latin1Line implements CharSequence {
  private byte[] bytes = new byte[128];
  private int length;

  void clear() {
    length = 0;
  }

  void append(byte[] source, int from, int to) {
    int added = to - from;
    if (length + added > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + added));
    }
    System.arraycopy(source, from, bytes, length, added);
    length += added;
  }

  @Override
  public int length() {
    return length;
  }

  @Override
  public char charAt(int index) {
    if (index < 0 || index >= length) {
      throw new IndexOutOfBoundsException(index);
    }
    return (char) (bytes[index] & 0xff);
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return toString().subSequence(start, end);
  }

  @Override
  public String toString() {
    return new String(bytes, 0, length, java.nio.charset.StandardCharsets.ISO_8859_1);
  }
}
