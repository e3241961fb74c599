package dev.viasock.cli;

import dev.viasock.cli.HelpText.Block;
import dev.viasock.cli.HelpText.Heading;
import dev.viasock.cli.HelpText.Item;
import dev.viasock.cli.HelpText.Listing;
import dev.viasock.cli.HelpText.Paragraph;
import dev.viasock.cli.HelpText.Usage;
import java.util.List;
import java.util.regex.Pattern;

/**
 * viasock(1), rendered in roff from the {@link Help} texts at build time, so that the man page and
 * {@code --help} cannot drift apart: the top help gives NAME, SYNOPSIS and DESCRIPTION, each command's help
 * a subsection of COMMANDS, and the shared option and exit-status texts OPTIONS, EXIT STATUS and ENVIRONMENT.
 */
final class ManPage {
  /** Options and {@code --} in running text: typeset with minus signs, as man pages do. */
  private static final Pattern OPTION_WORD = Pattern.compile("(?<![\\w-])--?(?:[A-Za-z][\\w-]*)?(?![\\w])");

  private ManPage() {}

  static String render(String version) {
    StringBuilder page = new StringBuilder();
    page.append(".TH VIASOCK 1 \"\" \"viasock ").append(version).append("\" \"User Commands\"\n");
    List<Block> top = HelpText.parse(Help.TOP);
    String summary = top.stream().filter(Paragraph.class::isInstance).map(b -> ((Paragraph) b).text())
        .findFirst().orElseThrow(() -> new IllegalStateException("the top help has no paragraph"));
    page.append(".SH NAME\nviasock \\- ").append(text(Character.toLowerCase(summary.charAt(0))
        + summary.substring(1).replaceFirst("\\.$", ""))).append('\n');
    page.append(".SH SYNOPSIS\n.nf\n");
    for (Item command : HelpText.commandItems()) {
      page.append("\\fBviasock\\fR ").append(text(command.term())).append('\n');
    }
    page.append("\\fBviasock\\fR \\-\\-help | \\-\\-version\n.fi\n");
    page.append(".SH DESCRIPTION\n");
    for (Block block : top) {
      if (!(block instanceof Usage)) {
        render(block, false, page);
      }
    }
    page.append(".SH COMMANDS\n");
    for (String command : HelpText.commands()) {
      String help = Help.of(command);
      if (help == null) {
        throw new IllegalStateException("the command list names '" + command + "', which has no help text");
      }
      String own = help.replace(Help.EXIT_STATUSES, "").replace(Help.PROGRAM_OPTIONS, "");
      page.append(".SS \"viasock ").append(command).append("\"\n");
      HelpText.parse(own).forEach(block -> render(block, false, page));
      if (!own.equals(help)) {
        page.append(".PP\nIt takes the options listed under OPTIONS.\n");
      }
    }
    page.append(".SH OPTIONS\n");
    HelpText.parse(Help.PROGRAM_OPTIONS).forEach(block -> render(block, false, page));
    HelpText.parse(Help.EXIT_STATUSES).forEach(block -> render(block, true, page));
    page.append(".SH \"SEE ALSO\"\n")
        .append("docs/cli.md (every option, the state directory, the key of a server), docs/library.md (the Java\n")
        .append("API and the JUnit extension), in the distribution and at the project's repository.\n");
    return page.toString();
  }

  private static void render(Block block, boolean headingsAreSections, StringBuilder page) {
    if (block instanceof Usage usage) {
      page.append(".PP\n.nf\n");
      for (String line : usage.lines()) {
        page.append("\\fBviasock\\fR").append(text(line.substring("viasock".length()))).append('\n');
      }
      page.append(".fi\n");
    } else if (block instanceof Heading heading) {
      if (headingsAreSections) {
        page.append(".SH ").append(heading.text().toUpperCase(java.util.Locale.ROOT)).append('\n');
      } else {
        page.append(".PP\n\\fB").append(text(heading.text())).append(":\\fR\n");
      }
    } else if (block instanceof Paragraph paragraph) {
      page.append(".PP\n").append(text(paragraph.text())).append('\n');
    } else if (block instanceof Listing listing) {
      for (Item item : listing.items()) {
        page.append(".TP\n\\fB").append(text(item.term())).append("\\fR\n").append(text(item.description()))
            .append('\n');
      }
    }
  }

  /** Running text for roff: backslashes escaped, options with minus signs, no line taken for a request. */
  static String text(String plain) {
    String escaped = OPTION_WORD.matcher(plain.replace("\\", "\\e")).replaceAll(m -> m.group().replace("-", "\\\\-"));
    return escaped.startsWith(".") || escaped.startsWith("'") ? "\\&" + escaped : escaped;
  }
}
