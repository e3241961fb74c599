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
    Optional<Properties> existing = read(files);
    if (existing.isPresent() && describesAnotherLiveServer(existing.get())) {
      // A successor serves the key now (this server retired because its files changed): the file is its.
      removed = true;
      return;
    }
    Properties info = new Properties();
    info.setProperty("pid", String.valueOf(ProcessHandle.current().pid()));
    info.setProperty("server", describe(ProcessHandle.current()));
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

  /**
   * Whether {@code info} was written by a server other than this process that still runs: a retired
   * server's successor shares its key, and neither may remove or overwrite what the other wrote.
   */
  private static boolean describesAnotherLiveServer(Properties info) {
    String server = info.getProperty("server", "");
    if (server.equals(describe(ProcessHandle.current()))) {
      return false;
    }
    int at = server.indexOf('@');
    try {
      long pid = Long.parseLong(server.substring(0, Math.max(at, 0)));
      long start = Long.parseLong(server.substring(at + 1));
      return ProcessHandle.of(pid)
              .filter(p -> p.info().startInstant().map(Instant::toEpochMilli).orElse(0L) == start)
              .isPresent()
          && !isZombie(pid);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /**
   * Whether the process has ended but was not reaped yet: ProcessHandle counts such a process as alive, and
   * a killed server, nobody's child, stays one until init gets to it (some container inits never do).
   */
  private static boolean isZombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      int afterName = stat.lastIndexOf(')');
      char state = afterName >= 0 && afterName + 2 < stat.length() ? stat.charAt(afterName + 2) : '?';
      return state == 'Z' || state == 'X';
    } catch (IOException | RuntimeException e) {
      return false; // No /proc: ProcessHandle's answer stands.
    }
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
    if (info.isEmpty() || describesAnotherLiveServer(info.get())) {
      return; // No server left programs, or it lives on: it retired and is finishing its calls.
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
      Optional<Properties> existing = read(files);
      if (existing.isPresent() && describesAnotherLiveServer(existing.get())) {
        return; // A successor serves the key: its description and its lock file stay.
      }
      Files.deleteIfExists(files.info());
      try (SpawnLock lock = SpawnLock.acquire(files.lock(), LOCK_BOUND)) {
        // A caller may have been starting a successor while this server waited for the lock: asked again.
        Optional<Properties> now = read(files);
        if (lock != null && (now.isEmpty() || !describesAnotherLiveServer(now.get()))) {
          lock.retire(files.lock());
        }
      }
    } catch (IOException e) {
      LOG.log(WARNING, "could not remove the files of " + files.key() + ": " + e);
    }
  }
}
