package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behaviour 5: a program that writes a banner at start ({@code -P N} records, or {@code --prelude-lines N}
 * lines) has it read once, when it starts; every call gets that banner first, then its own answers.
 */
class PreludeIT {
  @RegisterExtension final Viasock viasock = new Viasock();

  @Test
  void everyCallGetsTheBannerThatWasWrittenOnce() throws Exception {
    String program = viasock.script("banner.sh", """
        #!/bin/sh
        echo start >> starts.log
        echo "banner of $$"
        while IFS= read -r line; do echo "$$ $line"; done
        """);

    Viasock.Result first = viasock.run("a\nb\n", "run", "-P", "1", program).assertSucceeded();
    String pid = first.out().replaceFirst("(?s)^banner of ([0-9]+)\n.*", "$1");
    Viasock.Result second = viasock.run("c\n", "run", "-P", "1", program).assertSucceeded();

    assertThat(first.stdout()).isEqualTo(bytes("banner of " + pid + "\n" + pid + " a\n" + pid + " b\n"));
    assertThat(second.stdout()).isEqualTo(bytes("banner of " + pid + "\n" + pid + " c\n"));
    assertThat(Files.readString(viasock.workDir().resolve("starts.log"))).as("the program started once").isEqualTo("start\n");
  }

  @Test
  void aBannerOfSeveralMultiLineRecords() throws Exception {
    String program = viasock.script("banner2.sh", """
        #!/bin/sh
        printf 'hello\\nworld\\n\\nversion %s\\n\\n' "$$"
        while IFS= read -r line; do printf '%s\\n%s\\n\\n' "$line" "$line"; done
        """);

    Viasock.Result first = viasock.run("a\n", "run", "-P", "2", "-T", "^$", program).assertSucceeded();
    String pid = first.out().replaceFirst("(?s)^hello\nworld\n\nversion ([0-9]+)\n.*", "$1");
    Viasock.Result second = viasock.run("b\nc\n", "run", "-P", "2", "-T", "^$", program).assertSucceeded();

    String banner = "hello\nworld\n\nversion " + pid + "\n\n";
    assertThat(first.stdout()).isEqualTo(bytes(banner + "a\na\n\n"));
    assertThat(second.stdout()).isEqualTo(bytes(banner + "b\nb\n\nc\nc\n\n"));
  }

  @Test
  void aOneLineBannerBeforeBlankLineTerminatedRecords() throws Exception {
    String program = viasock.script("ready.sh", """
        #!/bin/sh
        echo "ready $$"
        while IFS= read -r line; do printf '%s %s\\n\\n' "$$" "$line"; done
        """);

    Viasock.Result first = viasock.run("a\nb\n", "run", "--prelude-lines", "1", "-T", "^$", program).assertSucceeded();
    String pid = first.out().replaceFirst("(?s)^ready ([0-9]+)\n.*", "$1");
    Viasock.Result second = viasock.run("c\n", "run", "--prelude-lines", "1", "-T", "^$", program).assertSucceeded();

    assertThat(first.stdout()).isEqualTo(bytes("ready " + pid + "\n" + pid + " a\n\n" + pid + " b\n\n"));
    assertThat(second.stdout()).isEqualTo(bytes("ready " + pid + "\n" + pid + " c\n\n"));
  }

  @Test
  void emptyInputGetsJustTheBanner() throws Exception {
    // Slow to start, as the programs viasock is for: the first call must wait for the banner.
    String program = viasock.script("slow-banner.py", """
        #!/usr/bin/env python3
        import os, sys, time
        time.sleep(0.5)
        sys.stdout.write("banner of %d\\n" % os.getpid())
        sys.stdout.flush()
        for line in iter(sys.stdin.readline, ""):
            sys.stdout.write("%d %s" % (os.getpid(), line))
            sys.stdout.flush()
        """);

    Viasock.Result first = viasock.run("", "run", "-P", "1", program).assertSucceeded();
    String pid = first.out().replaceFirst("(?s)^banner of ([0-9]+)\n.*", "$1");
    Viasock.Result second = viasock.run("", "run", "-P", "1", program).assertSucceeded();
    Viasock.Result third = viasock.run("x\n", "run", "-P", "1", program).assertSucceeded();

    assertThat(first.stdout()).isEqualTo(bytes("banner of " + pid + "\n"));
    assertThat(second.stdout()).isEqualTo(bytes("banner of " + pid + "\n"));
    assertThat(third.stdout()).isEqualTo(bytes("banner of " + pid + "\n" + pid + " x\n"));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }
}
