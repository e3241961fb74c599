package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OutputSplitterTest {

  @Test
  void everyLineIsARecordByDefault() throws IOException {
    OutputSplitter splitter = new OutputSplitter(Framing.LINES);
    assertThat(split(splitter, "a\nbb\n\nccc\n")).containsExactly("a\n", "bb\n", "\n", "ccc\n");
    assertThat(splitter.inRecord()).isFalse();
  }

  @Test
  void theOutputTerminatorEndsMultiLineRecords() throws IOException {
    OutputSplitter splitter = new OutputSplitter(framing("^$", 0, 0));
    assertThat(split(splitter, "a\nb\n\nc\n\n\n")).containsExactly("a\nb\n\n", "c\n\n", "\n");
  }

  @Test
  void aPreludeInLinesIsLeftOut() throws IOException {
    OutputSplitter splitter = new OutputSplitter(framing("^$", 0, 2));
    assertThat(split(splitter, "banner\nready\nx\n\ny\n\n")).containsExactly("x\n\n", "y\n\n");
  }

  @Test
  void aPreludeInRecordsIsLeftOut() throws IOException {
    OutputSplitter splitter = new OutputSplitter(framing("^EOS$", 1, 0));
    assertThat(split(splitter, "hello\nEOS\nx\nEOS\n")).containsExactly("x\nEOS\n");
  }

  @Test
  void aRecordCutShortIsKeptAndReported() throws IOException {
    OutputSplitter splitter = new OutputSplitter(Framing.LINES);
    assertThat(split(splitter, "a\nb")).containsExactly("a\n");
    assertThat(splitter.inRecord()).isTrue();
  }

  @Test
  void recordsSplitAcrossWritesAtEveryPossiblePointComeOutWhole() throws IOException {
    String output = "ban\nner\nx\nEOS\nyy\nEOSEOS\nEOS\n\nEOS\n";
    byte[] bytes = output.getBytes(UTF_8);
    List<String> whole = split(new OutputSplitter(framing("^EOS$", 0, 2)), output);
    assertThat(whole).containsExactly("x\nEOS\n", "yy\nEOSEOS\nEOS\n", "\nEOS\n");
    for (int i = 0; i <= bytes.length; i++) {
      for (int j = i; j <= bytes.length; j++) {
        OutputSplitter splitter = new OutputSplitter(framing("^EOS$", 0, 2));
        List<String> records = new ArrayList<>();
        OutputSplitter.Receiver receiver = (b, offset, length) -> records.add(new String(b, offset, length, UTF_8));
        splitter.split(bytes, 0, i, receiver);
        splitter.split(bytes, i, j - i, receiver);
        splitter.split(bytes, j, bytes.length - j, receiver);
        assertThat(records).as("split at %s and %s", i, j).isEqualTo(whole);
        assertThat(splitter.inRecord()).isFalse();
      }
    }
  }

  private static Framing framing(String outputTerminator, int preludeRecords, int preludeLines) {
    return new Framing(Terminator.everyLine(), Terminator.of(outputTerminator), preludeRecords, preludeLines);
  }

  private static List<String> split(OutputSplitter splitter, String output) throws IOException {
    List<String> records = new ArrayList<>();
    byte[] bytes = output.getBytes(UTF_8);
    splitter.split(bytes, 0, bytes.length, (b, offset, length) -> records.add(new String(b, offset, length, UTF_8)));
    return records;
  }
}
