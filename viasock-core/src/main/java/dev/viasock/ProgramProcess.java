package dev.viasock;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteResultHandler;
import org.apache.commons.exec.ExecuteStreamHandler;
import org.apache.commons.exec.ProcessDestroyer;

/**
 * One running program, started and watched through commons-exec, ended by the {@link Reaper}. Its three
 * streams are handed over untouched (no commons-exec pumps: its stdin pump polls and never closes the
 * program's stdin), and the exit status arrives in {@link #exit()} once the process has been reaped and its
 * readers have drained.
 */
final class ProgramProcess {
  private static final Duration LAUNCH_BOUND = Duration.ofSeconds(30);
  private static final Duration READERS_DRAIN_BOUND = Duration.ofSeconds(2);
  static final Duration TERMINATE_GRACE = Duration.ofSeconds(2);

  private final Process process;
  private final HandedOverStreams streams;
  private final PseudoTerminal terminal;
  private final CompletableFuture<Integer> exit;

  private ProgramProcess(
      Process process, HandedOverStreams streams, PseudoTerminal terminal, CompletableFuture<Integer> exit) {
    this.process = process;
    this.streams = streams;
    this.terminal = terminal;
    this.exit = exit;
  }

  /**
   * Starts {@code program}. {@code readers} is how many threads will read the program's stdout and stderr;
   * each calls {@link #readerDone()} when its stream ends, and the exit status is reported only after that
   * (within a bound), so that no output is lost to commons-exec closing the streams. With a terminal in
   * {@code launch}, {@link #stdout()} reads the terminal, which is closed once the process has ended.
   *
   * @throws ViasockException {@link Failure#NOT_FOUND}, {@link Failure#NOT_EXECUTABLE} or
   *     {@link Failure#PROGRAM_FAILED} when it cannot be started
   */
  static ProgramProcess start(Program program, ProgramLaunch launch, ThreadFactory threads) {
    HandedOverStreams streams = new HandedOverStreams();
    PseudoTerminal terminal = launch.terminal();
    CompletableFuture<Process> launched = new CompletableFuture<>();
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    DefaultExecutor executor =
        DefaultExecutor.builder()
            .setWorkingDirectory(program.workingDirectory())
            .setExecuteStreamHandler(streams)
            .setThreadFactory(threads)
            .get();
    executor.setExitValues(null);
    executor.setProcessDestroyer(new LaunchCapture(launched));
    CommandLine commandLine = new ExactCommandLine(launch.command());
    try {
      executor.execute(commandLine, launch.environment(), new ExecuteResultHandler() {
        @Override
        public void onProcessComplete(int exitValue) {
          closeTerminal(terminal);
          exit.complete(exitValue);
        }

        /**
         * Also called after a program that was launched and has exited, when closing its streams failed (its
         * stdin's buffer meeting a closed pipe): then the exception carries no exit value, the process has it.
         */
        @Override
        public void onProcessFailed(ExecuteException e) {
          closeTerminal(terminal);
          Process started = launched.isDone() && !launched.isCompletedExceptionally() ? launched.join() : null;
          if (started != null && !started.isAlive()) {
            exit.complete(started.exitValue());
            return;
          }
          launched.completeExceptionally(e.getCause() != null ? e.getCause() : e);
          exit.complete(e.getExitValue());
        }
      });
      Process process = launched.get(LAUNCH_BOUND.toMillis(), TimeUnit.MILLISECONDS);
      if (terminal != null) {
        // The program (and whatever it started that kept its stdout) closing the slave ends the output.
        process.onExit().thenRun(terminal::closeSlave);
      }
      return new ProgramProcess(process, streams, terminal, exit);
    } catch (ExecutionException e) {
      closeTerminal(terminal);
      throw launchFailure(program, e.getCause());
    } catch (IOException | TimeoutException e) {
      closeTerminal(terminal);
      throw launchFailure(program, e);
    } catch (InterruptedException e) {
      closeTerminal(terminal);
      Thread.currentThread().interrupt();
      throw launchFailure(program, e);
    }
  }

  private static void closeTerminal(PseudoTerminal terminal) {
    if (terminal != null) {
      terminal.close();
    }
  }

  private static ViasockException launchFailure(Program program, Throwable cause) {
    String detail = String.valueOf(cause.getMessage());
    Failure failure =
        detail.contains("error=2,") ? Failure.NOT_FOUND
            : detail.contains("error=13,") || detail.contains("error=8,") ? Failure.NOT_EXECUTABLE
            : Failure.PROGRAM_FAILED;
    return new ViasockException(
        failure, "viasock: cannot start the program " + program.name() + ": " + detail, cause);
  }

  long pid() {
    return process.pid();
  }

  /** The process's handle, made once when it started (with its start time, so a reused pid never matches). */
  ProcessHandle handle() {
    return process.toHandle();
  }

  OutputStream stdin() {
    return streams.stdin;
  }

  /** The program's stdout: the pipe, or with {@code -u} the terminal it writes to. */
  InputStream stdout() {
    return terminal != null ? terminal.output() : streams.stdout;
  }

  InputStream stderr() {
    return streams.stderr;
  }

  void readerDone() {
    streams.readersDone.countDown();
  }

  /** Completes with the exit status once the process has ended and been reaped. */
  CompletableFuture<Integer> exit() {
    return exit;
  }

  /** Waits at most {@code bound} for the process to end; returns whether it has. */
  boolean awaitExit(Duration bound) {
    try {
      return process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /**
   * Asks the program and the processes it started to stop (SIGTERM), and kills them (SIGKILL) if they have
   * not within the grace period: a child that holds the program's pipes must not outlive it.
   */
  void terminate(ScheduledExecutorService scheduler) {
    Reaper.terminate(Reaper.tree(handle()), TERMINATE_GRACE, scheduler);
  }

  /** The processes the program has started, while it runs. */
  List<ProcessHandle> children() {
    return process.descendants().toList();
  }

  /** Closes the program's stdin, the polite way to ask a filter to finish. */
  void closeStdin() {
    try {
      streams.stdin.close();
    } catch (IOException e) {
      // The program has already gone; nothing to close.
    }
  }

  /** Keeps the process's streams for viasock's own readers and writer instead of pumping them. */
  private static final class HandedOverStreams implements ExecuteStreamHandler {
    final CountDownLatch readersDone = new CountDownLatch(2);
    OutputStream stdin;
    InputStream stdout;
    InputStream stderr;

    @Override
    public void setProcessInputStream(OutputStream os) {
      stdin = os;
    }

    @Override
    public void setProcessOutputStream(InputStream is) {
      stdout = is;
    }

    @Override
    public void setProcessErrorStream(InputStream is) {
      stderr = is;
    }

    @Override
    public void start() {}

    /** Called by commons-exec after the process ended and before it closes the streams. */
    @Override
    public void stop() {
      try {
        // A background child of the program may hold the pipes open; past the bound, the rest is dropped.
        readersDone.await(READERS_DRAIN_BOUND.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The program's arguments exactly as given. commons-exec's own arguments are trimmed and re-quoted, which
   * would lose leading and trailing whitespace; its launcher runs whatever {@link #toStrings()} returns.
   */
  private static final class ExactCommandLine extends CommandLine {
    private final String[] command;

    ExactCommandLine(List<String> command) {
      super(command.get(0));
      this.command = command.toArray(new String[0]);
    }

    @Override
    public String[] toStrings() {
      return command.clone();
    }
  }

  /** commons-exec hands the launched process to its destroyer: the one place to learn the Process. */
  private static final class LaunchCapture implements ProcessDestroyer {
    private final CompletableFuture<Process> launched;

    LaunchCapture(CompletableFuture<Process> launched) {
      this.launched = launched;
    }

    @Override
    public boolean add(Process process) {
      launched.complete(process);
      return true;
    }

    @Override
    public boolean remove(Process process) {
      return true;
    }

    @Override
    public int size() {
      return 0;
    }
  }
}
