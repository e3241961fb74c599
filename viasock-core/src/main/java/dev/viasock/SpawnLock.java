package dev.viasock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The lock that makes starting a server for a key a one-at-a-time affair: callers that arrive together on a
 * cold key take turns, and the first one starts the server while the others find it running.
 *
 * <p>A stopping server removes the lock file; to make that safe against a caller that opened the file just
 * before, the server first writes a byte into it, and a caller that gets a lock on a non-empty file knows it
 * holds a removed file and opens the path again.
 */
final class SpawnLock implements AutoCloseable {
  private static final long POLL_NANOS = Duration.ofMillis(2).toNanos();

  private final FileChannel channel;
  private final FileLock lock;

  private SpawnLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock, waiting at most {@code bound}.
   *
   * @return null when the bound passed first
   */
  static SpawnLock acquire(Path path, Duration bound) throws IOException {
    long deadline = System.nanoTime() + bound.toNanos();
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
          }
        }
        if (lock == null) {
          channel.close();
          return null;
        }
        if (channel.size() == 0) {
          return new SpawnLock(channel, lock);
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
      channel.close();
    }
  }
}
