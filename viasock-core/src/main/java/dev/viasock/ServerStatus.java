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
 * and where its log is. Immutable.
 */
public final class ServerStatus {
  private final String key;
  private final long pid;
  private final String command;
  private final Path directory;
  private final int workers;
  private final int busyWorkers;
  private final Instant started;
  private final Duration idle;
  private final long recordsServed;
  private final Path log;

  ServerStatus(
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
    this.key = requireNonNull(key);
    this.pid = pid;
    this.command = requireNonNull(command);
    this.directory = requireNonNull(directory);
    this.workers = workers;
    this.busyWorkers = busyWorkers;
    this.started = requireNonNull(started);
    this.idle = requireNonNull(idle);
    this.recordsServed = recordsServed;
    this.log = log;
  }

  /**
   * The server's key: the name of its files in the state directory.
   *
   * @return the key
   */
  public String key() {
    return key;
  }

  /**
   * The server's process id.
   *
   * @return the pid
   */
  public long pid() {
    return pid;
  }

  /**
   * The program and its arguments, as given.
   *
   * @return the command, its words separated by spaces
   */
  public String command() {
    return command;
  }

  /**
   * The working directory the program runs in.
   *
   * @return the absolute working directory
   */
  public Path directory() {
    return directory;
  }

  /**
   * The most program processes it runs at once.
   *
   * @return the pool size
   */
  public int workers() {
    return workers;
  }

  /**
   * How many of its program processes serve a call right now.
   *
   * @return the number of busy workers
   */
  public int busyWorkers() {
    return busyWorkers;
  }

  /**
   * When it started.
   *
   * @return the start time
   */
  public Instant started() {
    return started;
  }

  /**
   * How long it has been without a call (zero while it serves one).
   *
   * @return the idle time
   */
  public Duration idle() {
    return idle;
  }

  /**
   * How many output records its programs have written in answer to input records.
   *
   * @return the number of records served
   */
  public long recordsServed() {
    return recordsServed;
  }

  /**
   * Its log file, or null when it logs to its stderr.
   *
   * @return the log file, or null
   */
  public Path log() {
    return log;
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

  @Override
  public String toString() {
    return "ServerStatus[" + key + ", pid " + pid + ", " + command + " in " + directory + "]";
  }
}
