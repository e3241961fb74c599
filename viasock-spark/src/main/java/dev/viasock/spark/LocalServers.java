package dev.viasock.spark;

import dev.viasock.InProcessServer;
import dev.viasock.Serverizer;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The programs this executor JVM keeps: one {@link InProcessServer} per key (command, files, options), shared by
 * every task that uses that key, stopped when no task has used it for its idle timeout, and when the JVM ends.
 * Nothing outlives the executor.
 */
final class LocalServers {
  private static final LocalServers SHARED = new LocalServers();
  private static final long CHECK_EVERY_MILLIS = 1000;

  private final Map<String, Entry> entries = new HashMap<>();
  private ScheduledExecutorService idleCheck;

  static LocalServers shared() {
    return SHARED;
  }

  /** The server of {@code serverizer}'s key, started if none runs, held until the lease is released. */
  ProgramLease lease(Serverizer serverizer, Duration idleTimeout) {
    String key = serverizer.key();
    synchronized (this) {
      startIdleCheck();
      Entry entry = entries.get(key);
      if (entry == null) {
        entry = new Entry(serverizer.startInProcess(), idleTimeout.toNanos());
        entries.put(key, entry);
      }
      entry.users++;
      return entry.lease();
    }
  }

  private synchronized void release(Entry entry) {
    entry.users--;
    entry.lastUsed = System.nanoTime();
  }

  /** Stops the servers that no task has used for their idle timeout. */
  void stopIdle() {
    List<Entry> idle = new ArrayList<>();
    synchronized (this) {
      long now = System.nanoTime();
      for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
        Entry entry = it.next();
        if (entry.users == 0 && now - entry.lastUsed >= entry.idleNanos) {
          it.remove();
          idle.add(entry);
        }
      }
    }
    idle.forEach(entry -> entry.server.close());
  }

  /** Stops every server now, in use or not: the JVM is ending (or a test is done). */
  void stopAll() {
    List<Entry> all;
    synchronized (this) {
      all = new ArrayList<>(entries.values());
      entries.clear();
    }
    all.forEach(entry -> entry.server.close());
  }

  /** How many servers run now. */
  synchronized int size() {
    return entries.size();
  }

  private void startIdleCheck() {
    if (idleCheck != null) {
      return;
    }
    idleCheck =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "viasock-spark-idle-check");
              thread.setDaemon(true);
              return thread;
            });
    idleCheck.scheduleWithFixedDelay(this::stopIdle, CHECK_EVERY_MILLIS, CHECK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopAll, "viasock-spark-shutdown"));
  }

  private final class Entry {
    final InProcessServer server;
    final long idleNanos;
    // Guarded by LocalServers.this.
    int users;
    long lastUsed = System.nanoTime();

    Entry(InProcessServer server, long idleNanos) {
      this.server = server;
      this.idleNanos = idleNanos;
    }

    ProgramLease lease() {
      return new ProgramLease() {
        @Override
        public void run(InputStream in, OutputStream out) {
          server.run(in, out);
        }

        @Override
        public void release() {
          LocalServers.this.release(Entry.this);
        }
      };
    }
  }
}
