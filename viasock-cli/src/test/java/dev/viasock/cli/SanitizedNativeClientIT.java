package dev.viasock.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The native client built with AddressSanitizer and UndefinedBehaviorSanitizer serves real calls (small and
 * large, with stderr forwarded, failing programs, unreadable input, a closed output) with the results the
 * suite expects of any client, and the sanitizers report nothing. (ServerAnswersIT runs it against
 * malformed and silent servers.)
 */
class SanitizedNativeClientIT {
  private static final Path SANITIZED =
      Path.of(System.getProperty("viasock.native", "target/native/viasock-client") + "-sanitized").toAbsolutePath();

  @TempDir Path temp;
  private Viasock viasock;
  private Map<String, String> environment;

  @BeforeEach
  void setUp() throws Exception {
    assumeTrue(Files.isExecutable(SANITIZED), "the sanitized native client was not built (no C compiler)");
    viasock = new Viasock(temp);
    environment = CliProcesses.environment(viasock);
    environment.put("CLIENT", SANITIZED + " " + CliProcesses.LAUNCHER);
    environment.put("ASAN_OPTIONS", "abort_on_error=0:exitcode=99");
    environment.put("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1:exitcode=98");
    viasock.script("fail.sh", "#!/bin/sh\nread line; echo \"giving up on $line\" >&2; exit 3\n");
    viasock.script("noisy.sh", "#!/bin/sh\nwhile IFS= read -r l; do echo \"err $l\" >&2; echo \"$l\"; done\n");
    // The servers, started by the JVM client (the sanitized client hands a cold call to it).
    for (String program : new String[] {"cat", "./fail.sh", "./noisy.sh"}) {
      shell("echo warm | $VIASOCK run " + program + " >/dev/null 2>&1; true");
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    if (viasock != null) {
      viasock.close();
    }
  }

  @Test
  void realCallsThroughTheSanitizedClientGiveTheExpectedResultsAndNoReport() {
    assertThat(clean("printf 'a\\nb\\n' | $CLIENT run cat", 0).out()).isEqualTo("a\nb\n");
    assertThat(clean("seq 1 300000 > in; $CLIENT run cat < in | cmp - in && echo same", 0).out())
        .as("a large call, many frames both ways")
        .isEqualTo("same\n");
    CliProcesses.Outcome forwarded = clean("printf 'x\\ny\\n' | $CLIENT run --stderr ./noisy.sh", 0);
    assertThat(forwarded.out()).isEqualTo("x\ny\n");
    assertThat(forwarded.stderr()).isEqualTo("err x\nerr y\n");
    assertThat(clean("echo q | $CLIENT run ./fail.sh", 1).stderr())
        .startsWith("viasock: ").contains("giving up on q").contains("(server log: ");
    assertThat(clean("$CLIENT run cat < .", 74).stderr()).isEqualTo("viasock: reading the input failed: Is a directory\n");
    assertThat(clean("seq 1 300000 | $CLIENT run cat | head -1", 0).out()).isEqualTo("1\n");
    assertThat(clean("seq 1 300000 > big; ($CLIENT run cat < big; echo \"client $?\" >&2) | head -1 >/dev/null", 0)
            .stderr())
        .as("a closed output: status 141 and no message")
        .isEqualTo("client 141\n");
  }

  @Test
  void asAnInstallationsCommandItServesRunAndExecsTheLauncherForEverythingElse() throws Exception {
    // An installation's layout: the client as bin/viasock, and a launcher that says how it was run.
    Path installation = temp.resolve("installation");
    Files.createDirectories(installation.resolve("bin"));
    Files.createDirectories(installation.resolve("libexec"));
    Files.copy(SANITIZED, installation.resolve("bin/viasock"));
    Path launcher = installation.resolve("libexec/viasock-launcher");
    Files.writeString(launcher, "#!/bin/sh\necho \"launcher: $* (VIASOCK_CLIENT=${VIASOCK_CLIENT:-unset})\"\n");
    launcher.toFile().setExecutable(true);
    Files.createSymbolicLink(temp.resolve("linked viasock"), installation.resolve("bin/viasock"));
    environment.put("COMMAND", temp.resolve("linked viasock").toString());
    environment.put("VIASOCK_CLIENT", null); // the default: neither forced

    assertThat(clean("printf 'a\\nb\\n' | \"$COMMAND\" run cat", 0).out()).as("a warm call, served natively")
        .isEqualTo("a\nb\n");
    assertThat(clean("\"$COMMAND\" list --json", 0).out()).isEqualTo("launcher: list --json (VIASOCK_CLIENT=unset)\n");
    assertThat(clean("\"$COMMAND\"", 0).out()).isEqualTo("launcher:  (VIASOCK_CLIENT=unset)\n");
    assertThat(clean("VIASOCK_CLIENT=jvm \"$COMMAND\" run cat < /dev/null", 0).out())
        .isEqualTo("launcher: run cat (VIASOCK_CLIENT=jvm)\n");
    assertThat(clean("\"$COMMAND\" run --an-option-it-does-not-know cat < /dev/null", 0).out())
        .as("handed to the JVM client")
        .isEqualTo("launcher: run --an-option-it-does-not-know cat (VIASOCK_CLIENT=jvm)\n");
  }

  /** Runs the script, and checks its status and that no sanitizer reported anything. */
  private CliProcesses.Outcome clean(String script, int status) {
    CliProcesses.Outcome outcome = CliProcesses.shell(viasock.workDir(), environment, script, Viasock.CALL_BOUND);
    assertThat(outcome.stderr()).as("sanitizer reports").doesNotContain("Sanitizer").doesNotContain("runtime error");
    assertThat(outcome.exitStatus()).as("exit status of %s; stderr: %s", script, outcome.stderr()).isEqualTo(status);
    return outcome;
  }

  private void shell(String script) {
    CliProcesses.shell(viasock.workDir(), environment, script, Viasock.CALL_BOUND);
  }
}
