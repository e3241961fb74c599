package dev.viasock;

import static java.util.Objects.requireNonNull;

/**
 * A call through viasock that failed. The message says what happened and what to do, and names the server's
 * log where the log has more; {@link #failure()} says which kind of failure it was.
 */
public final class ViasockException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Which kind of failure this is. */
  private final Failure failure;

  /**
   * Creates an exception of the given kind with a message meant for a person.
   *
   * @param failure the kind of failure
   * @param message what happened and what to do, for a person
   */
  public ViasockException(Failure failure, String message) {
    super(message);
    this.failure = requireNonNull(failure, "failure");
  }

  /**
   * Creates an exception of the given kind with a message meant for a person and its cause.
   *
   * @param failure the kind of failure
   * @param message what happened and what to do, for a person
   * @param cause the exception that caused it
   */
  public ViasockException(Failure failure, String message, Throwable cause) {
    super(message, cause);
    this.failure = requireNonNull(failure, "failure");
  }

  /**
   * Which kind of failure this is.
   *
   * @return the kind of failure
   */
  public Failure failure() {
    return failure;
  }

  /**
   * The exit status the {@code viasock} command uses for this failure.
   *
   * @return {@code failure().exitStatus()}
   */
  public int exitStatus() {
    return failure.exitStatus();
  }
}
