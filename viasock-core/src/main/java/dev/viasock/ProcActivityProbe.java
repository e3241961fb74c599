package dev.viasock;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads what a program's processes are doing from Linux's /proc: for every thread of the program and of the
 * processes it started, the system call it is blocked in ({@code /proc/PID/task/TID/syscall}) and, for a
 * read, what the file descriptor refers to. A shell-script wrapper counts through its children: the process
 * that reads the shared stdin pipe may be one the script started. Where /proc does not show system calls
 * (another system, an unknown architecture, a program this user may not inspect), {@link #forProgram} gives
 * a probe that reports the CPU time alone.
 */
final class ProcActivityProbe implements ProgramActivity.Probe {
  private static final Path PROC = Path.of("/proc");
  /** /proc counts CPU time in clock ticks of 1/100 s (USER_HZ) on every Linux architecture. */
  private static final long NANOS_PER_TICK = 10_000_000L;

  /** The system call numbers that matter here, which differ between architectures. */
  private record Syscalls(Set<Long> reads, Set<Long> idleWaits) {
    static Optional<Syscalls> of(String arch) {
      switch (arch) {
        case "amd64":
        case "x86_64":
          // read, readv, preadv2 | wait4, waitid, futex, futex_waitv, pause, rt_sigsuspend
          return Optional.of(new Syscalls(Set.of(0L, 19L, 327L), Set.of(61L, 247L, 202L, 449L, 34L, 130L)));
        case "aarch64":
          // read, readv, preadv2 | wait4, waitid, futex, futex_waitv, rt_sigsuspend
          return Optional.of(new Syscalls(Set.of(63L, 65L, 286L), Set.of(260L, 95L, 98L, 449L, 133L)));
        default:
          return Optional.empty();
      }
    }
  }

  private final long pid;
  private final String stdin;
  private final Syscalls syscalls;

  private ProcActivityProbe(long pid, String stdin, Syscalls syscalls) {
    this.pid = pid;
    this.stdin = stdin;
    this.syscalls = syscalls;
  }

  /** The best probe this system offers for the program running as {@code pid}. */
  static ProgramActivity.Probe forProgram(long pid) {
    Optional<Syscalls> syscalls = Syscalls.of(System.getProperty("os.arch"));
    try {
      if (syscalls.isPresent()) {
        String stdin = Files.readSymbolicLink(fd(pid, 0)).toString();
        Files.readString(PROC.resolve(pid + "/syscall"));
        return new ProcActivityProbe(pid, stdin, syscalls.get());
      }
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // No /proc, or not one that shows this program's system calls: the CPU time is all there is.
    }
    return () -> cpuOnly(pid);
  }

  /** The activity as any system shows it: the CPU time of the program and its descendants, nothing else. */
  static ProgramActivity cpuOnly(long pid) {
    Optional<ProcessHandle> program = ProcessHandle.of(pid);
    if (program.isEmpty()) {
      return ProgramActivity.INCONCLUSIVE;
    }
    long nanos = cpu(program.get());
    for (ProcessHandle child : program.get().descendants().toList()) {
      nanos += cpu(child);
    }
    return new ProgramActivity(false, false, false, nanos);
  }

  private static long cpu(ProcessHandle process) {
    return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
  }

  @Override
  public ProgramActivity sample() {
    List<Long> processes = new ArrayList<>();
    processes.add(pid);
    ProcessHandle.of(pid).ifPresent(program -> program.descendants().forEach(child -> processes.add(child.pid())));
    boolean reading = false;
    boolean busy = false;
    long ticks = 0;
    try {
      for (long process : processes) {
        String[] stat = statFields(PROC.resolve(process + "/stat"));
        if (stat[0].equals("Z") || stat[0].equals("X")) {
          continue;
        }
        // utime, stime, cutime, cstime: fields 14 to 17, counted from the state (field 3).
        ticks += Long.parseLong(stat[11]) + Long.parseLong(stat[12]) + Long.parseLong(stat[13]) + Long.parseLong(stat[14]);
        try (Stream<Path> tasks = Files.list(PROC.resolve(process + "/task"))) {
          for (Path task : (Iterable<Path>) tasks::iterator) {
            switch (waitOf(process, task)) {
              case READING_STDIN -> reading = true;
              case IDLE -> {}
              case BUSY -> busy = true;
            }
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // A process ended while it was being read: nothing can be concluded from this sample.
      return ProgramActivity.INCONCLUSIVE;
    }
    return new ProgramActivity(true, reading, busy, ticks * NANOS_PER_TICK);
  }

  private enum Wait {
    READING_STDIN,
    IDLE,
    BUSY
  }

  private Wait waitOf(long process, Path task) throws IOException {
    String state = statFields(task.resolve("stat"))[0];
    if (state.equals("R") || state.equals("D")) {
      return Wait.BUSY;
    }
    String[] call = Files.readString(task.resolve("syscall")).trim().split(" ");
    if (call.length < 2 || call[0].equals("running") || call[0].startsWith("-")) {
      return Wait.BUSY;
    }
    long number = Long.parseLong(call[0]);
    if (syscalls.idleWaits().contains(number)) {
      return Wait.IDLE;
    }
    if (!syscalls.reads().contains(number)) {
      return Wait.BUSY;
    }
    String target = Files.readSymbolicLink(fd(process, Long.decode(call[1]))).toString();
    if (target.equals(stdin)) {
      return Wait.READING_STDIN;
    }
    // Waiting for another process of the program (a pipeline in a script) is waiting for input too; a read
    // of a socket or a file is work in progress.
    return target.startsWith("pipe:") || target.startsWith("/dev/pts/") ? Wait.IDLE : Wait.BUSY;
  }

  private static Path fd(long process, long fd) {
    return PROC.resolve(process + "/fd/" + fd);
  }

  /** The fields of a stat file from the state on (the command name before it may hold spaces). */
  private static String[] statFields(Path stat) throws IOException {
    String line = Files.readString(stat);
    return line.substring(line.lastIndexOf(')') + 2).split(" ");
  }
}
