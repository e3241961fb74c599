package dev.viasock;

import static com.google.common.base.Preconditions.checkArgument;

import com.google.common.collect.ImmutableList;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Everything that defines one server: the program, how its records are framed, its timeouts and its pool
 * size. Two calls share a server exactly when their specs (and the files the spec names) are the same.
 *
 * @param processTimeout the most the program may take to answer one record; {@link Duration#ZERO} for none
 * @param idleTimeout how long the server waits without a connection before it stops
 * @param environmentNames variables whose values are part of the key and passed to the program
 * @param watchPaths more files whose change makes a new server
 * @param maxRecordSize the largest record, input or output, in bytes; a call with a larger one fails
 * @param unbuffered whether the program's stdout is a pseudo-terminal ({@code -u}), so that it flushes each
 *     line
 */
record ServerSpec(
    Program program,
    Framing framing,
    Duration processTimeout,
    Duration idleTimeout,
    int workers,
    ImmutableList<String> environmentNames,
    ImmutableList<Path> watchPaths,
    long maxRecordSize,
    boolean unbuffered) {

  ServerSpec {
    checkArgument(!processTimeout.isNegative(), "process timeout must not be negative: %s", processTimeout);
    checkArgument(
        !idleTimeout.isNegative() && !idleTimeout.isZero(),
        "server timeout must be positive: %s",
        idleTimeout);
    checkArgument(workers >= 1, "workers must be at least 1, not %s", workers);
    checkArgument(maxRecordSize > 0, "the maximum record size must be positive, not %s", maxRecordSize);
  }

  /** A spec with the default maximum record size, whose program writes into a pipe (no {@code -u}). */
  ServerSpec(
      Program program,
      Framing framing,
      Duration processTimeout,
      Duration idleTimeout,
      int workers,
      ImmutableList<String> environmentNames,
      ImmutableList<Path> watchPaths) {
    this(program, framing, processTimeout, idleTimeout, workers, environmentNames, watchPaths, MaxRecordSize.DEFAULT, false);
  }
}
