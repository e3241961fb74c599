package dev.viasock.cli;

import static dev.viasock.cli.ClientFaultIT.programPid;
import static dev.viasock.cli.Probes.PYTHON;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Memory per call is bounded by the maximum record size: a record over it fails only its own call (status
 * 67, a message naming the limit and the option), the program is replaced only when it holds part of that
 * record, and every other caller goes on. A server that runs out of memory anyway says so in its log.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RecordSizeIT {
  private static final long FOUR_HUNDRED_MIB = 400L << 20;

  @RegisterExtension final Viasock viasock = new Viasock();

  /** Starts {@code viasock ARGS} and streams {@code bytes} zero bytes (no newline) into it, never held whole. */
  private Probes.Call streamZeros(long bytes, String... args) {
    Process process = viasock.start(args);
    CompletableFuture.runAsync(() -> {
      byte[] zeros = new byte[1 << 16];
      try (OutputStream in = process.getOutputStream()) {
        for (long sent = 0; sent < bytes; sent += zeros.length) {
          in.write(zeros);
        }
      } catch (IOException callEnded) {
        // The call ended and stopped reading: what the test expects.
      }
    });
    return new Probes.Call(process);
  }

  @Test
  void aFourHundredMebibyteRecordFailsOnlyItsOwnCallWith67WhileAnotherCallerIsServed() throws Exception {
    String[] cat = {"run", "--workers", "2", "-W", "120", "cat"};
    viasock.run("warm\n", cat).assertSucceeded();
    long server = viasock.servers().get(0).pid();

    Probes.Call huge = streamZeros(FOUR_HUNDRED_MIB, cat);
    String normal = viasock.run("a\nb\n", cat).assertSucceeded().out();

    assertThat(normal).isEqualTo("a\nb\n");
    Viasock.Result refused = huge.finish(Duration.ofSeconds(60));
    assertThat(refused.exitStatus()).as("stderr: %s", refused.stderr()).isEqualTo(67);
    assertThat(refused.stderr()).startsWith("viasock: ").contains("32 MiB").contains("--max-record-size");
    assertThat(refused.out()).isEmpty();
    assertThat(viasock.servers()).extracting(ProcessHandle::pid).as("the server lives on").containsExactly(server);
    assertThat(viasock.run("c\n", cat).assertSucceeded().out()).isEqualTo("c\n");
  }

  @Test
  void anOutputRecordOverTheLimitFailsItsCallWith67AndOnlyThenIsTheProgramReplaced() throws Exception {
    String program = viasock.script("big.py", "#!" + PYTHON + "\n"
        + "import os, sys\n"
        + "for line in sys.stdin:\n"
        + "    if line == 'big\\n':\n"
        + "        sys.stdout.write('x' * 5000 + '\\n')\n"
        + "    else:\n"
        + "        sys.stdout.write(f'{os.getpid()} {line}')\n"
        + "    sys.stdout.flush()\n");
    String[] run = {"run", "--max-record-size", "1K", program};
    String pid = programPid(viasock.run("a\n", run).assertSucceeded().out());
    String inputTooLarge = "y".repeat(2000) + "\n";

    Viasock.Result refused = viasock.run("b\n" + inputTooLarge, run);
    assertThat(refused.exitStatus()).as("stderr: %s", refused.stderr()).isEqualTo(67);
    assertThat(refused.stderr()).contains("input record").contains("1 KiB").contains("--max-record-size");
    assertThat(programPid(viasock.run("c\n", run).assertSucceeded().out()))
        .as("an input record never reaches the program: it is kept").isEqualTo(pid);

    Viasock.Result tooLarge = viasock.run("d\nbig\ne\n", run);
    assertThat(tooLarge.exitStatus()).as("stderr: %s", tooLarge.stderr()).isEqualTo(67);
    assertThat(tooLarge.out()).isEqualTo(pid + " d\n");
    assertThat(tooLarge.stderr()).contains("output record").contains("1 KiB").contains("--max-record-size");
    String next = viasock.run("f\n", run).assertSucceeded().out();
    assertThat(programPid(next)).as("the program held part of that record: replaced").isNotEqualTo(pid);
  }

  @Test
  void aServerThatRunsOutOfMemoryAnywaySaysSoInItsLog() throws Exception {
    viasock.env("VIASOCK_SERVER_JAVA_OPTIONS", "-Xmx24m");
    String[] cat = {"run", "--max-record-size", "1G", "cat"};
    viasock.run("warm\n", cat).assertSucceeded();

    Probes.Call huge = streamZeros(200L << 20, cat);

    Viasock.Result died = huge.finish(Duration.ofSeconds(60));
    assertThat(died.exitStatus()).as("stderr: %s", died.stderr()).isEqualTo(69);
    Probes.await(Duration.ofSeconds(10), () -> viasock.servers().isEmpty(), () -> "the server did not exit");
    String log = new String(java.nio.file.Files.readAllBytes(
        Probes.onlyFile(viasock.stateDir(), ".log").orElseThrow()), UTF_8);
    assertThat(log).contains("Terminating due to java.lang.OutOfMemoryError");
    assertThat(viasock.run("after\n", cat).assertSucceeded().out()).as("the next call starts a new server")
        .isEqualTo("after\n");
  }
}
