package dev.viasock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The program processes behind one key: at most {@code size} workers, each leased to one call at a time. A
 * caller that finds every worker leased or busy waits its turn. A dead worker's slot gets a new worker when
 * one is needed; one that had answered records is replaced at once, so that the next caller does not pay for
 * the restart, while one that died before answering anything waits for the next caller (restarting it at
 * once could only loop). Programs are started outside the pool's monitor: a slow start never holds up a
 * release, a status or another caller's lease.
 */
final class WorkerPool {
  private final Worker[] slots;
  private final boolean[] leased;
  private final boolean[] launching;
  private final IntFunction<Worker> launcher;
  private final Runnable launched;
  private boolean closed;

  /**
   * @param launcher starts a worker for a slot number; it must not wait for the program's prelude
   * @param launched told, outside the monitor, each time a started worker has taken its slot
   */
  WorkerPool(int size, IntFunction<Worker> launcher, Runnable launched) {
    this.slots = new Worker[size];
    this.leased = new boolean[size];
    this.launching = new boolean[size];
    this.launcher = launcher;
    this.launched = launched;
  }

  /** Starts the first worker before anyone asks, so that its start-up overlaps the first client's. */
  void prestart() {
    synchronized (this) {
      if (closed || slots[0] != null || launching[0]) {
        return;
      }
      launching[0] = true;
    }
    launchInto(0, false);
  }

  /**
   * Leases a worker, which may still be starting: the caller waits for its prelude. Waits while every
   * worker is leased, draining or being replaced.
   *
   * @return null when the pool has been closed (the server is stopping)
   */
  Worker lease() throws InterruptedException {
    int slot;
    synchronized (this) {
      while (true) {
        if (closed) {
          return null;
        }
        Worker chosen = pickRunning();
        if (chosen != null) {
          leased[chosen.number()] = true;
          return chosen;
        }
        slot = emptySlot();
        if (slot >= 0) {
          leased[slot] = true;
          launching[slot] = true;
          break;
        }
        wait();
      }
    }
    return launchInto(slot, true);
  }

  private Worker pickRunning() {
    for (int i = 0; i < slots.length; i++) {
      if (!leased[i] && !launching[i] && slots[i] != null && slots[i].isAvailable()) {
        return slots[i];
      }
    }
    for (int i = 0; i < slots.length; i++) {
      if (!leased[i] && !launching[i] && slots[i] != null && slots[i].isStarting()) {
        return slots[i];
      }
    }
    return null;
  }

  private int emptySlot() {
    for (int i = 0; i < slots.length; i++) {
      if (!leased[i] && !launching[i] && (slots[i] == null || slots[i].isDead())) {
        return i;
      }
    }
    return -1;
  }

  /** Starts a worker for {@code slot}, reserved by the caller, outside the monitor. */
  private Worker launchInto(int slot, boolean leasing) {
    Worker worker = null;
    boolean lateForAClosedPool;
    try {
      worker = launcher.apply(slot);
    } finally {
      synchronized (this) {
        launching[slot] = false;
        if (worker != null) {
          slots[slot] = worker;
        }
        lateForAClosedPool = closed;
        if (worker == null || lateForAClosedPool) {
          leased[slot] = false;
        }
        notifyAll();
      }
    }
    if (worker != null) {
      launched.run();
    }
    if (lateForAClosedPool) {
      stopLate(worker);
      return null;
    }
    return leasing ? worker : null;
  }

  /** A worker that started after the pool closed: nobody else would stop it. */
  private static void stopLate(Worker worker) {
    Threads.start("stop-late-worker-" + worker.number(), () -> {
      try {
        worker.stop(Duration.ofSeconds(2));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
  }

  void release(Worker worker) {
    synchronized (this) {
      leased[worker.number()] = false;
      notifyAll();
    }
    replaceDead();
  }

  /** Told by a worker whenever it may have become available or died. */
  void changed() {
    synchronized (this) {
      notifyAll();
    }
    replaceDead();
  }

  /** Restarts, outside the monitor, the dead workers that had answered records and that no one holds. */
  private void replaceDead() {
    List<Integer> replace = new ArrayList<>();
    synchronized (this) {
      for (int i = 0; i < slots.length; i++) {
        Worker worker = slots[i];
        if (!closed && !leased[i] && !launching[i] && worker != null && worker.isDead()
            && worker.answeredARecord()) {
          launching[i] = true;
          replace.add(i);
        }
      }
    }
    for (int slot : replace) {
      launchInto(slot, false);
    }
  }

  /**
   * Takes the workers beyond the first that have been idle for at least {@code idle} out of the pool, to be
   * stopped by the caller: a burst of callers needs them, a quiet server does not.
   */
  synchronized List<Worker> retireIdleExtras(Duration idle) {
    List<Worker> retired = new ArrayList<>();
    for (int i = 1; i < slots.length; i++) {
      Worker worker = slots[i];
      if (worker != null && !leased[i] && !launching[i] && worker.isAvailable()
          && worker.idleFor().compareTo(idle) >= 0) {
        slots[i] = null;
        retired.add(worker);
      }
    }
    return retired;
  }

  /** Stops leasing, then stops every worker politely (see {@link Worker#stop}), one after the other. */
  void closeAndStop(Duration grace) {
    close();
    try {
      for (Worker worker : workers()) {
        worker.stop(grace);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops leasing; waiting callers get null. */
  synchronized void close() {
    closed = true;
    notifyAll();
  }

  synchronized List<Worker> workers() {
    List<Worker> all = new ArrayList<>();
    for (Worker worker : slots) {
      if (worker != null) {
        all.add(worker);
      }
    }
    return all;
  }
}
