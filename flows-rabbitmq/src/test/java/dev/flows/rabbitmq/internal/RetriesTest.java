package dev.flows.rabbitmq.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.DeadLetterHeaders;
import dev.flows.FormatException;
import dev.flows.TaskOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RetriesTest {
  private final TaskOptions options =
      TaskOptions.defaults()
          .withMaxAttempts(3)
          .withBackoff(Duration.ofMillis(250), Duration.ofSeconds(10));
  private final Retries retries = new Retries("shop-images-resize", "resize", options);

  @Test
  void shouldRetryThroughTheDelayQueueOfTheBackoffWhenAttemptsRemain() {
    Retries.Next first = retries.after(1, new IllegalStateException("boom"), Map.of("trace", "t1"));
    assertFalse(first.deadLetter());
    assertEquals("resize.delay.250", first.queue());
    assertEquals("1", first.headers().get(DeadLetterHeaders.ATTEMPTS));
    assertEquals("t1", first.headers().get("trace"));
    assertEquals(
        "resize.delay.500",
        retries.after(2, new IllegalStateException("boom"), first.headers()).queue());
  }

  @Test
  void shouldDeadLetterWithTheReasonWhenTheLastAttemptFailed() {
    Retries.Next last = retries.after(3, new IllegalStateException("boom"), Map.of());
    assertTrue(last.deadLetter());
    assertEquals("resize.dlq", last.queue());
    assertEquals(
        IllegalStateException.class.getName(), last.headers().get(DeadLetterHeaders.ERROR_CLASS));
    assertEquals("boom", last.headers().get(DeadLetterHeaders.ERROR_MESSAGE));
    assertEquals("shop-images-resize", last.headers().get(DeadLetterHeaders.FLOW));
    assertEquals("process", last.headers().get(DeadLetterHeaders.ERROR_STAGE));
  }

  @Test
  void shouldDeadLetterAtOnceWhenTheTaskCannotBeDecoded() {
    Retries.Next next = retries.after(1, new FormatException("not JSON", null), Map.of());
    assertTrue(next.deadLetter());
    assertEquals("decode", next.headers().get(DeadLetterHeaders.ERROR_STAGE));
  }

  @Test
  void shouldCountAttemptsFromTheHeaderWhenRedelivered() {
    assertEquals(1, Retries.attemptOf(null));
    assertEquals(1, Retries.attemptOf(Map.of()));
    assertEquals(3, Retries.attemptOf(Map.of(DeadLetterHeaders.ATTEMPTS, "2")));
    assertEquals(3, Retries.attemptOf(Map.of(DeadLetterHeaders.ATTEMPTS, 2)));
    assertEquals(1, Retries.attemptOf(Map.of(DeadLetterHeaders.ATTEMPTS, "garbage")));
  }

  @Test
  void shouldDeclareOneDelayQueuePerDistinctBackoffWhenTheMaximumCapsIt() {
    TaskOptions capped =
        TaskOptions.defaults()
            .withMaxAttempts(6)
            .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4));
    assertEquals(
        List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)),
        List.copyOf(Topology.delays(capped)));
    assertEquals(
        List.of(), List.copyOf(Topology.delays(TaskOptions.defaults().withMaxAttempts(1))));
  }
}
