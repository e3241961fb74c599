package dev.viasock;

import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

/**
 * The description a running server leaves beside its socket ({@code <key>.info}): who it is, what it runs and
 * where its log is, for people and for tools that list or stop servers. It is written after the socket
 * listens and removed, with the lock file, when the server stops.
 */
final class ServerInfo {
  private static final System.Logger LOG = System.getLogger(ServerInfo.class.getName());
  private static final Duration LOCK_BOUND = Duration.ofSeconds(2);

  private ServerInfo() {}

  static void write(ServerFiles files, ServerSpec spec) {
    Properties info = new Properties();
    info.setProperty("pid", String.valueOf(ProcessHandle.current().pid()));
    info.setProperty("key", files.key());
    info.setProperty("command", spec.program().commandText());
    info.setProperty("directory", spec.program().workingDirectory().toString());
    info.setProperty("workers", String.valueOf(spec.workers()));
    info.setProperty("started", Instant.now().toString());
    info.setProperty("log", files.log().toString());
    Path temporary = files.directory().resolve(files.key() + ".info.tmp");
    try {
      try (Writer out = Files.newBufferedWriter(temporary)) {
        info.store(out, "viasock server");
      }
      Files.move(temporary, files.info(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      LOG.log(WARNING, "could not write " + files.info() + ": " + e);
    }
  }

  /** Removes the description and the lock file; the socket file is the server's own to remove. */
  static void remove(ServerFiles files) {
    try {
      Files.deleteIfExists(files.info());
      try (SpawnLock lock = SpawnLock.acquire(files.lock(), LOCK_BOUND)) {
        if (lock != null) {
          lock.retire(files.lock());
        }
      }
    } catch (IOException e) {
      LOG.log(WARNING, "could not remove the files of " + files.key() + ": " + e);
    }
  }
}
