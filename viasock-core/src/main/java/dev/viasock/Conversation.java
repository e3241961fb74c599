package dev.viasock;

import java.io.IOException;
import org.newsclub.net.unix.AFUNIXSocket;

/**
 * The socket transport of a {@link Call}: ACCEPT and the prelude, the program's output and stderr as frames,
 * and exactly one END frame, whoever decides the end.
 */
final class Conversation implements CallSink {
  private final FrameWriter writer;
  private final AFUNIXSocket socket;

  Conversation(FrameWriter writer, AFUNIXSocket socket) {
    this.writer = writer;
    this.socket = socket;
  }

  @Override
  public void accepted(byte[] prelude) throws IOException {
    writer.send(Frame.ACCEPT);
    if (prelude.length > 0) {
      writer.send(Frame.PRELUDE, prelude, 0, prelude.length);
    }
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
  }
}
