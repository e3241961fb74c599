package dev.viasock;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Function;

/**
 * The private per-user directory that holds the servers' sockets, locks, logs and descriptions:
 * {@code $VIASOCK_DIR}, else {@code $XDG_RUNTIME_DIR/viasock}, else {@code <tmpdir>/viasock-<uid>}. Sockets
 * are connectable by anyone who can reach them, so this directory (mode 0700, owned by the user) is what keeps
 * other users out; an existing directory that does not look like that is refused rather than used.
 */
final class StateDirectory {
  private static final Set<PosixFilePermission> PRIVATE = PosixFilePermissions.fromString("rwx------");

  private StateDirectory() {}

  static Path locate(Function<String, String> environment) {
    String configured = environment.apply("VIASOCK_DIR");
    if (configured != null && !configured.isEmpty()) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    String runtime = environment.apply("XDG_RUNTIME_DIR");
    if (runtime != null && !runtime.isEmpty()) {
      return Path.of(runtime, "viasock").toAbsolutePath().normalize();
    }
    return Path.of(System.getProperty("java.io.tmpdir"), "viasock-" + Users.currentUid())
        .toAbsolutePath()
        .normalize();
  }

  /**
   * Creates {@code directory} (mode 0700) or checks that the existing one is private to the user.
   *
   * @throws ViasockException {@link Failure#UNSAFE_STATE_DIRECTORY} when it is not, or cannot be made
   */
  static Path ensurePrivate(Path directory) {
    try {
      if (!Files.exists(directory, LinkOption.NOFOLLOW_LINKS)) {
        Files.createDirectories(directory.getParent());
        try {
          Files.createDirectory(directory, PosixFilePermissions.asFileAttribute(PRIVATE));
        } catch (FileAlreadyExistsException raced) {
          // Another caller created it first; it is checked below like any existing directory.
        }
      }
      check(directory);
      return directory;
    } catch (IOException e) {
      throw new ViasockException(
          Failure.UNSAFE_STATE_DIRECTORY,
          "viasock: cannot create the state directory " + directory + ": " + e.getMessage()
              + " (set VIASOCK_DIR to a directory of yours)",
          e);
    }
  }

  private static void check(Path directory) throws IOException {
    if (Files.isSymbolicLink(directory)) {
      throw unsafe(directory, "it is a symbolic link");
    }
    if (!Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      throw unsafe(directory, "it is not a directory");
    }
    int owner = (Integer) Files.getAttribute(directory, "unix:uid", LinkOption.NOFOLLOW_LINKS);
    if (owner != Users.currentUid()) {
      throw unsafe(directory, "it is owned by uid " + owner + ", not by you (uid " + Users.currentUid() + ")");
    }
    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory, LinkOption.NOFOLLOW_LINKS);
    if (permissions.contains(PosixFilePermission.GROUP_WRITE)
        || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
      throw unsafe(
          directory, "it is writable by others (mode " + PosixFilePermissions.toString(permissions) + ")");
    }
  }

  private static ViasockException unsafe(Path directory, String reason) {
    return new ViasockException(
        Failure.UNSAFE_STATE_DIRECTORY,
        "viasock: refusing the state directory " + directory + ": " + reason
            + "; fix it (chmod 700) or set VIASOCK_DIR to a private directory of yours");
  }
}
