package dev.flows.collector;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.KeyValue;
import dev.flows.Topic;
import dev.flows.testing.FlowTestDriver;
import java.util.List;
import org.junit.jupiter.api.Test;

class CollectorFlowTest {
  static final Topic<String, String> WORDS = topic("words", string(), string());
  static final Topic<String, String> COUNTS = topic("word-batch-counts", string(), string());

  static Flow collect() {
    return Flows.collector("test-words-collect")
        .from(WORDS)
        .aggregate(
            () -> 0L,
            (word, value, count) -> {
              if (value.equals("poison")) {
                throw new IllegalArgumentException("poison");
              }
              return count + 1;
            })
        .collect((word, count) -> word + "=" + count)
        .to(COUNTS);
  }

  @Test
  void shouldEmitOneResultPerKeyWhenABatchEnds() {
    try (FlowTestDriver driver = FlowTestDriver.of(collect())) {
      driver
          .input(WORDS)
          .pipeBatch(
              List.of(
                  KeyValue.of("apple", "a"),
                  KeyValue.of("beer", "b"),
                  KeyValue.of("apple", "a"),
                  KeyValue.of("apple", "a")));
      driver.input(WORDS).pipeBatch(List.of(KeyValue.of("apple", "a")));

      assertEquals(List.of("apple=3", "beer=1", "apple=1"), driver.output(COUNTS).readValues());
    }
  }

  @Test
  void shouldLeaveFailedRecordOutOfItsKeyWhenTheAggregatorThrows() {
    try (FlowTestDriver driver = FlowTestDriver.of(collect())) {
      driver
          .input(WORDS)
          .pipeBatch(
              List.of(
                  KeyValue.of("apple", "a"),
                  KeyValue.of("apple", "poison"),
                  KeyValue.of("apple", "a")));

      assertEquals(List.of("apple=2"), driver.output(COUNTS).readValues());
      assertEquals(1, driver.deadLetters().size());
    }
  }
}
