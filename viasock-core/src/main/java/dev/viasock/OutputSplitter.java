package dev.viasock;

import java.io.IOException;

/**
 * Cuts the bytes that a call writes to its output back into output records, framed as the serverizer that made
 * it frames them, and leaves the prelude out: for code that consumes a call's output one record at a time (as
 * viasock-spark turns each record into a Spark element). Made by {@link Serverizer#outputSplitter()}.
 *
 * <p>Not thread-safe: one splitter follows the output of one call, in order.
 */
public final class OutputSplitter {
  private final RecordScanner preludeScanner;
  private long preludeLeft;
  private final RecordScanner scanner;
  /** The start of a record not yet complete: contiguous, as the receiver takes a record in one piece. */
  private final java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();

  OutputSplitter(Framing framing) {
    this.preludeScanner = framing.newPreludeScanner();
    this.preludeLeft = framing.preludeLength();
    this.scanner = new RecordScanner(framing.output());
  }

  /** Receives the output records one at a time. */
  @FunctionalInterface
  public interface Receiver {
    /**
     * Takes one whole output record, ending with its newline. The bytes are only lent for this call.
     *
     * @param bytes holds the record
     * @param offset where it starts
     * @param length its length, newline included
     * @throws IOException to stop the splitting; {@link #split} throws it on
     */
    void record(byte[] bytes, int offset, int length) throws IOException;
  }

  /**
   * Takes the next bytes of the output and hands every record they complete to {@code receiver}, in order. The
   * start of a record not yet complete is kept until the bytes that complete it arrive.
   *
   * @param bytes holds the output bytes
   * @param offset where they start
   * @param length how many there are
   * @param receiver gets each completed record
   * @throws IOException when the receiver throws it
   */
  public void split(byte[] bytes, int offset, int length, Receiver receiver) throws IOException {
    int position = offset;
    int end = offset + length;
    while (position < end && preludeLeft > 0) {
      long before = preludeScanner.records();
      position = preludeScanner.scan(bytes, position, end, preludeLeft);
      preludeLeft -= preludeScanner.records() - before;
    }
    while (position < end) {
      int next = scanner.scan(bytes, position, end, 1);
      if (scanner.lastEnd() < 0) {
        partial.write(bytes, position, next - position);
        return;
      }
      if (partial.size() > 0) {
        partial.write(bytes, position, next - position);
        byte[] whole = partial.toByteArray();
        partial.reset();
        receiver.record(whole, 0, whole.length);
      } else {
        receiver.record(bytes, position, next - position);
      }
      position = next;
    }
  }

  /**
   * Whether bytes of a record not yet complete are kept: at the end of a call's output, a record cut short.
   *
   * @return true when the output so far ends inside a record (or inside the prelude)
   */
  public boolean inRecord() {
    return partial.size() > 0 || preludeScanner.inRecord() && preludeLeft > 0;
  }
}
