package dev.viasock;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The lock that makes starting a server for a key a one-at-a-time affair: callers that arrive together on a
 * cold key take turns, and the first one starts the server while the others find it running.
 *
 * <p>A stopping server removes the lock file; to make that safe against a caller that opened the file just
 * before, the server first writes a byte into it, and a caller that gets a lock on a non-empty file knows it
 * holds a removed file and opens the path again.
 *
 * <p>A file lock belongs to the whole JVM ({@code FileChannel.tryLock} throws
 * {@code OverlappingFileLockException} when a second thread of the same JVM asks for it), so the threads of
 * one JVM first take turns on an in-JVM lock of the same path: the file lock then only ever sees one thread
 * of each process. The in-JVM locks stay, one small object for each lock file this JVM has used.
 */
final class SpawnLock implements AutoCloseable {
  /** Another process holds the file lock: there is no signal for its release, so this is how often to try. */
  private static final long POLL_NANOS = Duration.ofMillis(2).toNanos();
  private static final Map<Path, ReentrantLock> IN_JVM = new ConcurrentHashMap<>();

  private final ReentrantLock inJvm;
  private final FileChannel channel;
  private final FileLock lock;

  private SpawnLock(ReentrantLock inJvm, FileChannel channel, FileLock lock) {
    this.inJvm = inJvm;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock, waiting at most {@code bound} in all. Close it on the thread that took it.
   *
   * @return null when the bound passed first
   * @throws InterruptedIOException when the thread is interrupted while it waits (its interrupt status stays)
   */
  static SpawnLock acquire(Path path, Duration bound) throws IOException {
    long deadline = System.nanoTime() + bound.toNanos();
    ReentrantLock inJvm = IN_JVM.computeIfAbsent(path.toAbsolutePath().normalize(), p -> new ReentrantLock());
    try {
      if (!inJvm.tryLock(bound.toNanos(), TimeUnit.NANOSECONDS)) {
        return null;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while another thread was starting the server");
    }
    try {
      SpawnLock taken = acquireFile(inJvm, path, deadline);
      if (taken == null) {
        inJvm.unlock();
      }
      return taken;
    } catch (IOException | RuntimeException e) {
      inJvm.unlock();
      throw e;
    }
  }

  private static SpawnLock acquireFile(ReentrantLock inJvm, Path path, long deadline) throws IOException {
    while (true) {
      FileChannel channel =
          FileChannel.open(
              path,
              java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      FileLock lock = null;
      try {
        while (lock == null && System.nanoTime() < deadline) {
          lock = channel.tryLock();
          if (lock == null) {
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.currentThread().isInterrupted()) {
              throw new InterruptedIOException("interrupted while another process was starting the server");
            }
          }
        }
        if (lock == null) {
          channel.close();
          return null;
        }
        if (channel.size() == 0) {
          return new SpawnLock(inJvm, channel, lock);
        }
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
      channel.close();
    }
  }

  /** Removes the lock file for good while holding it (see the class comment). */
  void retire(Path path) throws IOException {
    channel.write(ByteBuffer.wrap(new byte[] {'x'}), 0);
    Files.deleteIfExists(path);
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
    } finally {
      try {
        channel.close();
      } finally {
        inJvm.unlock();
      }
    }
  }
}
