package dev.flows.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flows.FailureClass;
import dev.flows.FlowDefinitionException;
import dev.flows.TaskOptions;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TaskOptionsTest {

  @Test
  void shouldDoubleTheBackoffPerFailedAttemptWhenBelowTheMaximum() {
    TaskOptions options =
        TaskOptions.defaults().withBackoff(Duration.ofMillis(100), Duration.ofMillis(1_000));
    List<Long> delays =
        IntStream.rangeClosed(1, 6).mapToObj(n -> options.backoffAfter(n).toMillis()).toList();
    assertEquals(List.of(100L, 200L, 400L, 800L, 1_000L, 1_000L), delays);
  }

  @Test
  void shouldNotOverflowWhenAttemptsAreMany() {
    TaskOptions options =
        TaskOptions.defaults().withBackoff(Duration.ofSeconds(1), Duration.ofMinutes(5));
    assertEquals(Duration.ofMinutes(5), options.backoffAfter(49));
  }

  @Test
  void shouldPrefetchConcurrencyTimesTheMultiplierWhicheverIsSetFirst() {
    assertEquals(8, TaskOptions.defaults().withConcurrency(8).prefetch());
    assertEquals(
        16, TaskOptions.defaults().withConcurrency(8).withPrefetchMultiplier(2).prefetch());
    assertEquals(
        16, TaskOptions.defaults().withPrefetchMultiplier(2).withConcurrency(8).prefetch());
    assertEquals(
        16,
        TaskOptions.defaults()
            .withPrefetchMultiplier(2)
            .withConcurrency(8)
            .withTimeout(Duration.ofSeconds(1))
            .withMaxAttempts(1)
            .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2))
            .withFailureClass(IllegalStateException.class, FailureClass.PERMANENT)
            .prefetch());
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class, () -> TaskOptions.defaults().withPrefetchMultiplier(0));
    assertEquals(
        "prefetchMultiplier must be between 1 and 10, got 0: use 1 for long tasks, 2 for many"
            + " short ones",
        e.getMessage());
  }

  @Test
  void shouldFailNamingTheSettingWhenInvalid() {
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class, () -> TaskOptions.defaults().withConcurrency(0));
    assertEquals("concurrency must be between 1 and 1000, got 0: use e.g. 8", e.getMessage());
    assertThrows(FlowDefinitionException.class, () -> TaskOptions.defaults().withMaxAttempts(0));
    assertThrows(
        FlowDefinitionException.class, () -> TaskOptions.defaults().withTimeout(Duration.ZERO));
    assertThrows(
        FlowDefinitionException.class,
        () -> TaskOptions.defaults().withBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
  }
}
