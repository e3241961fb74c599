package dev.viasock.cli;

import java.util.List;

/**
 * Walks the arguments of one subcommand: options come first, each as {@code -x VALUE}, {@code -xVALUE},
 * {@code --name VALUE} or {@code --name=VALUE}; the first argument that is not an option (or everything after
 * {@code --}) starts the operands, which belong to the program.
 */
final class CommandLine {
  private final String subcommand;
  private final List<String> args;
  private int next;
  private String name;
  private String attached;

  CommandLine(String subcommand, List<String> args) {
    this.subcommand = subcommand;
    this.args = args;
  }

  /** Moves to the next option; false when the operands start (or nothing is left). */
  boolean nextOption() {
    if (next >= args.size()) {
      return false;
    }
    String arg = args.get(next);
    if (arg.equals("--")) {
      next++;
      return false;
    }
    if (!arg.startsWith("-") || arg.equals("-")) {
      return false;
    }
    next++;
    attached = null;
    if (arg.startsWith("--")) {
      int equals = arg.indexOf('=');
      name = equals < 0 ? arg : arg.substring(0, equals);
      attached = equals < 0 ? null : arg.substring(equals + 1);
    } else {
      name = arg.substring(0, 2);
      attached = arg.length() > 2 ? arg.substring(2) : null;
    }
    return true;
  }

  String option() {
    return name;
  }

  /** The current option's value. */
  String value() throws UsageException {
    if (attached != null) {
      return attached;
    }
    if (next >= args.size()) {
      throw new UsageException(subcommand, "option " + name + " needs a value");
    }
    return args.get(next++);
  }

  /** Fails when the current option was given a value it does not take. */
  void noValue() throws UsageException {
    if (attached != null && name.startsWith("--")) {
      throw new UsageException(subcommand, "option " + name + " takes no value");
    }
    if (attached != null) {
      throw new UsageException(subcommand, "unknown option " + name + attached.charAt(0) + " in -" + name.substring(1) + attached);
    }
  }

  /**
   * Answers {@code -h}/{@code --help} with {@code help} and {@code --version} with the version, on {@code out}.
   *
   * @return true when the current option was one of those (the command is then done), false otherwise
   */
  boolean answeredHelpOrVersion(String help, java.io.PrintStream out) throws UsageException {
    switch (name) {
      case "-h":
      case "--help":
        noValue();
        out.print(help);
        return true;
      case "--version":
        noValue();
        out.println(Main.version());
        return true;
      default:
        return false;
    }
  }

  /** Fails when an operand follows the options of a command that takes none. */
  void noOperands() throws UsageException {
    if (next < args.size()) {
      throw new UsageException(subcommand, "unexpected argument '" + args.get(next) + "'");
    }
  }

  UsageException unknown() {
    return new UsageException(subcommand, "unknown option " + name);
  }

  /** The arguments from the first operand on. */
  List<String> operands() {
    return args.subList(next, args.size());
  }

  int intValue(int min) throws UsageException {
    String value = value();
    try {
      int number = Integer.parseInt(value);
      if (number < min) {
        throw new UsageException(subcommand, "option " + name + " needs a whole number of at least " + min + ", not " + value);
      }
      return number;
    } catch (NumberFormatException e) {
      throw new UsageException(subcommand, "option " + name + " needs a whole number, not '" + value + "'");
    }
  }

  /** A size in bytes: a whole number, or one with the suffix K, M or G (KiB, MiB, GiB). */
  long sizeValue() throws UsageException {
    String value = value();
    String digits = value;
    int shift = 0;
    if (!value.isEmpty() && "KMG".indexOf(Character.toUpperCase(value.charAt(value.length() - 1))) >= 0) {
      shift = 10 * (1 + "KMG".indexOf(Character.toUpperCase(value.charAt(value.length() - 1))));
      digits = value.substring(0, value.length() - 1);
    }
    long number;
    try {
      number = Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new UsageException(subcommand, "option " + name + " needs a size in bytes (or with K, M or G), not '" + value + "'");
    }
    if (number <= 0 || number > (Long.MAX_VALUE >> shift)) {
      throw new UsageException(subcommand, "option " + name + " needs a positive size, not " + value);
    }
    return number << shift;
  }

  java.time.Duration secondsValue() throws UsageException {
    String value = value();
    try {
      java.math.BigDecimal seconds = new java.math.BigDecimal(value);
      if (seconds.signum() <= 0) {
        throw new UsageException(subcommand, "option " + name + " needs a positive number of seconds, not " + value);
      }
      return java.time.Duration.ofNanos(seconds.movePointRight(9).longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      throw new UsageException(subcommand, "option " + name + " needs a number of seconds, not '" + value + "'");
    }
  }
}
