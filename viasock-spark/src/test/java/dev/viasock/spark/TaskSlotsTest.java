package dev.viasock.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class TaskSlotsTest {
  private static final int PROCESSORS = 12;

  @Test
  void inLocalModeTheMasterUrlGivesTheSlots() {
    assertThat(local("local[2]")).isEqualTo(2);
    assertThat(local("local[2,4]")).as("with retries").isEqualTo(2);
    assertThat(local("local[*]")).isEqualTo(PROCESSORS);
    assertThat(local("local[*,3]")).isEqualTo(PROCESSORS);
    assertThat(local("local")).isEqualTo(1);
  }

  @Test
  void onAClusterTheExecutorsCoresGiveTheSlots() {
    assertThat(TaskSlots.of("7", new SparkConf(false).set("spark.executor.cores", "4"), PROCESSORS)).isEqualTo(4);
    assertThat(TaskSlots.of("7", new SparkConf(false), PROCESSORS)).as("standalone's default: every core").isEqualTo(12);
  }

  @Test
  void aTaskTakingSeveralCoresLeavesFewerSlots() {
    SparkConf conf = new SparkConf(false).set("spark.executor.cores", "8").set("spark.task.cpus", "3");
    assertThat(TaskSlots.of("7", conf, PROCESSORS)).isEqualTo(2);
    assertThat(TaskSlots.of("7", conf.set("spark.task.cpus", "16"), PROCESSORS)).as("never below one").isEqualTo(1);
  }

  private static int local(String master) {
    return TaskSlots.of("driver", new SparkConf(false).set("spark.master", master), PROCESSORS);
  }
}
