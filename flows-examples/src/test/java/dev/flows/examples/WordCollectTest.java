package dev.flows.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.KeyValue;
import dev.flows.testing.FlowTestDriver;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordCollectTest {
  @Test
  void shouldEmitEachWordsCountPerBatchWhenBatchesEnd() {
    try (FlowTestDriver driver = FlowTestDriver.of(WordCollect.flow())) {
      driver
          .input(WordRemap.WORD)
          .pipeBatch(
              List.of(
                  KeyValue.of("apple", "apple"),
                  KeyValue.of("beer", "beer"),
                  KeyValue.of("apple", "apple")));
      driver.input(WordRemap.WORD).pipeBatch(List.of(KeyValue.of("apple", "apple")));

      assertEquals(
          List.of("apple=2", "beer=1", "apple=1"),
          driver.output(WordCollect.WORD_COLLECT).readAll().stream()
              .map(m -> m.key() + "=" + m.value())
              .toList());
    }
  }
}
