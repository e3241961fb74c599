package dev.viasock;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import java.util.concurrent.ThreadFactory;

/** Every thread viasock starts is named after its job, so that a thread dump reads like a map. */
final class Threads {
  private Threads() {}

  /** A factory of daemon threads named {@code viasock-<job>-<n>}. */
  static ThreadFactory named(String job) {
    return new ThreadFactoryBuilder().setNameFormat("viasock-" + job + "-%d").setDaemon(true).build();
  }

  /** Starts {@code task} on a new daemon thread named {@code viasock-<name>}. */
  static Thread start(String name, Runnable task) {
    Thread thread = new Thread(task, "viasock-" + name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }
}
