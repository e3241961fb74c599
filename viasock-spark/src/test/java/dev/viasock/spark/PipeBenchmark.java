package dev.viasock.spark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark benchmark that {@code bench/spark} runs: {@code RDD.pipe} against {@code ViasockPipe.pipe} for a
 * program with a slow start-up, over many partitions, in local mode. Prints a Markdown section for
 * docs/benchmarks.md on stdout; progress on stderr.
 *
 * <p>Each round runs the three jobs in turn, the order alternating between rounds: {@code RDD.pipe};
 * {@code ViasockPipe.pipe} with no program running yet (the executor's programs are stopped before it), which is
 * what the first job of an application pays; and the same again with the programs left running, what every later
 * job pays until they are idle. Every output is checked against {@code RDD.pipe}'s.
 */
public final class PipeBenchmark {
  private PipeBenchmark() {}

  public static void main(String[] args) {
    int partitions = 64;
    int recordsPerPartition = 50;
    double startUp = 1.0;
    int rounds = 3;
    String master = "local[2]";
    for (int i = 0; i < args.length; i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--partitions" -> partitions = Integer.parseInt(value);
        case "--records-per-partition" -> recordsPerPartition = Integer.parseInt(value);
        case "--start-up" -> startUp = Double.parseDouble(value);
        case "--rounds" -> rounds = Integer.parseInt(value);
        case "--master" -> master = value;
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SparkSession spark = SparkTests.session(master, "PipeBenchmark");
    try {
      JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
      JavaRDD<String> records = context.parallelize(SparkTests.lines(partitions * recordsPerPartition), partitions).cache();
      records.count();
      List<String> command = List.of(SparkTests.LINE_FILTER, "--start-up", String.valueOf(startUp));
      warmUp(records);

      List<Long> sparks = new ArrayList<>();
      List<Long> cold = new ArrayList<>();
      List<Long> warm = new ArrayList<>();
      List<String> expected = records.pipe(command).collect();
      for (int round = 0; round < rounds; round++) {
        if (round % 2 == 0) {
          sparks.add(time("RDD.pipe", () -> records.pipe(command).collect(), expected));
        }
        LocalServers.shared().stopAll();
        cold.add(time("ViasockPipe.pipe, cold", () -> ViasockPipe.pipe(records, command).collect(), expected));
        warm.add(time("ViasockPipe.pipe, warm", () -> ViasockPipe.pipe(records, command).collect(), expected));
        if (round % 2 == 1) {
          sparks.add(time("RDD.pipe", () -> records.pipe(command).collect(), expected));
        }
      }
      LocalServers.shared().stopAll();
      System.out.print(report(master, partitions, recordsPerPartition, startUp, sparks, cold, warm));
    } finally {
      spark.stop();
    }
  }

  /** Both paths once with a quick program, so that the timed jobs do not pay for Spark's own warm-up. */
  private static void warmUp(JavaRDD<String> records) {
    List<String> quick = List.of(SparkTests.LINE_FILTER);
    records.pipe(quick).collect();
    ViasockPipe.pipe(records, quick).collect();
    LocalServers.shared().stopAll();
  }

  private interface Job {
    List<String> run();
  }

  private static long time(String name, Job job, List<String> expected) {
    long start = System.nanoTime();
    List<String> output = job.run();
    long millis = (System.nanoTime() - start) / 1_000_000;
    if (!output.equals(expected)) {
      throw new IllegalStateException(name + " gave other output than RDD.pipe");
    }
    System.err.printf(Locale.ROOT, "PipeBenchmark: %s: %d ms%n", name, millis);
    return millis;
  }

  private static String report(
      String master, int partitions, int perPartition, double startUp, List<Long> sparks, List<Long> cold,
      List<Long> warm) {
    long spark = median(sparks);
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT,
        "A program with a %.1f s start-up (the test program `line-filter --start-up %.1f`) over %d partitions of"
            + " %d one-line records, in Spark local mode (`%s`), %d rounds; medians, every output checked against"
            + " `RDD.pipe`'s. Cold: the executor runs no program when the job starts (the first job of an"
            + " application); warm: the programs of the previous job are still running.%n%n",
        startUp, startUp, partitions, perPartition, master, sparks.size()));
    out.append("| job | median (min-max) | ratio to `RDD.pipe` |\n| --- | --- | --- |\n");
    out.append(row("`RDD.pipe`", sparks, spark));
    out.append(row("`ViasockPipe.pipe`, cold", cold, spark));
    out.append(row("`ViasockPipe.pipe`, warm", warm, spark));
    return out.toString();
  }

  private static String row(String name, List<Long> times, long spark) {
    return String.format(Locale.ROOT, "| %s | %d ms (%d-%d ms) | %.3f |%n",
        name, median(times), Collections.min(times), Collections.max(times), (double) median(times) / spark);
  }

  private static long median(List<Long> times) {
    List<Long> sorted = new ArrayList<>(times);
    Collections.sort(sorted);
    int middle = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2;
  }
}
