package dev.viasock;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class IdleTimerTest {
  private static final Duration IDLE = Duration.ofSeconds(15);

  private final FakeTicker ticker = new FakeTicker();
  private final IdleTimer timer = new IdleTimer(ticker, IDLE);

  @Test
  void expiresOnceTheIdleTimeHasPassedWithoutConnections() {
    assertThat(timer.expired()).isFalse();
    ticker.advance(IDLE.minusNanos(1));
    assertThat(timer.expired()).isFalse();
    ticker.advanceNanos(1);
    assertThat(timer.expired()).isTrue();
  }

  @Test
  void theIdleClockStartsWhenTheTimerIsMade() {
    ticker.advance(Duration.ofHours(1));
    IdleTimer later = new IdleTimer(ticker, IDLE);
    assertThat(later.expired()).isFalse();
    ticker.advance(IDLE);
    assertThat(later.expired()).isTrue();
  }

  @Test
  void anOpenConnectionPreventsExpiry() {
    timer.opened();
    ticker.advance(IDLE.multipliedBy(100));
    assertThat(timer.expired()).isFalse();
    assertThat(timer.active()).isEqualTo(1);
  }

  @Test
  void anOpenConnectionPreventsExpiryEvenWhenTheIdleTimeHadAlreadyPassed() {
    ticker.advance(IDLE.multipliedBy(2));
    timer.opened();
    assertThat(timer.expired()).isFalse();
  }

  @Test
  void closingTheLastConnectionRestartsTheIdleClock() {
    timer.opened();
    ticker.advance(Duration.ofMinutes(5));
    timer.closed();
    assertThat(timer.expired()).as("just closed").isFalse();
    ticker.advance(IDLE.minusNanos(1));
    assertThat(timer.expired()).isFalse();
    ticker.advanceNanos(1);
    assertThat(timer.expired()).isTrue();
  }

  @Test
  void closingOneOfTwoConnectionsKeepsTheServerBusy() {
    timer.opened();
    timer.opened();
    timer.closed();
    ticker.advance(IDLE.multipliedBy(10));
    assertThat(timer.active()).isEqualTo(1);
    assertThat(timer.expired()).isFalse();

    timer.closed();
    assertThat(timer.active()).isZero();
    assertThat(timer.expired()).as("the idle clock starts at the last close, not the first").isFalse();
    ticker.advance(IDLE);
    assertThat(timer.expired()).isTrue();
  }

  @Test
  void idlenessCountsFromWhenTheServerStartsServingNotWhileItsFirstProgramStarts() {
    ticker.advance(IDLE.plusSeconds(1)); // a slow start: the timer was made before the program started
    timer.serving();
    assertThat(timer.expired()).as("a server that has just started accepting").isFalse();
    ticker.advance(IDLE.minusNanos(1));
    assertThat(timer.expired()).isFalse();
    ticker.advanceNanos(1);
    assertThat(timer.expired()).isTrue();
  }

  @Test
  void anAcceptedConnectionHoldsTheServerUntilItHasGreeted() {
    ticker.advance(IDLE.minusNanos(1));
    timer.accepted();
    ticker.advance(IDLE);
    assertThat(timer.expired()).as("a connection whose greeting is not read yet may be a call").isFalse();
    assertThat(timer.active()).isZero();

    timer.greeted();
    assertThat(timer.expired()).as("a status request does not restart the idle clock").isTrue();
  }

  @Test
  void anAcceptedCallKeepsTheServerBusyFromAcceptToClose() {
    ticker.advance(IDLE.minusNanos(1));
    timer.accepted();
    ticker.advance(IDLE);
    timer.opened();
    timer.greeted();
    assertThat(timer.expired()).isFalse();

    timer.closed();
    assertThat(timer.expired()).as("the idle clock restarts when the call closes").isFalse();
    ticker.advance(IDLE);
    assertThat(timer.expired()).isTrue();
  }
}
