package dev.viasock.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Behaviour 4: records are framed by the input and output terminators ({@code -t}, {@code -T}), and they are
 * bytes: whatever the program writes reaches the caller unchanged.
 */
class FramingIT {
  /** Answers each blank-line-ended record with a header line, its lines upper-cased, and a blank line. */
  private static final String PARAGRAPHS =
      """
      #!/usr/bin/env python3
      import os, sys
      count = 0
      lines = []
      while True:
          line = sys.stdin.buffer.readline()
          if not line:
              break
          if line != b"\\n":
              lines.append(line)
              continue
          count += 1
          out = sys.stdout.buffer
          out.write(b"record %d of %d: %d lines\\n" % (count, os.getpid(), len(lines)))
          out.flush()
          for answer in lines:
              out.write(answer.upper())
              out.flush()
          out.write(b"\\n")
          out.flush()
          lines = []
      """;

  @RegisterExtension final Viasock viasock = new Viasock();

  @Test
  void blankLineTerminatedRecordsInAndOut() throws Exception {
    String program = viasock.script("paragraphs.py", PARAGRAPHS);

    Viasock.Result first = viasock.run("a\nb\n\nc\n\n", "run", "-t", "^$", "-T", "^$", program).assertSucceeded();
    String pid = first.out().replaceFirst("(?s)^record 1 of ([0-9]+):.*", "$1");
    assertThat(first.stdout()).isEqualTo(bytes("record 1 of " + pid + ": 2 lines\nA\nB\n\nrecord 2 of " + pid + ": 1 lines\nC\n\n"));

    Viasock.Result second = viasock.run("d\ne\nf\n\n", "run", "-t", "^$", "-T", "^$", program).assertSucceeded();
    assertThat(second.stdout()).as("the same program, which has answered two records so far")
        .isEqualTo(bytes("record 3 of " + pid + ": 3 lines\nD\nE\nF\n\n"));

    Viasock.Result unterminated = viasock.run("g\n\nh\n", "run", "-t", "^$", "-T", "^$", program);
    assertThat(unterminated.exitStatus()).as("stderr: %s", unterminated.stderr()).isEqualTo(65);
    assertThat(unterminated.stdout()).as("the complete record before it is answered")
        .isEqualTo(bytes("record 4 of " + pid + ": 1 lines\nG\n\n"));
    assertThat(unterminated.stderr()).startsWith("viasock: the input ends with an unterminated record");

    Viasock.Result after = viasock.run("i\n\n", "run", "-t", "^$", "-T", "^$", program).assertSucceeded();
    assertThat(after.stdout()).as("the unterminated 'h' never reached the program")
        .isEqualTo(bytes("record 5 of " + pid + ": 1 lines\nI\n\n"));
  }

  @Test
  void recordsEndedByAnEosLine() throws Exception {
    String program = viasock.script("eos.sh", """
        #!/bin/sh
        n=0
        acc=
        while IFS= read -r line; do
          if [ "$line" = EOS ]; then echo "$$ $n:$acc"; n=0; acc=; else n=$((n+1)); acc="$acc[$line]"; fi
        done
        """);

    Viasock.Result result =
        viasock.run("a\nb\nEOS\nc\nEOS\nxEOS\nEOS y\n\nEOS\n", "run", "-t", "^EOS$", program).assertSucceeded();

    String pid = result.out().substring(0, result.out().indexOf(' '));
    assertThat(result.stdout()).isEqualTo(bytes(pid + " 2:[a][b]\n" + pid + " 1:[c]\n" + pid + " 3:[xEOS][EOS y][]\n"));
  }

  @Test
  void outputRecordsWrittenInPiecesAreFramedByTheirTerminatorLine() throws Exception {
    // Each answer is "<line>\nxEND\nEND\n", written a few bytes at a time, the END lines split across writes.
    String program = viasock.script("pieces.py", """
        #!/usr/bin/env python3
        import sys, time
        for line in iter(sys.stdin.buffer.readline, b""):
            answer = line + b"xEND\\nEND\\n"
            for i in range(0, len(answer), 2):
                sys.stdout.buffer.write(answer[i:i + 2])
                sys.stdout.buffer.flush()
                time.sleep(0.01)
        """);

    Viasock.Result result = viasock.run("ab\ncde\n", "run", "-T", "^END$", program).assertSucceeded();

    assertThat(result.stdout()).isEqualTo(bytes("ab\nxEND\nEND\ncde\nxEND\nEND\n"));
  }

  @Test
  void inputRecordsThatArriveInPiecesAreAnsweredWhole() throws Exception {
    String program = viasock.script("paragraphs.py", PARAGRAPHS);
    Process call = viasock.start("run", "-t", "^$", "-T", "^$", program);
    var out = Viasock.drain(call.getInputStream());
    var err = Viasock.drain(call.getErrorStream());

    try (var in = call.getOutputStream()) {
      for (String piece : new String[] {"a", "b\nc", "\n", "\nd\n", "\n"}) {
        in.write(bytes(piece));
        in.flush();
        Thread.sleep(100); // So that the pieces travel separately: the input is what is slow here.
      }
    }

    assertThat(call.waitFor(Viasock.CALL_BOUND.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(new String(err.get(), UTF_8)).isEmpty();
    assertThat(call.exitValue()).isZero();
    String text = new String(out.get(), UTF_8);
    String pid = text.replaceFirst("(?s)^record 1 of ([0-9]+):.*", "$1");
    assertThat(out.get()).isEqualTo(bytes("record 1 of " + pid + ": 2 lines\nAB\nC\n\nrecord 2 of " + pid + ": 1 lines\nD\n\n"));
  }

  @Test
  void carriageReturnsAreKept() {
    byte[] input = bytes("a\r\nb\r\n\r\n\rc\r\r\n");

    Viasock.Result result = viasock.run(input, "run", "cat").assertSucceeded();

    assertThat(result.stdout()).isEqualTo(input);
  }

  @Test
  void nonUtf8BytesPassUnchanged() {
    byte[] input = {
      (byte) 0xff, (byte) 0xfe, (byte) 0x80, '\n',
      (byte) 0xe9, 't', (byte) 0xe9, '\n',
      (byte) 0xc3, '(', '\n',
      (byte) 0xed, (byte) 0xa0, (byte) 0x80, '\n'
    };

    Viasock.Result result = viasock.run(input, "run", "cat").assertSucceeded();

    assertThat(result.stdout()).isEqualTo(input);
  }

  @Test
  void aNulBytePassesUnchanged() {
    byte[] input = {'a', 0, 'b', '\n', 0, '\n', 0, 0, '\n'};

    Viasock.Result result = viasock.run(input, "run", "cat").assertSucceeded();

    assertThat(result.stdout()).isEqualTo(input);
  }

  @Test
  void emptyLinesAreRecords() throws Exception {
    String program = viasock.script("brackets.sh", "#!/bin/sh\nwhile IFS= read -r line; do echo \"[$line]\"; done\n");

    Viasock.Result result = viasock.run("\n\nx\n\n", "run", program).assertSucceeded();
    Viasock.Result onlyEmpty = viasock.run("\n", "run", program).assertSucceeded();

    assertThat(result.stdout()).isEqualTo(bytes("[]\n[]\n[x]\n[]\n"));
    assertThat(onlyEmpty.stdout()).isEqualTo(bytes("[]\n"));
  }

  @Test
  void everyByteValueInManyRecordsPassesUnchanged() {
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    for (int record = 0; record < 2000; record++) {
      for (int value = 0; value < 256; value++) {
        int b = (value + record) & 0xff;
        if (b != '\n') {
          input.write(b);
        }
      }
      input.write('\n');
    }
    byte[] bytes = input.toByteArray();

    Viasock.Result result = viasock.run(bytes, "run", "cat").assertSucceeded();

    assertThat(result.stdout()).isEqualTo(bytes);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }
}
