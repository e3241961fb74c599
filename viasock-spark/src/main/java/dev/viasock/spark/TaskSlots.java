package dev.viasock.spark;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/** How many tasks an executor runs at once: how many programs it may need at once. */
final class TaskSlots {
  /** The executor id of the driver (SparkContext.DRIVER_IDENTIFIER, which Java cannot reach). */
  private static final String DRIVER = "driver";
  private static final Pattern LOCAL_MASTER = Pattern.compile("local\\[(\\*|\\d+)(?:,\\d+)?]");

  private TaskSlots() {}

  static int ofThisExecutor() {
    SparkEnv env = SparkEnv.get();
    int processors = Runtime.getRuntime().availableProcessors();
    return env == null ? processors : of(env.executorId(), env.conf(), processors);
  }

  /**
   * The executor's cores divided by the cores a task takes. In local mode the driver is the executor and the
   * master URL gives its cores; elsewhere {@code spark.executor.cores}, which the cluster managers set, or all
   * the host's processors when it is missing (standalone mode's default).
   */
  static int of(String executorId, SparkConf conf, int processors) {
    int cores =
        DRIVER.equals(executorId)
            ? localCores(conf.get("spark.master", "local"), processors)
            : conf.getInt("spark.executor.cores", processors);
    int taskCores = Math.max(conf.getInt("spark.task.cpus", 1), 1);
    return Math.max(cores / taskCores, 1);
  }

  private static int localCores(String master, int processors) {
    Matcher local = LOCAL_MASTER.matcher(master);
    if (local.matches()) {
      return local.group(1).equals("*") ? processors : Integer.parseInt(local.group(1));
    }
    return master.equals("local") ? 1 : processors;
  }
}
