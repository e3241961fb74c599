package dev.viasock.cli;

import static dev.viasock.cli.Probes.LAUNCHER;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Unusual but legal working directories, program paths, arguments and input bytes come through intact. */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OddInputIT {
  /** Arguments that quoting, splitting, charsets or a shell on the way would damage. */
  static final List<String> ODD_ARGUMENTS =
      List.of("a\nb", "Grüße ✓", "two  spaces", "it's \"quoted\"", "", "$HOME", "*", "back\\slash", "--opt=x", "-P");
  /** Prints its argument count and arguments (one per line) as its prelude, then echoes each line. */
  static final String ARGS = "#!/bin/sh\nprintf '%s\\n' \"$#\" \"$@\"\nwhile IFS= read -r l; do printf '%s\\n' \"$l\"; done\n";
  /** Marks the end of each line it reads, so that what a record held is visible. */
  static final String MARK = "#!/bin/sh\nwhile IFS= read -r l; do printf '%s|\\n' \"$l\"; done\n";

  @RegisterExtension final Viasock viasock = new Viasock();

  @Test
  void aWorkingDirectory300CharactersLong() throws Exception {
    StringBuilder path = new StringBuilder(viasock.workDir().toString());
    for (int n = 0; 300 - path.length() > 110; n++) {
      path.append('/').append(String.format("%-49s", "level" + n).replace(' ', 'd'));
    }
    int rest = 300 - path.length();
    path.append('/').append("e".repeat(rest / 2 - 1)).append('/').append("f".repeat(rest - rest / 2 - 1));
    Path directory = Files.createDirectories(Path.of(path.toString()));
    assertThat(directory.toString()).hasSize(300);
    Path script = directory.resolve("pwd.sh");
    Files.writeString(script, "#!/bin/sh\npwd\nwhile IFS= read -r l; do printf '%s\\n' \"$l\"; done\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));

    for (String input : List.of("a\nb\n", "c\n")) {
      Viasock.Result result = Probes.start(viasock, directory, List.of(LAUNCHER.toString(), "run", "-P", "1", "./pwd.sh"))
          .feed(input).finish(Viasock.CALL_BOUND).assertSucceeded();
      assertThat(result.out()).isEqualTo(directory + "\n" + input);
    }
    assertThat(viasock.servers()).hasSize(1);
  }

  @Test
  void aProgramPathWithSpaces() throws Exception {
    String program = viasock.script("my prog.sh", "#!/bin/sh\nwhile IFS= read -r l; do printf 'got:%s\\n' \"$l\"; done\n");
    assertThat(program).isEqualTo("./my prog.sh");

    assertThat(viasock.run("a b\n", "run", program).assertSucceeded().out()).isEqualTo("got:a b\n");
    assertThat(viasock.run("c\n", "run", program).assertSucceeded().out()).isEqualTo("got:c\n");
  }

  @Test
  void argumentsWithNewlinesQuotesAndNonAsciiReachTheProgramIntact() throws Exception {
    assertArgumentsArriveIntact(ODD_ARGUMENTS);
  }

  @Test
  void argumentsWithLeadingOrTrailingWhitespaceReachTheProgramIntact() throws Exception {
    // The program writes its arguments to a file: as a prelude, lost lines would leave the call waiting.
    String program = viasock.script("argsfile.sh",
        "#!/bin/sh\nprintf '%s\\n' \"$#\" \"$@\" > args.txt\nwhile IFS= read -r l; do printf '%s\\n' \"$l\"; done\n");
    List<String> arguments = List.of("  lead", "trail  ", "\ttabs\t", "\nnewline first", "newline last\n", " ");
    List<String> command = new ArrayList<>(List.of("run", program));
    command.addAll(arguments);

    assertThat(viasock.run(Viasock.bytes("r\n"), command).assertSucceeded().out()).isEqualTo("r\n");

    StringBuilder expected = new StringBuilder(arguments.size() + "\n");
    arguments.forEach(argument -> expected.append(argument).append('\n'));
    assertThat(Files.readString(viasock.workDir().resolve("args.txt"))).isEqualTo(expected.toString());
  }

  @Test
  void nonAsciiArgumentsReachTheProgramIntactWithoutAUtf8Locale() throws Exception {
    viasock.env("LANG", "").env("LC_ALL", "").env("LC_CTYPE", "");
    assertArgumentsArriveIntact(List.of("Grüße ✓", "naïve"));
  }

  private void assertArgumentsArriveIntact(List<String> arguments) throws Exception {
    String program = viasock.script("args.sh", ARGS);
    StringBuilder prelude = new StringBuilder(arguments.size() + "\n");
    arguments.forEach(argument -> prelude.append(argument).append('\n'));
    long preludeLines = prelude.chars().filter(c -> c == '\n').count();
    List<String> command = new ArrayList<>(List.of("run", "--prelude-lines", String.valueOf(preludeLines), program));
    command.addAll(arguments);

    Viasock.Result first = viasock.run(Viasock.bytes("r1\n"), command).assertSucceeded();
    Viasock.Result second = viasock.run(Viasock.bytes("r2\n"), command).assertSucceeded();

    assertThat(first.out()).isEqualTo(prelude + "r1\n");
    assertThat(second.out()).isEqualTo(prelude + "r2\n");
    assertThat(viasock.servers()).hasSize(1);
  }

  @Test
  void aSixteenMebibyteRecord() {
    byte[] input = new byte[16 << 20];
    Random random = new Random(16);
    for (int i = 0; i < input.length - 1; i++) {
      input[i] = (byte) ('a' + random.nextInt(26));
    }
    input[input.length - 1] = '\n';

    assertSameBytes(viasock.run(input, "run", "cat").assertSucceeded().stdout(), input);
    assertSameBytes(viasock.run(Viasock.bytes("after\n"), "run", "cat").assertSucceeded().stdout(), Viasock.bytes("after\n"));
  }

  @Test
  void everyByteValueInNewlineTerminatedLines() {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    int inLine = 0;
    for (int b = 0; b < 256; b++) {
      if (b == '\n') {
        continue;
      }
      all.write(b);
      if (++inLine == 16) {
        all.write('\n');
        inLine = 0;
      }
    }
    all.write('\n');
    for (int b = 255; b >= 0; b--) { // And one line with all of them, high bytes first.
      if (b != '\n') {
        all.write(b);
      }
    }
    all.write('\n');
    byte[] input = all.toByteArray();

    assertSameBytes(viasock.run(input, "run", "cat").assertSucceeded().stdout(), input);
    assertSameBytes(viasock.run(input, "run", "cat").assertSucceeded().stdout(), input);
  }

  @Test
  void crlfLinesAreRecordsThatKeepTheirCarriageReturn() throws Exception {
    String program = viasock.script("mark.sh", MARK);
    String input = "a\r\nb\r\n\r\nc\r\n";

    assertThat(viasock.run(input, "run", "cat").assertSucceeded().out()).isEqualTo(input);
    assertThat(viasock.run(input, "run", program).assertSucceeded().out()).isEqualTo("a\r|\nb\r|\n\r|\nc\r|\n");
  }

  @Test
  void emptyLinesAreRecords() throws Exception {
    String program = viasock.script("mark.sh", MARK);

    assertThat(viasock.run("\n\n\nx\n\n", "run", program).assertSucceeded().out()).isEqualTo("|\n|\n|\nx|\n|\n");
    assertThat(viasock.run("\n", "run", program).assertSucceeded().out()).isEqualTo("|\n");
  }

  @Test
  void emptyInputWithAPreludeGivesOnlyThePrelude() throws Exception {
    String program = viasock.script("banner.sh", "#!/bin/sh\necho banner\nwhile IFS= read -r l; do echo \"$l\"; done\n");

    for (int call = 0; call < 2; call++) { // Cold, then warm.
      Viasock.Result result = viasock.run(new byte[0], "run", "-P", "1", program).assertSucceeded();
      assertThat(result.out()).isEqualTo("banner\n");
    }
  }

  @Test
  void emptyInputWithoutAPreludeGivesNothing() {
    for (int call = 0; call < 2; call++) { // Cold, then warm.
      Viasock.Result result = viasock.run(new byte[0], "run", "cat").assertSucceeded();
      assertThat(result.stdout()).isEmpty();
    }
  }

  /** Compares byte arrays without printing megabytes when they differ. */
  static void assertSameBytes(byte[] actual, byte[] expected) {
    int mismatch = Arrays.mismatch(actual, expected);
    if (mismatch >= 0) {
      throw new AssertionError("got " + actual.length + " bytes for " + expected.length + "; first difference at byte "
          + mismatch + ": got " + (mismatch < actual.length ? actual[mismatch] & 0xff : "end") + ", expected "
          + (mismatch < expected.length ? expected[mismatch] & 0xff : "end") + "; near: "
          + new String(actual, Math.max(0, mismatch - 20), Math.min(40, actual.length - Math.max(0, mismatch - 20)), UTF_8));
    }
  }
}
