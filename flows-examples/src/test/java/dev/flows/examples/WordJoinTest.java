package dev.flows.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.KeyValue;
import dev.flows.Message;
import dev.flows.Topic;
import dev.flows.format.Formats;
import dev.flows.testing.FlowTestDriver;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WordJoinTest {
  static final Topic<String, byte[]> INTERMEDIATE =
      Topic.topic(WordJoin.INTERMEDIATE, Formats.string(), Formats.bytes());

  @Test
  void shouldPublishCountAndLatestDescriptionWhenWordsAndTypesArrive() {
    try (FlowTestDriver driver = FlowTestDriver.of(WordJoin.join().flows())) {
      driver.input(WordRemap.WORD).pipe("apple", "apple");
      driver.input(WordJoin.WORD_TYPE).pipe("apple", "fruit");
      driver
          .input(WordRemap.WORD)
          .pipeBatch(List.of(KeyValue.of("apple", "apple"), KeyValue.of("beer", "beer")));
      driver.input(WordJoin.WORD_TYPE).pipe("apple", "red fruit");
      driver.input(WordRemap.WORD).pipe("apple", "apple");

      assertEquals(
          List.of("apple=1 unknown", "apple=2 fruit", "beer=1 unknown", "apple=3 red fruit"),
          driver.output(WordJoin.WORD_JOIN).readAll().stream()
              .map(m -> m.key() + "=" + m.value())
              .toList());
      assertEquals(
          Optional.of(new WordJoin.JoinedWord(3, "red fruit")),
          driver.state(WordJoin.STATE, "apple"));
    }
  }

  @Test
  void shouldApplyOnceWhenTheIntermediateTopicHoldsADuplicate() {
    try (FlowTestDriver driver = FlowTestDriver.of(WordJoin.join().flows())) {
      driver.input(WordJoin.WORD_TYPE).pipe("pizza", "food");
      driver.input(WordRemap.WORD).pipe("pizza", "pizza");
      Message<String, byte[]> merged = driver.output(INTERMEDIATE).readAll().get(1);

      driver.input(INTERMEDIATE).pipe(merged.key(), merged.value());

      assertEquals(
          Optional.of(new WordJoin.JoinedWord(1, "food")), driver.state(WordJoin.STATE, "pizza"));
    }
  }
}
