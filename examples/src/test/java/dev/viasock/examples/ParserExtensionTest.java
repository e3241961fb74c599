package dev.viasock.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.viasock.Serverizer;
import dev.viasock.junit.ServerizedProgram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The banner parser as a test fixture through the JUnit 5 extension (viasock-junit): the same fixture as
 * {@link ParserFixtureTest}, without the set-up and tear-down. The extension starts the parser before the
 * tests (a parser that cannot start fails the class with its own error), gives each test its own session,
 * and after the tests stops the server and checks that nothing is left running.
 */
class ParserExtensionTest {
  @RegisterExtension
  static final ServerizedProgram parser =
      ServerizedProgram.of(Serverizer.builder("./banner-parser")
          .preludeLines(1) //        its banner is one line
          .outputTerminator("^$")); // each answer ends with an empty line

  @Test
  void theBannerIsThePrelude() {
    assertThat(parser.prelude()).isEqualTo("banner-parser 1.0 (toy grammar loaded)\n");
  }

  @Test
  void aWordIsAnsweredWithOneRecordEndingInAnEmptyLine() {
    assertThat(parser.call("fox\n")).isEqualTo("token\tfox\nupper\tFOX\nshape\tlower\nlength\t3\n\n");
  }

  @Test
  void aTextStreamsThroughAfterTheBanner() {
    assertThat(parser.run("42\nJumps\n"))
        .startsWith("banner-parser 1.0 (toy grammar loaded)\ntoken\t42\n")
        .contains("shape\tnumber\n", "shape\tmixed\n");
  }
}
