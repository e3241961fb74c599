package dev.viasock;

import com.sun.security.auth.module.UnixSystem;

/** The identity of the user this JVM runs as, to compare with file owners and socket peers. */
final class Users {
  private static final long UID = new UnixSystem().getUid();

  private Users() {}

  static long currentUid() {
    return UID;
  }
}
