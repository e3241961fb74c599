package dev.viasock;

import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * What every worker of one server shares: the spec, the program's environment (null for this JVM's), the
 * clock, the scheduler that escalates kills, whom to tell when a worker changes, and the count of records
 * served.
 */
record WorkerContext(
    ServerSpec spec,
    Map<String, String> environment,
    Ticker ticker,
    ScheduledExecutorService scheduler,
    Consumer<Worker> onChange,
    LongAdder recordsServed) {}
