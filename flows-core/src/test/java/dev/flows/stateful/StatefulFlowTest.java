package dev.flows.stateful;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.DeadLetterHeaders;
import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Headers;
import dev.flows.KeyValue;
import dev.flows.Message;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.format.Formats;
import dev.flows.testing.FlowTestDriver;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatefulFlowTest {
  static final Topic<String, String> WORDS = topic("words", string(), string());
  static final Topic<String, String> COUNTS = topic("word-counts", string(), string());
  static final StateSpec<Long> COUNT = StateSpec.of("count", Formats.longs(), () -> 0L);

  static Flow countFlow() {
    return Flows.stateful("test-words-count")
        .from(WORDS)
        .state(COUNT)
        .apply(
            (word, value, count) -> {
              if ("poison".equals(value)) {
                throw new IllegalStateException("poison " + word);
              }
              long next = count + 1;
              return StateUpdate.set(next, Long.toString(next));
            })
        .to(COUNTS);
  }

  @Test
  void shouldCountPerKeyAndEmitRunningCountWhenRecordsArrive() {
    try (FlowTestDriver driver = FlowTestDriver.of(countFlow())) {
      driver
          .input(WORDS)
          .pipeBatch(
              List.of(
                  KeyValue.of("apple", "a"), KeyValue.of("pizza", "p"), KeyValue.of("apple", "a")));
      driver.input(WORDS).pipe("apple", "a");

      assertEquals(
          List.of(
              KeyValue.of("apple", "1"),
              KeyValue.of("apple", "2"),
              KeyValue.of("pizza", "1"),
              KeyValue.of("apple", "3")),
          driver.output(COUNTS).readKeyValues());
      assertEquals(Optional.of(3L), driver.state(COUNT, "apple"));
      assertEquals(Optional.of(1L), driver.state(COUNT, "pizza"));
    }
  }

  @Test
  void shouldEmitEachKeysLastCountOfABatchThroughTheTestDriverWithEmitLatestPerBatch() {
    Flow latest =
        Flows.stateful("test-words-latest")
            .from(WORDS)
            .state(COUNT)
            .apply((word, value, count) -> StateUpdate.set(count + 1, Long.toString(count + 1)))
            .emitLatestPerBatch()
            .to(COUNTS);
    try (FlowTestDriver driver = FlowTestDriver.of(latest)) {
      driver
          .input(WORDS)
          .pipeBatch(
              List.of(
                  KeyValue.of("apple", "a"), KeyValue.of("pizza", "p"), KeyValue.of("apple", "a")));
      driver.input(WORDS).pipe("apple", "a"); // a batch of its own

      assertEquals(
          List.of(KeyValue.of("apple", "2"), KeyValue.of("pizza", "1"), KeyValue.of("apple", "3")),
          driver.output(COUNTS).readKeyValues());
      assertEquals(Optional.of(3L), driver.state(COUNT, "apple"));
    }
  }

  @Test
  void shouldDeadLetterAndKeepStateWhenTheStateFunctionThrows() {
    try (FlowTestDriver driver = FlowTestDriver.of(countFlow())) {
      driver.input(WORDS).pipe("apple", "a");
      driver.input(WORDS).pipe("apple", "poison");
      driver.input(WORDS).pipe("apple", "a");

      List<Message<byte[], byte[]>> dead = driver.deadLetters();
      assertEquals(1, dead.size());
      assertEquals("poison", new String(dead.get(0).value(), StandardCharsets.UTF_8));
      assertEquals(
          "process", dead.get(0).headers().lastString(DeadLetterHeaders.ERROR_STAGE).orElseThrow());
      assertEquals(List.of("1", "2"), driver.output(COUNTS).readValues());
      assertEquals(Optional.of(2L), driver.state(COUNT, "apple"));
    }
  }

  @Test
  void shouldCarryOddHeadersThroughStateOrDeadLetterTheOneThatCannotBeStored() {
    Headers odd =
        Headers.empty()
            .with("none", (byte[]) null)
            .with("binary", new byte[] {(byte) 0xff, 0x00, (byte) 0xfe})
            .with("twice", "1")
            .with("twice", "2")
            .with("", "empty key");
    Headers hostile = Headers.empty().with("k".repeat(70_000), "a key longer than 64 KiB");
    try (FlowTestDriver driver = FlowTestDriver.of(countFlow())) {
      driver.input(WORDS).pipe("apple", "a", odd);
      driver.input(WORDS).pipe("apple", "a", hostile);
      driver.input(WORDS).pipe("apple", "a");

      List<Message<String, String>> out = driver.output(COUNTS).readAll();
      assertEquals(List.of("1", "2", "3"), out.stream().map(Message::value).toList());
      assertEquals(odd, out.get(0).headers(), "headers pass through unchanged");
      assertEquals(List.of(), driver.deadLetters());
      assertEquals(Optional.of(3L), driver.state(COUNT, "apple"));
    }
  }

  @Test
  void shouldNameTheStateTableAfterTheSpecWhenTheFlowIsNamedOtherwise() {
    assertEquals("flows_count_state", COUNT.table(), "docs/getting-started.md");
    assertEquals("shop_counts", COUNT.withTable("shop_counts").table());
  }

  @Test
  void shouldDescribeStateAndTableWhenAskedForThePlan() {
    String text = countFlow().describe().text();
    assertTrue(text.contains("state count [long] in flows_count_state"), text);
  }
}
