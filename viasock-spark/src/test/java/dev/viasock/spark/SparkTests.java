package dev.viasock.spark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.ExceptionFailure;
import org.apache.spark.TaskFailedReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.SparkSession;

/** What the Spark tests share: a local session bound to the loopback address, and the test program. */
final class SparkTests {
  /** The test program (see its header); the tests run in the module's directory. */
  static final String LINE_FILTER = Path.of("src/test/programs/line-filter").toAbsolutePath().toString();

  private SparkTests() {}

  /**
   * A local session with {@code master} ({@code local[2,4]}: two task slots, a failed task tried up to four
   * times), on 127.0.0.1 (no test may use another address of this machine), without the web UI.
   */
  static SparkSession session(String master, String name) {
    return SparkSession.builder()
        .master(master)
        .appName(name)
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }

  /** Lines {@code line 0 ...} with some non-ASCII text, to check the encoding both ways. */
  static List<String> lines(int count) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      lines.add(i % 7 == 0 ? "naïve café " + i : "line " + i);
    }
    return lines;
  }

  /** Collects the messages of the tasks that failed with an exception. */
  static final class TaskFailures extends SparkListener {
    final List<String> messages = new CopyOnWriteArrayList<>();

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (end.reason() instanceof ExceptionFailure) {
        messages.add(((TaskFailedReason) end.reason()).toErrorString());
      }
    }
  }
}
