package dev.viasock;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;

/**
 * The class-data archive of the server JVM: the classes a server loads, mapped ready-made into the next
 * server's memory, which shortens every cold start. The first server of a given JVM and class path writes it
 * as it exits, under a temporary name; a later launcher, once that server has ended, moves it into place.
 * It lives in the private state directory and is named after the JVM and the jars, so a rebuild or another
 * JVM gets a new one. A class path with directories (a development build) gets none.
 */
final class ServerClassArchive {
  private ServerClassArchive() {}

  /** The JVM options that use the archive, or that make it when there is none yet. */
  static List<String> options(Path stateDirectory, String javaHome, List<Path> classPath) {
    Optional<Path> archive = archiveFor(stateDirectory, javaHome, classPath);
    if (archive.isEmpty()) {
      return List.of();
    }
    Path finished = archive.get();
    adoptFinishedDumps(finished);
    if (Files.isRegularFile(finished)) {
      return List.of("-XX:SharedArchiveFile=" + finished);
    }
    return List.of("-XX:ArchiveClassesAtExit=" + finished + "." + ProcessHandle.current().pid() + "-"
        + System.nanoTime() + ".tmp");
  }

  private static Optional<Path> archiveFor(Path stateDirectory, String javaHome, List<Path> classPath) {
    Hasher hasher = Hashing.murmur3_128().newHasher();
    hasher.putUnencodedChars(javaHome).putUnencodedChars(Runtime.version().toString());
    for (Path entry : classPath) {
      if (!Files.isRegularFile(entry) || !entry.toString().endsWith(".jar")) {
        return Optional.empty();
      }
      try {
        hasher.putUnencodedChars(entry.toString())
            .putLong(Files.getLastModifiedTime(entry).toMillis())
            .putLong(Files.size(entry));
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    return Optional.of(stateDirectory.resolve("server-" + hasher.hash().toString().substring(0, 16) + ".jsa"));
  }

  /** Moves a finished dump into place, and removes spare ones; a dump is finished once its writer ended. */
  private static void adoptFinishedDumps(Path finished) {
    String prefix = finished.getFileName() + ".";
    try (DirectoryStream<Path> dumps = Files.newDirectoryStream(finished.getParent(), prefix + "*.tmp")) {
      for (Path dump : dumps) {
        if (!Files.isRegularFile(finished) && Files.size(dump) > 0 && !beingWritten(dump)) {
          Files.move(dump, finished, StandardCopyOption.ATOMIC_MOVE);
        } else if (!beingWritten(dump)) {
          Files.deleteIfExists(dump);
        }
      }
    } catch (IOException e) {
      // Without an archive the server starts a little slower; nothing else depends on it.
    }
  }

  /** A dump is being written while a server that was told to write it is still running. */
  private static boolean beingWritten(Path dump) {
    String name = dump.getFileName().toString();
    return ProcessHandle.allProcesses()
        .anyMatch(p -> p.info().commandLine().map(line -> line.contains(name)).orElse(false));
  }
}
