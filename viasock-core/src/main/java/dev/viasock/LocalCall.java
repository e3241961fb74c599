package dev.viasock;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/** One streamed call of an {@link InProcessServer}: the caller's streams wired straight to a worker. */
final class LocalCall implements Worker.Sink {
  private static final int BUFFER = 1 << 16;

  private final OutputStream out;
  private final OutputStream err;
  private final CompletableFuture<ViasockException> end = new CompletableFuture<>();

  LocalCall(OutputStream out, OutputStream err) {
    this.out = out;
    this.err = err;
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
    end.complete(failure == null ? null : new ViasockException(failure, message));
  }

  /** Feeds {@code in} to the worker until it ends; runs on its own thread, like a client's input. */
  void feed(InputStream in, Attachment attachment) {
    byte[] buffer = new byte[BUFFER];
    try {
      int read;
      while ((read = in.read(buffer)) >= 0) {
        attachment.send(buffer, 0, read);
      }
      attachment.endOfInput();
    } catch (CallEndedException e) {
      // The call has already ended (it failed); its input no longer matters.
    } catch (IOException e) {
      // Reading the input failed, or the program stopped reading (then the worker says why).
      finish(Failure.INPUT_FAILED, "viasock: reading the input failed: " + e.getMessage());
    }
  }

  /** Waits for the call to end; bounded by the program (it answers, dies, or the watchdog stops it). */
  void await() {
    ViasockException failure;
    try {
      failure = end.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ViasockException(Failure.PROGRAM_FAILED, "viasock: interrupted while waiting for the program");
    } catch (ExecutionException impossible) {
      throw new IllegalStateException(impossible);
    }
    if (failure != null) {
      throw failure;
    }
  }
}
