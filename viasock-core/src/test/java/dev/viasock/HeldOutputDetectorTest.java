package dev.viasock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@link HeldOutputDetector}: its timing, with time moved by hand and the program's activity scripted. */
class HeldOutputDetectorTest {
  private static final ProgramActivity READING = new ProgramActivity(true, true, false, 0);
  private final FakeTicker ticker = new FakeTicker();
  private ProgramActivity activity = READING;
  private int samples;
  private final HeldOutputDetector detector =
      new HeldOutputDetector(ticker, () -> {
        samples++;
        return activity;
      });

  private static HeldOutputDetector.Progress owing(long owed) {
    return new HeldOutputDetector.Progress(owed, 10, 5, false);
  }

  /** Looks every 100 ms (as the server's housekeeping does) for {@code span}; returns when it first said yes. */
  private Duration lookFor(Duration span, HeldOutputDetector.Progress progress) {
    for (long waited = 0; waited <= span.toMillis(); waited += 100) {
      if (detector.holdsAnswers(progress)) {
        return Duration.ofMillis(waited);
      }
      ticker.advance(Duration.ofMillis(100));
    }
    return null;
  }

  @Test
  void aProgramThatOwesAnswersAndWaitsForInputIsCaughtWithinTwoSeconds() {
    Duration caught = lookFor(Duration.ofSeconds(10), owing(1));

    assertThat(caught).isNotNull().isBetween(HeldOutputDetector.QUIET, Duration.ofSeconds(2));
  }

  @Test
  void aProgramThatOwesNothingMayWaitForInputForever() {
    assertThat(lookFor(Duration.ofMinutes(5), owing(0))).isNull();
  }

  @Test
  void aBusyProgramIsNeverSuspected() {
    activity = new ProgramActivity(true, true, true, 0);

    assertThat(lookFor(Duration.ofMinutes(5), owing(3))).isNull();
  }

  @Test
  void aProgramWaitingOnAnythingButItsStdinIsNeverSuspected() {
    activity = new ProgramActivity(true, false, false, 0);

    assertThat(lookFor(Duration.ofMinutes(5), owing(3))).isNull();
  }

  @Test
  void aProgramUsingCpuWhileItsReaderWaitsIsNotSuspected() {
    long[] cpu = {0};
    HeldOutputDetector computing =
        new HeldOutputDetector(ticker, () -> new ProgramActivity(true, true, false, cpu[0] += 100_000_000L));

    for (int i = 0; i < 600; i++) {
      assertThat(computing.holdsAnswers(owing(1))).isFalse();
      ticker.advance(Duration.ofMillis(100));
    }
  }

  @Test
  void aRuntimesHousekeepingCpuDoesNotHideAHeldAnswer() {
    long[] cpu = {0};
    HeldOutputDetector jvm =
        new HeldOutputDetector(ticker, () -> new ProgramActivity(true, true, false, cpu[0] += 1_000_000L));

    boolean caught = false;
    for (int i = 0; i < 30 && !caught; i++) {
      caught = jvm.holdsAnswers(owing(1));
      ticker.advance(Duration.ofMillis(100));
    }

    assertThat(caught).isTrue();
  }

  @Test
  void outputArrivingStartsTheQuietTimeAgain() {
    for (int i = 0; i < 12; i++) {
      assertThat(detector.holdsAnswers(new HeldOutputDetector.Progress(2, 10, 5 + i, false))).isFalse();
      ticker.advance(Duration.ofMillis(250));
    }
    assertThat(lookFor(Duration.ofMillis(1400), owing(2))).as("quiet since the last output").isNull();
    assertThat(lookFor(Duration.ofSeconds(1), owing(2))).isNotNull();
  }

  @Test
  void inputSentStartsTheQuietTimeAgain() {
    assertThat(lookFor(Duration.ofMillis(1000), owing(1))).isNull();
    assertThat(lookFor(Duration.ofMillis(1000), new HeldOutputDetector.Progress(2, 11, 5, false))).isNull();
    assertThat(lookFor(Duration.ofSeconds(1), new HeldOutputDetector.Progress(2, 11, 5, false))).isNotNull();
  }

  @Test
  void outputHeldUpByASlowCallerIsNotTheProgramsDoing() {
    assertThat(lookFor(Duration.ofMinutes(5), new HeldOutputDetector.Progress(4, 10, 5, true))).isNull();
    assertThat(samples).as("no need to look at the program").isZero();
  }

  @Test
  void theProgramIsLookedAtAtMostFourTimesASecond() {
    lookFor(Duration.ofMillis(1000), owing(0));
    assertThat(samples).isZero();

    lookFor(Duration.ofMillis(900), owing(1));
    assertThat(samples).isBetween(3, 4);
  }

  @Test
  void aBusyProgramIsLookedAtAtMostFourTimesASecondToo() {
    activity = new ProgramActivity(true, false, true, 0);

    lookFor(Duration.ofMillis(2000), owing(1));

    assertThat(samples).isBetween(7, 8);
  }

  @Test
  void withoutProcOnlyALongQuietTimeIsSuspected() {
    activity = new ProgramActivity(false, false, false, 42);

    Duration caught = lookFor(Duration.ofSeconds(30), owing(1));

    assertThat(caught).isNotNull().isBetween(HeldOutputDetector.QUIET_WITHOUT_PROC, Duration.ofSeconds(11));
  }

  @Test
  void anInconclusiveLookStartsTheQuietTimeAgain() {
    assertThat(lookFor(Duration.ofMillis(1000), owing(1))).isNull();
    activity = ProgramActivity.INCONCLUSIVE;
    assertThat(lookFor(Duration.ofMillis(300), owing(1))).isNull();
    activity = READING;
    assertThat(lookFor(Duration.ofMillis(1400), owing(1))).isNull();
    assertThat(lookFor(Duration.ofSeconds(1), owing(1))).isNotNull();
  }
}
