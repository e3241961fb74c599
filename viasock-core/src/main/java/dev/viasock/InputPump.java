package dev.viasock;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/**
 * Reads a caller's input stream on a thread of its own and hands each piece on, until the input ends, the
 * receiver refuses, or the pump is stopped: once stopped it reads nothing more (a read already under way
 * completes, and its bytes are dropped). The caller's stream is never closed or interrupted: it is not ours.
 */
final class InputPump implements Runnable {
  private static final int BUFFER = 1 << 16;

  /** Where the input goes. */
  interface Receiver {
    void piece(byte[] bytes, int offset, int length) throws IOException;

    void end() throws IOException;

    /** Reading the input failed. */
    void unreadable(IOException e);
  }

  private final InputStream in;
  private final Receiver receiver;
  private volatile boolean stopped;
  private Thread thread;

  private InputPump(InputStream in, Receiver receiver) {
    this.in = in;
    this.receiver = receiver;
  }

  static InputPump start(String name, InputStream in, Receiver receiver) {
    InputPump pump = new InputPump(in, receiver);
    pump.thread = Threads.start(name, pump);
    return pump;
  }

  @Override
  public void run() {
    byte[] buffer = new byte[BUFFER];
    try {
      while (!stopped) {
        int read;
        try {
          read = in.read(buffer);
        } catch (IOException e) {
          if (!stopped) {
            receiver.unreadable(e);
          }
          return;
        }
        if (stopped) {
          return;
        }
        if (read < 0) {
          receiver.end();
          return;
        }
        receiver.piece(buffer, 0, read);
      }
    } catch (IOException refused) {
      // The call has ended or its other end has gone: the rest of the input no longer matters.
    }
  }

  /**
   * Stops the pump and waits for its thread, at most {@code bound} (a read of the caller's stream that blocks
   * cannot be cut short).
   *
   * @return whether the thread has ended
   */
  boolean stopAndJoin(Duration bound) {
    stopped = true;
    try {
      thread.join(Math.max(1, bound.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return !thread.isAlive();
  }
}
