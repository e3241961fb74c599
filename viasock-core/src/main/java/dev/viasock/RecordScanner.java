package dev.viasock;

/**
 * Finds where records end in a stream of bytes that arrives in chunks. It never copies or changes the bytes:
 * it only says how far the caller may go, so that forwarding stays a plain copy of large buffers.
 *
 * <p>A record is one or more lines, each ended by {@code \n}, and ends with the first line that the
 * {@link Terminator} accepts. Bytes after the last record end belong to a record still open
 * ({@link #inRecord()}). Not thread-safe: one scanner follows one stream.
 */
final class RecordScanner {
  private static final byte NEWLINE = '\n';

  private final boolean everyLine;
  private final Terminator.LineMatcher matcher;
  private final Latin1Line line = new Latin1Line();
  private long records;
  private boolean inRecord;
  private int lastEnd = -1;

  RecordScanner(Terminator terminator) {
    this.everyLine = terminator.everyLineEndsARecord();
    this.matcher = terminator.newLineMatcher();
  }

  /**
   * Scans {@code bytes[from, to)} and returns the index just past the last byte it took: {@code to}, or the
   * index just past the {@code limit}-th record end found in this call if that comes first. A limit of zero
   * takes nothing.
   */
  int scan(byte[] bytes, int from, int to, long limit) {
    lastEnd = -1;
    if (limit <= 0) {
      return from;
    }
    long found = 0;
    int position = from;
    while (position < to) {
      int newline = indexOfNewline(bytes, position, to);
      if (newline < 0) {
        if (!everyLine) {
          line.append(bytes, position, to);
        }
        inRecord = true;
        return to;
      }
      boolean endsRecord;
      if (everyLine) {
        endsRecord = true;
      } else {
        line.append(bytes, position, newline);
        endsRecord = matcher.endsRecord(line);
        line.clear();
      }
      position = newline + 1;
      if (endsRecord) {
        records++;
        inRecord = false;
        lastEnd = position;
        if (++found == limit) {
          return position;
        }
      } else {
        inRecord = true;
      }
    }
    return position;
  }

  private static int indexOfNewline(byte[] bytes, int from, int to) {
    for (int i = from; i < to; i++) {
      if (bytes[i] == NEWLINE) {
        return i;
      }
    }
    return -1;
  }

  /** The index just past the last record end that the latest {@link #scan} found, or -1 if it found none. */
  int lastEnd() {
    return lastEnd;
  }

  /** Forgets a record in progress: the next byte starts a new record. */
  void reset() {
    inRecord = false;
    line.clear();
  }

  /** How many records have ended since this scanner was made. */
  long records() {
    return records;
  }

  /** Whether bytes have been taken since the last record end. */
  boolean inRecord() {
    return inRecord;
  }
}
