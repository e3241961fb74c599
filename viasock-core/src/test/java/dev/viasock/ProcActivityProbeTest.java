package dev.viasock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link ProcActivityProbe} against real processes whose stdin is a pipe this test holds open. */
class ProcActivityProbeTest {
  private static final Duration BOUND = Duration.ofSeconds(20);
  private final List<Process> started = new ArrayList<>();

  @BeforeEach
  void onLinux() {
    assumeTrue(Files.isReadable(Path.of("/proc/self/syscall")), "/proc shows system calls only on Linux");
  }

  @AfterEach
  void stopAll() throws InterruptedException {
    for (Process process : started) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      process.waitFor();
    }
  }

  private Process start(String script) throws IOException {
    Process process = new ProcessBuilder("sh", "-c", script).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    started.add(process);
    return process;
  }

  /** Samples until {@code expected} holds (a process needs a moment to reach its wait), within a bound. */
  private static ProgramActivity awaitActivity(Process process, Predicate<ProgramActivity> expected)
      throws InterruptedException {
    ProgramActivity.Probe probe = ProcActivityProbe.forProgram(process.pid());
    long deadline = System.nanoTime() + BOUND.toNanos();
    ProgramActivity activity = probe.sample();
    while (!expected.test(activity) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      activity = probe.sample();
    }
    return activity;
  }

  /** Samples for a second and returns the samples. */
  private static List<ProgramActivity> sampleForASecond(Process process) throws InterruptedException {
    ProgramActivity.Probe probe = ProcActivityProbe.forProgram(process.pid());
    List<ProgramActivity> samples = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      samples.add(probe.sample());
      Thread.sleep(100);
    }
    return samples;
  }

  @Test
  void aProgramBlockedReadingItsStdinIsSeenReadingIt() throws Exception {
    Process cat = start("exec cat");

    ProgramActivity activity = awaitActivity(cat, a -> a.readingStdin() && !a.busy());

    assertThat(activity.known()).isTrue();
    assertThat(activity.readingStdin()).isTrue();
    assertThat(activity.busy()).isFalse();
  }

  @Test
  void aScriptWhoseChildReadsTheSharedStdinIsSeenReadingIt() throws Exception {
    Process wrapper = start("cat; echo done");

    ProgramActivity activity = awaitActivity(wrapper, a -> a.readingStdin() && !a.busy());

    assertThat(activity.readingStdin()).as("cat, the script's child, reads the script's stdin").isTrue();
    assertThat(activity.busy()).as("the script waits for its child").isFalse();
  }

  @Test
  void aSleepingProgramIsBusyAndNotReading() throws Exception {
    Process sleeper = start("read line; sleep 30");
    sleeper.getOutputStream().write("go\n".getBytes());
    sleeper.getOutputStream().flush();

    ProgramActivity activity = awaitActivity(sleeper, a -> a.busy() && !a.readingStdin());

    assertThat(activity.busy()).isTrue();
    assertThat(activity.readingStdin()).isFalse();
  }

  @Test
  void aComputingProgramIsBusyAndUsesCpu() throws Exception {
    Process spinner = start("while :; do :; done");

    List<ProgramActivity> samples = sampleForASecond(spinner);

    assertThat(samples).anyMatch(ProgramActivity::busy);
    assertThat(samples.get(samples.size() - 1).cpuNanos()).isGreaterThan(samples.get(0).cpuNanos());
  }

  @Test
  void aProgramReadingAnotherPipeIsNotReadingItsStdin() throws Exception {
    Process reader = start("sleep 30 < /dev/null | cat");
    long deadline = System.nanoTime() + BOUND.toNanos();
    while (reader.descendants().count() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }

    List<ProgramActivity> samples = sampleForASecond(reader);

    assertThat(samples).allMatch(ProgramActivity::known).noneMatch(ProgramActivity::readingStdin);
  }

  @Test
  void withoutProcOnlyTheCpuTimeOfTheProgramAndItsChildrenIsKnown() throws Exception {
    Process spinner = start("while :; do :; done & wait");
    long deadline = System.nanoTime() + BOUND.toNanos();
    ProgramActivity activity = ProcActivityProbe.cpuOnly(spinner.pid());
    while (activity.cpuNanos() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
      activity = ProcActivityProbe.cpuOnly(spinner.pid());
    }

    assertThat(activity.known()).isFalse();
    assertThat(activity.cpuNanos()).as("the spinning child's CPU time").isPositive();
  }

  @Test
  void aProgramThatIsGoneGivesAnInconclusiveSample() throws Exception {
    Process cat = start("exec cat");
    ProgramActivity.Probe probe = ProcActivityProbe.forProgram(cat.pid());
    cat.destroyForcibly();
    cat.waitFor();

    assertThat(probe.sample().busy()).isTrue();
  }
}
