package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The compatibility table of docs/cli.md, row by row: real programs run through viasock, twice (the second
 * call served by the same program process), compared byte for byte with what the program writes when run
 * directly into a pipe. A program said to keep its output in a buffer is first shown to do so when run
 * directly (it answers nothing while its input stays open), so that no row can pass vacuously, and then to
 * be stopped with status 75 when run without {@code -u}. {@code PYTHONUNBUFFERED}, which this machine may
 * export, is removed for every program, and every run has the same locale.
 */
class CompatibilityIT {
  /** How long a buffering program is watched, run directly, to show that it answers nothing. */
  private static final Duration SILENCE = Duration.ofMillis(1500);
  private static final Duration BOUND = Duration.ofSeconds(30);
  /** The same locale for the direct runs and the served ones. */
  private static final String LOCALE = "C.UTF-8";

  /** Bytes for programs that treat lines as bytes: tabs, CRLF, Latin-1, UTF-8, a long line. */
  private static final byte[] BYTES = concat(
      "alpha beta\n".getBytes(UTF_8),
      "tab\tseparated\tfields\n".getBytes(UTF_8),
      "crlf line\r\n".getBytes(UTF_8),
      "Latin-1 caf\u00e9 \u00ff\n".getBytes(ISO_8859_1),
      "UTF-8 caf\u00e9 \u2615\n".getBytes(UTF_8),
      ("long " + "x".repeat(20_000) + "\n").getBytes(UTF_8));
  /** One short line: less than any output buffer, so a program that keeps its output in one writes nothing. */
  private static final byte[] LINE = "alpha beta\n".getBytes(UTF_8);
  /** Valid UTF-8 text for programs that decode it. */
  private static final byte[] TEXT = concat(
      "alpha beta\n".getBytes(UTF_8),
      "tab\tseparated\tfields\n".getBytes(UTF_8),
      "crlf line\r\n".getBytes(UTF_8),
      "UTF-8 caf\u00e9 \u2615\n".getBytes(UTF_8),
      ("long " + "x".repeat(20_000) + "\n").getBytes(UTF_8));

  @RegisterExtension final Viasock viasock = new Viasock();

  @BeforeEach
  void setUp() throws Exception {
    viasock.unset("PYTHONUNBUFFERED").env("LC_ALL", LOCALE);
  }

  // Works with -u.

  @Test
  void sedWorksWithUnbuffered() throws Exception {
    worksWithUnbuffered(BYTES, "sed", "s/a/A/g");
  }

  @Test
  void grepWorksWithUnbufferedAndDoesNotColourItsOutputOnItsTerminal() throws Exception {
    byte[] expected = worksWithUnbuffered(TEXT, "grep", "--color=auto", "[a-z]");
    assertThat(new String(expected, ISO_8859_1)).as("what is compared with the served output").doesNotContain("\u001b");
  }

  @Test
  void trWorksWithUnbuffered() throws Exception {
    worksWithUnbuffered(BYTES, "tr", "a-z", "A-Z");
  }

  @Test
  void cutWorksWithUnbuffered() throws Exception {
    worksWithUnbuffered(BYTES, "cut", "-c", "1-12");
  }

  @Test
  void gawkWorksWithUnbuffered() throws Exception {
    worksWithUnbuffered(BYTES, "gawk", "{ print length($0) \": \" $0 }");
  }

  @Test
  void perlWorksWithUnbuffered() throws Exception {
    worksWithUnbuffered(BYTES, "perl", "-pe", "s/a/A/g");
  }

  @Test
  void pythonWorksWithUnbuffered() throws Exception {
    worksWithUnbuffered(TEXT, Probes.PYTHON, "-c", "import sys\nfor line in sys.stdin:\n    print(line.upper(), end='')\n");
  }

  @Test
  void rubyWorksWithUnbuffered() throws Exception {
    worksWithUnbuffered(TEXT, "ruby", "-pe", "$_ = $_.upcase");
  }

  @Test
  void revWorksWithUnbuffered() throws Exception {
    worksWithUnbuffered(TEXT, "rev");
  }

  @Test
  void jqWorksWithUnbufferedWhenToldNotToColour() throws Exception {
    worksWithUnbuffered(TEXT, "jq", "-M", "-R", ".");
  }

  // Works as it is.

  @Test
  void catWorksAsItIs() throws Exception {
    worksAsItIs(BYTES, "cat");
  }

  @Test
  void bcWorksAsItIs() throws Exception {
    worksAsItIs(bytes("2^10\n7*6\n10/4\n"), "bc");
  }

  @Test
  void aJavaProgramUsingPrintlnWorksAsItIs() throws Exception {
    viasock.script("Upper.java", """
        import java.io.*;
        public class Upper {
          public static void main(String[] args) throws IOException {
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, "UTF-8"));
            for (String line; (line = in.readLine()) != null; ) {
              System.out.println(line.toUpperCase());
            }
          }
        }
        """);
    worksAsItIs(TEXT, Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xshare:auto", "Upper.java");
  }

  // Needs its own flag (and works as it is with it).

  @Test
  void sedWithItsOwnFlagWorksAsItIs() throws Exception {
    worksAsItIs(BYTES, "sed", "-u", "s/a/A/g");
  }

  @Test
  void grepWithItsOwnFlagWorksAsItIs() throws Exception {
    worksAsItIs(TEXT, "grep", "--line-buffered", "-v", "no such line");
  }

  @Test
  void mawkNeedsItsOwnFlagEvenWithUnbuffered() throws Exception {
    String[] mawk = {"mawk", "{ print length($0) \": \" $0 }"};
    assertKeepsItsOutputInABuffer(mawk);
    assertStoppedAsBuffering(LINE, false, mawk);
    assertStoppedAsBuffering(LINE, true, mawk);

    worksAsItIs(BYTES, "mawk", "-W", "interactive", "{ print length($0) \": \" $0 }");
  }

  @Test
  void jqWithItsOwnFlagWorksAsItIs() throws Exception {
    worksAsItIs(TEXT, "jq", "--unbuffered", "-R", ".");
  }

  @Test
  void pythonWithItsOwnFlagWorksAsItIs() throws Exception {
    worksAsItIs(TEXT, Probes.PYTHON, "-u", "-c", "import sys\nfor line in sys.stdin:\n    print(line.upper(), end='')\n");
  }

  // Never works: not a filter of records.

  @Test
  void sortReadsAllOfItsInputBeforeWritingAndIsStoppedEvenWithUnbuffered() throws Exception {
    assertStoppedAsBuffering(bytes("b\na\n"), true, "sort");
  }

  // The checks.

  /** The program keeps its output in a buffer into a pipe, is stopped (75) without -u, and works with it. */
  private byte[] worksWithUnbuffered(byte[] input, String... command) throws Exception {
    assertKeepsItsOutputInABuffer(command);
    assertStoppedAsBuffering(LINE, false, command);
    byte[] expected = direct(input, command);
    assertServedTwiceByOneProcess(input, expected, true, command);
    return expected;
  }

  /** The program answers each line at once into a pipe, and viasock without -u gives its exact output. */
  private void worksAsItIs(byte[] input, String... command) throws Exception {
    assertAnswersWhileItsInputIsOpen(input, command);
    assertServedTwiceByOneProcess(input, direct(input, command), false, command);
  }

  private void assertServedTwiceByOneProcess(byte[] input, byte[] expected, boolean unbuffered, String... command)
      throws Exception {
    List<String> args = runArgs(unbuffered, command);
    assertThat(viasock.run(input, args).assertSucceeded().stdout()).as("first call of %s", args).isEqualTo(expected);
    List<Long> first = programPids();
    assertThat(viasock.run(input, args).assertSucceeded().stdout()).as("second call of %s", args).isEqualTo(expected);
    assertThat(programPids()).as("the program process of the second call").isNotEmpty().isEqualTo(first);
  }

  private void assertStoppedAsBuffering(byte[] input, boolean unbuffered, String... command) throws Exception {
    List<String> args = runArgs(unbuffered, command);
    Viasock.Result result = viasock.run(input, args);
    assertThat(result.exitStatus()).as("exit status of %s; stderr: %s", args, result.stderr()).isEqualTo(75);
    assertThat(result.stderr()).startsWith("viasock: the program " + command[0]).contains("keeps its output in a buffer");
    List<String> stop = runArgs(unbuffered, command);
    stop.set(0, "stop");
    assertThat(viasock.run(new byte[0], stop).exitStatus()).as("stopping that server").isZero();
  }

  private List<String> runArgs(boolean unbuffered, String... command) {
    List<String> args = new ArrayList<>(List.of("run", "-W", "30"));
    if (unbuffered) {
      args.add("-u");
    }
    args.addAll(List.of(command));
    return args;
  }

  private List<Long> programPids() {
    return Probes.onlyFile(viasock.stateDir(), ".info").map(Probes::programPids).orElse(List.of());
  }

  /** The program's output when run directly into a pipe, its input closed at the end: the reference. */
  private byte[] direct(byte[] input, String... command) throws Exception {
    Process process = startDirectly(command);
    CompletableFuture<byte[]> out = Viasock.drain(process.getInputStream());
    Viasock.drain(process.getErrorStream());
    try (OutputStream stdin = process.getOutputStream()) {
      stdin.write(input);
    }
    assertThat(process.waitFor(BOUND.toMillis(), TimeUnit.MILLISECONDS)).as("%s ends", List.of(command)).isTrue();
    assertThat(process.exitValue()).as("exit status of %s run directly", List.of(command)).isZero();
    return out.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Run directly into a pipe, with its input open, the program writes nothing: it keeps it in a buffer. */
  private void assertKeepsItsOutputInABuffer(String... command) throws Exception {
    Process process = startDirectly(command);
    try {
      process.getOutputStream().write(LINE);
      process.getOutputStream().flush();
      assertThat(firstOutput(process.getInputStream(), SILENCE))
          .as("what %s writes into a pipe within %s while its input is open", List.of(command), SILENCE)
          .isEmpty();
    } finally {
      process.destroyForcibly().waitFor();
    }
  }

  /** Run directly into a pipe, the program answers its first line while its input stays open. */
  private void assertAnswersWhileItsInputIsOpen(byte[] input, String... command) throws Exception {
    Process process = startDirectly(command);
    try {
      process.getOutputStream().write(input);
      process.getOutputStream().flush();
      assertThat(firstOutput(process.getInputStream(), BOUND))
          .as("what %s writes into a pipe while its input is open", List.of(command))
          .isNotEmpty();
    } finally {
      process.destroyForcibly().waitFor();
    }
  }

  /** The first bytes {@code out} gives within {@code bound}; empty when none came. */
  private static byte[] firstOutput(InputStream out, Duration bound) throws Exception {
    CompletableFuture<byte[]> first = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      byte[] buffer = new byte[8192];
      try {
        int read = out.read(buffer);
        first.complete(read < 0 ? new byte[0] : java.util.Arrays.copyOf(buffer, read));
      } catch (IOException e) {
        first.complete(new byte[0]);
      }
    }, "test-first-output");
    reader.setDaemon(true);
    reader.start();
    try {
      return first.get(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return new byte[0];
    }
  }

  private Process startDirectly(String... command) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(viasock.workDir().toFile());
    builder.environment().remove("PYTHONUNBUFFERED");
    builder.environment().put("LC_ALL", LOCALE);
    return builder.start();
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      all.writeBytes(part);
    }
    return all.toByteArray();
  }
}
