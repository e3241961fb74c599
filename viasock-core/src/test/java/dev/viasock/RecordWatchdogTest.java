package dev.viasock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RecordWatchdogTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final FakeTicker ticker = new FakeTicker();
  private final RecordWatchdog watchdog = new RecordWatchdog(ticker, TIMEOUT);

  @Test
  void isNeverOverdueWithoutOutstandingRecords() {
    assertThat(watchdog.overdue()).isFalse();
    ticker.advance(Duration.ofHours(5));
    assertThat(watchdog.overdue()).isFalse();
    assertThat(watchdog.outstanding()).isZero();
  }

  @Test
  void becomesOverdueOnlyOnceTheTimeoutHasPassedWithARecordOutstanding() {
    watchdog.expect(1);
    ticker.advance(TIMEOUT.minusNanos(1));
    assertThat(watchdog.overdue()).isFalse();
    ticker.advanceNanos(1);
    assertThat(watchdog.overdue()).as("exactly the timeout is not yet past it").isFalse();
    ticker.advanceNanos(1);
    assertThat(watchdog.overdue()).isTrue();
  }

  @Test
  void theClockStartsWhenTheFirstRecordIsExpectedNotBefore() {
    ticker.advance(Duration.ofMinutes(3));
    watchdog.expect(1);
    assertThat(watchdog.overdue()).isFalse();
    ticker.advance(TIMEOUT.plusNanos(1));
    assertThat(watchdog.overdue()).isTrue();
  }

  @Test
  void eachAnswerRestartsTheClock() {
    watchdog.expect(3);
    ticker.advance(Duration.ofSeconds(9));
    watchdog.answered(1);
    ticker.advance(Duration.ofSeconds(9));
    assertThat(watchdog.overdue()).as("18 s since the first record, but 9 s since the last answer").isFalse();
    watchdog.answered(1);
    ticker.advance(Duration.ofSeconds(9));
    assertThat(watchdog.overdue()).isFalse();
    ticker.advance(Duration.ofSeconds(2));
    assertThat(watchdog.overdue()).isTrue();
    assertThat(watchdog.outstanding()).isEqualTo(1);
  }

  @Test
  void expectingMoreRecordsWhileSomeAreOutstandingDoesNotRestartTheClock() {
    watchdog.expect(1);
    ticker.advance(Duration.ofSeconds(6));
    watchdog.expect(2);
    ticker.advance(Duration.ofSeconds(5));
    assertThat(watchdog.overdue()).isTrue();
    assertThat(watchdog.outstanding()).isEqualTo(3);
  }

  @Test
  void isNotOverdueOnceEveryRecordIsAnswered() {
    watchdog.expect(2);
    watchdog.answered(2);
    ticker.advance(Duration.ofHours(1));
    assertThat(watchdog.outstanding()).isZero();
    assertThat(watchdog.overdue()).isFalse();
  }

  @Test
  void nonPositiveCountsChangeNothing() {
    watchdog.expect(0);
    watchdog.expect(-4);
    ticker.advance(Duration.ofHours(1));
    assertThat(watchdog.outstanding()).isZero();
    assertThat(watchdog.overdue()).isFalse();

    watchdog.expect(1);
    ticker.advance(Duration.ofSeconds(11));
    watchdog.answered(0);
    assertThat(watchdog.overdue()).as("answering zero records is not an answer").isTrue();
  }

  @Test
  void timeSpentPausedDoesNotCount() {
    watchdog.expect(1);
    ticker.advance(Duration.ofSeconds(5));
    watchdog.pause();
    ticker.advance(Duration.ofMinutes(10));
    assertThat(watchdog.overdue()).as("paused").isFalse();
    watchdog.resume();
    assertThat(watchdog.overdue()).as("just resumed after 10 min paused").isFalse();
    ticker.advance(TIMEOUT.plusNanos(1));
    assertThat(watchdog.overdue()).as("a whole timeout after resuming").isTrue();
  }

  @Test
  void nestedPausesKeepTheClockStoppedUntilTheLastResume() {
    watchdog.expect(1);
    watchdog.pause();
    watchdog.pause();
    ticker.advance(Duration.ofMinutes(1));
    watchdog.resume();
    ticker.advance(Duration.ofMinutes(1));
    assertThat(watchdog.overdue()).as("one pause still holds").isFalse();
    watchdog.resume();
    ticker.advance(TIMEOUT.plusNanos(1));
    assertThat(watchdog.overdue()).isTrue();
  }

  @Test
  void aZeroTimeoutIsNeverOverdue() {
    RecordWatchdog unlimited = new RecordWatchdog(ticker, Duration.ZERO);
    unlimited.expect(5);
    ticker.advance(Duration.ofDays(365));
    assertThat(unlimited.overdue()).isFalse();
    assertThat(unlimited.outstanding()).isEqualTo(5);
  }
}
