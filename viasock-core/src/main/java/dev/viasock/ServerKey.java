package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.FileVisitOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Derives the name of the server that serves a spec. The key covers the working directory, the resolved
 * program, the arguments, the modification time, size and identity of every file the program or an argument
 * names (the {@code VALUE} of {@code --opt=VALUE} too), the framing and timeout options, the pool size, the
 * values of the passed environment variables, the watched files and whether stdout is a terminal ({@code -u}).
 * Any change gives another key.
 */
final class ServerKey {
  /** 20 hex digits: 80 bits, short enough for any socket path, long enough never to collide among one user's servers. */
  static final int LENGTH = 20;

  private ServerKey() {}

  static String derive(ServerSpec spec, Function<String, String> environment) {
    // Not a secret and not a security boundary (the state directory is): a fast, stable hash will do, and
    // it spares every call the loading of the JDK's cryptographic providers.
    Hasher hasher = Hashing.murmur3_128().newHasher();
    put(hasher, "viasock-key-1");
    Program program = spec.program();
    Path directory = program.workingDirectory();
    put(hasher, directory.toString());
    put(hasher, program.executable().toString());
    putFile(hasher, program.executable());
    hasher.putInt(program.arguments().size());
    for (String argument : program.arguments()) {
      put(hasher, argument);
      putFileNamed(hasher, directory, argument);
      int equals = argument.indexOf('=');
      if (argument.startsWith("-") && equals > 0) {
        putFileNamed(hasher, directory, argument.substring(equals + 1));
      }
    }
    Framing framing = spec.framing();
    put(hasher, framing.input().source());
    put(hasher, framing.output().source());
    hasher.putInt(framing.preludeRecords()).putInt(framing.preludeLines());
    hasher.putLong(spec.processTimeout().toNanos()).putLong(spec.idleTimeout().toNanos());
    hasher.putInt(spec.workers());
    hasher.putLong(spec.maxRecordSize());
    hasher.putBoolean(spec.unbuffered());
    hasher.putInt(spec.environmentNames().size());
    for (String name : spec.environmentNames()) {
      put(hasher, name);
      String value = environment.apply(name);
      hasher.putBoolean(value != null);
      put(hasher, value == null ? "" : value);
    }
    hasher.putInt(spec.watchPaths().size());
    for (Path watched : spec.watchPaths()) {
      put(hasher, watched.toString());
      putTree(hasher, directory.resolve(watched));
    }
    return hasher.hash().toString().substring(0, LENGTH);
  }

  /**
   * The check a server runs every second: why {@code key} no longer holds for {@code spec}, or null while it
   * does.
   */
  static Supplier<String> staleness(ServerSpec spec, Function<String, String> environment, String key) {
    return () -> derive(spec, environment).equals(key)
        ? null
        : "its key no longer holds (the program, a file it names, or a watched file changed)";
  }

  private static void put(Hasher hasher, String text) {
    byte[] bytes = text.getBytes(UTF_8);
    hasher.putInt(bytes.length).putBytes(bytes);
  }

  private static void putFileNamed(Hasher hasher, Path directory, String name) {
    if (name.isEmpty()) {
      hasher.putByte((byte) 0);
      return;
    }
    try {
      putFile(hasher, directory.resolve(name));
    } catch (InvalidPathException e) {
      hasher.putByte((byte) 0);
    }
  }

  private static void putFile(Hasher hasher, Path file) {
    try {
      BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
      hasher.putByte((byte) 1);
      hasher.putLong(attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS));
      hasher.putLong(attributes.size());
      put(hasher, String.valueOf(attributes.fileKey()));
    } catch (IOException | SecurityException e) {
      hasher.putByte((byte) 0);
    }
  }

  /**
   * A watched directory counts with everything under it, so that a changed model file inside it counts;
   * symbolic links are followed (a model directory is often a link to the current version).
   */
  private static void putTree(Hasher hasher, Path root) {
    putFile(hasher, root);
    if (!Files.isDirectory(root)) {
      return;
    }
    try (var paths = Files.walk(root, FileVisitOption.FOLLOW_LINKS)) {
      paths.sorted().forEach(path -> {
        put(hasher, root.relativize(path).toString());
        putFile(hasher, path);
      });
    } catch (IOException | java.io.UncheckedIOException e) {
      hasher.putByte((byte) 2);
    }
  }
}
