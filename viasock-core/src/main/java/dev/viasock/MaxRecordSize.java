package dev.viasock;

/**
 * The largest record, input or output, that a call may pass: what bounds the memory a call can take in the
 * server, which holds back a record's bytes until its end arrives.
 */
final class MaxRecordSize {
  /** 32 MiB: many times any sane record, and a few of them fit in the server's heap at once. */
  static final long DEFAULT = 32L << 20;
  /** How a user sets it, named in the message of a call that exceeds it. */
  static final String OPTION = "--max-record-size, or Serverizer.Builder.maxRecordSize";

  private MaxRecordSize() {}

  /** {@code bytes} for a person: "32 MiB", "1500 bytes". */
  static String describe(long bytes) {
    if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
      return (bytes >> 20) + " MiB";
    }
    if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
      return (bytes >> 10) + " KiB";
    }
    return bytes + " bytes";
  }
}
