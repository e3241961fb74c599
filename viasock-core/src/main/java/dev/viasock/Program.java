package dev.viasock;

import com.google.common.collect.ImmutableList;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The program to serve: its executable resolved to an absolute path (through PATH when its name has no
 * slash), its arguments and the directory it runs in.
 */
record Program(String name, Path executable, ImmutableList<String> arguments, Path workingDirectory) {

  /**
   * Finds {@code name} the way a shell would: relative to the working directory when it contains a slash,
   * otherwise in the directories of {@code path}.
   *
   * @throws ViasockException {@link Failure#NOT_FOUND} or {@link Failure#NOT_EXECUTABLE}
   */
  static Program resolve(String name, List<String> arguments, Path workingDirectory, String path) {
    if (name.isEmpty()) {
      throw new ViasockException(Failure.NOT_FOUND, "viasock: the program name is empty");
    }
    Path directory = workingDirectory.toAbsolutePath().normalize();
    Path executable = name.contains("/") ? resolveGiven(name, directory) : searchPath(name, directory, path);
    return new Program(name, executable, ImmutableList.copyOf(arguments), directory);
  }

  private static Path resolveGiven(String name, Path directory) {
    Path candidate = directory.resolve(name).normalize();
    if (!Files.exists(candidate)) {
      throw new ViasockException(Failure.NOT_FOUND, "viasock: program not found: " + name);
    }
    if (!isRunnable(candidate)) {
      throw notExecutable(name);
    }
    return candidate;
  }

  private static Path searchPath(String name, Path directory, String path) {
    boolean foundButNotExecutable = false;
    for (String entry : (path == null ? "" : path).split(":", -1)) {
      Path candidate = directory.resolve(entry.isEmpty() ? "." : entry).resolve(name).normalize();
      if (isRunnable(candidate)) {
        return candidate;
      }
      foundButNotExecutable |= Files.isRegularFile(candidate);
    }
    if (foundButNotExecutable) {
      throw notExecutable(name);
    }
    throw new ViasockException(
        Failure.NOT_FOUND, "viasock: program not found: " + name + " (searched PATH=" + path + ")");
  }

  private static boolean isRunnable(Path candidate) {
    return Files.isRegularFile(candidate) && Files.isExecutable(candidate);
  }

  private static ViasockException notExecutable(String name) {
    return new ViasockException(
        Failure.NOT_EXECUTABLE,
        "viasock: program cannot be executed: " + name + " (it is not an executable file; try chmod +x)");
  }

  /** The program and its arguments, as a person would type them. */
  String commandText() {
    StringBuilder text = new StringBuilder(name);
    for (String argument : arguments) {
      text.append(' ').append(argument);
    }
    return text.toString();
  }
}
