package dev.viasock.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.viasock.Serverizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code examples/banner-parser} through {@link Serverizer#run}: a one-line banner (a prelude of one line)
 * and records that end with an empty line. The command line equivalent is
 * {@code viasock run --prelude-lines 1 -T '^$' examples/banner-parser}.
 */
class BannerParserTest {
  private static final String BANNER = "banner-parser 1.0 (toy grammar loaded)\n";

  @TempDir Path stateDirectory;
  Serverizer parser;

  @BeforeEach
  void buildTheServerizer() {
    parser = Serverizer.builder("./banner-parser")
        .preludeLines(1)
        .outputTerminator("^$")
        .stateDirectory(stateDirectory)
        .build();
  }

  @AfterEach
  void stopTheServer() throws Exception {
    parser.stop();
    NothingLeftRunning.check(stateDirectory);
  }

  private byte[] run(byte[] input) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    parser.run(new ByteArrayInputStream(input), out);
    return out.toByteArray();
  }

  @Test
  void everyCallGetsTheBannerThenOneRecordPerWord() {
    byte[] expected = (BANNER
        + "token\tfox\nupper\tFOX\nshape\tlower\nlength\t3\n\n"
        + "token\tJumps\nupper\tJUMPS\nshape\tmixed\nlength\t5\n\n").getBytes(UTF_8);

    assertThat(run("fox\nJumps\n".getBytes(UTF_8))).isEqualTo(expected);
    assertThat(run("fox\nJumps\n".getBytes(UTF_8))).as("the second call, served warm").isEqualTo(expected);
  }

  @Test
  void emptyInputGetsJustTheBanner() {
    assertThat(run(new byte[0])).isEqualTo(BANNER.getBytes(UTF_8));
  }

  @Test
  void bytesPassUnchangedWhateverTheirEncoding() {
    byte[] word = {'c', 'a', 'f', (byte) 0xE9, (byte) 0xFF, '\r'}; // Latin-1, an invalid UTF-8 byte, a CR
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.writeBytes(BANNER.getBytes(UTF_8));
    expected.writeBytes("token\t".getBytes(UTF_8));
    expected.writeBytes(word);
    expected.writeBytes("\nupper\tCAF".getBytes(UTF_8));
    expected.writeBytes(new byte[] {(byte) 0xE9, (byte) 0xFF, '\r'});
    expected.writeBytes("\nshape\tother\nlength\t6\n\n".getBytes(UTF_8));
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    input.writeBytes(word);
    input.write('\n');

    assertThat(run(input.toByteArray())).isEqualTo(expected.toByteArray());
  }
}
