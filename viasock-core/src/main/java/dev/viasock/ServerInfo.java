package dev.viasock;

import static java.lang.System.Logger.Level.WARNING;

import com.google.common.base.Splitter;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The description a background server keeps beside its socket ({@code <key>.info}): its pid, what it runs,
 * where its log is, and the pids of its programs. It lets {@code viasock list} show a server that does not
 * answer, and lets the next call reap the programs of a server that was killed (SIGKILL) before it could stop
 * them. Written when the server listens and whenever a program starts or ends; removed, with the lock file,
 * when the server stops.
 */
final class ServerInfo {
  private static final System.Logger LOG = System.getLogger(ServerInfo.class.getName());
  private static final Duration LOCK_BOUND = Duration.ofSeconds(2);

  private final ServerFiles files;
  private final ServerSpec spec;
  private boolean removed;

  ServerInfo(ServerFiles files, ServerSpec spec) {
    this.files = files;
    this.spec = spec;
  }

  /** Writes the description with the programs running now; does nothing once it has been removed. */
  synchronized void update(List<ProcessHandle> programs) {
    if (removed) {
      return;
    }
    Properties info = new Properties();
    info.setProperty("pid", String.valueOf(ProcessHandle.current().pid()));
    info.setProperty("key", files.key());
    info.setProperty("command", spec.program().commandText());
    info.setProperty("directory", spec.program().workingDirectory().toString());
    info.setProperty("workers", String.valueOf(spec.workers()));
    info.setProperty("log", files.log().toString());
    info.setProperty(
        "programs", programs.stream().map(ServerInfo::describe).collect(Collectors.joining(",")));
    Path temporary = files.directory().resolve(files.key() + ".info.tmp");
    try {
      Files.deleteIfExists(temporary);
      ServerLog.createPrivate(temporary);
      try (Writer out = Files.newBufferedWriter(temporary)) {
        info.store(out, "viasock server");
      }
      Files.move(temporary, files.info(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      LOG.log(WARNING, "could not write " + files.info() + ": " + e);
    }
  }

  /** A process as {@code pid@start}, so that a pid reused by another process is never mistaken for it. */
  private static String describe(ProcessHandle process) {
    return process.pid() + "@" + process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
  }

  private static Optional<Properties> read(ServerFiles files) {
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(files.info())) {
      properties.load(in);
      return Optional.of(properties);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | IllegalArgumentException e) {
      ServerLog.append(files.log(), "WARNING", "could not read " + files.info() + ": " + e);
      return Optional.empty();
    }
  }

  /**
   * Stops the programs of a server that died without stopping them, as its description lists them. Called
   * under the spawn lock, by the call that found the dead server's socket.
   */
  static void reapOrphans(ServerFiles files) {
    Optional<Properties> info = read(files);
    if (info.isEmpty()) {
      return;
    }
    for (String program : Splitter.on(',').omitEmptyStrings().split(info.get().getProperty("programs", ""))) {
      List<String> parts = Splitter.on('@').splitToList(program);
      try {
        long pid = Long.parseLong(parts.get(0));
        long start = Long.parseLong(parts.get(1));
        ProcessHandle.of(pid)
            .filter(p -> p.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == start)
            .ifPresent(orphan -> {
              ServerLog.append(files.log(), "INFO", "stopped program pid " + pid + ", left by a server that died");
              Reaper.kill(Reaper.tree(orphan));
            });
      } catch (RuntimeException e) {
        ServerLog.append(files.log(), "WARNING", "unreadable program entry '" + program + "' in " + files.info());
      }
    }
    try {
      Files.deleteIfExists(files.info());
    } catch (IOException e) {
      ServerLog.append(files.log(), "WARNING", "could not remove " + files.info() + ": " + e);
    }
  }

  /** Removes the description and the lock file for good; the socket file is the server's own to remove. */
  synchronized void remove() {
    removed = true;
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
