package dev.viasock;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Decides which lines end a record: a record ends with the first line (without its {@code \n}) in which the
 * pattern is found. The empty pattern, the default, makes every line a record and needs no regex at all.
 *
 * <p>Lines are bytes, never decoded text. The pattern is matched against the line's bytes read as ISO-8859-1
 * (one char per byte), and the pattern itself is turned into the ISO-8859-1 reading of its UTF-8 bytes, so
 * that a literal non-ASCII pattern finds the same bytes in the line whatever their encoding.
 */
final class Terminator {
  private static final Terminator EVERY_LINE = new Terminator("", null);

  private final String source;
  private final Pattern pattern;

  private Terminator(String source, Pattern pattern) {
    this.source = source;
    this.pattern = pattern;
  }

  static Terminator everyLine() {
    return EVERY_LINE;
  }

  /**
   * Compiles {@code regex}.
   *
   * @throws IllegalArgumentException naming the pattern, when it is not a valid regular expression
   */
  static Terminator of(String regex) {
    if (regex.isEmpty()) {
      return EVERY_LINE;
    }
    try {
      // UNIX_LINES: only \n ends a line, so that bytes such as 0x85 or \r in the Latin-1 view are plain chars.
      return new Terminator(
          regex, Pattern.compile(new String(regex.getBytes(UTF_8), ISO_8859_1), Pattern.UNIX_LINES));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "invalid pattern '" + regex + "': " + e.getDescription() + " near index " + e.getIndex(), e);
    }
  }

  String source() {
    return source;
  }

  boolean everyLineEndsARecord() {
    return pattern == null;
  }

  /** A matcher for lines, to be reused by one scanner (matchers are not thread-safe). */
  LineMatcher newLineMatcher() {
    return pattern == null ? line -> true : new RegexLineMatcher(pattern);
  }

  @Override
  public String toString() {
    return "'" + source + "'";
  }

  /** Matches one line held in a {@link Latin1Line}. */
  interface LineMatcher {
    boolean endsRecord(Latin1Line line);
  }

  private static final class RegexLineMatcher implements LineMatcher {
    private final Matcher matcher;

    RegexLineMatcher(Pattern pattern) {
      this.matcher = pattern.matcher("");
    }

    @Override
    public boolean endsRecord(Latin1Line line) {
      return matcher.reset(line).find();
    }
  }
}
