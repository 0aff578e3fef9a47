package dev.flows.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.KeyValue;
import dev.flows.Row;
import dev.flows.TableSpec;
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
          Map.of("apple", row("apple", 2L, 2L), "beer", row("beer", 1L, 1L)),
          driver.table(WordMaterialise.TABLE));
    }
  }

  /** A row as the flow writes it: the count, then its record's offset, partition and generation. */
  private static Row row(String word, long count, long offset) {
    return Row.of("word", word)
        .with("count", count)
        .with("updated_offset", offset)
        .with(TableSpec.PARTITION_COLUMN, 0)
        .with(TableSpec.GENERATION_COLUMN, 0);
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
