package dev.viasock.examples;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.viasock.Serverizer;
import dev.viasock.Session;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A slow-starting parser as a test fixture: the class opens one {@link Session} before its tests and closes
 * it after them, so the parser's start-up is paid once per class (and once per server lifetime across test
 * runs), and each test sends records with {@link Session#call}. Copy this shape for your own parser.
 */
class ParserFixtureTest {
  @TempDir static Path stateDirectory;

  static Serverizer parser;
  static Session session;

  @BeforeAll
  static void openTheParser() {
    parser = Serverizer.builder("./banner-parser")
        .preludeLines(1) //          its banner is one line
        .outputTerminator("^$") //   each answer ends with an empty line
        .stateDirectory(stateDirectory) // a private server for this class; leave it out to share the user's
        .build();
    session = parser.openSession();
  }

  @AfterAll
  static void closeTheParser() throws Exception {
    if (session != null) {
      session.close(); // gives the worker back
    }
    if (parser != null) {
      parser.stop(); //   stops the server now instead of after 15 idle seconds
    }
    NothingLeftRunning.check(stateDirectory);
  }

  private static String parse(String word) {
    return new String(session.call((word + "\n").getBytes(UTF_8)), UTF_8);
  }

  @Test
  void theBannerIsTheSessionsPrelude() {
    assertThat(new String(session.prelude(), UTF_8)).isEqualTo("banner-parser 1.0 (toy grammar loaded)\n");
  }

  @Test
  void aWordIsAnsweredWithOneRecordEndingInAnEmptyLine() {
    assertThat(parse("fox")).isEqualTo("token\tfox\nupper\tFOX\nshape\tlower\nlength\t3\n\n");
  }

  @Test
  void eachCallGetsTheAnswerToItsOwnRecord() {
    assertThat(parse("42")).contains("shape\tnumber\n");
    assertThat(parse("Jumps")).contains("shape\tmixed\n");
    assertThat(parse("")).isEqualTo("token\t\nupper\t\nshape\tempty\nlength\t0\n\n");
  }

  @Test
  void aCallTakesExactlyOneWholeInputRecord() {
    assertThatThrownBy(() -> session.call("no newline".getBytes(UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> session.call("two\nwords\n".getBytes(UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(parse("still-fine")).startsWith("token\tstill-fine\n");
  }
}
