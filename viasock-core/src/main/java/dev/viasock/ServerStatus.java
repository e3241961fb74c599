package dev.viasock;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;

/**
 * What a running server says about itself: which command it serves and where, since when, how busy it is,
 * and where its log is.
 *
 * @param key the server's key: the name of its files in the state directory
 * @param pid the server's process id
 * @param command the program and its arguments, as given, its words separated by spaces
 * @param directory the absolute working directory the program runs in
 * @param workers the most program processes it runs at once (the pool size)
 * @param busyWorkers how many of its program processes serve a call right now
 * @param started when it started
 * @param idle how long it has been without a call (zero while it serves one)
 * @param recordsServed how many output records its programs have written in answer to input records
 * @param log its log file, or null when it logs to its stderr
 */
public record ServerStatus(
    String key,
    long pid,
    String command,
    Path directory,
    int workers,
    int busyWorkers,
    Instant started,
    Duration idle,
    long recordsServed,
    Path log) {

  /** Checks that every component but {@code log} is present. */
  public ServerStatus {
    requireNonNull(key, "key");
    requireNonNull(command, "command");
    requireNonNull(directory, "directory");
    requireNonNull(started, "started");
    requireNonNull(idle, "idle");
  }

  String encode() {
    Properties properties = new Properties();
    properties.setProperty("key", key);
    properties.setProperty("pid", String.valueOf(pid));
    properties.setProperty("command", command);
    properties.setProperty("directory", directory.toString());
    properties.setProperty("workers", String.valueOf(workers));
    properties.setProperty("busy", String.valueOf(busyWorkers));
    properties.setProperty("started", started.toString());
    properties.setProperty("idleMillis", String.valueOf(idle.toMillis()));
    properties.setProperty("records", String.valueOf(recordsServed));
    if (log != null) {
      properties.setProperty("log", log.toString());
    }
    StringWriter text = new StringWriter();
    try {
      properties.store(text, null);
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    return text.toString();
  }

  static ServerStatus decode(String text) {
    Properties properties = new Properties();
    try {
      properties.load(new StringReader(text));
    } catch (IOException impossible) {
      throw new UncheckedIOException(impossible);
    }
    String log = properties.getProperty("log");
    return new ServerStatus(
        properties.getProperty("key", "?"),
        Long.parseLong(properties.getProperty("pid", "-1")),
        properties.getProperty("command", "?"),
        Path.of(properties.getProperty("directory", "/")),
        Integer.parseInt(properties.getProperty("workers", "0")),
        Integer.parseInt(properties.getProperty("busy", "0")),
        Instant.parse(properties.getProperty("started", Instant.EPOCH.toString())),
        Duration.ofMillis(Long.parseLong(properties.getProperty("idleMillis", "0"))),
        Long.parseLong(properties.getProperty("records", "0")),
        log == null ? null : Path.of(log));
  }
}
