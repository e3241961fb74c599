package dev.viasock.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.viasock.Serverizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs {@link BuildStep} for real, with few calls, against {@code examples/slow-upcase}. */
class BuildStepTest {
  private static final List<String> COMMAND = List.of("./slow-upcase");

  @TempDir Path stateDirectory;
  Serverizer upcase;

  @AfterEach
  void stopTheServer() throws Exception {
    if (upcase != null) {
      upcase.stop();
    }
    NothingLeftRunning.check(stateDirectory);
  }

  @Test
  void everyCallThroughViasockIsAnsweredRightAndTheSampleMatchesDirectCalls() throws Exception {
    upcase = Serverizer.builder(COMMAND).stateDirectory(stateDirectory).build();

    BuildStep.Report report = new BuildStep(COMMAND, upcase).measure(30, 3);

    assertThat(report.calls()).isEqualTo(30);
    for (int call = 0; call < 30; call++) {
      String input = new String(BuildStep.input(call), UTF_8);
      assertThat(new String(report.answers().get(call), UTF_8)).isEqualTo(input.toUpperCase(Locale.ROOT));
    }
    assertThat(report.directCalls()).isEqualTo(3);
    assertThat(report.mismatches()).isEmpty();
    // slow-upcase sleeps 0.5 s at start: every direct call pays it; through viasock only the first does.
    assertThat(report.directPerCall().toMillis()).isGreaterThanOrEqualTo(500);
    assertThat(report.viasockTotal()).isLessThan(report.directExtrapolated());
    assertThat(upcase.status()).as("one server served them all").isPresent()
        .get().satisfies(server -> assertThat(server.recordsServed()).isEqualTo(30));
  }

  @Test
  void theReportSaysWhatEachWayTook() throws Exception {
    upcase = Serverizer.builder(COMMAND).stateDirectory(stateDirectory).build();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();

    new BuildStep(COMMAND, upcase).measure(5, 1).print(new PrintStream(printed, true, UTF_8));

    assertThat(printed.toString(UTF_8))
        .startsWith("BuildStep: 5 calls of ./slow-upcase\n")
        .contains("with viasock:", "without viasock:", "so 5 calls would take", "viasock saves about")
        .contains("the 1 direct calls gave the same bytes");
  }

  @Test
  void badArgumentsAreAUsageError() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errors = new PrintStream(err, true, UTF_8);

    assertThat(BuildStep.run(List.of("--calls", "many", "./slow-upcase"), System.out, errors)).isEqualTo(2);
    assertThat(BuildStep.run(List.of("--calls", "3"), System.out, errors)).isEqualTo(2);
    assertThat(BuildStep.run(List.of("--calls", "3", "--direct-sample", "4", "./slow-upcase"), System.out, errors))
        .isEqualTo(2);
    assertThat(err.toString(UTF_8)).contains("Usage: BuildStep");
  }
}
