package dev.viasock.spark;

import static dev.viasock.spark.SparkTests.LINE_FILTER;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.viasock.Servers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ViasockPipe on real Spark in local mode: two task slots, and a failed task tried up to four times, as a
 * cluster would retry it.
 */
class ViasockPipeTest {
  private static SparkSession spark;
  private static JavaSparkContext context;

  @TempDir Path temp;

  @BeforeAll
  static void startSpark() {
    spark = SparkTests.session("local[2,4]", "ViasockPipeTest");
    context = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  @AfterEach
  void stopTheExecutorsPrograms() {
    LocalServers.shared().stopAll();
  }

  @Test
  void outputEqualsRddPipesPartitionByPartitionForALineFilterOver16Partitions() {
    JavaRDD<String> records = context.parallelize(SparkTests.lines(2000), 16);
    List<String> command = List.of(LINE_FILTER);

    List<List<String>> viasock = ViasockPipe.pipe(records, command).glom().collect();
    List<List<String>> sparks = records.pipe(command).glom().collect();

    assertThat(viasock).hasSize(16).isEqualTo(sparks);
    assertThat(viasock.get(0)).startsWith("12\tNAÏVE CAFÉ 0", "6\tLINE 1");
  }

  @Test
  void theProgramStartsAtMostOncePerTaskSlotNotOncePerPartition() throws IOException {
    JavaRDD<String> records = context.parallelize(SparkTests.lines(640), 32);
    List<String> viasockCommand = List.of(LINE_FILTER, "--scratch", temp.resolve("viasock").toString());
    List<String> sparkCommand = List.of(LINE_FILTER, "--scratch", temp.resolve("spark").toString());

    List<String> viasock = ViasockPipe.pipe(records, viasockCommand).collect();
    List<String> again = ViasockPipe.pipe(records, viasockCommand).collect();
    List<String> sparks = records.pipe(sparkCommand).collect();

    assertThat(viasock).isEqualTo(again).isEqualTo(sparks).hasSize(640);
    assertThat(Files.readAllLines(temp.resolve("spark.pids"))).as("RDD.pipe: one program per partition").hasSize(32);
    assertThat(Files.readAllLines(temp.resolve("viasock.pids")))
        .as("ViasockPipe: at most one program per task slot (2), for both jobs")
        .hasSizeBetween(1, 2)
        .doesNotHaveDuplicates();
  }

  @Test
  void aCrashMidPartitionFailsThatTaskWithTheProgramsMessageAndTheRetryGetsAFreshProgram() throws Exception {
    List<String> lines = SparkTests.lines(400);
    JavaRDD<String> records = context.parallelize(lines, 16);
    String crashOn = lines.get(130); // in the middle of partition 5
    List<String> command =
        List.of(LINE_FILTER, "--scratch", temp.resolve("run").toString(), "--fail-on", crashOn, "--once");
    SparkTests.TaskFailures failures = new SparkTests.TaskFailures();
    spark.sparkContext().addSparkListener(failures);
    try {
      List<String> output = ViasockPipe.pipe(records, command).collect();

      assertThat(output).as("every record exactly once, in order").isEqualTo(expectedLines(lines));
      assertThat(temp.resolve("run.once")).as("it crashed").exists();
      assertThat(awaitMessages(failures, 1))
          .singleElement()
          .asString()
          .contains("line-filter exited with status 3 while answering a record")
          .contains("line-filter: failing on purpose on '" + crashOn + "'")
          .contains("(ViasockPipe: partition 5 of stage");
      assertThat(Files.readAllLines(temp.resolve("run.pids")))
          .as("the two programs and the crashed one's replacement")
          .hasSizeBetween(2, 3);
    } finally {
      spark.sparkContext().removeSparkListener(failures);
    }
  }

  @Test
  void aProgramThatFailsEveryTryFailsTheJobWithItsMessage() {
    JavaRDD<String> records = context.parallelize(SparkTests.lines(100), 4);
    List<String> command = List.of(LINE_FILTER, "--fail-on", "line 60");

    assertThatThrownBy(() -> ViasockPipe.pipe(records, command).collect())
        .isInstanceOf(SparkException.class)
        .hasMessageContaining("failed 4 times")
        .hasMessageContaining("line-filter exited with status 3 while answering a record")
        .hasMessageContaining("line-filter: failing on purpose on 'line 60'");
    assertThat(ViasockPipe.pipe(records, List.of(LINE_FILTER)).count())
        .as("the other tasks and jobs go on")
        .isEqualTo(100);
  }

  @Test
  void theWatchdogStopsAHungProgramAndTheRetrySucceeds() throws Exception {
    List<String> lines = SparkTests.lines(100);
    JavaRDD<String> records = context.parallelize(lines, 4);
    PipeSpec spec =
        PipeSpec.of(List.of(LINE_FILTER, "--hang-on", "line 30", "--once", "--scratch", temp.resolve("run").toString()))
            .processTimeout(Duration.ofSeconds(1));
    SparkTests.TaskFailures failures = new SparkTests.TaskFailures();
    spark.sparkContext().addSparkListener(failures);
    try {
      assertThat(ViasockPipe.pipe(records, spec).collect()).isEqualTo(expectedLines(lines));
      assertThat(awaitMessages(failures, 1))
          .singleElement()
          .asString()
          .contains("took longer than 1 s to answer a record and was stopped");
    } finally {
      spark.sparkContext().removeSparkListener(failures);
    }
  }

  @Test
  void multiLineRecordsWithTerminatorsBecomeOneElementEachAndTheBannerIsLeftOut() {
    List<String> paragraphs = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      List<String> paragraph = new ArrayList<>();
      for (int line = 0; line <= i % 4; line++) {
        paragraph.add("word " + i + "." + line);
      }
      // An element is the record without its last newline: its lines, each with a newline, the empty line last.
      paragraphs.add(paragraph.stream().map(line -> line + "\n").collect(Collectors.joining()));
      expected.add("lines " + paragraph.size() + "\n"
          + paragraph.stream().map(line -> line.toUpperCase() + "\n").collect(Collectors.joining()));
    }
    PipeSpec spec =
        PipeSpec.of(List.of(LINE_FILTER, "--paragraphs", "--banner"))
            .inputTerminator("^$")
            .outputTerminator("^$")
            .preludeLines(1);

    List<String> output = ViasockPipe.pipe(context.parallelize(paragraphs, 8), spec).collect();

    assertThat(output).isEqualTo(expected);
  }

  @Test
  void aDatasetIsPipedLikeAnRdd() {
    List<String> lines = SparkTests.lines(500);
    Dataset<String> records = spark.createDataset(lines, Encoders.STRING()).repartition(6);

    List<String> output = ViasockPipe.pipe(records, List.of(LINE_FILTER)).collectAsList();

    assertThat(output).containsExactlyInAnyOrderElementsOf(expectedLines(lines));
  }

  @Test
  void aTaskThatStopsReadingEarlyLeavesTheProgramReadyForTheNext() throws IOException {
    List<String> lines = SparkTests.lines(100_000);
    JavaRDD<String> records = context.parallelize(lines, 2);
    List<String> command = List.of(LINE_FILTER, "--scratch", temp.resolve("run").toString());

    assertThat(ViasockPipe.pipe(records, command).take(3)).isEqualTo(expectedLines(lines).subList(0, 3));
    assertThat(ViasockPipe.pipe(records, command).collect()).isEqualTo(expectedLines(lines));
    assertThat(Files.readAllLines(temp.resolve("run.pids"))).hasSizeBetween(1, 2);
  }

  @Test
  void aProgramThatBuffersIntoAPipeWorksUnbufferedLikeWithRddPipe() {
    JavaRDD<String> records = context.parallelize(SparkTests.lines(300), 4);
    List<String> sed = List.of("sed", "-e", "s/line/LINE/");

    List<List<String>> viasock = ViasockPipe.pipe(records, PipeSpec.of(sed).unbuffered()).glom().collect();

    assertThat(viasock).isEqualTo(records.pipe(sed).glom().collect());
    assertThat(viasock.get(0)).startsWith("naïve café 0", "LINE 1");
  }

  @Test
  void recordsLargerThanTheOutputQueuesBudgetPassWhole() {
    String big = "b".repeat(6 << 20); // more than the 4 Mi characters the output queue holds
    List<String> lines = List.of("small", big, big, "last");

    List<String> output = ViasockPipe.pipe(context.parallelize(lines, 1), List.of(LINE_FILTER)).collect();

    assertThat(output).isEqualTo(expectedLines(lines));
  }

  @Test
  void aProgramMissingOnTheExecutorsFailsTheJobSayingSo() {
    JavaRDD<String> records = context.parallelize(SparkTests.lines(10), 2);

    assertThatThrownBy(() -> ViasockPipe.pipe(records, List.of("./no-such-program")).collect())
        .isInstanceOf(SparkException.class)
        .hasMessageContaining("viasock: program not found: ./no-such-program");
  }

  @Test
  void anErrorUpstreamFailsTheTaskWithThatErrorNotWithViasocks() {
    JavaRDD<String> records =
        context.parallelize(SparkTests.lines(100), 4).map(line -> {
          if (line.equals("line 60")) {
            throw new IllegalStateException("upstream broke on " + line);
          }
          return line;
        });

    assertThatThrownBy(() -> ViasockPipe.pipe(records, List.of(LINE_FILTER)).collect())
        .isInstanceOf(SparkException.class)
        .hasMessageContaining("java.lang.IllegalStateException: upstream broke on line 60")
        .hasMessageNotContaining("viasock:");
  }

  @Test
  void theExecutorsProgramsStopWhenIdle() throws Exception {
    PipeSpec spec =
        PipeSpec.of(List.of(LINE_FILTER, "--scratch", temp.resolve("run").toString())).idleTimeout(Duration.ofSeconds(1));

    assertThat(ViasockPipe.pipe(context.parallelize(SparkTests.lines(100), 4), spec).count()).isEqualTo(100);
    assertThat(LocalServers.shared().size()).isEqualTo(1);
    List<ProcessHandle> programs =
        Files.readAllLines(temp.resolve("run.pids")).stream()
            .map(pid -> ProcessHandle.of(Long.parseLong(pid)))
            .flatMap(java.util.Optional::stream)
            .collect(Collectors.toList());

    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while ((LocalServers.shared().size() > 0 || programs.stream().anyMatch(ProcessHandle::isAlive))
        && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(LocalServers.shared().size()).as("servers kept").isZero();
    assertThat(programs).as("programs still running").noneMatch(ProcessHandle::isAlive);
  }

  @Test
  void thePerHostServerServesEveryPartitionFromOneBackgroundServer() {
    Path state = temp.resolve("state");
    List<String> lines = SparkTests.lines(1000);
    PipeSpec spec =
        PipeSpec.of(List.of(LINE_FILTER)).perHostServer().stateDirectory(state.toString()).idleTimeout(Duration.ofSeconds(30));
    try {
      List<String> output = ViasockPipe.pipe(context.parallelize(lines, 16), spec).collect();

      assertThat(output).isEqualTo(expectedLines(lines));
      assertThat(Servers.in(state).list())
          .singleElement()
          .satisfies(server -> assertThat(server.recordsServed()).isEqualTo(1000));
      assertThat(LocalServers.shared().size()).as("nothing kept in this JVM").isZero();
    } finally {
      Servers.in(state).stopAll();
    }
  }

  /** What line-filter answers to each line. */
  private static List<String> expectedLines(List<String> lines) {
    return lines.stream().map(line -> line.length() + "\t" + line.toUpperCase()).collect(Collectors.toList());
  }

  private static List<String> awaitMessages(SparkTests.TaskFailures failures, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (failures.messages.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    return failures.messages;
  }
}
