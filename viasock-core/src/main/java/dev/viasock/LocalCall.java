package dev.viasock;

import java.io.IOException;
import java.io.OutputStream;

/** The stream transport of an {@link InProcessServer}'s call: the prelude and output to the caller's streams. */
final class LocalCall implements CallSink {
  private final OutputStream out;
  private final OutputStream err;

  /** @param err where the program's stderr goes, or null */
  LocalCall(OutputStream out, OutputStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public void accepted(byte[] prelude) throws IOException {
    out.write(prelude);
    out.flush();
  }

  @Override
  public void output(byte[] bytes, int offset, int length) throws IOException {
    out.write(bytes, offset, length);
    out.flush();
  }

  @Override
  public void stderr(byte[] bytes, int offset, int length) {
    if (err != null) {
      try {
        err.write(bytes, offset, length);
        err.flush();
      } catch (IOException e) {
        // The caller's stderr is not ours to fail the call over.
      }
    }
  }

  @Override
  public void finish(Failure failure, String message) {
    // The call's end is awaited through the Call itself.
  }
}
