package dev.viasock.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

import dev.viasock.Serverizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Test classes that use the extension, run through JUnit's own Launcher, to see what JUnit reports for them:
 * a program that cannot start fails the class with the program's own error, within a bound, and after the
 * tests nothing the extension started is left running. The fixture classes are nested, so that the build's
 * own test run does not pick them up.
 */
class ThroughJUnitsLauncherTest {
  private static final Duration BOUND = Duration.ofSeconds(90);

  /** What the fixtures saw while they ran: their server's or program's pid, their state directory. */
  static final Map<String, Long> pids = new ConcurrentHashMap<>();
  static final Map<String, Path> stateDirectories = new ConcurrentHashMap<>();

  private static TestExecutionSummary run(Class<?>... classes) {
    return assertTimeoutPreemptively(BOUND, () -> {
      SummaryGeneratingListener listener = new SummaryGeneratingListener();
      LauncherFactory.create().execute(
          request().selectors(List.of(classes).stream().map(c -> selectClass(c)).collect(Collectors.toList())).build(),
          listener);
      return listener.getSummary();
    }, "the test run hung");
  }

  private static String failures(TestExecutionSummary summary) {
    return summary.getFailures().stream()
        .map(failure -> failure.getTestIdentifier().getDisplayName() + ": " + failure.getException())
        .collect(Collectors.joining("\n"));
  }

  @Test
  void aProgramThatCannotStartFailsTheClassWithItsOwnError() {
    TestExecutionSummary summary = run(CannotStartFixture.class);

    assertThat(summary.getTestsSucceededCount()).isZero();
    assertThat(summary.getContainersFailedCount()).as(failures(summary)).isEqualTo(1);
    assertThat(summary.getFailures()).singleElement().satisfies(failure -> {
      assertThat(failure.getException().getMessage())
          .contains("exited with status 3")
          .contains("cannot-start: cannot load the model /no/such/model.bin");
      assertThat(failure.getException().getSuppressed()).as("what the stop found").isEmpty();
    });
  }

  @Test
  void aProgramWithoutPreludeThatDiesAtOnceFailsWithItsOwnError() {
    TestExecutionSummary summary = run(DiesWithoutPreludeFixture.class);

    // Whether the start sees it die (the class fails) or the first call does (the test fails) is a race.
    assertThat(summary.getTestsSucceededCount()).isZero();
    assertThat(summary.getTotalFailureCount()).as(failures(summary)).isEqualTo(1);
    assertThat(summary.getFailures()).singleElement().satisfies(failure ->
        assertThat(failure.getException().getMessage()).contains("cannot-start: cannot load the model"));
  }

  @Test
  void aProgramThatNeverGetsReadyFailsTheClassWhenTheStartTimeoutPasses() {
    TestExecutionSummary summary = run(NeverReadyFixture.class);

    assertThat(summary.getContainersFailedCount()).as(failures(summary)).isEqualTo(1);
    assertThat(summary.getFailures()).singleElement().satisfies(failure -> {
      assertThat(failure.getException()).hasMessageContaining("did not start within 2 s");
      assertThat(failure.getException().getSuppressed()).as("what the stop found").isEmpty();
    });
  }

  @Test
  void afterTheClassTheServerAndItsProgramAreStoppedAndItsStateDirectoryRemoved() {
    TestExecutionSummary summary = run(PassingFixture.class);

    assertThat(summary.getTotalFailureCount()).as(failures(summary)).isZero();
    assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
    assertThat(ProcessHandle.of(pids.get("passing"))).as("the server").isEmpty();
    assertThat(stateDirectories.get("passing")).doesNotExist();
  }

  @Test
  void aProgramSharedByTheSuiteServesEveryClassAndIsStoppedWhenTheRunEnds() {
    TestExecutionSummary summary = run(SharedFixtureOne.class, SharedFixtureTwo.class);

    assertThat(summary.getTotalFailureCount()).as(failures(summary)).isZero();
    assertThat(summary.getTestsSucceededCount()).isEqualTo(2);
    assertThat(pids.get("shared one")).as("one server for both classes").isEqualTo(pids.get("shared two"));
    assertThat(ProcessHandle.of(pids.get("shared one"))).as("the server, after the run").isEmpty();
    assertThat(stateDirectories.get("shared one")).doesNotExist();
  }

  @Test
  void anInProcessProgramIsStoppedAfterTheClass() {
    TestExecutionSummary summary = run(InProcessFixture.class);

    assertThat(summary.getTotalFailureCount()).as(failures(summary)).isZero();
    assertThat(ProcessHandle.of(pids.get("in process"))).as("the program").isEmpty();
  }

  static class CannotStartFixture {
    @RegisterExtension
    static final ServerizedProgram program =
        ServerizedProgram.of(Serverizer.builder("src/test/programs/cannot-start").preludeLines(1));

    @Test
    void neverRuns() {
      program.run("x\n");
    }
  }

  static class DiesWithoutPreludeFixture {
    @RegisterExtension
    static final ServerizedProgram program = ServerizedProgram.of("src/test/programs/cannot-start");

    @Test
    void callsTheProgram() {
      program.run("x\n");
    }
  }

  static class NeverReadyFixture {
    @RegisterExtension
    static final ServerizedProgram program =
        ServerizedProgram.of(Serverizer.builder("src/test/programs/never-ready").preludeLines(1))
            .startTimeout(Duration.ofSeconds(2));

    @Test
    void neverRuns() {
      program.run("x\n");
    }
  }

  static class PassingFixture {
    @RegisterExtension
    static final ServerizedProgram upcase = ServerizedProgram.of("src/test/programs/upcase");

    @Test
    void runs() {
      assertThat(upcase.run("a\n")).isEqualTo("A\n");
      pids.put("passing", upcase.serverizer().status().orElseThrow().pid());
      stateDirectories.put("passing", upcase.stateDirectory());
    }

    @Test
    void calls() {
      assertThat(upcase.call("b\n")).isEqualTo("B\n");
    }
  }

  static class SharedFixtureOne {
    @RegisterExtension
    static final ServerizedProgram upcase = ServerizedProgram.of("src/test/programs/upcase").sharedBySuite();

    @Test
    void runs() {
      assertThat(upcase.run("one\n")).isEqualTo("ONE\n");
      pids.put("shared one", upcase.serverizer().status().orElseThrow().pid());
      stateDirectories.put("shared one", upcase.stateDirectory());
    }
  }

  static class SharedFixtureTwo {
    @RegisterExtension
    static final ServerizedProgram upcase = ServerizedProgram.of("src/test/programs/upcase").sharedBySuite();

    @Test
    void runs() {
      assertThat(upcase.run("two\n")).isEqualTo("TWO\n");
      pids.put("shared two", upcase.serverizer().status().orElseThrow().pid());
    }
  }

  static class InProcessFixture {
    @RegisterExtension
    static final ServerizedProgram upcase = ServerizedProgram.of("src/test/programs/upcase").inProcess();

    @Test
    void runsInThisJvm() throws Exception {
      assertThat(upcase.call("in process\n")).isEqualTo("IN PROCESS\n");
      ProcessHandle program = ProcessHandle.current().children()
          .filter(child -> child.info().commandLine().orElse("").contains("upcase"))
          .findFirst().orElseThrow();
      pids.put("in process", program.pid());
      assertThat(Files.exists(Path.of("src/test/programs/upcase"))).isTrue();
    }
  }
}
