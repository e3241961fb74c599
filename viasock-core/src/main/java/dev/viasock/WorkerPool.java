package dev.viasock;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The program processes behind one key: at most {@code size} workers, each leased to one conversation at a
 * time. A caller that finds every worker leased or busy waits its turn. A dead worker's slot gets a new
 * worker when one is needed; one that had answered records is replaced at once, so that the next caller
 * does not pay for the restart, while one that died before answering anything waits for the next caller
 * (restarting it at once could only loop).
 */
final class WorkerPool {
  private final Worker[] slots;
  private final boolean[] leased;
  private final IntFunction<Worker> launcher;
  private boolean closed;

  /** {@code launcher} starts a worker for a slot number; it must not block on the program. */
  WorkerPool(int size, IntFunction<Worker> launcher) {
    this.slots = new Worker[size];
    this.leased = new boolean[size];
    this.launcher = launcher;
  }

  /** Starts the first worker before anyone asks, so that its start-up overlaps the first client's. */
  synchronized void prestart() {
    if (!closed && slots[0] == null) {
      slots[0] = launcher.apply(0);
    }
  }

  /**
   * Leases a worker, which may still be starting: the caller waits for its prelude. Waits while every
   * worker is leased or draining.
   *
   * @return null when the pool has been closed (the server is stopping)
   */
  synchronized Worker lease() throws InterruptedException {
    while (!closed) {
      Worker chosen = pick();
      if (chosen != null) {
        leased[chosen.number()] = true;
        return chosen;
      }
      wait(Duration.ofSeconds(1).toMillis());
    }
    return null;
  }

  private Worker pick() {
    for (int i = 0; i < slots.length; i++) {
      if (!leased[i] && slots[i] != null && slots[i].isIdle()) {
        return slots[i];
      }
    }
    for (int i = 0; i < slots.length; i++) {
      if (!leased[i] && slots[i] != null && slots[i].isStarting()) {
        return slots[i];
      }
    }
    for (int i = 0; i < slots.length; i++) {
      if (!leased[i] && (slots[i] == null || slots[i].isDead())) {
        slots[i] = launcher.apply(i);
        return slots[i];
      }
    }
    return null;
  }

  synchronized void release(Worker worker) {
    leased[worker.number()] = false;
    replaceIfDied(worker);
    notifyAll();
  }

  /** Told by a worker whenever it may have become available or died. */
  synchronized void changed(Worker worker) {
    replaceIfDied(worker);
    notifyAll();
  }

  private void replaceIfDied(Worker worker) {
    int slot = worker.number();
    if (!closed && worker.isDead() && slots[slot] == worker && !leased[slot] && worker.answeredARecord()) {
      slots[slot] = launcher.apply(slot);
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
      if (worker != null && !leased[i] && worker.isIdle() && worker.idleFor().compareTo(idle) >= 0) {
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
