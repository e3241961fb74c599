package dev.viasock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The diagnosis of a program that keeps its answers in a buffer: it is stopped within seconds (long before
 * {@code -w}) with status 75 and a message that says what to do, the next call gets a fresh program, and a
 * program that is merely slow is never suspected.
 */
class HeldAnswersIT {
  /** Far beyond the diagnosis: a call that ends with 124 was stopped by the watchdog, not diagnosed. */
  private static final String WATCHDOG = "60";
  /**
   * A Python filter that notes its pid in {@code started} and prints it with each line; in its first run
   * here it never flushes, as Python does when writing into a pipe, and later runs flush each line.
   */
  private static final String PYTHON_FILTER = """
      import os, sys
      first = not os.path.exists("started")
      with open("started", "a") as started:
          started.write(f"{os.getpid()}\\n")
      for line in sys.stdin:
          print(os.getpid(), line, end="", flush=not first)
      """;

  @RegisterExtension final Viasock viasock = new Viasock();

  @BeforeEach
  void setUp() throws Exception {
    viasock.unset("PYTHONUNBUFFERED");
  }

  @Test
  void aBufferingProgramFailsFastWithAClearMessageAndTheNextCallGetsAFreshOne() throws Exception {
    String filter = viasock.script("filter.py", "#!" + Probes.PYTHON + "\n" + PYTHON_FILTER);

    long start = System.nanoTime();
    Viasock.Result held = viasock.run("a\nb\n", "run", "-w", WATCHDOG, filter);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(held.exitStatus()).as("stderr: %s", held.stderr()).isEqualTo(75);
    assertThat(held.stderr())
        .startsWith("viasock: the program " + filter + " keeps its output in a buffer when writing to a pipe")
        .contains("-u (--unbuffered")
        .contains("server log: ");
    assertThat(held.stdout()).isEmpty();
    assertThat(took).as("long before -w " + WATCHDOG).isLessThan(Duration.ofSeconds(30));
    List<String> started = java.nio.file.Files.readAllLines(viasock.workDir().resolve("started"));
    assertThat(started).hasSize(1);
    long stopped = Long.parseLong(started.get(0));

    Viasock.Result next = viasock.run("c\nd\n", "run", "-w", WATCHDOG, filter).assertSucceeded();

    String pid = next.out().substring(0, next.out().indexOf(' '));
    assertThat(next.out()).isEqualTo(pid + " c\n" + pid + " d\n");
    assertThat(Long.parseLong(pid)).as("the program of the next call").isNotEqualTo(stopped);
    Probes.awaitGone(stopped, Duration.ofSeconds(10), "the stopped program");
  }

  @Test
  void aScriptThatRunsABufferingProgramIsDiagnosedToo() throws Exception {
    String wrapper = viasock.script("wrapper.sh", "#!/bin/sh\nsed 's/^/> /'\necho done\n");

    Viasock.Result held = viasock.run("a\n", "run", "-w", WATCHDOG, wrapper);

    assertThat(held.exitStatus()).as("stderr: %s", held.stderr()).isEqualTo(75);
    assertThat(held.stderr()).startsWith("viasock: the program " + wrapper + " keeps its output in a buffer");
    assertThat(viasock.run("a\n", "run", "-u", "-w", WATCHDOG, wrapper).assertSucceeded().out()).isEqualTo("> a\n");
  }

  @Test
  void aProgramThatSleepsBeforeAnsweringIsNeverSuspected() throws Exception {
    String slow = viasock.script("slow.sh", "#!/bin/sh\nwhile IFS= read -r line; do sleep 6; echo \"$line\"; done\n");

    assertThat(viasock.run("a\n", "run", slow).assertSucceeded().out()).isEqualTo("a\n");
  }

  @Test
  void aProgramThatComputesBeforeAnsweringIsNeverSuspected() throws Exception {
    String busy = viasock.script("busy.pl", "#!/usr/bin/perl\n$| = 1;\n"
        + "while (<STDIN>) { my $until = time + 5; 1 while time < $until; print; }\n");

    assertThat(viasock.run("a\n", "run", busy).assertSucceeded().out()).isEqualTo("a\n");
  }
}
