package dev.viasock;

/**
 * What a program's processes (the program and every process it started) were doing at one moment.
 *
 * @param known whether the operating system shows what each thread waits on (Linux's /proc); when not, only
 *     {@code cpuNanos} means anything
 * @param readingStdin a thread of a process that shares the program's stdin sits blocked reading it
 * @param busy a thread is running, or waits on something other than input from a pipe or terminal, its
 *     children or a lock (a sleep, a socket, a file, a timer): the program is not simply waiting for input
 * @param cpuNanos the CPU time the processes have used so far, their reaped children included
 */
record ProgramActivity(boolean known, boolean readingStdin, boolean busy, long cpuNanos) {
  /** The activity of processes that are gone or could not be read: nothing can be concluded from it. */
  static final ProgramActivity INCONCLUSIVE = new ProgramActivity(true, false, true, 0);

  /** Samples a program's activity; see {@link ProcActivityProbe}. */
  @FunctionalInterface
  interface Probe {
    ProgramActivity sample();
  }
}
