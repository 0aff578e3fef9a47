package dev.flows.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.testing.FlowTestDriver;
import dev.flows.testing.TestResponse;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordAdapterTest {
  private final Flow adapter = WordAdapter.flow();

  @Test
  void shouldWriteTheMessageToWordAndFeedTheRemapWhenAWordIsPosted() {
    try (FlowTestDriver driver = FlowTestDriver.of(adapter, WordRemap.flow())) {
      TestResponse response = driver.post(adapter, WordAdapter.PATH, "{\"message\":\"kiwi\"}");

      assertEquals(202, response.status());
      assertEquals(List.of("kiwi"), driver.output(WordRemap.WORD).readValues());
      assertEquals(List.of("kiwi updated"), driver.output(WordRemap.WORD_UPDATED).readValues());
    }
  }

  @Test
  void shouldAnswer400AndWriteNothingWhenTheBodyIsNotJson() {
    try (FlowTestDriver driver = FlowTestDriver.of(adapter)) {
      TestResponse response = driver.post(adapter, WordAdapter.PATH, "kiwi");

      assertEquals(400, response.status());
      assertTrue(response.body().contains("error"), response.body());
      assertEquals(List.of(), driver.output(WordRemap.WORD).readValues());
    }
  }
}
