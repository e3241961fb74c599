package dev.viasock.cli;

import dev.viasock.cli.HelpText.Item;
import dev.viasock.cli.HelpText.Option;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The bash and zsh completions of {@code viasock}, generated at build time from the {@link Help} texts: the
 * commands of the top help, each command's options as its help lists them, and what follows from its usage
 * line (a leading SOCKET, then options, then PROGRAM and the program's own arguments, completed as that
 * program's). An option's value is completed by its placeholder: PATH and SOCKET as files, NAME as an
 * exported variable.
 */
final class Completion {
  private Completion() {}

  /** What one command takes, read from its help. */
  private record Command(String name, String description, List<Option> options, int leading, boolean program,
      boolean operand) {
    static Command of(String name, String description) {
      String help = Help.of(name);
      if (help == null) {
        throw new IllegalStateException("the command list names '" + name + "', which has no help text");
      }
      String usage = help.lines().filter(line -> line.startsWith("Usage: ")).findFirst()
          .orElseThrow(() -> new IllegalStateException("the help of '" + name + "' has no usage line"));
      List<String> words = List.of(usage.substring(("Usage: viasock " + name).length()).trim().split(" +"));
      int options = words.indexOf("[OPTIONS]");
      int leading = options < 0 ? 0 : (int) words.subList(0, options).stream().filter(Completion::isOperand).count();
      boolean operand = words.stream().anyMatch(Completion::isOperand);
      return new Command(name, description, HelpText.options(help), leading, words.contains("PROGRAM"), operand);
    }

    List<Option> valued() {
      return options.stream().filter(option -> option.value() != null).collect(Collectors.toList());
    }
  }

  private static boolean isOperand(String word) {
    return word.matches("[A-Z]+");
  }

  private static List<Command> commands() {
    List<Command> commands = new ArrayList<>();
    for (String name : HelpText.commands()) {
      String description = HelpText.commandItems().stream().filter(item -> item.term().split(" ")[0].equals(name))
          .map(Item::description).findFirst().orElse("");
      commands.add(Command.of(name, description));
    }
    return commands;
  }

  static String bash() {
    List<Command> commands = commands();
    StringBuilder script = new StringBuilder();
    script.append("# bash completion for viasock: generated from its --help texts by the build; do not edit.\n")
        .append("_viasock() {\n")
        .append("  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n")
        .append("  COMPREPLY=()\n")
        .append("  if [ \"$COMP_CWORD\" -eq 1 ]; then\n")
        .append("    COMPREPLY=($(compgen -W '")
        .append(commands.stream().map(Command::name).collect(Collectors.joining(" ")))
        .append(" help --help --version' -- \"$cur\"))\n")
        .append("    return\n")
        .append("  fi\n")
        .append("  local options valued leading program operand\n")
        .append("  case ${COMP_WORDS[1]} in\n");
    for (Command command : commands) {
      script.append("    ").append(command.name()).append(")\n")
          .append("      options='").append(command.options().stream().flatMap(Completion::names)
              .collect(Collectors.joining(" "))).append("'\n")
          .append("      valued=' ").append(command.valued().stream().flatMap(Completion::names)
              .collect(Collectors.joining(" "))).append(" '\n")
          .append("      leading=").append(command.leading())
          .append(" program=").append(command.program() ? 1 : 0)
          .append(" operand=").append(command.operand() ? 1 : 0).append(" ;;\n");
    }
    script.append("    *) return ;;\n")
        .append("  esac\n")
        .append("  # Walk the words before this one: leading operands, then options (and their values), then PROGRAM.\n")
        .append("  local i=2 word\n")
        .append("  while [ \"$i\" -lt \"$COMP_CWORD\" ]; do\n")
        .append("    word=${COMP_WORDS[i]}\n")
        .append("    if [ \"$leading\" -gt 0 ]; then\n")
        .append("      leading=$((leading - 1))\n")
        .append("    elif [ \"$word\" = -- ]; then\n")
        .append("      i=$((i + 1))\n")
        .append("      break\n")
        .append("    elif [[ $word == -?* ]]; then\n")
        .append("      case $valued in *\" $word \"*) i=$((i + 1)) ;; esac\n")
        .append("    else\n")
        .append("      break\n")
        .append("    fi\n")
        .append("    i=$((i + 1))\n")
        .append("  done\n")
        .append("  if [ \"$i\" -gt \"$COMP_CWORD\" ]; then\n")
        .append("    case $prev in\n");
    List<String> fileValued = new ArrayList<>();
    List<String> variableValued = new ArrayList<>();
    for (Command command : commands) {
      for (Option option : command.valued()) {
        List<String> target = switch (option.value()) {
          case "PATH", "SOCKET", "FILE" -> fileValued;
          case "NAME" -> variableValued;
          default -> new ArrayList<>();
        };
        names(option).filter(name -> !target.contains(name)).forEach(target::add);
      }
    }
    if (!fileValued.isEmpty()) {
      script.append("      ").append(String.join("|", fileValued)).append(") COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n");
    }
    if (!variableValued.isEmpty()) {
      script.append("      ").append(String.join("|", variableValued)).append(") COMPREPLY=($(compgen -e -- \"$cur\")) ;;\n");
    }
    script.append("    esac\n")
        .append("  elif [ \"$i\" -lt \"$COMP_CWORD\" ]; then\n")
        .append("    # The program's own arguments: complete them as bash would.\n")
        .append("    compopt -o default 2>/dev/null\n")
        .append("  elif [ \"$leading\" -gt 0 ]; then\n")
        .append("    COMPREPLY=($(compgen -f -- \"$cur\"))\n")
        .append("  elif [[ $cur == -* ]]; then\n")
        .append("    COMPREPLY=($(compgen -W \"$options\" -- \"$cur\"))\n")
        .append("  elif [ \"$program\" -eq 1 ]; then\n")
        .append("    COMPREPLY=($(compgen -c -- \"$cur\"))\n")
        .append("    compopt -o default 2>/dev/null\n")
        .append("  elif [ \"$operand\" -eq 1 ]; then\n")
        .append("    COMPREPLY=($(compgen -f -- \"$cur\"))\n")
        .append("  fi\n")
        .append("}\n")
        .append("complete -F _viasock viasock\n");
    return script.toString();
  }

  static String zsh() {
    List<Command> commands = commands();
    StringBuilder script = new StringBuilder();
    script.append("#compdef viasock\n")
        .append("# zsh completion for viasock: generated from its --help texts by the build; do not edit.\n")
        .append("_viasock() {\n")
        .append("  local -a commands\n")
        .append("  commands=(\n");
    for (Command command : commands) {
      script.append("    ").append(quote(command.name() + ":" + command.description())).append('\n');
    }
    script.append("  )\n")
        .append("  if (( CURRENT == 2 )); then\n")
        .append("    _describe -t commands 'viasock command' commands\n")
        .append("    return\n")
        .append("  fi\n")
        .append("  local command=$words[2]\n")
        .append("  shift words\n")
        .append("  (( CURRENT-- ))\n")
        .append("  case $command in\n");
    for (Command command : commands) {
      script.append("    ").append(command.name()).append(")\n").append("      _arguments -S");
      for (Option option : command.options()) {
        script.append(" \\\n        ").append(zshSpec(option));
      }
      int position = 1;
      for (int i = 0; i < command.leading(); i++) {
        script.append(" \\\n        '").append(position++).append(":socket:_files'");
      }
      if (command.program()) {
        script.append(" \\\n        '").append(position).append(":program:_command_names -e'")
            .append(" \\\n        '*::program argument:_normal'");
      } else if (command.operand()) {
        script.append(" \\\n        '").append(position).append(":file:_files'");
      }
      script.append("\n      ;;\n");
    }
    script.append("  esac\n")
        .append("}\n")
        .append("_viasock \"$@\"\n");
    return script.toString();
  }

  private static String zshSpec(Option option) {
    String description = option.description().replaceFirst("[;(].*", "").trim().replace("[", "(").replace("]", ")");
    String action = option.value() == null ? ""
        : switch (option.value()) {
          case "PATH", "SOCKET", "FILE" -> ":" + option.value().toLowerCase(java.util.Locale.ROOT) + ":_files";
          case "NAME" -> ":variable:_parameters -g '*export*'";
          default -> ":" + option.value().toLowerCase(java.util.Locale.ROOT) + ": ";
        };
    String exclusion = option.shortName() == null ? "" : "(" + option.shortName() + " " + option.longName() + ")";
    String names = option.shortName() == null
        ? option.longName() + (option.value() == null ? "" : "=")
        : "{" + option.shortName() + (option.value() == null ? "" : "+") + "," + option.longName()
            + (option.value() == null ? "" : "=") + "}";
    return quote(exclusion) + names + quote("[" + description + "]" + action);
  }

  private static java.util.stream.Stream<String> names(Option option) {
    return option.shortName() == null ? java.util.stream.Stream.of(option.longName())
        : java.util.stream.Stream.of(option.shortName(), option.longName());
  }

  /** A single-quoted shell word. */
  private static String quote(String word) {
    return word.isEmpty() ? "" : "'" + word.replace("'", "'\\''") + "'";
  }
}
