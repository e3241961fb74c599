package dev.viasock;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Property tests of {@link RecordScanner} over random inputs, patterns, chunkings and limits, checked against
 * an obviously correct reference. Every case is made from its own seed, which a failure names; rerun one
 * range with {@code -Dviasock.seed=N}.
 */
class RecordScannerPropertyTest {
  private static final int CASES = 2_000;
  private static final long FIRST_SEED = Long.getLong("viasock.seed", 20_240_601L);
  private static final Duration NO_CASE_TAKES_THIS_LONG = Duration.ofSeconds(60);
  private static final List<String> PATTERNS = List.of("", "^$", "^EOS$", "x", "^a.*b$", "[0-9]+");
  private static final String[] TOKENS = {
    "\n", "\n", "\n", "\n\n", "EOS", "EOS\n", "\nEOS\n", "EO", "S", "x", "a", "b", "ab", "a--b", "a\nb", "7",
    "42", " ", "\r", "\r\n", "xyz", "\nab\n", "\na x b\n", "\na\rb\n",
  };

  /** One generated case: the pattern, the input and where the input is cut into chunks. */
  record Case(long seed, String pattern, byte[] input, int[] splits) {
    @Override
    public String toString() {
      return "seed " + seed + ": pattern '" + pattern + "', splits " + Arrays.toString(splits) + ", input \""
          + escape(input) + "\"";
    }
  }

  @Test
  void scannerNeverHangs() {
    forAllCases(c -> {
      scanOneRecordAtATime(c, new Random(c.seed()));
      scanWithRandomLimits(c, new Random(c.seed()));
    });
  }

  @Test
  void scannerNeverLosesOrInventsAByte() {
    forAllCases(c -> {
      // Forwarding copies exactly the bytes the scanner says it took; they must be the input, byte for byte.
      Random random = new Random(c.seed());
      Run limited = scanWithRandomLimits(c, random);
      assertThat(limited.taken).as("bytes taken with random limits").isEqualTo(c.input().length);
      assertThat(limited.forwarded.toByteArray()).as("bytes forwarded with random limits").isEqualTo(c.input());
      Run single = scanOneRecordAtATime(c, random);
      assertThat(single.taken).as("bytes taken one record at a time").isEqualTo(c.input().length);
      assertThat(single.forwarded.toByteArray()).as("bytes forwarded one record at a time")
          .isEqualTo(c.input());
    });
  }

  @Test
  void scannerFindsExactlyTheRecordEndsOfTheReference() {
    forAllCases(c -> {
      Run run = scanOneRecordAtATime(c, new Random(c.seed()));
      List<Integer> expected = referenceEnds(c.pattern(), c.input());
      assertThat(run.ends).as("record ends").isEqualTo(expected);
      assertThat(run.scanner.records()).as("records()").isEqualTo(expected.size());
    });
  }

  @Test
  void scanStopsJustAfterTheLimitThRecordEndOrTakesTheWholeChunk() {
    // scanWithRandomLimits checks every call against the reference.
    forAllCases(c -> scanWithRandomLimits(c, new Random(c.seed())));
  }

  @Test
  void inputIsEitherFullyFramedOrTheScannerIsInARecord() {
    forAllCases(c -> {
      List<Integer> ends = referenceEnds(c.pattern(), c.input());
      int lastEnd = ends.isEmpty() ? 0 : ends.get(ends.size() - 1);
      boolean unterminatedTail = lastEnd < c.input().length;
      Random random = new Random(c.seed());
      assertThat(scanOneRecordAtATime(c, random).scanner.inRecord())
          .as("inRecord() after one record at a time; last record end %s of %s", lastEnd, c.input().length)
          .isEqualTo(unterminatedTail);
      assertThat(scanWithRandomLimits(c, random).scanner.inRecord())
          .as("inRecord() after random limits; last record end %s of %s", lastEnd, c.input().length)
          .isEqualTo(unterminatedTail);
    });
  }

  @Test
  void theGeneratorMakesCasesWorthChecking() {
    // Guards the properties above against a generator that drifts into trivial inputs.
    int[] withEnds = new int[PATTERNS.size()];
    int unterminated = 0;
    int multiChunk = 0;
    for (int i = 0; i < CASES; i++) {
      Case c = randomCase(FIRST_SEED + i);
      if (!referenceEnds(c.pattern(), c.input()).isEmpty()) {
        withEnds[PATTERNS.indexOf(c.pattern())]++;
      }
      List<Integer> ends = referenceEnds(c.pattern(), c.input());
      if ((ends.isEmpty() ? 0 : ends.get(ends.size() - 1)) < c.input().length) {
        unterminated++;
      }
      if (c.splits().length > 1) {
        multiChunk++;
      }
    }
    for (int p = 0; p < PATTERNS.size(); p++) {
      assertThat(withEnds[p]).as("cases with record ends for '%s'", PATTERNS.get(p)).isGreaterThan(CASES / 20);
    }
    assertThat(unterminated).isBetween(CASES / 10, CASES * 9 / 10);
    assertThat(multiChunk).isGreaterThan(CASES / 2);
  }

  // --- drivers ----------------------------------------------------------------------------------------

  /** What one scan of a whole case took and found. */
  private static final class Run {
    final RecordScanner scanner;
    final List<Integer> ends = new ArrayList<>();
    final ByteArrayOutputStream forwarded = new ByteArrayOutputStream();
    long taken;

    void took(byte[] buffer, int position, int next, int to) {
      assertThat(next).as("scan from %s to %s returned %s", position, to, next).isBetween(position, to);
      taken += next - position;
      forwarded.write(buffer, position, next - position);
    }

    Run(Case c) {
      scanner = new RecordScanner(Terminator.of(c.pattern()));
    }
  }

  /** Scans with limit 1, so that every record end is reported by lastEnd(). */
  private static Run scanOneRecordAtATime(Case c, Random random) {
    Run run = new Run(c);
    forEachChunk(c, random, (buffer, from, to, offset) -> {
      int position = from;
      while (position < to) {
        int next = run.scanner.scan(buffer, position, to, 1);
        assertThat(next).as("scan(%s, %s, 1) must take something and stay in its slice", position, to)
            .isGreaterThan(position).isLessThanOrEqualTo(to);
        run.took(buffer, position, next, to);
        if (run.scanner.lastEnd() >= 0) {
          assertThat(run.scanner.lastEnd()).as("lastEnd() with limit 1").isEqualTo(next);
          run.ends.add(run.scanner.lastEnd() - offset);
        }
        position = next;
      }
    });
    return run;
  }

  /** Scans with random limits (zero and negative too), checking each call against the reference. */
  private static Run scanWithRandomLimits(Case c, Random random) {
    Run run = new Run(c);
    List<Integer> reference = referenceEnds(c.pattern(), c.input());
    forEachChunk(c, random, (buffer, from, to, offset) -> {
      int position = from;
      int stuck = 0;
      while (position < to) {
        long limit = randomLimit(random);
        long recordsBefore = run.scanner.records();
        int next = run.scanner.scan(buffer, position, to, limit);
        run.took(buffer, position, next, to);
        int start = position - offset;
        int end = to - offset;
        List<Integer> inSlice = reference.stream().filter(e -> e > start && e <= end).toList();
        if (limit <= 0) {
          assertThat(next).as("limit %s takes nothing", limit).isEqualTo(position);
          assertThat(run.scanner.lastEnd()).as("lastEnd() after limit %s", limit).isEqualTo(-1);
          assertThat(run.scanner.records()).isEqualTo(recordsBefore);
          assertThat(++stuck).as("too many zero limits in a row").isLessThan(1000);
          continue;
        }
        stuck = 0;
        int expectedNext = inSlice.size() >= limit ? inSlice.get((int) limit - 1) + offset : to;
        assertThat(next).as("scan(%s, %s, %s) with record ends %s", start, end, limit, inSlice)
            .isEqualTo(expectedNext);
        List<Integer> found = inSlice.stream().filter(e -> e <= expectedNext - offset).toList();
        assertThat(run.scanner.records() - recordsBefore).as("records found").isEqualTo(found.size());
        assertThat(run.scanner.lastEnd())
            .as("lastEnd() of scan(%s, %s, %s)", start, end, limit)
            .isEqualTo(found.isEmpty() ? -1 : found.get(found.size() - 1) + offset);
        run.ends.addAll(found);
        position = next;
      }
    });
    assertThat(run.ends).as("record ends over all calls").isEqualTo(reference);
    return run;
  }

  private static long randomLimit(Random random) {
    switch (random.nextInt(8)) {
      case 0:
        return 0;
      case 1:
        return -random.nextInt(3) - 1;
      case 2:
        return Long.MAX_VALUE;
      default:
        return 1 + random.nextInt(3);
    }
  }

  private interface ChunkConsumer {
    /** A chunk is {@code buffer[from, to)}; {@code offset} is where input index 0 would be in buffer. */
    void accept(byte[] buffer, int from, int to, int offset);
  }

  /**
   * Hands each chunk over in its own buffer, surrounded by newlines that the scanner must not read: reading
   * outside its slice would show up as extra record ends.
   */
  private static void forEachChunk(Case c, Random random, ChunkConsumer consumer) {
    int from = 0;
    for (int i = 0; i <= c.splits().length; i++) {
      int to = i < c.splits().length ? c.splits()[i] : c.input().length;
      int before = random.nextInt(4);
      int after = random.nextInt(4);
      byte[] buffer = new byte[before + (to - from) + after];
      Arrays.fill(buffer, (byte) '\n');
      System.arraycopy(c.input(), from, buffer, before, to - from);
      consumer.accept(buffer, before, before + (to - from), before - from);
      from = to;
    }
  }

  // --- the reference ----------------------------------------------------------------------------------

  /**
   * Record ends by the definition: split into lines; a line (without its newline) ends a record when the
   * pattern is found in its ISO-8859-1 reading (only \n ends a line, as with UNIX_LINES), or always for the
   * empty pattern.
   */
  static List<Integer> referenceEnds(String pattern, byte[] input) {
    String text = new String(input, ISO_8859_1);
    Pattern regex = pattern.isEmpty() ? null : Pattern.compile(pattern, Pattern.UNIX_LINES);
    List<Integer> ends = new ArrayList<>();
    int start = 0;
    for (int newline = text.indexOf('\n'); newline >= 0; newline = text.indexOf('\n', start)) {
      String line = text.substring(start, newline);
      if (regex == null || regex.matcher(line).find()) {
        ends.add(newline + 1);
      }
      start = newline + 1;
    }
    return ends;
  }

  // --- generation -------------------------------------------------------------------------------------

  static Case randomCase(long seed) {
    Random random = new Random(seed);
    String pattern = PATTERNS.get(random.nextInt(PATTERNS.size()));
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    int tokens = random.nextInt(10) == 0 ? 0 : random.nextInt(random.nextBoolean() ? 8 : 60);
    for (int i = 0; i < tokens; i++) {
      int kind = random.nextInt(20);
      if (kind < 14) {
        input.writeBytes(TOKENS[random.nextInt(TOKENS.length)].getBytes(ISO_8859_1));
      } else if (kind < 18) {
        input.write(random.nextInt(256));
      } else if (kind < 19) {
        input.write('\n');
        input.write('a');
        for (int n = random.nextInt(400); n > 0; n--) {
          input.write(' ' + random.nextInt(95));
        }
        input.write('b');
        if (random.nextBoolean()) {
          input.write('\n');
        }
      } else {
        input.write('\n');
      }
    }
    byte[] bytes = input.toByteArray();
    int[] splits = new int[random.nextInt(Math.min(bytes.length, 10) + 1)];
    for (int i = 0; i < splits.length; i++) {
      splits[i] = random.nextInt(bytes.length + 1);
    }
    Arrays.sort(splits);
    return new Case(seed, pattern, bytes, splits);
  }

  // --- running ----------------------------------------------------------------------------------------

  private interface CaseCheck {
    void check(Case c);
  }

  private static void forAllCases(CaseCheck check) {
    long[] current = {FIRST_SEED};
    assertTimeoutPreemptively(
        NO_CASE_TAKES_THIS_LONG,
        () -> {
          for (int i = 0; i < CASES; i++) {
            current[0] = FIRST_SEED + i;
            Case c = randomCase(current[0]);
            try {
              check.check(c);
            } catch (AssertionError e) {
              throw new AssertionError(c + "\n" + e.getMessage(), e);
            }
          }
        },
        () -> "the scanner hung (or was far too slow) at " + randomCase(current[0]));
  }

  private static String escape(byte[] bytes) {
    StringBuilder text = new StringBuilder();
    for (byte b : bytes) {
      int value = b & 0xff;
      if (value == '\n') {
        text.append("\\n");
      } else if (value == '\r') {
        text.append("\\r");
      } else if (value == '\\' || value == '"') {
        text.append('\\').append((char) value);
      } else if (value >= 0x20 && value < 0x7f) {
        text.append((char) value);
      } else {
        text.append(String.format("\\x%02x", value));
      }
    }
    return text.toString();
  }
}
