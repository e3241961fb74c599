package dev.viasock.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A help text of {@link Help} read as blocks (usage lines, headings, paragraphs, two-column lists), for the
 * build to render as a man page and as completions. A list's items start two spaces in; its descriptions
 * start in the column where the first item's does, and a line with nothing left of that column continues the
 * item above.
 */
final class HelpText {
  /** {@code -t, --input-terminator PATTERN}, {@code --stderr}, {@code -f, --follow}. */
  private static final Pattern OPTION =
      Pattern.compile("(?:(-[A-Za-z0-9]),\\s+)?(--[a-z][a-z0-9-]*)(?:[ =]([A-Z][A-Z_]*))?");

  sealed interface Block permits Usage, Heading, Paragraph, Listing {}

  /** The usage lines, each starting with {@code viasock}. */
  record Usage(List<String> lines) implements Block {}

  /** A line such as {@code Exit status:}, without its colon. */
  record Heading(String text) implements Block {}

  record Paragraph(String text) implements Block {}

  record Listing(List<Item> items) implements Block {}

  /** One entry of a list: its term (an option, a command, a status) and its description as one line. */
  record Item(String term, String description) {}

  /** An option of a list: {@code -t}, {@code --input-terminator}, {@code PATTERN} (short and value may be null). */
  record Option(String shortName, String longName, String value, String description) {}

  private HelpText() {}

  static List<Block> parse(String text) {
    List<String> lines = List.of(text.split("\n", -1));
    List<Block> blocks = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String line = lines.get(i);
      if (line.isBlank()) {
        i++;
      } else if (line.startsWith("Usage: ")) {
        List<String> usage = new ArrayList<>(List.of(line.substring("Usage: ".length()).trim()));
        for (i++; i < lines.size() && lines.get(i).trim().startsWith("viasock "); i++) {
          usage.add(lines.get(i).trim());
        }
        blocks.add(new Usage(usage));
      } else if (!line.startsWith(" ") && line.endsWith(":")) {
        blocks.add(new Heading(line.substring(0, line.length() - 1)));
        i++;
      } else if (line.startsWith("  ")) {
        int column = descriptionColumn(line);
        List<Item> items = new ArrayList<>();
        for (; i < lines.size() && lines.get(i).startsWith(" "); i++) {
          String item = lines.get(i);
          String term = item.substring(0, Math.min(column, item.length())).trim();
          String description = item.length() > column ? item.substring(column).trim() : "";
          if (term.isEmpty() && !items.isEmpty()) {
            Item last = items.remove(items.size() - 1);
            items.add(new Item(last.term(), (last.description() + " " + description).trim()));
          } else {
            items.add(new Item(term, description));
          }
        }
        blocks.add(new Listing(items));
      } else {
        StringBuilder paragraph = new StringBuilder(line.trim());
        for (i++; i < lines.size() && !lines.get(i).isBlank() && !lines.get(i).startsWith(" "); i++) {
          paragraph.append(' ').append(lines.get(i).trim());
        }
        blocks.add(new Paragraph(paragraph.toString()));
      }
    }
    return blocks;
  }

  /** Where the description of a list's first item starts: after the first run of two or more spaces. */
  private static int descriptionColumn(String line) {
    int start = line.length() - line.stripLeading().length();
    int gap = line.indexOf("  ", start);
    if (gap < 0) {
      return line.length();
    }
    int column = gap;
    while (column < line.length() && line.charAt(column) == ' ') {
      column++;
    }
    return column;
  }

  /** The options that a help text lists, in order. */
  static List<Option> options(String text) {
    List<Option> options = new ArrayList<>();
    for (Block block : parse(text)) {
      if (block instanceof Listing listing) {
        for (Item item : listing.items()) {
          option(item).ifPresent(options::add);
        }
      }
    }
    return options;
  }

  static Optional<Option> option(Item item) {
    Matcher matcher = OPTION.matcher(item.term());
    if (!matcher.matches()) {
      return Optional.empty();
    }
    return Optional.of(new Option(matcher.group(1), matcher.group(2), matcher.group(3), item.description()));
  }

  /** The commands of the top help's command list, each once, in order. */
  static List<String> commands() {
    List<String> commands = new ArrayList<>();
    for (Item item : commandItems()) {
      String command = item.term().split(" ")[0];
      if (!commands.contains(command)) {
        commands.add(command);
      }
    }
    return commands;
  }

  /** The command list's items: each command's synopsis and what it does. */
  static List<Item> commandItems() {
    List<Item> items = new ArrayList<>();
    boolean inCommands = false;
    for (Block block : parse(Help.TOP)) {
      if (block instanceof Heading heading) {
        inCommands = heading.text().equals("Commands");
      } else if (block instanceof Listing listing && inCommands) {
        items.addAll(listing.items());
      }
    }
    return items;
  }
}
