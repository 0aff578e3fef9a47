package dev.flows.join;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.bytes;
import static dev.flows.format.Formats.json;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.Flows;
import dev.flows.Join;
import dev.flows.Message;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.testing.FlowTestDriver;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JoinFlowTest {
  record WordState(long count, String description) {}

  static final Topic<String, String> WORD = topic("word", string(), string());
  static final Topic<String, String> WORD_TYPE = topic("word-type", string(), string());
  static final Topic<String, String> JOINED = topic("word-join", string(), string());
  static final Topic<String, byte[]> INTERMEDIATE =
      topic("word-join-intermediate", string(), bytes());
  static final StateSpec<WordState> STATE =
      StateSpec.of("join", json(WordState.class), () -> new WordState(0, "?"));

  static Join join() {
    return Flows.join("test-word-join")
        .through(INTERMEDIATE.name())
        .state(STATE)
        .on(
            WORD,
            (k, v) -> k,
            (k, v, s) -> {
              WordState next = new WordState(s.count() + 1, s.description());
              return StateUpdate.set(next, next.count() + " " + next.description());
            })
        .on(WORD_TYPE, (k, v) -> k, (k, v, s) -> StateUpdate.set(new WordState(s.count(), v)))
        .to(JOINED);
  }

  @Test
  void shouldJoinBothSourcesIntoOneStateWhenRecordsArrive() {
    try (FlowTestDriver driver = FlowTestDriver.of(join().flows())) {
      driver.input(WORD_TYPE).pipe("apple", "fruit");
      driver.input(WORD).pipe("apple", "apple");
      driver.input(WORD).pipe("apple", "apple");

      assertEquals(List.of("1 fruit", "2 fruit"), driver.output(JOINED).readValues());
      assertEquals(Optional.of(new WordState(2, "fruit")), driver.state(STATE, "apple"));
    }
  }

  @Test
  void shouldApplyOnceWhenTheMergeStepWroteARecordTwice() {
    try (FlowTestDriver driver = FlowTestDriver.of(join().flows())) {
      driver.input(WORD).pipe("apple", "apple");
      List<Message<String, byte[]>> merged = driver.output(INTERMEDIATE).readAll();
      assertEquals(1, merged.size());

      driver.input(INTERMEDIATE).pipe(merged.get(0).key(), merged.get(0).value());

      assertEquals(Optional.of(new WordState(1, "?")), driver.state(STATE, "apple"));
      assertEquals(
          List.of("1 ?"),
          driver.output(JOINED).readValues(),
          "a duplicate envelope publishes nothing: the original's outputs were published, or are"
              + " re-emitted when the original envelope is read again");
    }
  }

  @Test
  void shouldNameTheMergeStepAfterTheJoinWhenBuilt() {
    assertEquals("test-word-join-merge", join().merge().name());
    assertEquals("test-word-join", join().apply().name());
  }
}
