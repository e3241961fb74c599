package dev.viasock;

import java.io.IOException;
import java.io.OutputStream;

/**
 * One call's input on its way to the program: finds where records end and holds back the bytes of a record
 * not yet complete, so that the program only ever receives whole records. An unterminated last record is
 * never sent, a caller that leaves mid-record leaves nothing in the program, and a record larger than the
 * maximum record size is refused before any of it reaches the program. Not thread-safe: one call's feeding
 * thread uses it.
 */
final class InputFramer {
  private final RecordScanner scanner;
  private final long maxRecordBytes;
  private final HeldBytes held = new HeldBytes();
  private int cut;
  private boolean tooLarge;

  InputFramer(Terminator terminator, long maxRecordBytes) {
    this.scanner = new RecordScanner(terminator);
    this.maxRecordBytes = maxRecordBytes;
  }

  /**
   * Scans {@code bytes[offset, offset + length)}.
   *
   * @return how many records it completes; -1 when the record still open has grown past the maximum size
   */
  long scan(byte[] bytes, int offset, int length) {
    long before = scanner.records();
    scanner.scan(bytes, offset, offset + length, Long.MAX_VALUE);
    cut = scanner.lastEnd();
    long open = cut < 0 ? held.size() + length : offset + length - cut;
    if (open > maxRecordBytes) {
      tooLarge = true;
      held.reset();
      return -1;
    }
    return scanner.records() - before;
  }

  /**
   * After a {@link #scan} of the same bytes: writes the held-back start of the first record and the records
   * {@code bytes} completes to {@code program}, and holds back the start of the next record; or, when the
   * scan completed no record, only holds the bytes back.
   */
  void deliver(OutputStream program, byte[] bytes, int offset, int length) throws IOException {
    if (cut < 0) {
      held.write(bytes, offset, length);
      return;
    }
    if (held.size() > 0) {
      held.drainTo(program::write);
      held.reset();
    }
    program.write(bytes, offset, cut - offset);
    program.flush();
    held.write(bytes, cut, offset + length - cut);
  }

  /** Whether bytes of a record not yet complete are held back (or were refused as too large). */
  boolean inRecord() {
    return scanner.inRecord() || tooLarge;
  }

  /** Whether every byte taken so far has reached the program. */
  boolean holdsNothing() {
    return held.size() == 0;
  }
}
