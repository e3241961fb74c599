package dev.viasock.junit;

import dev.viasock.ServerStatus;
import dev.viasock.Serverizer;
import dev.viasock.Servers;
import dev.viasock.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The program behind a background server of its own, in a private state directory made for it, so that it
 * never meets the user's servers or another test class's. Closing it stops every server of that directory,
 * checks that they and their programs have ended, and removes the directory.
 */
final class BackgroundProgram implements Started {
  private final Serverizer serverizer;
  private final Path stateDirectory;

  private BackgroundProgram(Serverizer serverizer, Path stateDirectory) {
    this.serverizer = serverizer;
    this.stateDirectory = stateDirectory;
  }

  /** Builds the serverizer in a new private state directory; the server starts with the first call. */
  static BackgroundProgram create(Serverizer.Builder builder) {
    Path directory;
    try {
      directory = Files.createTempDirectory("viasock-junit-"); // mode 0700, as a state directory must be
    } catch (IOException e) {
      throw new UncheckedIOException("viasock: cannot create a state directory for the test's server", e);
    }
    try {
      return new BackgroundProgram(builder.stateDirectory(directory).build(), directory);
    } catch (RuntimeException e) {
      delete(directory);
      throw e;
    }
  }

  Serverizer serverizer() {
    return serverizer;
  }

  Path stateDirectory() {
    return stateDirectory;
  }

  @Override
  public void run(InputStream in, OutputStream out) {
    serverizer.run(in, out);
  }

  @Override
  public Session openSession() {
    return serverizer.openSession();
  }

  @Override
  public void close() {
    Servers servers = Servers.in(stateDirectory);
    List<ProcessHandle> processes = new ArrayList<>();
    for (ServerStatus server : servers.list()) {
      ProcessHandle.of(server.pid()).ifPresent(handle -> {
        processes.add(handle);
        handle.descendants().forEach(processes::add);
      });
    }
    servers.stopAll();
    LeftRunning.check(processes, "the server of " + serverizer.executable());
    List<ServerStatus> answering = servers.list();
    if (!answering.isEmpty()) {
      throw new AssertionError("viasock: servers still answer in " + stateDirectory + " after being stopped: "
          + answering);
    }
    delete(stateDirectory);
  }

  private static void delete(Path directory) {
    try (Stream<Path> files = Files.walk(directory)) {
      for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      // A state directory left in the temp directory harms nothing; the servers are checked above.
    }
  }
}
