package dev.viasock;

import com.google.common.collect.ImmutableList;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What a background server is told on its command line: its spec, its key and where its files are. The
 * launcher writes these arguments and the {@link Daemon} reads them back; they are not a user interface.
 */
record DaemonArguments(ServerSpec spec, ServerFiles files) {

  List<String> encode() {
    Program program = spec.program();
    Framing framing = spec.framing();
    List<String> args = new ArrayList<>();
    add(args, "--state-dir", files.directory().toString());
    add(args, "--key", files.key());
    add(args, "--log", files.log().toString());
    add(args, "--cwd", program.workingDirectory().toString());
    add(args, "--name", program.name());
    add(args, "--executable", program.executable().toString());
    add(args, "--input-terminator", framing.input().source());
    add(args, "--output-terminator", framing.output().source());
    add(args, "--prelude-records", String.valueOf(framing.preludeRecords()));
    add(args, "--prelude-lines", String.valueOf(framing.preludeLines()));
    add(args, "--process-timeout-nanos", String.valueOf(spec.processTimeout().toNanos()));
    add(args, "--idle-timeout-nanos", String.valueOf(spec.idleTimeout().toNanos()));
    add(args, "--workers", String.valueOf(spec.workers()));
    add(args, "--max-record-size", String.valueOf(spec.maxRecordSize()));
    add(args, "--unbuffered", String.valueOf(spec.unbuffered()));
    for (String name : spec.environmentNames()) {
      add(args, "--env", name);
    }
    for (Path watched : spec.watchPaths()) {
      add(args, "--watch", watched.toString());
    }
    args.add("--");
    args.addAll(program.arguments());
    return args;
  }

  private static void add(List<String> args, String name, String value) {
    args.add(name);
    args.add(value);
  }

  static DaemonArguments decode(String[] args) {
    String stateDir = null;
    String key = null;
    String log = null;
    String cwd = null;
    String name = null;
    String executable = null;
    String input = "";
    String output = "";
    int preludeRecords = 0;
    int preludeLines = 0;
    long processTimeout = 0;
    long idleTimeout = 0;
    int workers = 1;
    long maxRecordSize = MaxRecordSize.DEFAULT;
    boolean unbuffered = false;
    ImmutableList.Builder<String> environmentNames = ImmutableList.builder();
    ImmutableList.Builder<Path> watchPaths = ImmutableList.builder();
    int i = 0;
    for (; i < args.length && !args[i].equals("--"); i += 2) {
      String value = args[i + 1];
      switch (args[i]) {
        case "--state-dir": stateDir = value; break;
        case "--key": key = value; break;
        case "--log": log = value; break;
        case "--cwd": cwd = value; break;
        case "--name": name = value; break;
        case "--executable": executable = value; break;
        case "--input-terminator": input = value; break;
        case "--output-terminator": output = value; break;
        case "--prelude-records": preludeRecords = Integer.parseInt(value); break;
        case "--prelude-lines": preludeLines = Integer.parseInt(value); break;
        case "--process-timeout-nanos": processTimeout = Long.parseLong(value); break;
        case "--idle-timeout-nanos": idleTimeout = Long.parseLong(value); break;
        case "--workers": workers = Integer.parseInt(value); break;
        case "--max-record-size": maxRecordSize = Long.parseLong(value); break;
        case "--unbuffered": unbuffered = Boolean.parseBoolean(value); break;
        case "--env": environmentNames.add(value); break;
        case "--watch": watchPaths.add(Path.of(value)); break;
        default: throw new IllegalArgumentException("unknown daemon argument " + args[i]);
      }
    }
    ImmutableList<String> arguments = ImmutableList.copyOf(List.of(args).subList(Math.min(i + 1, args.length), args.length));
    Program program = new Program(name, Path.of(executable), arguments, Path.of(cwd));
    Framing framing = new Framing(Terminator.of(input), Terminator.of(output), preludeRecords, preludeLines);
    ServerSpec spec =
        new ServerSpec(
            program,
            framing,
            Duration.ofNanos(processTimeout),
            Duration.ofNanos(idleTimeout),
            workers,
            environmentNames.build(),
            watchPaths.build(),
            maxRecordSize,
            unbuffered);
    return new DaemonArguments(spec, new ServerFiles(Path.of(stateDir), key, Path.of(log)));
  }
}
