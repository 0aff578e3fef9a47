package dev.flows.rabbitmq.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.impl.LongStringHelper;
import dev.flows.DeadLetterHeaders;
import dev.flows.FormatException;
import dev.flows.TaskOptions;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
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
  void shouldReadTheAttemptsHeaderWhateverAmqpTypeAnotherProducerGaveIt() {
    assertEquals(4, attemptOf(LongStringHelper.asLongString("3")));
    assertEquals(4, attemptOf("3".getBytes(StandardCharsets.UTF_8)));
    assertEquals(4, attemptOf(3L));
    assertEquals(4, attemptOf((byte) 3));
    assertEquals(4, attemptOf(new BigDecimal("3.7")));
    assertEquals(1, attemptOf(true));
    assertEquals(1, attemptOf(new Date(0)));
    assertEquals(1, attemptOf(Map.of("nested", 3)));
    assertEquals(1, attemptOf(List.of(3)));
    assertEquals(1, attemptOf(new byte[] {(byte) 0xff, 0x00}));
    assertEquals(1, attemptOf("1e9"));
  }

  @Test
  void shouldNeverLetAHostileAttemptsHeaderBuyEndlessRetries() {
    assertEquals(1, attemptOf("-5"));
    assertEquals(1, attemptOf(Long.MIN_VALUE));
    assertEquals(Integer.MAX_VALUE, attemptOf(Integer.toString(Integer.MAX_VALUE)));
    assertEquals(Integer.MAX_VALUE, attemptOf("9".repeat(1_000)));
    assertEquals(1, attemptOf("-" + "9".repeat(1_000)));
    int hostile = attemptOf(Long.toString(Long.MAX_VALUE));
    assertTrue(retries.after(hostile, new IllegalStateException("boom"), Map.of()).deadLetter());
  }

  private static int attemptOf(Object header) {
    return Retries.attemptOf(Map.of(DeadLetterHeaders.ATTEMPTS, header));
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
    TaskOptions once =
        TaskOptions.defaults()
            .withMaxAttempts(1)
            .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(4));
    assertEquals(
        List.of(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4)),
        List.copyOf(Topology.delays(once)),
        "transient failures wait even when a task has one attempt");
  }
}
