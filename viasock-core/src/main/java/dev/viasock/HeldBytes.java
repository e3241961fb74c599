package dev.viasock;

import java.util.ArrayList;
import java.util.List;

/**
 * The bytes of a record not yet complete, held back until its end arrives. Kept in chunks, so that holding
 * n bytes costs about n bytes (no doubling copies), and released by {@link #reset()}.
 */
final class HeldBytes {
  private static final int FIRST_CHUNK = 256;
  private static final int CHUNK = 1 << 16;

  /** Receives the held bytes, chunk by chunk. */
  interface ChunkSink<E extends Exception> {
    void accept(byte[] bytes, int offset, int length) throws E;
  }

  private final List<byte[]> chunks = new ArrayList<>();
  private int lastFill;
  private long size;

  void write(byte[] bytes, int offset, int length) {
    size += length;
    while (length > 0) {
      byte[] last = chunks.isEmpty() ? null : chunks.get(chunks.size() - 1);
      if (last == null || lastFill == last.length) {
        last = new byte[chunks.isEmpty() ? Math.max(FIRST_CHUNK, Math.min(length, CHUNK)) : CHUNK];
        chunks.add(last);
        lastFill = 0;
      }
      int n = Math.min(length, last.length - lastFill);
      System.arraycopy(bytes, offset, last, lastFill, n);
      lastFill += n;
      offset += n;
      length -= n;
    }
  }

  long size() {
    return size;
  }

  /** Hands every held byte, in order, to {@code sink}. */
  <E extends Exception> void drainTo(ChunkSink<E> sink) throws E {
    for (int i = 0; i < chunks.size(); i++) {
      byte[] chunk = chunks.get(i);
      sink.accept(chunk, 0, i == chunks.size() - 1 ? lastFill : chunk.length);
    }
  }

  /** Forgets the held bytes and releases their memory. */
  void reset() {
    chunks.clear();
    lastFill = 0;
    size = 0;
  }
}
