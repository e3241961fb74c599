package dev.viasock;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.newsclub.net.unix.AFUNIXSocket;

/**
 * The server's side of one client's call while it holds a worker: forwards the worker's output and stderr to
 * the client, and ends the call with exactly one END frame, whoever decides the end (the worker's output
 * thread on success, its exit handler or the watchdog on failure).
 */
final class Conversation implements Worker.Sink {
  private final FrameWriter writer;
  private final AFUNIXSocket socket;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final AtomicBoolean ended = new AtomicBoolean();

  Conversation(FrameWriter writer, AFUNIXSocket socket) {
    this.writer = writer;
    this.socket = socket;
  }

  @Override
  public void output(byte[] bytes, int offset, int length) throws IOException {
    writer.send(Frame.OUTPUT, bytes, offset, length);
  }

  @Override
  public void stderr(byte[] bytes, int offset, int length) {
    try {
      writer.send(Frame.STDERR, bytes, offset, length);
    } catch (IOException e) {
      // The client has gone; the output path notices and handles it.
    }
  }

  @Override
  public void finish(Failure failure, String message) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    try {
      writer.sendEnd(failure == null ? 0 : failure.exitStatus(), message);
    } catch (IOException e) {
      // The client has gone; there is no one left to tell.
    }
    try {
      // Unblocks the connection's thread if it is still reading input that no longer matters.
      socket.shutdownInput();
    } catch (IOException e) {
      // Already closed.
    }
    finished.countDown();
  }

  boolean awaitFinished(Duration bound) throws InterruptedException {
    return finished.await(bound.toMillis(), TimeUnit.MILLISECONDS);
  }
}
