package dev.viasock.cli;

import dev.viasock.Failure;
import dev.viasock.Serverizer;
import dev.viasock.ViasockException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * The {@code viasock} command. It only parses arguments and maps outcomes to exit statuses; everything else
 * is {@link Serverizer}'s.
 */
public final class Main {
  static final int USAGE = 2;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(List.of(args)));
  }

  /** Runs the command and returns its exit status. */
  static int run(List<String> args) {
    PrintStream err = System.err;
    try {
      return dispatch(args);
    } catch (UsageException e) {
      String help = e.subcommand() == null ? "viasock --help" : "viasock " + e.subcommand() + " --help";
      err.println("viasock: " + e.getMessage() + " (see '" + help + "')");
      return USAGE;
    } catch (ViasockException e) {
      if (e.failure() != Failure.OUTPUT_CLOSED) {
        err.println(e.getMessage());
      }
      return e.exitStatus();
    } catch (IllegalArgumentException e) {
      err.println("viasock: " + e.getMessage());
      return USAGE;
    } catch (IOException e) {
      err.println("viasock: " + e.getMessage());
      return Failure.SERVER_UNAVAILABLE.exitStatus();
    } catch (InterruptedException e) {
      return Failure.INTERRUPTED.exitStatus();
    }
  }

  private static int dispatch(List<String> args) throws UsageException, IOException, InterruptedException {
    if (args.isEmpty()) {
      throw new UsageException(null, "no command given");
    }
    String command = args.get(0);
    List<String> rest = args.subList(1, args.size());
    switch (command) {
      case "run":
        return runCommand(rest);
      case "server":
        return serverCommand(rest);
      case "client":
        return clientCommand(rest);
      case "list":
        return Manage.list(rest, System.out);
      case "stop":
        return Manage.stop(rest, System.out);
      case "log":
        return Manage.log(rest, System.out);
      case "doctor":
        return Doctor.run(rest, System.out);
      case "-h":
      case "--help":
      case "help":
        System.out.print(Help.TOP);
        return 0;
      case "--version":
        System.out.println(version());
        return 0;
      default:
        throw new UsageException(null, "unknown command '" + command + "'");
    }
  }

  private static int runCommand(List<String> args) throws UsageException {
    CommandLine line = new CommandLine("run", args);
    ProgramOptions options = ProgramOptions.parse(line, "run");
    if (options.help || options.version) {
      System.out.print(options.help ? Help.RUN : version() + "\n");
      return 0;
    }
    List<String> command = line.operands();
    if (command.isEmpty()) {
      throw new UsageException("run", "no PROGRAM given");
    }
    Serverizer serverizer = options.applyTo(Serverizer.builder(command)).build();
    serverizer.run(stdin(), stdout(), new FileOutputStream(FileDescriptor.err));
    return 0;
  }

  private static int serverCommand(List<String> args) throws UsageException, IOException, InterruptedException {
    if (!args.isEmpty() && (args.get(0).equals("-h") || args.get(0).equals("--help"))) {
      System.out.print(Help.SERVER);
      return 0;
    }
    if (!args.isEmpty() && args.get(0).equals("--version")) {
      System.out.println(version());
      return 0;
    }
    if (args.isEmpty() || args.get(0).startsWith("-")) {
      throw new UsageException("server", "no SOCKET given");
    }
    Path socket = Path.of(args.get(0));
    CommandLine line = new CommandLine("server", args.subList(1, args.size()));
    ProgramOptions options = ProgramOptions.parse(line, "server");
    if (options.help || options.version) {
      System.out.print(options.help ? Help.SERVER : version() + "\n");
      return 0;
    }
    List<String> command = line.operands();
    if (command.isEmpty()) {
      throw new UsageException("server", "no PROGRAM given");
    }
    options.applyTo(Serverizer.builder(command)).build().serveAsProcess(socket);
    return 0;
  }

  private static int clientCommand(List<String> args) throws UsageException {
    CommandLine line = new CommandLine("client", args);
    while (line.nextOption()) {
      switch (line.option()) {
        case "-h":
        case "--help":
          System.out.print(Help.CLIENT);
          return 0;
        case "--version":
          System.out.println(version());
          return 0;
        default:
          throw line.unknown();
      }
    }
    List<String> operands = line.operands();
    if (operands.size() != 1) {
      throw new UsageException("client", operands.isEmpty() ? "no SOCKET given" : "only one SOCKET is taken");
    }
    Serverizer.connect(Path.of(operands.get(0)), stdin(), stdout());
    return 0;
  }

  private static InputStream stdin() {
    return new FileInputStream(FileDescriptor.in);
  }

  private static OutputStream stdout() {
    return new FileOutputStream(FileDescriptor.out);
  }

  static String version() {
    String version = Main.class.getPackage().getImplementationVersion();
    return "viasock " + (version == null ? "(development build)" : version);
  }
}
