package dev.viasock;

import java.io.IOException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Says "alive" (a HEARTBEAT frame) to one client every {@link Frame#HEARTBEAT_INTERVAL} in which nothing
 * else was sent to it: while it waits its turn, while its program is slow on a record, while the server waits
 * for its input. A client that hears nothing for much longer knows that its server is stopped or hung. A
 * thread of its own per connection, so that a client that does not read blocks no one else's heartbeat; it
 * is started only once the connection has lasted an interval (most calls end sooner and never need one).
 */
final class Heartbeat implements Runnable {
  private final FrameWriter writer;
  private volatile boolean stopped;
  private volatile Thread thread;
  private ScheduledFuture<?> starting;

  private Heartbeat(FrameWriter writer) {
    this.writer = writer;
  }

  static Heartbeat start(FrameWriter writer, ScheduledExecutorService scheduler) {
    Heartbeat heartbeat = new Heartbeat(writer);
    heartbeat.starting = scheduler.schedule(
        heartbeat::startThread, Frame.HEARTBEAT_INTERVAL.toMillis() / 2, TimeUnit.MILLISECONDS);
    return heartbeat;
  }

  private synchronized void startThread() {
    if (!stopped) {
      thread = Threads.start("heartbeat", this);
    }
  }

  @Override
  public void run() {
    try {
      while (!stopped) {
        writer.heartbeatIfQuiet(Frame.HEARTBEAT_INTERVAL);
        // Checked four times an interval, so that the quiet between two frames is at most 1.25 intervals.
        Thread.sleep(Frame.HEARTBEAT_INTERVAL.toMillis() / 4);
      }
    } catch (InterruptedException | IOException e) {
      // Stopped, or the client is gone: the connection's own thread sees to the rest.
    }
  }

  synchronized void stop() {
    stopped = true;
    starting.cancel(false);
    if (thread != null) {
      thread.interrupt();
    }
  }
}
