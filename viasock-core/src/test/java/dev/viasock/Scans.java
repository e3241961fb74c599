package dev.viasock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

/** Drives a {@link RecordScanner} over chunked input and collects every record end it reports. */
final class Scans {
  private Scans() {}

  /**
   * Feeds {@code input} to {@code scanner} in the chunks that {@code splits} (ascending indexes into the
   * input) cut it into, one record at a time, and returns the record ends as indexes into {@code input}.
   */
  static List<Integer> recordEnds(RecordScanner scanner, byte[] input, int... splits) {
    List<Integer> ends = new ArrayList<>();
    int from = 0;
    for (int i = 0; i <= splits.length; i++) {
      int to = i < splits.length ? splits[i] : input.length;
      int position = from;
      while (position < to) {
        int next = scanner.scan(input, position, to, 1);
        assertThat(next).as("scan(%s, %s, 1) must take something and stay in range", position, to)
            .isGreaterThan(position).isLessThanOrEqualTo(to);
        if (scanner.lastEnd() >= 0) {
          assertThat(scanner.lastEnd()).as("with limit 1 the scan stops at the record end").isEqualTo(next);
          ends.add(scanner.lastEnd());
        }
        position = next;
      }
      from = to;
    }
    return ends;
  }
}
