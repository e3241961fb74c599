package dev.viasock;

import java.time.Duration;

/** Durations as the messages and the log say them: "5 s", "0.5 s". */
final class Durations {
  private Durations() {}

  static String seconds(Duration duration) {
    double seconds = duration.toNanos() / 1e9;
    return (seconds == Math.rint(seconds) ? String.valueOf((long) seconds) : String.valueOf(seconds)) + " s";
  }
}
