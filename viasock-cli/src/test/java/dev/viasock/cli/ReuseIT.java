package dev.viasock.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Behaviour 1: the first call starts a server, and later calls with the same command reuse its program. */
class ReuseIT {
  @RegisterExtension final Viasock viasock = new Viasock();
  String program;

  @BeforeEach
  void setUp() throws Exception {
    program = viasock.script("pid.sh", "#!/bin/sh\nwhile IFS= read -r line; do echo \"$$ $line\"; done\n");
  }

  @Test
  void firstCallAnswersEveryRecordInOrder() {
    String out = viasock.run("a\nb\nc\n", "run", program).assertSucceeded().out();

    assertThat(out.lines()).hasSize(3);
    assertThat(out.lines().map(line -> line.substring(line.indexOf(' ') + 1))).containsExactly("a", "b", "c");
  }

  @Test
  void secondCallReusesTheSameProcess() {
    String first = viasock.run("a\n", "run", program).assertSucceeded().out();
    String second = viasock.run("b\n", "run", program).assertSucceeded().out();

    String pid = first.substring(0, first.indexOf(' '));
    assertThat(first).isEqualTo(pid + " a\n");
    assertThat(second).isEqualTo(pid + " b\n");
    assertThat(viasock.servers()).hasSize(1);
  }
}
