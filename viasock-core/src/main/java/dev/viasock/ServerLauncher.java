package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.common.base.Splitter;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URISyntaxException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Finds the server for a key or starts it: a background JVM running {@link Daemon}, detached from the caller
 * (its own session, so a Ctrl-C at the caller's terminal does not reach it; none of the caller's streams, so
 * a pipeline ends when the client ends). Callers that arrive together on a cold key take turns on the
 * {@link SpawnLock}; the first starts the server and waits for its READY line, the others then find it.
 */
final class ServerLauncher {
  private static final Duration READY_BOUND = Duration.ofSeconds(30);
  private static final Duration LOCK_BOUND = READY_BOUND.plusSeconds(15);
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Path HEAD = Path.of("/usr/bin/head");
  /** Guava's failureaccess may be absent; the server does not need it. */
  private static final String OPTIONAL_MARKER =
      "com.google.common.util.concurrent.internal.InternalFutureFailureAccess";
  private static final List<String> CLASSPATH_MARKERS =
      List.of(
          "dev.viasock.Serverizer",
          "org.newsclub.net.unix.AFUNIXServerSocket",
          "org.newsclub.lib.junixsocket.common.NarMetadata",
          "org.apache.commons.exec.CommandLine",
          "com.google.common.collect.ImmutableList",
          "com.sun.jna.Native",
          ServerLauncher.OPTIONAL_MARKER);

  private ServerLauncher() {}

  /**
   * Connects to the server of {@code files}, starting it first if none listens.
   *
   * @throws ViasockException {@link Failure#SERVER_UNAVAILABLE} when it could not be started, with the reason
   */
  static SocketChannel connectOrStart(ServerSpec spec, ServerFiles files) throws IOException {
    SocketChannel channel = Connector.tryConnect(files.socket());
    if (channel != null) {
      return channel;
    }
    try (SpawnLock lock = SpawnLock.acquire(files.lock(), LOCK_BOUND)) {
      if (lock == null) {
        throw unavailable(files, "another caller has been starting the server for over " + LOCK_BOUND.toSeconds()
            + " s");
      }
      channel = Connector.tryConnect(files.socket());
      if (channel != null) {
        return channel;
      }
      ServerInfo.reapOrphans(files);
      Files.deleteIfExists(files.socket());
      start(spec, files);
      channel = Connector.tryConnect(files.socket());
      if (channel == null) {
        throw unavailable(files, "the server said it was ready, but its socket does not answer");
      }
      return channel;
    }
  }

  private static void start(ServerSpec spec, ServerFiles files) throws IOException {
    ServerLog.createPrivate(files.log());
    ProcessBuilder builder =
        new ProcessBuilder(command(spec, files))
            .directory(spec.program().workingDirectory().toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .redirectError(ProcessBuilder.Redirect.appendTo(files.log().toFile()))
            .redirectOutput(ProcessBuilder.Redirect.PIPE);
    Process server = builder.start();
    String report = awaitReport(server, files);
    if (report == null) {
      throw unavailable(files, "the server exited before it was ready");
    }
    if (report.startsWith("FAILED")) {
      throw unavailable(files, "the server could not start: " + report.substring("FAILED".length()).trim());
    }
  }

  /** The server's one-line report, or null when it ended without one. */
  private static String awaitReport(Process server, ServerFiles files) {
    CompletableFuture<String> report = new CompletableFuture<>();
    Threads.start("await-server", () -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(), UTF_8))) {
        report.complete(in.readLine());
      } catch (IOException e) {
        report.complete(null);
      }
    });
    try {
      return report.get(READY_BOUND.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      Reaper.kill(Reaper.tree(server.toHandle()));
      throw unavailable(files, "the server was not ready within " + READY_BOUND.toSeconds() + " s");
    } catch (ExecutionException e) {
      throw unavailable(files, "the server's report could not be read: " + e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      Reaper.kill(Reaper.tree(server.toHandle()));
      throw unavailable(files, "interrupted while the server was starting");
    }
  }

  /**
   * The command that starts the server. Its direct child relays the server's one-line report and then exits:
   * {@code setsid --fork} makes the server nobody's child here (a JVM with a live child process waits for the
   * JDK's process reaper as it exits, a third of a second on every cold call), and the pipeline through
   * {@code head} keeps the report's pipe open until the report has been written (the JDK stops reading a
   * child's pipe once that child has exited).
   */
  private static List<String> command(ServerSpec spec, ServerFiles files) {
    List<String> server = new ArrayList<>();
    String javaHome = System.getProperty("java.home");
    server.add(Path.of(javaHome, "bin", "java").toString());
    List<Path> classPath = classPath();
    server.addAll(ServerClassArchive.options(files.directory(), javaHome, classPath));
    server.addAll(serverJvmOptions());
    server.add("-cp");
    server.add(classPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
    server.add(Daemon.class.getName());
    server.addAll(new DaemonArguments(spec, files).encode());
    if (!Files.isExecutable(SETSID) || !Files.isExecutable(HEAD)) {
      return server;
    }
    String relay = SETSID + " --fork \"$@\" | " + HEAD + " -n 1";
    List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", relay, "viasock-launch"));
    command.addAll(server);
    return command;
  }

  /**
   * The server JVM's options ({@link JvmOptions#server}); {@code VIASOCK_SERVER_JAVA_OPTIONS} adds to or
   * overrides them.
   */
  private static List<String> serverJvmOptions() {
    List<String> options = new ArrayList<>(JvmOptions.server());
    String extra = System.getenv("VIASOCK_SERVER_JAVA_OPTIONS");
    if (extra != null) {
      Splitter.on(' ').omitEmptyStrings().split(extra).forEach(options::add);
    }
    return options;
  }

  /**
   * The jars (or class directories) that hold the server's classes, wherever this library was loaded from.
   * A caller whose class path lacks some of them (the viasock command keeps its own short) has them beside
   * viasock-core's jar, and then every jar there is taken.
   */
  static List<Path> classPath() {
    Set<Path> entries = new LinkedHashSet<>();
    ClassLoader loader = ServerLauncher.class.getClassLoader();
    boolean complete = true;
    for (String marker : CLASSPATH_MARKERS) {
      try {
        var source = Class.forName(marker, false, loader).getProtectionDomain().getCodeSource();
        if (source != null) {
          entries.add(Path.of(source.getLocation().toURI()));
        }
      } catch (ClassNotFoundException e) {
        complete &= marker.equals(OPTIONAL_MARKER);
      } catch (URISyntaxException e) {
        throw new IllegalStateException("cannot locate the classes of " + marker, e);
      }
    }
    if (!complete) {
      entries.addAll(jarsBeside(entries.iterator().next()));
    }
    return List.copyOf(entries);
  }

  private static List<Path> jarsBeside(Path coreJar) {
    try (var siblings = Files.list(coreJar.getParent())) {
      return siblings.filter(path -> path.toString().endsWith(".jar")).sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new IllegalStateException("cannot list the jars beside " + coreJar, e);
    }
  }

  /** A {@link Failure#SERVER_UNAVAILABLE} whose message names the log and quotes its last lines. */
  static ViasockException unavailable(ServerFiles files, String reason) {
    StringBuilder message =
        new StringBuilder("viasock: ").append(reason).append(" (log: ").append(files.log()).append(')');
    List<String> tail = ServerLog.tail(files.log(), 5);
    if (!tail.isEmpty()) {
      message.append("\nlast lines of the log:");
      tail.forEach(line -> message.append("\n  ").append(line));
    }
    return new ViasockException(Failure.SERVER_UNAVAILABLE, message.toString());
  }
}
