package dev.viasock;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
   * @return their statuses (an unmodifiable list); empty when none runs or the directory does not exist
   */
  public List<ServerStatus> list() {
    List<ServerStatus> servers = new ArrayList<>();
    for (String key : keys()) {
      ServerControl.status(directory.resolve(key + ".sock")).ifPresent(servers::add);
    }
    servers.sort(Comparator.comparing(ServerStatus::started));
    return List.copyOf(servers);
  }

  /**
   * Stops every server that answers, each within a bound.
   *
   * @return the servers stopped (an unmodifiable list)
   */
  public List<ServerStatus> stopAll() {
    List<ServerStatus> stopped = new ArrayList<>();
    for (String key : keys()) {
      ServerControl.stop(directory.resolve(key + ".sock")).ifPresent(stopped::add);
    }
    return List.copyOf(stopped);
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

  private List<String> keys() {
    List<String> keys = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return keys;
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
    return keys;
  }
}
