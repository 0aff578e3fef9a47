package dev.flows.stateful;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.Flows;
import dev.flows.KeyValue;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.format.Formats;
import dev.flows.testing.FlowTestDriver;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link StateSpec#withRetention} on the test driver, whose wall clock the test moves. */
class StateRetentionTest {
  static final Topic<String, String> WORDS = topic("words", string(), string());
  static final Topic<String, String> COUNTS = topic("word-counts", string(), string());
  static final StateSpec<Long> COUNT =
      StateSpec.of("count", Formats.longs(), () -> 0L).withRetention(Duration.ofDays(1));

  static Flow countFlow(StateSpec<Long> state) {
    return Flows.stateful("test-words-count")
        .from(WORDS)
        .state(state)
        .apply((word, value, count) -> StateUpdate.set(count + 1, Long.toString(count + 1)))
        .to(COUNTS);
  }

  @Test
  void shouldStartAKeyAgainFromItsInitialStateWhenUnwrittenForTheRetention() {
    try (FlowTestDriver driver = FlowTestDriver.of(countFlow(COUNT))) {
      driver.input(WORDS).pipeBatch(List.of(KeyValue.of("apple", "a"), KeyValue.of("pear", "p")));
      driver.advanceWallClock(Duration.ofHours(20));
      driver.input(WORDS).pipe("pear", "p");

      driver.advanceWallClock(Duration.ofHours(4));

      assertEquals(Optional.empty(), driver.state(COUNT, "apple"), "a day unwritten: deleted");
      assertEquals(Optional.of(2L), driver.state(COUNT, "pear"), "written 4 hours ago: kept");
      driver.input(WORDS).pipe("apple", "a");
      assertEquals(
          List.of("1", "1", "2", "1"),
          driver.output(COUNTS).readValues(),
          "apple counts from its initial state again");
    }
  }

  @Test
  void shouldKeepEveryRowWhenTheStateHasNoRetention() {
    StateSpec<Long> forever = StateSpec.of("count", Formats.longs(), () -> 0L);
    try (FlowTestDriver driver = FlowTestDriver.of(countFlow(forever))) {
      driver.input(WORDS).pipe("apple", "a");

      driver.advanceWallClock(Duration.ofDays(3650));

      assertEquals(Optional.of(1L), driver.state(forever, "apple"));
    }
  }

  @Test
  void shouldPrintTheRetentionWhenTheFlowIsDescribed() {
    String kept = countFlow(COUNT).describe().text();
    String forever = countFlow(StateSpec.of("count", Formats.longs(), () -> 0L)).describe().text();

    assertTrue(kept.contains("rows unwritten for PT24H deleted"), kept);
    assertFalse(forever.contains("unwritten"), forever);
  }

  @Test
  void shouldRefuseARetentionWhenItIsNotPositive() {
    StateSpec<Long> spec = StateSpec.of("count", Formats.longs(), () -> 0L);

    FlowDefinitionException e =
        assertThrows(FlowDefinitionException.class, () -> spec.withRetention(Duration.ZERO));

    assertTrue(e.getMessage().contains("retention"), e.getMessage());
    assertTrue(e.getMessage().contains("positive"), e.getMessage());
  }
}
