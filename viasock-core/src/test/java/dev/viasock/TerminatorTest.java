package dev.viasock;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TerminatorTest {

  @ParameterizedTest
  @ValueSource(strings = {"(", "[a-", "*x", "a{2,1}", "\\", "(?<n>x"})
  void anInvalidPatternIsRefusedWithAnIllegalArgumentExceptionNamingIt(String pattern) {
    assertThatThrownBy(() -> Terminator.of(pattern))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + pattern + "'")
        .hasCauseInstanceOf(PatternSyntaxException.class);
  }

  @Test
  void theEmptyPatternMakesEveryLineARecord() {
    Terminator empty = Terminator.of("");
    assertThat(empty.everyLineEndsARecord()).isTrue();
    assertThat(empty.source()).isEmpty();
    assertThat(empty).isSameAs(Terminator.everyLine());
    Terminator.LineMatcher matcher = empty.newLineMatcher();
    assertThat(matcher.endsRecord(line(""))).isTrue();
    assertThat(matcher.endsRecord(line("anything at all"))).isTrue();
  }

  @Test
  void aNonEmptyPatternKeepsItsSourceAndUsesTheRegex() {
    Terminator eos = Terminator.of("^EOS$");
    assertThat(eos.everyLineEndsARecord()).isFalse();
    assertThat(eos.source()).isEqualTo("^EOS$");
    assertThat(eos.toString()).isEqualTo("'^EOS$'");
    Terminator.LineMatcher matcher = eos.newLineMatcher();
    assertThat(matcher.endsRecord(line("EOS"))).isTrue();
    assertThat(matcher.endsRecord(line("EOS "))).isFalse();
    assertThat(matcher.endsRecord(line("xEOS"))).isFalse();
    assertThat(matcher.endsRecord(line(""))).isFalse();
  }

  @Test
  void theRegexIsFoundAnywhereInTheLineNotMatchedAgainstAllOfIt() {
    Terminator.LineMatcher matcher = Terminator.of("[0-9]+").newLineMatcher();
    assertThat(matcher.endsRecord(line("abc 42 def"))).isTrue();
    assertThat(matcher.endsRecord(line("abc def"))).isFalse();
  }

  @Test
  void oneMatcherCanBeReusedForManyLines() {
    Terminator.LineMatcher matcher = Terminator.of("^$").newLineMatcher();
    Latin1Line reused = new Latin1Line();
    for (String text : new String[] {"a", "", "bb", "", "", "c"}) {
      reused.clear();
      byte[] bytes = text.getBytes(ISO_8859_1);
      reused.append(bytes, 0, bytes.length);
      assertThat(matcher.endsRecord(reused)).as("line '%s'", text).isEqualTo(text.isEmpty());
    }
  }

  private static Latin1Line line(String text) {
    byte[] bytes = text.getBytes(ISO_8859_1);
    Latin1Line line = new Latin1Line();
    line.append(bytes, 0, bytes.length);
    return line;
  }
}
