package dev.viasock;

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;

/**
 * The main class of a background server, as the {@link ServerLauncher} starts it: in its own session, in the
 * caller's working directory and environment, with stdin from /dev/null, stderr to its log, and stdout a
 * pipe to the launching client, on which it writes one line, {@code READY}, {@code BUSY} (another server
 * already listens) or {@code FAILED <reason>}, and which it then closes, so that no caller's stream is held.
 */
final class Daemon {
  private static final System.Logger LOG = System.getLogger(Daemon.class.getName());

  private Daemon() {}

  /**
   * Loads now the classes that only a stop needs: a server outlives upgrades of the jar it was started
   * from, and a class first loaded at the stop could then be missing.
   */
  private static void loadStopPath() {
    Class<?>[] stopPath = {SpawnLock.class, Server.Step.class, ServerInfo.class, Failure.class};
    LOG.log(System.Logger.Level.DEBUG, "loaded " + stopPath.length + " classes of the stop path");
  }

  public static void main(String[] args) throws Exception {
    PrintStream launcher = System.out;
    DaemonArguments arguments;
    try {
      arguments = DaemonArguments.decode(args);
      ServerLog.install(arguments.files().log());
    } catch (RuntimeException | IOException e) {
      launcher.println("FAILED " + e.getMessage());
      launcher.close();
      System.exit(70);
      return;
    }
    ServerSpec spec = arguments.spec();
    ServerFiles files = arguments.files();
    ServerInfo info = new ServerInfo(files, spec);
    ServerConfig config = new ServerConfig(
        spec,
        files.key(),
        files.log(),
        files.socket(),
        ServerKey.staleness(spec),
        null,
        Ticker.system());
    Server server = new Server(config, new ServerListener() {
      @Override
      public void programsChanged(java.util.List<ProcessHandle> programs) {
        info.update(programs);
      }

      @Override
      public void stopped() {
        info.remove();
      }
    });
    try {
      server.start();
    } catch (BindException e) {
      LOG.log(INFO, "another server already listens on " + files.socket() + "; this one leaves");
      launcher.println("BUSY");
      launcher.close();
      return;
    } catch (IOException | RuntimeException e) {
      LOG.log(WARNING, "could not start", e);
      launcher.println("FAILED could not listen on " + files.socket() + ": " + e.getMessage());
      launcher.close();
      System.exit(70);
      return;
    }
    loadStopPath();
    SignalStop.install(server);
    launcher.println("READY");
    launcher.close();
    System.setOut(System.err);
    server.awaitEnd();
    server.killSurvivingPrograms();
    // The exit is explicit: commons-exec waits for each program on a thread that is not a daemon thread,
    // and a program that could not be stopped must not keep this process alive.
    System.exit(0);
  }

}
