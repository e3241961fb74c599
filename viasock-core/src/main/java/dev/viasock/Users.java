package dev.viasock;

import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The identity of the user this JVM runs as, to compare with file owners and socket peers. */
final class Users {
  private static final long UID = readUid();

  private Users() {}

  static long currentUid() {
    return UID;
  }

  /** /proc/self belongs to the process's user: one stat, where UnixSystem costs a native library. */
  private static long readUid() {
    try {
      return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
      return new UnixSystem().getUid();
    }
  }
}
