package dev.viasock;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The record scanner, viasock's per-byte hot path: every byte of input (client to program) and of output
 * (program to client) goes through {@link RecordScanner#scan}. One invocation scans one 64 KiB buffer, the
 * size in which the server forwards bytes; it counts as 65,536 operations, so JMH's ops/s is bytes/s.
 *
 * <p>The buffer holds 1,024 records of 64 bytes each, so that both cases scan the same number of bytes and
 * records:
 *
 * <ul>
 *   <li>{@code terminator=""} (the default, every line is a record): 64-byte lines (63 characters and
 *       {@code \n}); no regex is involved.
 *   <li>{@code terminator="^$"} (records end with an empty line): records made of one 63-byte line (62
 *       characters and {@code \n}) and the empty line {@code \n} that ends it; every line is copied into the
 *       scanner's line buffer and matched against the regex.
 * </ul>
 *
 * <p>Run with {@code java -jar viasock-bench/target/benchmarks.jar} (bench/run does, with short settings).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordScannerBenchmark {
  static final int BUFFER_SIZE = 64 * 1024;
  static final int RECORD_SIZE = 64;

  @Param({"", "^$"})
  public String terminator;

  private byte[] buffer;
  private RecordScanner scanner;

  @Setup
  public void setUp() {
    Terminator parsed = Terminator.of(terminator);
    buffer = buffer(parsed.everyLineEndsARecord());
    scanner = new RecordScanner(parsed);
    // Check the data before measuring: one buffer must be exactly 1,024 records, ending on a record end.
    long before = scanner.records();
    int end = scanner.scan(buffer, 0, buffer.length, Long.MAX_VALUE);
    if (end != buffer.length
        || scanner.records() - before != BUFFER_SIZE / RECORD_SIZE
        || scanner.inRecord()) {
      throw new IllegalStateException(
          "benchmark data is not " + BUFFER_SIZE / RECORD_SIZE + " whole records for terminator '"
              + terminator + "'");
    }
  }

  /** 1,024 records of 64 bytes, made of printable ASCII that varies from line to line. */
  static byte[] buffer(boolean everyLine) {
    StringBuilder text = new StringBuilder(BUFFER_SIZE);
    for (int record = 0; text.length() < BUFFER_SIZE; record++) {
      int lineLength = everyLine ? RECORD_SIZE - 1 : RECORD_SIZE - 2;
      StringBuilder line = new StringBuilder("record ").append(record).append(' ');
      for (int i = 0; line.length() < lineLength; i++) {
        line.append((char) ('a' + (record + i) % 26));
      }
      text.append(line).append('\n');
      if (!everyLine) {
        text.append('\n');
      }
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
    if (bytes.length != BUFFER_SIZE) {
      throw new IllegalStateException("buffer is " + bytes.length + " bytes");
    }
    return bytes;
  }

  /** Scans one 64 KiB buffer with no record limit, as the server does for a client's input. */
  @Benchmark
  @OperationsPerInvocation(BUFFER_SIZE)
  public int scan64KiB() {
    return scanner.scan(buffer, 0, buffer.length, Long.MAX_VALUE);
  }
}
