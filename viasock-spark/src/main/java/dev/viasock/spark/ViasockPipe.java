package dev.viasock.spark;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;

/**
 * {@code RDD.pipe} with viasock: each executor starts the program once per task slot and every later task and
 * partition reuses it, instead of starting it once per partition.
 *
 * <pre>{@code
 * JavaRDD<String> parsed = ViasockPipe.pipe(sentences, List.of("./parse", "-m", "model.bin"));
 * }</pre>
 *
 * <p>The program must answer every input record with exactly one output record, written (flushed) before it
 * reads the next, as every program served by viasock must: a line filter that maps each line to one line, not
 * one that drops lines. For such a program the output is what {@code records.pipe(command)} gives: the same
 * elements, in the same order within each partition. Each partition is streamed through the program; neither
 * its input nor its output is collected in memory.
 *
 * <p>By default each executor JVM keeps the programs itself ({@code InProcessServer}), one pool per command and
 * options, with a worker per task slot: concurrent tasks each have a program of their own and never see each
 * other's records. A program that crashes, or that the watchdog stops, fails the task it served with the
 * program's message (Spark retries the task) and the next task gets a fresh program. Programs end when they
 * have been idle for {@link PipeSpec#idleTimeout()}, and when the executor ends. See docs/scale-out.md.
 */
public final class ViasockPipe {
  private ViasockPipe() {}

  /**
   * A drop-in for {@code records.pipe(command)} for one-line records.
   *
   * @param records the input: each element is one line, sent with a newline
   * @param command the program, then its arguments; run on the executors
   * @return each partition's output lines, without their newlines, in order
   */
  public static JavaRDD<String> pipe(JavaRDD<String> records, List<String> command) {
    return pipe(records, PipeSpec.of(command));
  }

  /**
   * Pipes each partition through the program that {@code spec} describes.
   *
   * @param records the input: each element is one input record without its last newline
   * @param spec the program and viasock's options
   * @return each partition's output records, each without its last newline, in order
   */
  public static JavaRDD<String> pipe(JavaRDD<String> records, PipeSpec spec) {
    return records.mapPartitions(new PartitionPipe(spec));
  }

  /**
   * The same for Spark SQL: a {@code Dataset<String>} piped through the program, one line per element.
   *
   * @param records the input: each element is one line, sent with a newline
   * @param command the program, then its arguments; run on the executors
   * @return each partition's output lines, without their newlines, in order
   */
  public static Dataset<String> pipe(Dataset<String> records, List<String> command) {
    return pipe(records, PipeSpec.of(command));
  }

  /**
   * The same for Spark SQL, with viasock's options.
   *
   * @param records the input: each element is one input record without its last newline
   * @param spec the program and viasock's options
   * @return each partition's output records, each without its last newline, in order
   */
  public static Dataset<String> pipe(Dataset<String> records, PipeSpec spec) {
    return records.mapPartitions(new PartitionPipe(spec), Encoders.STRING());
  }
}
