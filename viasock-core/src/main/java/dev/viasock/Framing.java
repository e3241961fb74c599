package dev.viasock;

import static com.google.common.base.Preconditions.checkArgument;

/**
 * How the program's records are delimited: the input and output terminators and the prelude, the records (or
 * lines) that the program writes at start before it reads anything.
 */
record Framing(Terminator input, Terminator output, int preludeRecords, int preludeLines) {

  static final Framing LINES = new Framing(Terminator.everyLine(), Terminator.everyLine(), 0, 0);

  Framing {
    checkArgument(preludeRecords >= 0, "prelude records must be at least 0, not %s", preludeRecords);
    checkArgument(preludeLines >= 0, "prelude lines must be at least 0, not %s", preludeLines);
    checkArgument(
        preludeRecords == 0 || preludeLines == 0,
        "give the prelude in records or in lines, not both (%s records, %s lines)",
        preludeRecords,
        preludeLines);
  }

  boolean hasPrelude() {
    return preludeRecords > 0 || preludeLines > 0;
  }

  /** A scanner that finds the end of the prelude, and how many of its records make the prelude. */
  RecordScanner newPreludeScanner() {
    return new RecordScanner(preludeLines > 0 ? Terminator.everyLine() : output);
  }

  int preludeLength() {
    return preludeLines > 0 ? preludeLines : preludeRecords;
  }
}
