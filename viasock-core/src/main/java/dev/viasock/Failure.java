package dev.viasock;

/**
 * Why a call through viasock did not deliver every output record. Each failure has a fixed exit status, which
 * the {@code viasock} command exits with and which scripts may rely on.
 */
public enum Failure {
  /** The program crashed, exited, closed its output, or broke the one-record-out-per-record-in contract. */
  PROGRAM_FAILED(1),
  /** An option or argument is invalid (an unknown option, a bad pattern, a non-numeric timeout). */
  INVALID_ARGUMENT(2),
  /** The input ends with bytes that do not complete a record; the complete records before it were served. */
  UNTERMINATED_INPUT(65),
  /**
   * A record, input or output, is larger than the maximum record size; only its own call fails, and the
   * program is restarted only when it holds part of that record.
   */
  RECORD_TOO_LARGE(67),
  /** The server could not be started or reached, or it stopped without answering. */
  SERVER_UNAVAILABLE(69),
  /** The server went silent: no frame, not even a heartbeat, for a bounded time (it is stopped or hung). */
  SERVER_UNRESPONSIVE(70),
  /** Reading the caller's input failed. */
  INPUT_FAILED(74),
  /**
   * The program holds its answers in a buffer: it owed answers and sat waiting for more input instead of
   * writing them (most programs keep their output in a buffer when writing to a pipe). It was stopped; the
   * next call gets a fresh one. {@code -u} ({@code Serverizer.Builder.unbuffered}) or the program's own
   * option to flush each line makes it work.
   */
  OUTPUT_BUFFERED(75),
  /** The server's answer broke the protocol (an impossible frame length, a frame out of place). */
  PROTOCOL_ERROR(76),
  /** The state directory is not private to the user (wrong owner, group- or world-writable, or a symlink). */
  UNSAFE_STATE_DIRECTORY(77),
  /** The program took longer than the process timeout to answer one record, and was stopped. */
  TIMEOUT(124),
  /** The program exists but cannot be executed. */
  NOT_EXECUTABLE(126),
  /** The program cannot be found. */
  NOT_FOUND(127),
  /**
   * The caller was interrupted: a thread interrupted while it waited in a call (its interrupt flag is set
   * again), or the command's Ctrl-C. The call was abandoned; its program is drained or replaced.
   */
  INTERRUPTED(130),
  /** The caller's output was closed before every output record was written (as with {@code | head -1}). */
  OUTPUT_CLOSED(141);

  private final int exitStatus;

  Failure(int exitStatus) {
    this.exitStatus = exitStatus;
  }

  /**
   * The exit status of the {@code viasock} command for this failure.
   *
   * @return the exit status, between 1 and 141
   */
  public int exitStatus() {
    return exitStatus;
  }

  static Failure ofExitStatus(int status) {
    for (Failure failure : values()) {
      if (failure.exitStatus == status) {
        return failure;
      }
    }
    return PROGRAM_FAILED;
  }
}
