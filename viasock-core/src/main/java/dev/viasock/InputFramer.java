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
   * Scans {@code bytes[offset, offset + length)}, record by record, up to a record larger than the maximum
   * size, if there is one ({@link #tooLarge()}): the records before it are still delivered, it never is.
   *
   * @return how many records it completes
   */
  long scan(byte[] bytes, int offset, int length) {
    int end = offset + length;
    int position = offset;
    long open = held.size();
    long completed = 0;
    cut = -1;
    while (position < end) {
      int next = scanner.scan(bytes, position, end, 1);
      open += next - position;
      if (open > maxRecordBytes) {
        tooLarge = true;
        break;
      }
      if (scanner.lastEnd() < 0) {
        break;
      }
      completed++;
      cut = next;
      open = 0;
      position = next;
    }
    return completed;
  }

  /**
   * After a {@link #scan} of the same bytes: writes the held-back start of the first record and the records
   * {@code bytes} completes to {@code program}, and holds back the start of the next record; or, when the
   * scan completed no record, only holds the bytes back.
   */
  void deliver(OutputStream program, byte[] bytes, int offset, int length) throws IOException {
    if (cut >= 0) {
      if (held.size() > 0) {
        held.drainTo(program::write);
        held.reset();
      }
      program.write(bytes, offset, cut - offset);
      program.flush();
    }
    if (tooLarge) {
      held.reset();
    } else {
      int from = Math.max(cut, offset);
      held.write(bytes, from, offset + length - from);
    }
  }

  /** Whether a record larger than the maximum size was found: the call must fail. */
  boolean tooLarge() {
    return tooLarge;
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
