package dev.viasock;

import java.time.Duration;

/**
 * Decides when a program holds its answers in a buffer instead of writing them: it owes answers, it has
 * taken in every input byte it was given, and it sits blocked reading its stdin for more, using no CPU, while
 * nothing it wrote waits to be read. A program that keeps its output in a buffer when writing to a pipe (C
 * stdio, Python, Perl) does exactly that, and would otherwise hang its caller until {@code -w}, or forever.
 *
 * <p>No false alarms: a program that computes (a running thread, CPU time), sleeps, or waits on anything but
 * input (a socket, a file, a timer) is left alone however long it takes; that stays {@code -w}'s job. The
 * verdict needs the same picture for {@link #QUIET} in a row, so an answer on its way through the pipe is
 * never mistaken for a held one. Where the system does not show what a program waits on, only a program
 * that owes answers and has written nothing and used no CPU for {@link #QUIET_WITHOUT_PROC} is suspected.
 *
 * <p>It only decides, from samples taken at most every {@link #PROBE_INTERVAL}; its caller stops the program.
 * Time comes from the injected {@link Ticker}.
 */
final class HeldOutputDetector {
  static final Duration PROBE_INTERVAL = Duration.ofMillis(250);
  static final Duration QUIET = Duration.ofMillis(1500);
  static final Duration QUIET_WITHOUT_PROC = Duration.ofSeconds(10);
  /** CPU time below this share of the quiet time is a runtime's housekeeping, not work on an answer. */
  private static final double IDLE_CPU_SHARE = 0.05;

  /** What the worker knows at one moment: answers owed, and how far input and output have come. */
  record Progress(long owed, long bytesWritten, long bytesRead, boolean outputPending) {}

  private final Ticker ticker;
  private final ProgramActivity.Probe probe;
  private long seenWritten;
  private long seenRead;
  private boolean probed;
  private long lastProbe;
  private boolean quiet;
  private long quietSince;
  private long quietCpu;

  HeldOutputDetector(Ticker ticker, ProgramActivity.Probe probe) {
    this.ticker = ticker;
    this.probe = probe;
  }

  /**
   * What the caller is told: that the program keeps its output in a buffer when writing to a pipe, and what
   * to do about it.
   *
   * @param unbuffered whether the program's stdout already is a terminal ({@code -u})
   * @param prelude whether the answers owed are the prelude the options announce
   */
  static String reason(Program program, boolean unbuffered, boolean prelude) {
    String name = program.name();
    String owed = prelude ? "its prelude (-P/--prelude-lines)" : "answers";
    if (unbuffered) {
      return "the program " + name + " keeps its output in a buffer even on a terminal (-u/--unbuffered): it owed "
          + owed + " and sat waiting for more input instead of writing them, so it was stopped; give it its own"
          + " option to flush each line (such as mawk -W interactive or jq --unbuffered)"
          + (prelude ? ", or check that it writes the prelude the options announce" : "");
    }
    return "the program " + name + " keeps its output in a buffer when writing to a pipe: it owed " + owed
        + " and sat waiting for more input instead of writing them, so it was stopped; run it with -u"
        + " (--unbuffered; Serverizer.Builder.unbuffered in Java), or give it its own option to flush each line"
        + " (such as sed -u or grep --line-buffered)"
        + (prelude ? ", or check that it writes the prelude the options announce" : "");
  }

  /**
   * Takes a look at the program, when it owes answers, nothing moved since the last call, and the last look
   * was at least {@link #PROBE_INTERVAL} ago.
   *
   * @param progress the worker's counts now; {@code outputPending} when output was read but is not yet
   *     handled (a slow caller holds it up), which is not the program's doing
   * @return true when the program holds its answers
   */
  synchronized boolean holdsAnswers(Progress progress) {
    long now = ticker.read();
    boolean moved = progress.bytesWritten() != seenWritten || progress.bytesRead() != seenRead;
    seenWritten = progress.bytesWritten();
    seenRead = progress.bytesRead();
    if (progress.owed() <= 0 || progress.outputPending() || moved) {
      // Input or output moving is no sign of anything held: the program is not even looked at.
      quiet = false;
      return false;
    }
    if (probed && now - lastProbe < PROBE_INTERVAL.toNanos()) {
      return false;
    }
    probed = true;
    lastProbe = now;
    ProgramActivity activity = probe.sample();
    boolean waitingForInput = !activity.known() || activity.readingStdin() && !activity.busy();
    if (!waitingForInput) {
      quiet = false;
      return false;
    }
    if (!quiet) {
      quiet = true;
      quietSince = now;
      quietCpu = activity.cpuNanos();
      return false;
    }
    long quietFor = now - quietSince;
    if (activity.cpuNanos() - quietCpu > IDLE_CPU_SHARE * quietFor) {
      quiet = false;
      return false;
    }
    return quietFor >= (activity.known() ? QUIET : QUIET_WITHOUT_PROC).toNanos();
  }
}
