package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;

/**
 * The files of one server in the state directory, all named after its key; the log may live elsewhere
 * ({@code -l}).
 */
record ServerFiles(Path directory, String key, Path log) {
  /** sun_path holds 108 bytes with its terminating NUL. */
  static final int MAX_SOCKET_PATH_BYTES = 107;

  /**
   * @param log the log file, or null for {@code <key>.log} in the state directory
   * @throws ViasockException when the socket's path would be too long for a Unix socket
   */
  static ServerFiles of(Path directory, String key, Path log) {
    ServerFiles files = new ServerFiles(directory, key, log != null ? log : directory.resolve(key + ".log"));
    int length = files.socket().toString().getBytes(UTF_8).length;
    if (length > MAX_SOCKET_PATH_BYTES) {
      throw new ViasockException(
          Failure.SERVER_UNAVAILABLE,
          "viasock: the state directory's path is too long for a socket (" + length + " bytes, at most "
              + MAX_SOCKET_PATH_BYTES + "): set VIASOCK_DIR to a shorter path");
    }
    return files;
  }

  Path socket() {
    return directory.resolve(key + ".sock");
  }

  Path lock() {
    return directory.resolve(key + ".lock");
  }

  Path info() {
    return directory.resolve(key + ".info");
  }
}
