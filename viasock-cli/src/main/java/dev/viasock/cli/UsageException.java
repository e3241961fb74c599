package dev.viasock.cli;

/** The command line is wrong; the message says how, and the command exits with status 2. */
final class UsageException extends Exception {
  private static final long serialVersionUID = 1L;

  private final String subcommand;

  UsageException(String subcommand, String message) {
    super(message);
    this.subcommand = subcommand;
  }

  /** The subcommand whose help to point at, or null for the top level. */
  String subcommand() {
    return subcommand;
  }
}
