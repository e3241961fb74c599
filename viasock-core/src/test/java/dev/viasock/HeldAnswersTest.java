package dev.viasock;

import static java.nio.charset.StandardCharsets.UTF_8;
import static dev.viasock.Sandbox.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A program that keeps its answers in a buffer, from the library: through a background server and in this
 * JVM, it fails with {@link Failure#OUTPUT_BUFFERED} long before {@code -w}, and works with
 * {@link Serverizer.Builder#unbuffered}.
 */
class HeldAnswersTest {
  @RegisterExtension final Sandbox sandbox = new Sandbox();
  String perl;

  @BeforeEach
  void setUp() throws Exception {
    // Perl keeps what it prints into a pipe in a buffer until it is full or the program ends.
    perl = sandbox.script("upcase.pl", "#!/usr/bin/perl -p\n$_ = uc;\n");
  }

  @Test
  void inThisJvmABufferingProgramFailsAndTheNextCallGetsAFreshOne() {
    try (InProcessServer server =
        sandbox.serverizer(perl).processTimeout(Duration.ofSeconds(60)).build().startInProcess()) {
      ViasockException held = catchThrowableOfType(ViasockException.class, () -> run(server, "a\n"));

      assertThat(held.failure()).isEqualTo(Failure.OUTPUT_BUFFERED);
      assertThat(held.failure().exitStatus()).isEqualTo(75);
      assertThat(held.getMessage())
          .startsWith("viasock: the program " + perl + " keeps its output in a buffer when writing to a pipe")
          .contains("-u (--unbuffered");
      assertThat(catchThrowableOfType(ViasockException.class, () -> run(server, "b\n")).failure())
          .as("a fresh program, which holds its answer too")
          .isEqualTo(Failure.OUTPUT_BUFFERED);
    }
  }

  @Test
  void inThisJvmUnbufferedMakesItWork() {
    try (InProcessServer server = sandbox.serverizer(perl).unbuffered(true).build().startInProcess()) {
      assertThat(run(server, "a\nb\n")).isEqualTo("A\nB\n");
      assertThat(run(server, "c\n")).isEqualTo("C\n");
    }
  }

  @Test
  void throughABackgroundServerABufferingProgramFailsAndUnbufferedMakesItWork() {
    Serverizer held = sandbox.serverizer(perl).processTimeout(Duration.ofSeconds(60)).serverTimeout(Duration.ofSeconds(5)).build();
    ViasockException failure =
        catchThrowableOfType(
            ViasockException.class,
            () -> held.run(new ByteArrayInputStream("a\n".getBytes(UTF_8)), new ByteArrayOutputStream()));
    assertThat(failure.failure()).isEqualTo(Failure.OUTPUT_BUFFERED);
    assertThat(failure.getMessage()).contains("keeps its output in a buffer").contains("server log: ");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Serverizer unbuffered = sandbox.serverizer(perl).unbuffered(true).serverTimeout(Duration.ofSeconds(5)).build();
    unbuffered.run(new ByteArrayInputStream("a\n".getBytes(UTF_8)), out);
    assertThat(out.toString(UTF_8)).isEqualTo("A\n");
    held.stop();
    unbuffered.stop();
  }
}
