package dev.viasock;

import static java.util.Objects.requireNonNull;

/**
 * A call through viasock that failed. The message says what happened and what to do, and names the server's
 * log where the log has more; {@link #failure()} says which kind of failure it was.
 */
public final class ViasockException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final Failure failure;

  /** Creates an exception of the given kind with a message meant for a person. */
  public ViasockException(Failure failure, String message) {
    super(message);
    this.failure = requireNonNull(failure, "failure");
  }

  /** Creates an exception of the given kind with a message meant for a person and its cause. */
  public ViasockException(Failure failure, String message, Throwable cause) {
    super(message, cause);
    this.failure = requireNonNull(failure, "failure");
  }

  /** Which kind of failure this is. */
  public Failure failure() {
    return failure;
  }

  /** The exit status the {@code viasock} command uses for this failure. */
  public int exitStatus() {
    return failure.exitStatus();
  }
}
