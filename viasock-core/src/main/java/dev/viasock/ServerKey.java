package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.hash.Hasher;
import com.google.common.hash.Hashing;
import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Which server serves a spec, in two parts, as Mercurial's chg does it. The <em>key</em> (the address) comes
 * only from what any client computes cheaply and exactly: the working directory, the resolved program, the
 * arguments, the framing, timeout, pool, record size and {@code -u} options and the values of the passed
 * environment variables; its byte encoding is specified in docs/protocol.md, and the native client computes
 * the same. The
 * <em>stamps</em> (modification time, size and identity of the program, of every file an argument names, and
 * of everything under the watched paths) are the server's business: it checks them on every greeting and
 * retires when they changed, so that the caller starts a fresh server under the same key.
 */
final class ServerKey {
  /** 20 hex digits: 80 bits, short enough for any socket path, long enough never to collide among one user's servers. */
  static final int LENGTH = 20;
  /** The first string of the encoding: a change of the encoding changes every key. */
  static final String ENCODING = "viasock-address-1";

  private ServerKey() {}

  /** The key: the first {@link #LENGTH} hex digits of MurmurHash3_x64_128 over {@link #encode}. */
  static String derive(ServerSpec spec, Function<String, String> environment) {
    // Not a secret and not a security boundary (the state directory is): a fast, stable hash will do, and
    // it spares every call the loading of the JDK's cryptographic providers.
    return Hashing.murmur3_128().hashBytes(encode(spec, environment)).toString().substring(0, LENGTH);
  }

  /** The bytes the key hashes, exactly as docs/protocol.md ("The server's address") specifies them. */
  static byte[] encode(ServerSpec spec, Function<String, String> environment) {
    Encoding out = new Encoding();
    out.string(ENCODING);
    Program program = spec.program();
    out.string(program.workingDirectory().toString());
    out.string(program.executable().toString());
    out.integer(program.arguments().size());
    for (String argument : program.arguments()) {
      out.string(argument);
    }
    Framing framing = spec.framing();
    out.string(framing.input().source());
    out.string(framing.output().source());
    out.integer(framing.preludeRecords());
    out.integer(framing.preludeLines());
    out.longInteger(spec.processTimeout().toNanos());
    out.longInteger(spec.idleTimeout().toNanos());
    out.integer(spec.workers());
    out.longInteger(spec.maxRecordSize());
    out.bytes(new byte[] {(byte) (spec.unbuffered() ? 1 : 0)});
    out.integer(spec.environmentNames().size());
    for (String name : spec.environmentNames()) {
      out.string(name);
      String value = environment.apply(name);
      out.bytes(new byte[] {(byte) (value != null ? 1 : 0)});
      out.string(value == null ? "" : value);
    }
    out.integer(spec.watchPaths().size());
    for (Path watched : spec.watchPaths()) {
      out.string(watched.toString());
    }
    return out.toByteArray();
  }

  /**
   * The stamps of the files a server depends on: the program, every file an argument names (the {@code VALUE}
   * of {@code --opt=VALUE} too) and everything under the watched paths. A server whose stamps changed since
   * it started no longer serves.
   */
  static String stamps(ServerSpec spec) {
    Hasher hasher = Hashing.murmur3_128().newHasher();
    Program program = spec.program();
    Path directory = program.workingDirectory();
    putFile(hasher, program.executable());
    for (String argument : program.arguments()) {
      putFileNamed(hasher, directory, argument);
      int equals = argument.indexOf('=');
      if (argument.startsWith("-") && equals > 0) {
        putFileNamed(hasher, directory, argument.substring(equals + 1));
      }
    }
    hasher.putInt(spec.watchPaths().size());
    for (Path watched : spec.watchPaths()) {
      put(hasher, watched.toString());
      putTree(hasher, directory.resolve(watched));
    }
    return hasher.hash().toString();
  }

  /**
   * The check a server runs on every greeting and every second: why the files it started with have changed,
   * or null while they have not.
   */
  static Supplier<String> staleness(ServerSpec spec) {
    String atStart = stamps(spec);
    return () -> stamps(spec).equals(atStart)
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

  /** The key's byte encoding: little-endian integers, strings as their UTF-8 length then bytes. */
  private static final class Encoding {
    private byte[] bytes = new byte[256];
    private int length;

    void bytes(byte[] more) {
      if (length + more.length > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more.length));
      }
      System.arraycopy(more, 0, bytes, length, more.length);
      length += more.length;
    }

    void integer(int value) {
      bytes(new byte[] {(byte) value, (byte) (value >> 8), (byte) (value >> 16), (byte) (value >> 24)});
    }

    void longInteger(long value) {
      integer((int) value);
      integer((int) (value >>> 32));
    }

    void string(String text) {
      byte[] utf8 = text.getBytes(UTF_8);
      integer(utf8.length);
      bytes(utf8);
    }

    byte[] toByteArray() {
      return Arrays.copyOf(bytes, length);
    }
  }
}
