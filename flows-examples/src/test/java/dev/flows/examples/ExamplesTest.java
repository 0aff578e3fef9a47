package dev.flows.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.Windowed;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ExamplesTest {
  @Test
  void shouldPrintTheWindowInUtcWhenAKeyOfTheWindowedCountIsPrinted() {
    byte[] key =
        WordWindowCount.WORD_WINDOW_COUNT
            .keyFormat()
            .encode(new Windowed<>("apple", 10_000, 20_000));

    assertEquals("apple [00:00:10, 00:00:20)", Examples.keyText("word-window-count", key));
    assertEquals("apple", Examples.keyText("word-count", "apple".getBytes(StandardCharsets.UTF_8)));
  }
}
