package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * The server's log. viasock logs through {@link System.Logger}; a server that viasock starts in the
 * background routes it into its log file, one line per event, and keeps one older log beside it once the
 * log passes 1 MiB. A server embedded in another JVM adds its log file to viasock's own loggers only.
 */
final class ServerLog {
  static final long ROTATE_BYTES = 1 << 20;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneId.systemDefault());

  private ServerLog() {}

  /**
   * Sends all of this JVM's log records to {@code file}, or to stderr when {@code file} is null, and nowhere
   * else: for a JVM whose one job is the server (a background server, {@code viasock server}).
   */
  static void install(Path file) throws IOException {
    StreamHandler handler = new FlushingHandler(open(file));
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    root.setLevel(Level.INFO);
    root.addHandler(handler);
  }

  /**
   * Also sends viasock's own log records ({@code dev.viasock} and below) to {@code file} until the returned
   * route is closed, leaving the rest of this JVM's logging as it is: for a server embedded in a JVM that
   * has other work. With a null file, nothing changes: the records go wherever the JVM's logging sends them.
   */
  static Route attach(Path file) throws IOException {
    if (file == null) {
      return () -> {};
    }
    Logger viasock = Logger.getLogger("dev.viasock");
    StreamHandler handler = new FlushingHandler(open(file));
    viasock.addHandler(handler);
    return () -> {
      viasock.removeHandler(handler);
      handler.close();
    };
  }

  /** Viasock's records going to a log file of its own, until closed. */
  interface Route extends AutoCloseable {
    @Override
    void close();
  }

  private static OutputStream open(Path file) throws IOException {
    if (file == null) {
      return new FileOutputStream(java.io.FileDescriptor.err);
    }
    rotate(file);
    createPrivate(file);
    return new FileOutputStream(file.toFile(), true);
  }

  /** Creates {@code file} readable by its owner only, unless it exists: logs quote the program's stderr. */
  static void createPrivate(Path file) throws IOException {
    try {
      Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
    } catch (java.nio.file.FileAlreadyExistsException e) {
      // Appending to the existing log.
    }
  }

  private static void rotate(Path file) throws IOException {
    if (Files.exists(file) && Files.size(file) > ROTATE_BYTES) {
      Files.move(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Appends one line to {@code file} in the log's format, from a process that does not log there itself:
   * a client that cleans up after a server that died writes it into that server's log, not to its caller.
   */
  static void append(Path file, String level, String message) {
    String line = line(Instant.now(), level, message);
    try {
      createPrivate(file);
      Files.writeString(file, line, java.nio.file.StandardOpenOption.APPEND);
    } catch (IOException e) {
      // The log is for people; a call does not fail over it.
    }
  }

  /** The last {@code count} lines of {@code file}, or none when it cannot be read. */
  static List<String> tail(Path file, int count) {
    List<String> lines = new ArrayList<>();
    try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
      long length = in.length();
      int window = (int) Math.min(length, 16_384);
      byte[] bytes = new byte[window];
      in.seek(length - window);
      in.readFully(bytes);
      String[] all = new String(bytes, UTF_8).split("\n");
      for (int i = Math.max(window == length ? 0 : 1, all.length - count); i < all.length; i++) {
        lines.add(all[i]);
      }
    } catch (IOException e) {
      return List.of();
    }
    return lines;
  }

  private static final class FlushingHandler extends StreamHandler {
    FlushingHandler(OutputStream out) {
      super(out, new OneLine());
      try {
        setEncoding("UTF-8");
      } catch (java.io.UnsupportedEncodingException impossible) {
        throw new AssertionError(impossible);
      }
    }

    @Override
    public synchronized void publish(LogRecord record) {
      super.publish(record);
      flush();
    }
  }

  /** One line of the log: time, level, message. */
  private static String line(Instant time, String level, String message) {
    return TIME.format(time) + ' ' + level + ' ' + message + '\n';
  }

  private static final class OneLine extends Formatter {
    @Override
    public String format(LogRecord record) {
      StringBuilder line = new StringBuilder(
          line(Instant.ofEpochMilli(record.getMillis()), record.getLevel().getName(), formatMessage(record)));
      if (record.getThrown() != null) {
        var trace = new java.io.StringWriter();
        record.getThrown().printStackTrace(new java.io.PrintWriter(trace));
        line.append(trace);
      }
      return line.toString();
    }
  }
}
