package dev.viasock;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordScannerTest {

  // --- which lines end a record ---------------------------------------------------------------------

  @Test
  void byDefaultEveryNewlineEndsARecord() {
    RecordScanner scanner = new RecordScanner(Terminator.everyLine());
    byte[] input = latin1("a\nbb\n\nccc\n");
    assertThat(Scans.recordEnds(scanner, input)).containsExactly(2, 5, 6, 10);
    assertThat(scanner.records()).isEqualTo(4);
    assertThat(scanner.inRecord()).isFalse();
  }

  @Test
  void theEmptyPatternBehavesLikeTheDefault() {
    byte[] input = latin1("a\nbb\n\nccc\nd");
    assertThat(Scans.recordEnds(new RecordScanner(Terminator.of("")), input))
        .isEqualTo(Scans.recordEnds(new RecordScanner(Terminator.everyLine()), input))
        .containsExactly(2, 5, 6, 10);
  }

  @Test
  void anEmptyLineEndsARecordWithTheEmptyLinePattern() {
    RecordScanner scanner = new RecordScanner(Terminator.of("^$"));
    // a\n b\n \n | c\n \n | \n
    byte[] input = latin1("a\nb\n\nc\n\n\n");
    assertThat(Scans.recordEnds(scanner, input)).containsExactly(5, 8, 9);
    assertThat(scanner.records()).isEqualTo(3);
    assertThat(scanner.inRecord()).isFalse();
  }

  @Test
  void onlyAWholeEosLineEndsARecordWithTheEosPattern() {
    RecordScanner scanner = new RecordScanner(Terminator.of("^EOS$"));
    // x\n EOS\n | y\n EOSx\n  EOS\n xEOS\n EOS\n |
    byte[] input = latin1("x\nEOS\ny\nEOSx\n EOS\nxEOS\nEOS\n");
    assertThat(Scans.recordEnds(scanner, input)).containsExactly(6, 27);
    assertThat(scanner.inRecord()).isFalse();
  }

  @Test
  void recordsSplitAcrossChunksAtEveryPossiblePointEndWhereTheyWouldWhole() {
    byte[] input = latin1("x\nEOS\nyy\nEOSEOS\nEOS\nz");
    List<Integer> whole = Scans.recordEnds(new RecordScanner(Terminator.of("^EOS$")), input);
    assertThat(whole).containsExactly(6, 20);
    for (int i = 0; i <= input.length; i++) {
      for (int j = i; j <= input.length; j++) {
        RecordScanner scanner = new RecordScanner(Terminator.of("^EOS$"));
        assertThat(Scans.recordEnds(scanner, input, i, j)).as("split at %s and %s", i, j).isEqualTo(whole);
        assertThat(scanner.inRecord()).as("unterminated 'z' at the end, split at %s and %s", i, j).isTrue();
      }
    }
  }

  @Test
  void aLineFedOneByteAtATimeIsMatchedWhole() {
    byte[] input = latin1("aaa EOS\nEOS\n");
    int[] everyByte = new int[input.length - 1];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = i + 1;
    }
    RecordScanner scanner = new RecordScanner(Terminator.of("^EOS$"));
    assertThat(Scans.recordEnds(scanner, input, everyByte)).containsExactly(12);
  }

  @Test
  void aLineLongerThanAnyBufferIsMatchedWholeAcrossChunks() {
    String longLine = "a".repeat(10_000) + "END";
    byte[] input = latin1(longLine + "\n" + longLine + "x\n");
    RecordScanner scanner = new RecordScanner(Terminator.of("^a+END$"));
    assertThat(Scans.recordEnds(scanner, input, 100, 5000, 9999, 10_003, 10_004, 15_000))
        .containsExactly(longLine.length() + 1);
    assertThat(scanner.inRecord()).isTrue();
  }

  // --- scan's limit -----------------------------------------------------------------------------------

  @Test
  void scanStopsJustAfterTheLimitThRecordEnd() {
    RecordScanner scanner = new RecordScanner(Terminator.everyLine());
    byte[] input = latin1("a\nb\nc\nd");
    assertThat(scanner.scan(input, 0, input.length, 2)).isEqualTo(4);
    assertThat(scanner.lastEnd()).isEqualTo(4);
    assertThat(scanner.records()).isEqualTo(2);
    assertThat(scanner.inRecord()).isFalse();

    assertThat(scanner.scan(input, 4, input.length, 2)).as("one record end, then the tail").isEqualTo(7);
    assertThat(scanner.lastEnd()).isEqualTo(6);
    assertThat(scanner.records()).isEqualTo(3);
    assertThat(scanner.inRecord()).isTrue();
  }

  @Test
  void scanStopsJustAfterTheLimitThRecordEndWithAPattern() {
    RecordScanner scanner = new RecordScanner(Terminator.of("^$"));
    byte[] input = latin1("a\n\nb\n\nc\n\n");
    assertThat(scanner.scan(input, 0, input.length, 1)).isEqualTo(3);
    assertThat(scanner.scan(input, 3, input.length, 2)).isEqualTo(input.length);
    assertThat(scanner.lastEnd()).isEqualTo(input.length);
    assertThat(scanner.records()).isEqualTo(3);
  }

  @Test
  void aLimitReachedAtTheEndOfTheChunkTakesTheWholeChunk() {
    RecordScanner scanner = new RecordScanner(Terminator.everyLine());
    byte[] input = latin1("a\nb\n");
    assertThat(scanner.scan(input, 0, input.length, 2)).isEqualTo(4);
    assertThat(scanner.lastEnd()).isEqualTo(4);
    assertThat(scanner.inRecord()).isFalse();
  }

  @Test
  void aLimitAboveTheRecordsInTheChunkTakesTheWholeChunk() {
    RecordScanner scanner = new RecordScanner(Terminator.everyLine());
    byte[] input = latin1("a\nb\nc");
    assertThat(scanner.scan(input, 0, input.length, 10)).isEqualTo(5);
    assertThat(scanner.lastEnd()).isEqualTo(4);
    assertThat(scanner.records()).isEqualTo(2);
  }

  @Test
  void aLimitOfZeroTakesNothingAndChangesNothing() {
    RecordScanner scanner = new RecordScanner(Terminator.of("^EOS$"));
    byte[] input = latin1("EO");
    scanner.scan(input, 0, 2, Long.MAX_VALUE);
    assertThat(scanner.inRecord()).isTrue();

    byte[] rest = latin1("S\nEOS\n");
    for (long limit : new long[] {0, -1, Long.MIN_VALUE}) {
      assertThat(scanner.scan(rest, 0, rest.length, limit)).as("limit %s", limit).isZero();
      assertThat(scanner.lastEnd()).isEqualTo(-1);
      assertThat(scanner.records()).isZero();
      assertThat(scanner.inRecord()).isTrue();
    }
    assertThat(scanner.scan(rest, 0, rest.length, 1)).as("the held 'EO' still joins 'S'").isEqualTo(2);
  }

  @Test
  void scanWorksOnASliceAndReportsIndexesInTheWholeArray() {
    // The bytes outside [from, to) are newlines: reading them would show up as extra record ends.
    byte[] buffer = latin1("\n\n\nab\ncd\n\n\n");
    RecordScanner scanner = new RecordScanner(Terminator.everyLine());
    assertThat(scanner.scan(buffer, 3, 8, Long.MAX_VALUE)).isEqualTo(8);
    assertThat(scanner.lastEnd()).isEqualTo(6);
    assertThat(scanner.records()).isEqualTo(1);
    assertThat(scanner.inRecord()).isTrue();
    assertThat(scanner.scan(buffer, 8, 8, Long.MAX_VALUE)).as("an empty slice").isEqualTo(8);
    assertThat(scanner.lastEnd()).isEqualTo(-1);
  }

  // --- inRecord and lastEnd ---------------------------------------------------------------------------

  @Test
  void inRecordSaysWhetherBytesWereTakenSinceTheLastRecordEnd() {
    RecordScanner scanner = new RecordScanner(Terminator.of("^$"));
    assertThat(scanner.inRecord()).as("fresh").isFalse();
    scan(scanner, "par");
    assertThat(scanner.inRecord()).as("partial line").isTrue();
    scan(scanner, "tial\n");
    assertThat(scanner.inRecord()).as("whole line that does not end the record").isTrue();
    scan(scanner, "\n");
    assertThat(scanner.inRecord()).as("after the empty line").isFalse();
    scan(scanner, "");
    assertThat(scanner.inRecord()).as("an empty chunk takes nothing").isFalse();
  }

  @Test
  void inRecordWithEveryLineIsTrueExactlyWhileALineIsOpen() {
    RecordScanner scanner = new RecordScanner(Terminator.everyLine());
    scan(scanner, "abc");
    assertThat(scanner.inRecord()).isTrue();
    scan(scanner, "\n");
    assertThat(scanner.inRecord()).isFalse();
    scan(scanner, "x\ny");
    assertThat(scanner.inRecord()).isTrue();
  }

  @Test
  void lastEndIsTheLastRecordEndOfTheLatestScanOnly() {
    RecordScanner scanner = new RecordScanner(Terminator.everyLine());
    byte[] input = latin1("a\nb\nc");
    scanner.scan(input, 0, 5, Long.MAX_VALUE);
    assertThat(scanner.lastEnd()).isEqualTo(4);
    scanner.scan(latin1("cc"), 0, 2, Long.MAX_VALUE);
    assertThat(scanner.lastEnd()).as("no record end in this scan").isEqualTo(-1);
    scanner.scan(latin1("\n"), 0, 1, Long.MAX_VALUE);
    assertThat(scanner.lastEnd()).isEqualTo(1);
  }

  // --- bytes, not text --------------------------------------------------------------------------------

  @Test
  void carriageReturnsAreKeptAndOnlyNewlinesEndLines() {
    RecordScanner scanner = new RecordScanner(Terminator.everyLine());
    byte[] input = latin1("a\r\nb\r\nc\rd\n");
    assertThat(Scans.recordEnds(scanner, input)).containsExactly(3, 6, 10);
    assertThat(scanner.inRecord()).isFalse();
  }

  @Test
  void aCarriageReturnAloneNeverEndsALine() {
    RecordScanner scanner = new RecordScanner(Terminator.everyLine());
    scan(scanner, "a\rb\r");
    assertThat(scanner.records()).isZero();
    assertThat(scanner.inRecord()).isTrue();
  }

  @Test
  void bytesThatAreNotUtf8AreFramedLikeAnyOther() {
    byte[] input = {(byte) 0xff, (byte) 0xfe, '\n', 'E', 'O', 'S', '\n', (byte) 0x80, (byte) 0xc3, 0, '\n',
        'E', 'O', 'S', '\n'};
    RecordScanner scanner = new RecordScanner(Terminator.of("^EOS$"));
    assertThat(Scans.recordEnds(scanner, input)).containsExactly(7, 15);
    RecordScanner lines = new RecordScanner(Terminator.everyLine());
    assertThat(Scans.recordEnds(lines, input)).containsExactly(3, 7, 11, 15);
  }

  @Test
  void aPatternCanMatchARawByteThatIsNotUtf8() {
    byte[] input = {'a', '\n', (byte) 0xff, '\n', (byte) 0xff, 'x', '\n'};
    RecordScanner scanner = new RecordScanner(Terminator.of("^\\xff$"));
    assertThat(Scans.recordEnds(scanner, input)).containsExactly(4);
  }

  @Test
  void aLiteralNonAsciiPatternMatchesTheSameUtf8BytesInALine() {
    byte[] input = concat(utf8("Grüße\n"), latin1("Grüße\n"), utf8("x\nGrüße\n"), utf8("日本語\n"));
    RecordScanner scanner = new RecordScanner(Terminator.of("^Grüße$"));
    int utf8Line = utf8("Grüße\n").length;
    int latin1Line = latin1("Grüße\n").length;
    assertThat(Scans.recordEnds(scanner, input))
        .as("the ISO-8859-1 spelling of the word is not the pattern's UTF-8 spelling")
        .containsExactly(utf8Line, utf8Line + latin1Line + utf8Line + 2);

    RecordScanner cjk = new RecordScanner(Terminator.of("本"));
    assertThat(Scans.recordEnds(cjk, input)).containsExactly(input.length);
  }

  @Test
  void aNonAsciiPatternMatchesEvenWhenItsUtf8BytesAreSplitAcrossChunks() {
    byte[] input = utf8("Grüße\n");
    for (int split = 0; split <= input.length; split++) {
      RecordScanner scanner = new RecordScanner(Terminator.of("^Grüße$"));
      assertThat(Scans.recordEnds(scanner, input, split)).as("split at %s", split).containsExactly(input.length);
    }
  }

  @Test
  void aDotMatchesEveryByteOfAUtf8Line() {
    // "х" (Cyrillic kha) is D1 85 in UTF-8; read as ISO-8859-1 the 0x85 becomes U+0085 NEXT LINE, which
    // java.util.regex treats as a line terminator unless Pattern.UNIX_LINES is given.
    byte[] input = utf8("aхb\n");
    RecordScanner scanner = new RecordScanner(Terminator.of("^a.*b$"));
    assertThat(Scans.recordEnds(scanner, input)).containsExactly(input.length);
  }

  @Test
  void theEmptyLinePatternMatchesOnlyAnEmptyLine() {
    // Byte 0x85 is "…" in Windows-1252. Read as ISO-8859-1 it is U+0085 NEXT LINE, a line terminator to
    // java.util.regex, and '$' matches before a final line terminator: so the one-byte line "…" counts as
    // empty and "EOS…" as "EOS". (The UTF-8 line "々", E3 80 85, is a control: it does not match.)
    byte[] input = concat(utf8("々\n"), new byte[] {(byte) 0x85, '\n'}, latin1("\n"));
    RecordScanner scanner = new RecordScanner(Terminator.of("^$"));
    assertThat(Scans.recordEnds(scanner, input)).containsExactly(input.length);
    RecordScanner eos = new RecordScanner(Terminator.of("^EOS$"));
    assertThat(Scans.recordEnds(eos, concat(latin1("EOS"), new byte[] {(byte) 0x85, '\n'}))).isEmpty();
  }

  // --- reset ------------------------------------------------------------------------------------------

  @Test
  void resetForgetsAPartialLine() {
    RecordScanner scanner = new RecordScanner(Terminator.of("^EOS$"));
    scan(scanner, "EO");
    assertThat(scanner.inRecord()).isTrue();
    scanner.reset();
    assertThat(scanner.inRecord()).isFalse();
    scan(scanner, "S\n");
    assertThat(scanner.records()).as("the line is 'S', not 'EOS'").isZero();
    scan(scanner, "EOS\n");
    assertThat(scanner.records()).isEqualTo(1);
  }

  @Test
  void withoutResetAPartialLineJoinsTheNextChunk() {
    RecordScanner scanner = new RecordScanner(Terminator.of("^EOS$"));
    scan(scanner, "EO");
    scan(scanner, "S\n");
    assertThat(scanner.records()).isEqualTo(1);
  }

  @Test
  void resetForgetsARecordInProgressButKeepsTheCount() {
    RecordScanner scanner = new RecordScanner(Terminator.of("^$"));
    scan(scanner, "a\n\nb\n");
    assertThat(scanner.records()).isEqualTo(1);
    assertThat(scanner.inRecord()).isTrue();
    scanner.reset();
    assertThat(scanner.inRecord()).isFalse();
    assertThat(scanner.records()).isEqualTo(1);
  }

  // --- helpers ----------------------------------------------------------------------------------------

  private static void scan(RecordScanner scanner, String text) {
    byte[] bytes = latin1(text);
    assertThat(scanner.scan(bytes, 0, bytes.length, Long.MAX_VALUE)).isEqualTo(bytes.length);
  }

  static byte[] latin1(String text) {
    return text.getBytes(ISO_8859_1);
  }

  static byte[] utf8(String text) {
    return text.getBytes(UTF_8);
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
