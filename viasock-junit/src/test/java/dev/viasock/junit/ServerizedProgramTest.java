package dev.viasock.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.viasock.Serverizer;
import dev.viasock.ServerStatus;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The extension as a test class uses it: one program for the class, a session per test, run for streams. */
class ServerizedProgramTest {
  @RegisterExtension
  static final ServerizedProgram upcase =
      ServerizedProgram.of(Serverizer.builder("src/test/programs/upcase", "--banner").preludeLines(1).workers(2));

  private static final AtomicLong serverPid = new AtomicLong();

  @Test
  void runStreamsEveryRecordThroughTheProgramAfterItsPrelude() {
    assertThat(upcase.run("first\nsecond line\n")).isEqualTo("upcase 1.0\nFIRST\nSECOND LINE\n");
  }

  @Test
  void eachTestCallsRecordByRecordThroughItsOwnSession() {
    assertThat(upcase.prelude()).isEqualTo("upcase 1.0\n");
    assertThat(upcase.call("one\n")).isEqualTo("ONE\n");
    assertThat(upcase.call("two\n")).isEqualTo("TWO\n");
    assertThat(upcase.session()).as("the same session all through the test").isSameAs(upcase.session());
  }

  @Test
  void aSessionAndARunMayBeMixedWithTwoWorkers() {
    assertThat(upcase.call("held\n")).isEqualTo("HELD\n");
    assertThat(upcase.run("streamed\n")).isEqualTo("upcase 1.0\nSTREAMED\n");
  }

  @RepeatedTest(3)
  void theServerIsStartedOnceForTheClass() {
    ServerStatus status = upcase.serverizer().status().orElseThrow();
    serverPid.compareAndSet(0, status.pid());
    assertThat(status.pid()).isEqualTo(serverPid.get());
  }

  @Test
  void theServerLivesInAPrivateStateDirectoryOfItsOwn() {
    assertThat(upcase.serverizer().status().orElseThrow().log()).startsWith(upcase.stateDirectory());
    assertThat(upcase.stateDirectory().getFileName().toString()).startsWith("viasock-junit-");
  }

  @Test
  void aCallTakesExactlyOneRecord() {
    assertThatThrownBy(() -> upcase.call("two\nrecords\n")).isInstanceOf(IllegalArgumentException.class);
  }
}
