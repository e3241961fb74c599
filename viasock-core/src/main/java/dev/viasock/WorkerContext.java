package dev.viasock;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.LongAdder;

/**
 * What every worker of one server shares: the spec, the program's environment (null for this JVM's), the
 * clock, the scheduler that escalates kills, whom to tell when a worker may have become available or died,
 * the count of records served, and how long a worker may drain the answers owed to a caller that left.
 */
record WorkerContext(
    ServerSpec spec,
    Map<String, String> environment,
    Ticker ticker,
    ScheduledExecutorService scheduler,
    Runnable onChange,
    LongAdder recordsServed,
    Duration drainBound) {

  /** Without {@code -w}, a drain whose answers do not come for this long replaces the program. */
  static final Duration DRAIN_BOUND = Duration.ofSeconds(5);
}
