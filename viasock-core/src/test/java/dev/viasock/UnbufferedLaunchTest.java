package dev.viasock;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -u}: the program's stdout is a pseudo-terminal in raw mode, started through {@link ProgramLaunch}
 * and read through {@link ProgramProcess}, with real programs.
 */
class UnbufferedLaunchTest {
  private static final Duration BOUND = Duration.ofSeconds(20);
  @TempDir Path temp;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(Threads.named("test-terminate"));
  private ProgramProcess running;

  @AfterEach
  void tearDown() {
    if (running != null && running.exit().getNow(null) == null) {
      running.terminate(scheduler);
      running.awaitExit(Duration.ofSeconds(5));
    }
    scheduler.shutdownNow();
  }

  private ProgramProcess start(boolean unbuffered, ProgramLaunch.TerminalOpener opener, String... command) {
    Program program = Program.resolve(command[0], List.of(command).subList(1, command.length), temp, System.getenv("PATH"));
    ProgramLaunch launch = ProgramLaunch.of(program, Map.of("PATH", System.getenv("PATH")), unbuffered, opener);
    running = ProgramProcess.start(program, launch, Threads.named("test-exec"));
    Threads.start("test-stderr", () -> {
      try {
        running.stderr().transferTo(java.io.OutputStream.nullOutputStream());
      } catch (IOException e) {
        // ended
      } finally {
        running.readerDone();
      }
    });
    return running;
  }

  private ProgramProcess startUnbuffered(String... command) {
    return start(true, PseudoTerminal::openRaw, command);
  }

  /** Reads exactly {@code length} bytes of the program's stdout, failing past the bound. */
  private static byte[] readExactly(InputStream stdout, int length) throws Exception {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return stdout.readNBytes(length);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static void send(ProgramProcess process, byte[] bytes) throws IOException {
    process.stdin().write(bytes);
    process.stdin().flush();
  }

  @Test
  void sedAnswersEachLineAtOnceWithItsStdinStillOpen() throws Exception {
    ProgramProcess sed = startUnbuffered("sed", "s/a/X/");

    send(sed, bytes("abc\n"));
    assertThat(readExactly(sed.stdout(), 4)).isEqualTo(bytes("Xbc\n"));
    send(sed, bytes("banana\n"));
    assertThat(readExactly(sed.stdout(), 7)).isEqualTo(bytes("bXnana\n"));
  }

  @Test
  void everyByteReachesTheCallerUntranslated() throws Exception {
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    input.write(bytes("crlf\r\n"));
    input.write(bytes("tab\there\n"));
    input.write("Latin-1 caf\u00e9 \u00ff\n".getBytes(ISO_8859_1));
    input.write(bytes("x".repeat(200_000) + "\n"));
    input.write(new byte[] {0x03, 0x04, 0x1a, 0x7f, '\n'});
    byte[] expected = input.toByteArray();
    ProgramProcess cat = startUnbuffered("cat");

    CompletableFuture<byte[]> read =
        CompletableFuture.supplyAsync(() -> {
          try {
            return cat.stdout().readNBytes(expected.length);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
    send(cat, expected);

    assertThat(read.get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(expected);
  }

  @Test
  void onlyStdoutIsATerminalAndTermIsDumb() throws Exception {
    ProgramProcess shell =
        startUnbuffered(
            "sh", "-c", "read x; for fd in 0 1 2; do if [ -t $fd ]; then printf T; else printf P; fi; done;"
                + " echo \" $TERM\"");

    send(shell, bytes("go\n"));

    assertThat(readExactly(shell.stdout(), 9)).isEqualTo(bytes("PTP dumb\n"));
  }

  @Test
  void theLastBytesBeforeTheProgramEndsAreNotLost() throws Exception {
    ProgramProcess program = startUnbuffered("sh", "-c", "head -c 100000 /dev/zero | tr '\\0' y; printf end");

    byte[] all = CompletableFuture.supplyAsync(() -> {
      try {
        return program.stdout().readAllBytes();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      } finally {
        program.readerDone();
      }
    }).get(BOUND.toMillis(), TimeUnit.MILLISECONDS);

    assertThat(new String(all, UTF_8)).isEqualTo("y".repeat(100_000) + "end");
    assertThat(program.exit().get(BOUND.toMillis(), TimeUnit.MILLISECONDS)).isZero();
  }

  @Test
  void withoutATerminalStdbufAndPythonUnbufferedStandIn() throws Exception {
    ProgramProcess sed =
        start(true, () -> {
          throw new IOException("no pseudo-terminals in this test");
        }, "sed", "s/a/X/");

    send(sed, bytes("abc\n"));

    assertThat(readExactly(sed.stdout(), 4)).isEqualTo(bytes("Xbc\n"));
  }

  @Test
  void withoutUnbufferedTheProgramIsStartedAsGiven() {
    Program program = Program.resolve("sed", List.of("s/a/X/"), temp, System.getenv("PATH"));

    ProgramLaunch launch = ProgramLaunch.of(program, null, false);

    assertThat(launch.command()).containsExactly(program.executable().toString(), "s/a/X/");
    assertThat(launch.terminal()).isNull();
    assertThat(launch.environment()).isNull();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }
}
