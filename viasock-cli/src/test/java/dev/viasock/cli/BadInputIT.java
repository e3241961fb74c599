package dev.viasock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Behaviour 13: bad input and bad command lines get a clear "viasock: " message and their documented exit
 * status, without hanging, and (except where a record had to be served) without starting a server; the help
 * and the version are printed with status 0.
 */
class BadInputIT {
  @RegisterExtension final Viasock viasock = new Viasock();
  String program;

  @BeforeEach
  void setUp() throws Exception {
    program = viasock.script("pid.sh", "#!/bin/sh\nwhile IFS= read -r line; do echo \"$$ $line\"; done\n");
  }

  @Test
  void anUnterminatedLastRecordIsNotSentTheRecordsBeforeItAreAnsweredAndTheStatusIs65() {
    Viasock.Result result = viasock.run("a\nb", "run", program);

    String pid = result.out().substring(0, Math.max(0, result.out().indexOf(' ')));
    assertThat(result.out()).isEqualTo(pid + " a\n");
    assertThat(result.exitStatus()).as("exit status; stderr: %s", result.stderr()).isEqualTo(65);
    assertThat(result.stderr()).startsWith("viasock: ").contains("unterminated");

    // Had "b" reached the program, its read would go on with this call's input and answer "bc".
    assertThat(viasock.run("c\n", "run", program).assertSucceeded().out()).isEqualTo(pid + " c\n");
    assertThat(viasock.servers()).hasSize(1);
  }

  @Test
  void emptyInputIsNoErrorColdOrWarm() {
    assertThat(viasock.run("", "run", program).assertSucceeded().out()).isEmpty();
    assertThat(viasock.run("", "run", program).assertSucceeded().out()).isEmpty();
    assertThat(viasock.run("\n", "run", program).assertSucceeded().out()).matches("[0-9]+ \n");
  }

  @Test
  void aLoneUnterminatedRecordGivesNoOutputAndStatus65() {
    Viasock.Result result = viasock.run("just this", "run", "cat");

    assertThat(result.out()).isEmpty();
    assertThat(result.exitStatus()).as("exit status; stderr: %s", result.stderr()).isEqualTo(65);
    assertThat(result.stderr()).startsWith("viasock: ").contains("unterminated");
  }

  @Test
  void anUnterminatedLastRecordWithAnInputTerminatorGivesStatus65() {
    // Records end with an empty line; the last one, "c\n", has none.
    Viasock.Result result = viasock.run("a\n\nb\nb2\n\nc\n", "run", "-t", "^$", "-T", "^$", "cat");

    assertThat(result.out()).isEqualTo("a\n\nb\nb2\n\n");
    assertThat(result.exitStatus()).as("exit status; stderr: %s", result.stderr()).isEqualTo(65);
    assertThat(result.stderr()).startsWith("viasock: ").contains("unterminated").contains("^$");
  }

  @Test
  void unreadableInputGivesStatus74AndLeavesTheServerServing() {
    viasock.run("warm\n", "run", program).assertSucceeded();

    // A directory on stdin: opening it works, reading it fails (EISDIR).
    CliProcesses.Outcome outcome = CliProcesses.shell(viasock.workDir(), CliProcesses.environment(viasock),
        "\"$VIASOCK\" run " + program + " < .", Viasock.CALL_BOUND);

    assertThat(outcome.out()).isEmpty();
    assertThat(outcome.stderr()).startsWith("viasock: ").containsIgnoringCase("input")
        .doesNotContain("the server stopped");
    assertThat(outcome.exitStatus()).as("exit status; stderr: %s", outcome.stderr()).isEqualTo(74);
    assertThat(viasock.run("after\n", "run", program).assertSucceeded().out()).endsWith(" after\n");
  }

  static Stream<List<String>> usageErrors() {
    return Stream.of(
        List.of("run", "-t", "(", "cat"),
        List.of("run", "-T", "[", "cat"),
        List.of("run", "--input-terminator=(", "cat"),
        List.of("run", "--bogus", "cat"),
        List.of("run", "-x", "cat"),
        List.of("run", "-w", "abc", "cat"),
        List.of("run", "-W", "abc", "cat"),
        List.of("run", "-w", "0", "cat"),
        List.of("run", "--workers", "many", "cat"),
        List.of("run", "--help=yes", "cat"),
        List.of("run", "--unbuffered=yes", "cat"),
        List.of("run", "-uv", "cat"),
        List.of("run", "-t"),
        List.of(),
        List.of("frobnicate"),
        List.of("run"),
        List.of("run", "-w", "5"),
        List.of("run", "--"));
  }

  @ParameterizedTest(name = "viasock {0}")
  @MethodSource("usageErrors")
  void aUsageErrorGivesStatus2AndStartsNoServer(List<String> args) throws Exception {
    Viasock.Result result = viasock.run(Viasock.bytes("a\n"), args);

    assertThat(result.exitStatus()).as("viasock %s; stderr: %s", args, result.stderr()).isEqualTo(2);
    assertThat(result.out()).isEmpty();
    assertThat(result.stderr()).startsWith("viasock: ").containsPattern("see 'viasock( run)? --help'");
    assertThat(result.stderr().lines()).as("a one-line message").hasSize(1);
    assertNoServer();
  }

  @Test
  void theUsageErrorsNameWhatIsWrong() {
    assertThat(viasock.run("", "run", "-t", "(", "cat").stderr()).contains("-t").contains("(");
    assertThat(viasock.run("", "run", "--bogus", "cat").stderr()).contains("unknown option --bogus");
    assertThat(viasock.run("", "run", "-w", "abc", "cat").stderr()).contains("-w").contains("abc");
    assertThat(viasock.run("").stderr()).contains("no command");
    assertThat(viasock.run("", "run").stderr()).contains("no PROGRAM");
  }

  @Test
  void aMissingProgramGivesStatus127AndStartsNoServer() throws Exception {
    Viasock.Result result = viasock.run("a\n", "run", "-W", "5", "./missing-program");

    assertThat(result.exitStatus()).isEqualTo(127);
    assertThat(result.out()).isEmpty();
    assertThat(result.stderr()).startsWith("viasock: ").contains("./missing-program");
    assertNoServer();
  }

  @Test
  void helpAndVersionArePrintedWithStatus0() throws Exception {
    Viasock.Result top = viasock.run("", "--help");
    assertThat(top.assertSucceeded().out()).startsWith("Usage: viasock COMMAND").contains("run PROGRAM");

    Viasock.Result run = viasock.run("", "run", "--help");
    assertThat(run.assertSucceeded().out())
        .startsWith("Usage: viasock run [OPTIONS] PROGRAM")
        .contains("--input-terminator")
        .contains("Exit status:")
        .contains("127");

    Viasock.Result shortHelp = viasock.run("", "run", "-h");
    assertThat(shortHelp.assertSucceeded().out()).isEqualTo(run.out());

    Viasock.Result version = viasock.run("", "--version");
    assertThat(version.assertSucceeded().out()).startsWith("viasock ").endsWith("\n");
    assertThat(version.out().lines()).hasSize(1);

    assertThat(viasock.run("", "run", "--version").assertSucceeded().out()).isEqualTo(version.out());
    assertNoServer();
  }

  private void assertNoServer() throws IOException, InterruptedException {
    assertThat(viasock.servers()).as("servers").isEmpty();
    assertThat(viasock.awaitNoLeftovers(Duration.ZERO)).as("no process left").isTrue();
    if (Files.isDirectory(viasock.stateDir())) {
      try (Stream<Path> files = Files.list(viasock.stateDir())) {
        assertThat(files.filter(file -> file.toString().endsWith(".sock")).toList()).as("sockets").isEmpty();
      }
    }
  }
}
