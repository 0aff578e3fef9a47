package dev.flows.rabbitmq.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.flows.DeadLetterHeaders;
import dev.flows.FormatException;
import dev.flows.TaskOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class RedeliveryPolicyTest {
  private static final AttemptOutcome SUCCEEDED = new AttemptOutcome.Succeeded();

  private final TaskOptions options =
      TaskOptions.defaults()
          .withMaxAttempts(3)
          .withBackoff(Duration.ofMillis(250), Duration.ofSeconds(10));
  private final RedeliveryPolicy policy =
      new RedeliveryPolicy(new Retries("shop-images-resize", "resize", options));

  @Test
  void shouldAckWhenTheAttemptSucceededWhateverItsCount() {
    assertEquals(new Settlement.Ack(), policy.decide(1, SUCCEEDED, Map.of()));
    assertEquals(new Settlement.Ack(), policy.decide(3, SUCCEEDED, null));
    assertEquals(new Settlement.Ack(), policy.decide(Integer.MAX_VALUE, SUCCEEDED, Map.of()));
  }

  @Test
  void shouldRetryThroughTheDelayQueueOfTheNextAttemptWhenAttemptsRemain() {
    Settlement.Retry first =
        assertInstanceOf(
            Settlement.Retry.class, policy.decide(1, failed("boom"), Map.of("trace", "t1")));
    assertEquals("resize.delay.250", first.queue());
    assertEquals("1", first.headers().get(DeadLetterHeaders.ATTEMPTS));
    assertEquals("t1", first.headers().get("trace"));

    Settlement.Retry second =
        assertInstanceOf(Settlement.Retry.class, policy.decide(2, failed("boom"), first.headers()));
    assertEquals("resize.delay.500", second.queue());
    assertEquals("2", second.headers().get(DeadLetterHeaders.ATTEMPTS));
  }

  @Test
  void shouldRetryATimedOutAttemptLikeAnyFailureWhenAttemptsRemain() {
    TimeoutException timeout = new TimeoutException("task ran longer than its timeout of 5 ms");
    Settlement.Retry retry =
        assertInstanceOf(
            Settlement.Retry.class, policy.decide(1, new AttemptOutcome.Failed(timeout), null));
    assertEquals("resize.delay.250", retry.queue());
    assertEquals(
        TimeoutException.class.getName(), retry.headers().get(DeadLetterHeaders.ERROR_CLASS));
  }

  @Test
  void shouldDeadLetterWithTheReasonWhenTheLastAttemptFailed() {
    AttemptOutcome.Failed outcome = failed("boom");
    Settlement.DeadLetter dead =
        assertInstanceOf(Settlement.DeadLetter.class, policy.decide(3, outcome, Map.of()));
    assertEquals("resize.dlq", dead.queue());
    assertEquals(3, dead.attempts());
    assertEquals(outcome.cause(), dead.reason());
    assertEquals("3", dead.headers().get(DeadLetterHeaders.ATTEMPTS));
  }

  @Test
  void shouldDeadLetterAtOnceWhenTheTaskCannotBeDecoded() {
    AttemptOutcome undecodable = new AttemptOutcome.Failed(new FormatException("not JSON", null));
    Settlement.DeadLetter dead =
        assertInstanceOf(Settlement.DeadLetter.class, policy.decide(1, undecodable, Map.of()));
    assertEquals("resize.dlq", dead.queue());
    assertEquals(1, dead.attempts());
  }

  @Test
  void shouldDeadLetterAtOnceWhenTheAttemptsHeaderClaimsAHugeCount() {
    Map<String, Object> headers = Map.of(DeadLetterHeaders.ATTEMPTS, "2147483647");
    int attempt = Retries.attemptOf(headers);
    assertInstanceOf(Settlement.DeadLetter.class, policy.decide(attempt, failed("boom"), headers));
  }

  private static AttemptOutcome.Failed failed(String message) {
    return new AttemptOutcome.Failed(new IllegalStateException(message));
  }
}
