package dev.viasock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behaviour 8: the background server (and the program it runs) never holds the caller's stdout or stderr, so
 * a pipeline or command substitution around a call ends when the call ends, not when the server idles out.
 * Every server here idles out only after 30 s; each pipeline must end within a few seconds, cold or warm, and
 * the server must still be running afterwards (so it was not the server's exit that let the pipeline end).
 */
class DetachedServerIT {
  private static final Duration PROMPTLY = Duration.ofSeconds(12);

  @RegisterExtension final Viasock viasock = new Viasock();

  @BeforeEach
  void setUp() throws Exception {
    Files.writeString(viasock.workDir().resolve("in"), "x\ny\nz\n");
  }

  @Test
  void aPipelineOnStdoutEndsWhenTheColdCallEnds() {
    CliProcesses.Outcome cold = pipeline("\"$VIASOCK\" run -W 30 cat < in | cat");

    assertThat(cold.out()).isEqualTo("x\ny\nz\n");
    assertThat(cold.stderr()).isEmpty();
    assertThat(cold.exitStatus()).isZero();
    assertThat(viasock.servers()).as("the server outlives the pipeline").hasSize(1);

    CliProcesses.Outcome warm = pipeline("\"$VIASOCK\" run -W 30 cat < in | cat");
    assertThat(warm.out()).isEqualTo("x\ny\nz\n");
  }

  @Test
  void aPipelineOnStderrEndsWhenTheColdCallEnds() {
    CliProcesses.Outcome cold = pipeline("\"$VIASOCK\" run -W 30 cat < in 2>&1 | cat");

    assertThat(cold.out()).isEqualTo("x\ny\nz\n");
    assertThat(cold.exitStatus()).isZero();
    assertThat(viasock.servers()).hasSize(1);

    CliProcesses.Outcome warm = pipeline("\"$VIASOCK\" run -W 30 cat < in 2>&1 | cat");
    assertThat(warm.out()).isEqualTo("x\ny\nz\n");
  }

  @Test
  void onlyStderrPipedEndsWhenTheColdCallEnds() {
    // stdout to a file, stderr alone into the pipe: the server must not have inherited either.
    CliProcesses.Outcome cold = pipeline("\"$VIASOCK\" run -W 30 cat < in 2>&1 >out | cat; cat out");

    assertThat(cold.out()).isEqualTo("x\ny\nz\n");
    assertThat(viasock.servers()).hasSize(1);
  }

  @Test
  void aCommandSubstitutionEndsWhenTheColdCallEnds() {
    CliProcesses.Outcome cold = pipeline("answer=$(\"$VIASOCK\" run -W 30 cat < in 2>&1); echo \"[$answer]\"");

    assertThat(cold.out()).isEqualTo("[x\ny\nz]\n");
    assertThat(viasock.servers()).hasSize(1);
  }

  @Test
  void aPipelineEndsWhenAColdCallFails() throws Exception {
    viasock.script("fails.sh", "#!/bin/sh\necho 'fails.sh: no model here' >&2\nexit 1\n");

    CliProcesses.Outcome cold = pipeline("\"$VIASOCK\" run -W 30 ./fails.sh < in 2>&1 | cat; echo \"status $?\"");

    assertThat(cold.out()).startsWith("viasock: ").contains("fails.sh: no model here");
  }

  @Test
  void aPipelineEndsWhenTheProgramLeavesABackgroundChildHoldingItsOwnStreams() throws Exception {
    // The program's background child holds the program's pipes (to the server), never the caller's.
    String program = viasock.script("forks.sh", """
        #!/bin/sh
        sleep 300 &
        echo $! > sleep.pid
        cat
        """);
    try {
      CliProcesses.Outcome cold = pipeline("\"$VIASOCK\" run -W 30 " + program + " < in 2>&1 | cat");

      assertThat(cold.out()).isEqualTo("x\ny\nz\n");
      assertThat(viasock.servers()).hasSize(1);
    } finally {
      Path pidFile = viasock.workDir().resolve("sleep.pid");
      if (Files.exists(pidFile)) {
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroy);
      }
    }
  }

  @Test
  void theServerRunsInASessionOfItsOwnWithNoneOfTheCallersStreams() throws Exception {
    viasock.run("a\n", "run", "-W", "30", "cat").assertSucceeded();

    assertThat(viasock.servers()).hasSize(1);
    long server = viasock.servers().get(0).pid();
    assertThat(sessionOf(server)).as("the server's session (a Ctrl-C at the caller's terminal must not reach it)")
        .isEqualTo(server)
        .isNotEqualTo(sessionOf(ProcessHandle.current().pid()));
    Path fds = Path.of("/proc", String.valueOf(server), "fd");
    assertThat(Files.readSymbolicLink(fds.resolve("0"))).as("the server's stdin").isEqualTo(Path.of("/dev/null"));
    assertThat(Files.readSymbolicLink(fds.resolve("1"))).as("the server's stdout").isEqualTo(Path.of("/dev/null"));
    Path stderr = Files.readSymbolicLink(fds.resolve("2"));
    assertThat(stderr.getParent()).as("the server's stderr, its log").isEqualTo(viasock.stateDir());
    assertThat(stderr.getFileName().toString()).endsWith(".log");
  }

  /** The session id of a process, from /proc/PID/stat (the sixth field; the second, in parentheses, may hold spaces). */
  private static long sessionOf(long pid) throws Exception {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    String[] afterName = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(afterName[3]);
  }

  /** Runs a shell pipeline around the launcher and checks that it ended (streams closed) promptly. */
  private CliProcesses.Outcome pipeline(String script) {
    CliProcesses.Outcome outcome =
        CliProcesses.shell(viasock.workDir(), CliProcesses.environment(viasock), script, Duration.ofSeconds(40));
    assertThat(outcome.elapsed())
        .as("time until '%s' ended, with a server idle timeout of 30 s; stderr: %s", script, outcome.stderr())
        .isLessThan(PROMPTLY);
    return outcome;
  }
}
