package dev.flows.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.KeyValue;
import dev.flows.Row;
import dev.flows.testing.FlowTestDriver;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WordMaterialiseTest {
  @Test
  void shouldKeepTheLatestCountPerWordWhenCountsArrive() {
    try (FlowTestDriver driver = FlowTestDriver.of(WordMaterialise.flow())) {
      driver
          .input(WordCount.WORD_COUNT)
          .pipeBatch(
              List.of(
                  KeyValue.of("apple", "1"), KeyValue.of("beer", "1"), KeyValue.of("apple", "2")));

      assertEquals(
          Map.of(
              "apple", Row.of("word", "apple").with("count", 2L).with("updated_offset", 2L),
              "beer", Row.of("word", "beer").with("count", 1L).with("updated_offset", 1L)),
          driver.table(WordMaterialise.TABLE));
    }
  }

  @Test
  void shouldDeleteTheWordWhenATombstoneArrives() {
    try (FlowTestDriver driver = FlowTestDriver.of(WordMaterialise.flow())) {
      driver
          .input(WordCount.WORD_COUNT)
          .pipeBatch(List.of(KeyValue.of("apple", "1"), KeyValue.of("beer", "1")));
      driver.input(WordCount.WORD_COUNT).pipeBatch(Arrays.asList(KeyValue.of("apple", null)));

      assertEquals(List.of("beer"), List.copyOf(driver.table(WordMaterialise.TABLE).keySet()));
    }
  }

  @Test
  void shouldMaterialiseTheRunningCountsWhenChainedAfterTheCount() {
    try (FlowTestDriver driver = FlowTestDriver.of(WordCount.flow(), WordMaterialise.flow())) {
      for (String word : List.of("apple", "pizza", "apple")) {
        driver.input(WordRemap.WORD).pipe(word, word);
      }

      assertEquals(2L, driver.table(WordMaterialise.TABLE).get("apple").get("count"));
      assertEquals(1L, driver.table(WordMaterialise.TABLE).get("pizza").get("count"));
    }
  }
}
