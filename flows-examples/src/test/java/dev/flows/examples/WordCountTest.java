package dev.flows.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.testing.FlowTestDriver;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WordCountTest {
  @Test
  void shouldEmitRunningCountPerWordWhenWordsArrive() {
    try (FlowTestDriver driver = FlowTestDriver.of(WordCount.flow())) {
      for (String word : List.of("apple", "beer", "apple")) {
        driver.input(WordRemap.WORD).pipe(word, word);
      }

      assertEquals(List.of("1", "1", "2"), driver.output(WordCount.WORD_COUNT).readValues());
      assertEquals(Optional.of(new WordCount.Count(2)), driver.state(WordCount.COUNT, "apple"));
    }
  }
}
