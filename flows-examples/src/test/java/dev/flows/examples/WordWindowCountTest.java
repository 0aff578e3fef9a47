package dev.flows.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.DeadLetterHeaders;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.testing.FlowTestDriver;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WordWindowCountTest {
  private static final long S = 1_000;

  @Test
  void shouldPublishOneFinalCountPerWordAndWindowWhenEachWindowCloses() {
    try (FlowTestDriver driver = FlowTestDriver.of(WordWindowCount.flow())) {
      pipe(driver, "apple", 1 * S);
      pipe(driver, "beer", 3 * S);
      pipe(driver, "apple", 9 * S);
      pipe(driver, "apple", 11 * S); // window 10-20 s; stream time 11 s: 0-10 s open to 12 s
      pipe(driver, "beer", 8 * S); // out of order, within the grace
      assertEquals(List.of(), read(driver), "nothing before a window closes");

      pipe(driver, "pizza", 12 * S); // stream time 12 s: window 0-10 s closes
      assertEquals(List.of("apple@0-10=2", "beer@0-10=2"), read(driver));

      pipe(driver, "apple", 19 * S);
      pipe(driver, "pizza", 30 * S); // closes window 10-20 s

      assertEquals(List.of("apple@10-20=2", "pizza@10-20=1"), read(driver));
    }
  }

  @Test
  void shouldDeadLetterAWordWhenItsWindowClosed() {
    try (FlowTestDriver driver = FlowTestDriver.of(WordWindowCount.flow())) {
      pipe(driver, "beer", 3 * S);
      pipe(driver, "pizza", 12 * S);
      assertEquals(List.of("beer@0-10=1"), read(driver));

      pipe(driver, "beer", 5 * S); // window 0-10 s closed at 12 s

      assertEquals(List.of(), read(driver), "a closed window is not published again");
      List<Message<byte[], byte[]>> dead = driver.deadLetters();
      assertEquals(1, dead.size());
      String reason =
          dead.get(0).headers().lastString(DeadLetterHeaders.ERROR_MESSAGE).orElseThrow();
      assertTrue(reason.contains("late record"), reason);
      assertEquals(Optional.of(1L), driver.state(WordWindowCount.COUNT, "beer@0"));
    }
  }

  @Test
  void shouldPublishAWindowsCountWhenItsPartitionWasSilentLongerThanWindowAndGrace() {
    try (FlowTestDriver driver = FlowTestDriver.of(WordWindowCount.flow())) {
      pipe(driver, "apple", 1 * S);
      driver.advanceWallClock(Duration.ofHours(1)); // past the retention, 12 s, but window 0 open

      pipe(driver, "apple", 12 * S);

      assertEquals(List.of("apple@0-10=1"), read(driver));
    }
  }

  private static void pipe(FlowTestDriver driver, String word, long timestamp) {
    driver.input(WordRemap.WORD).pipe(word, word, Headers.empty(), timestamp);
  }

  /** Each output as {@code word@start-end=count}, the window in seconds. */
  private static List<String> read(FlowTestDriver driver) {
    return driver.output(WordWindowCount.WORD_WINDOW_COUNT).readAll().stream()
        .map(
            m ->
                m.key().key()
                    + "@"
                    + m.key().start() / S
                    + "-"
                    + m.key().end() / S
                    + "="
                    + m.value())
        .toList();
  }
}
