package dev.flows.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.testing.FlowTestDriver;
import java.util.List;
import org.junit.jupiter.api.Test;

class WordRemapTest {
  @Test
  void shouldUpdateTheWordWhenTheReadmesSnippetRunsIt() {
    try (FlowTestDriver driver = FlowTestDriver.of(WordRemap.flow())) {
      driver.input(WordRemap.WORD).pipe("apple", "apple");
      assertEquals(List.of("apple updated"), driver.output(WordRemap.WORD_UPDATED).readValues());
    }
  }

  @Test
  void shouldAppendUpdatedAndKeepHeadersWhenAWordArrives() {
    try (FlowTestDriver driver = FlowTestDriver.of(WordRemap.flow())) {
      driver.input(WordRemap.WORD).pipe("apple", "apple", Headers.empty().with("trace", "t-1"));

      List<Message<String, String>> out = driver.output(WordRemap.WORD_UPDATED).readAll();

      assertEquals(1, out.size());
      assertEquals("apple", out.get(0).key());
      assertEquals("apple updated", out.get(0).value());
      assertEquals("t-1", out.get(0).headers().lastString("trace").orElseThrow());
    }
  }
}
