package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link Session}: one record at a time on one connection. */
class SessionTest {
  @RegisterExtension final Sandbox sandbox = new Sandbox();

  private static byte[] bytes(String text) {
    return text.getBytes(UTF_8);
  }

  @Test
  void eachCallReturnsTheAnswerToItsRecord() throws Exception {
    String upcase = sandbox.script("upcase.py",
        "#!/usr/bin/env python3\nimport sys\nfor l in sys.stdin.buffer:\n"
            + "    sys.stdout.buffer.write(l.upper()); sys.stdout.flush()\n");
    try (Session session = sandbox.serverizer(upcase).build().openSession()) {
      assertThat(session.call(bytes("hello\n"))).isEqualTo(bytes("HELLO\n"));
      assertThat(session.call(bytes("world\n"))).isEqualTo(bytes("WORLD\n"));
    }
  }

  @Test
  void preludeAndMultiLineRecordsAreFramedByThePatterns() throws Exception {
    String program = sandbox.script("banner.sh",
        "#!/bin/sh\necho 'parser 1.0'\n"
            + "while IFS= read -r l; do echo \"word $l\"; echo \"tag X\"; echo; done\n");
    Serverizer parser = sandbox.serverizer(program).preludeLines(1).outputTerminator("^$").build();
    try (Session session = parser.openSession()) {
      assertThat(session.prelude()).isEqualTo(bytes("parser 1.0\n"));
      assertThat(session.call(bytes("a\n"))).isEqualTo(bytes("word a\ntag X\n\n"));
    }
  }

  @Test
  void aRecordMustBeExactlyOneWholeRecord() throws Exception {
    try (Session session = sandbox.serverizer("cat").build().openSession()) {
      assertThatThrownBy(() -> session.call(bytes("no newline"))).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> session.call(bytes("two\nrecords\n"))).isInstanceOf(IllegalArgumentException.class);
      assertThat(session.call(bytes("one\n"))).isEqualTo(bytes("one\n"));
    }
  }

  @Test
  void aFailedCallBreaksTheSessionWithTheProgramsReason() throws Exception {
    String program = sandbox.script("once.sh", "#!/bin/sh\nread l; echo \"$l\"; read l; echo bye >&2; exit 4\n");
    try (Session session = sandbox.serverizer(program).build().openSession()) {
      assertThat(session.call(bytes("first\n"))).isEqualTo(bytes("first\n"));
      assertThatThrownBy(() -> session.call(bytes("second\n")))
          .isInstanceOfSatisfying(ViasockException.class, e -> {
            assertThat(e.failure()).isEqualTo(Failure.PROGRAM_FAILED);
            assertThat(e.getMessage()).contains("status 4").contains("bye");
          });
      assertThatThrownBy(() -> session.call(bytes("third\n"))).isInstanceOf(ViasockException.class);
    }
  }
}
