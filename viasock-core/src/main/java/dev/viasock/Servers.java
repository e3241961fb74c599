package dev.viasock;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableList;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;

/**
 * The servers running in one state directory: to list them and to stop them all. Servers are found through
 * the descriptions they leave beside their sockets and asked for their status over the socket, so that only
 * servers that answer are listed.
 */
public final class Servers {
  private final Path directory;

  private Servers(Path directory) {
    this.directory = directory;
  }

  /**
   * The servers of the state directory this user's calls use ({@code $VIASOCK_DIR} and so on).
   *
   * @return the servers of that directory
   */
  public static Servers ofCurrentUser() {
    return new Servers(StateDirectory.locate(System::getenv));
  }

  /**
   * The servers in {@code stateDirectory}.
   *
   * @param stateDirectory a state directory, as given to {@link Serverizer.Builder#stateDirectory}
   * @return the servers of that directory
   */
  public static Servers in(Path stateDirectory) {
    return new Servers(requireNonNull(stateDirectory, "stateDirectory").toAbsolutePath().normalize());
  }

  /**
   * The state directory.
   *
   * @return the absolute path of the state directory
   */
  public Path directory() {
    return directory;
  }

  /**
   * The servers that answer, oldest first.
   *
   * @return their statuses; empty when none runs or the directory does not exist
   */
  public ImmutableList<ServerStatus> list() {
    ImmutableList.Builder<ServerStatus> servers = ImmutableList.builder();
    for (String key : keys()) {
      ServerControl.status(directory.resolve(key + ".sock")).ifPresent(servers::add);
    }
    return ImmutableList.sortedCopyOf(Comparator.comparing(ServerStatus::started), servers.build());
  }

  /**
   * Stops every server that answers, each within a bound.
   *
   * @return the servers stopped
   */
  public ImmutableList<ServerStatus> stopAll() {
    ImmutableList.Builder<ServerStatus> stopped = ImmutableList.builder();
    for (String key : keys()) {
      ServerControl.stop(directory.resolve(key + ".sock")).ifPresent(stopped::add);
    }
    return stopped.build();
  }

  /**
   * Stops the server with this key, if one answers.
   *
   * @param key a server's key, as in {@link ServerStatus#key()}
   * @return the stopped server's last status, or empty when none answered
   */
  public Optional<ServerStatus> stop(String key) {
    return ServerControl.stop(directory.resolve(key + ".sock"));
  }

  private ImmutableList<String> keys() {
    ImmutableList.Builder<String> keys = ImmutableList.builder();
    if (!Files.isDirectory(directory)) {
      return keys.build();
    }
    StateDirectory.ensurePrivate(directory);
    try (DirectoryStream<Path> sockets = Files.newDirectoryStream(directory, "*.sock")) {
      for (Path socket : sockets) {
        String name = socket.getFileName().toString();
        keys.add(name.substring(0, name.length() - ".sock".length()));
      }
    } catch (IOException e) {
      throw new ViasockException(
          Failure.SERVER_UNAVAILABLE, "viasock: cannot read the state directory " + directory + ": " + e, e);
    }
    return keys.build();
  }
}
