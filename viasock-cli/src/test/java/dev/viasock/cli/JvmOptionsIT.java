package dev.viasock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JVM options of the client, the background server and the foreground server come from one file,
 * viasock-core's jvm-options.properties, of which the build puts a copy beside the client's jar: every JVM
 * viasock starts runs with all the options of its line there.
 */
class JvmOptionsIT {
  private static final Path OPTIONS = Path.of("target", "jvm-options.properties");

  @RegisterExtension final Viasock viasock = new Viasock();

  @Test
  void theBackgroundServerRunsWithTheServerOptions() throws Exception {
    viasock.run("a\n", "run", "-W", "60", "cat").assertSucceeded();

    assertThat(viasock.servers()).hasSize(1);
    assertThat(arguments(viasock.servers().get(0)))
        .containsSubsequence(options("server"))
        .contains("-XX:+ExitOnOutOfMemoryError", "-XX:+DisplayVMOutputToStderr")
        .doesNotContain("-Xmx64m", "-XX:-UsePerfData");
  }

  @Test
  void theForegroundServerRunsWithTheServerOptions() throws Exception {
    Path socket = viasock.workDir().resolve("fg.sock");
    Process server = viasock.start("server", socket.toString(), "cat");
    try {
      Probes.await(Duration.ofSeconds(30), () -> Files.exists(socket), () -> "the foreground server's socket");

      assertThat(arguments(server.toHandle()))
          .containsSubsequence(options("server"))
          .contains("-XX:+ExitOnOutOfMemoryError");
    } finally {
      server.destroy();
      assertThat(server.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).as("server ends on SIGTERM").isTrue();
    }
  }

  @Test
  void theClientRunsWithTheClientOptions() throws Exception {
    Probes.Call call = Probes.start(viasock, "run", "-W", "60", "cat").feed("a\n", true);
    call.awaitLines(1, Duration.ofSeconds(30));

    assertThat(arguments(call.process.toHandle())).containsSubsequence(options("client"));

    call.process.getOutputStream().close();
    assertThat(call.finish(Viasock.CALL_BOUND).assertSucceeded().out()).isEqualTo("a\n");
  }

  @Test
  void everyLineOfTheFileIsAKeyValueLineACommentOrEmpty() throws IOException {
    List<String> lines = Files.readAllLines(OPTIONS);

    assertThat(lines).allSatisfy(line -> assertThat(line).matches("|#.*|[a-z]+=\\S+( \\S+)*"));
    assertThat(lines).filteredOn(line -> line.matches("[a-z]+=.*")).extracting(line -> line.split("=", 2)[0])
        .containsExactly("client", "server");
  }

  /** The options of {@code key} in the build's copy of jvm-options.properties. */
  private static List<String> options(String key) throws IOException {
    String prefix = key + "=";
    return Files.readAllLines(OPTIONS).stream()
        .filter(line -> line.startsWith(prefix))
        .map(line -> Arrays.asList(line.substring(prefix.length()).split(" ")))
        .findFirst()
        .orElseThrow(() -> new AssertionError(OPTIONS + " has no line " + prefix));
  }

  private static List<String> arguments(ProcessHandle process) {
    return Arrays.asList(process.info().arguments().orElseThrow(() -> new AssertionError(
        "the arguments of pid " + process.pid() + " cannot be read")));
  }
}
