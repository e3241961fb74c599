package dev.viasock;

import java.io.IOException;

/**
 * Where one call's output goes: the transport that differs between a socket's client (frames) and an
 * in-process caller (streams, or a session's queue).
 */
interface CallSink {
  /** The call has a worker: the caller learns so, with the prelude. Called once, before any output. */
  void accepted(byte[] prelude) throws IOException;

  /** Whole output records, in order; throws when the caller can no longer take them. */
  void output(byte[] bytes, int offset, int length) throws IOException;

  /** The program's stderr while it serves this call, when the call asked for it; never throws. */
  void stderr(byte[] bytes, int offset, int length);

  /** Ends the call: success when {@code failure} is null. Called exactly once per attached call. */
  void finish(Failure failure, String message);
}
