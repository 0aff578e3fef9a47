package dev.flows.windows;

import static dev.flows.windows.WindowsTest.COUNT;
import static dev.flows.windows.WindowsTest.COUNTS;
import static dev.flows.windows.WindowsTest.M;
import static dev.flows.windows.WindowsTest.MINUTE;
import static dev.flows.windows.WindowsTest.WORDS;
import static dev.flows.windows.WindowsTest.count;
import static dev.flows.windows.WindowsTest.pipe;
import static dev.flows.windows.WindowsTest.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.StateUpdate;
import dev.flows.Windows;
import dev.flows.testing.FlowTestDriver;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Windows that emit on close (final results), on the test driver. */
class FinalResultsTest {
  static final long S = 1_000;
  static final Windows FINAL =
      Windows.tumbling(MINUTE).withGrace(Duration.ofSeconds(30)).emitOnClose();

  @Test
  void shouldPublishEachWindowsLastOutputsOnceWhenStreamTimePassesItsEndPlusGrace() {
    try (FlowTestDriver driver = FlowTestDriver.of(count(FINAL))) {
      pipe(driver, "apple", 10 * S);
      pipe(driver, "apple", 50 * S);
      pipe(driver, "pear", 30 * S);
      pipe(driver, "apple", 80 * S); // window 1; stream time 80 s, window 0 open to 90 s
      pipe(driver, "pear", 40 * S); // out of order, within grace
      assertEquals(List.of(), read(driver), "nothing before a window closes");

      pipe(driver, "pear", 90 * S); // stream time 90 s: window 0 closes

      assertEquals(List.of("apple@0-1=2", "pear@0-1=2"), read(driver));
      pipe(driver, "apple", 100 * S);
      assertEquals(List.of(), read(driver), "window 0 emitted once");
      assertEquals(Optional.of(2L), driver.state(COUNT, "apple@" + M), "window 1 counts on");
    }
  }

  @Test
  void shouldCloseEveryWindowPassedWhenOneRecordMovesStreamTimeFarAhead() {
    try (FlowTestDriver driver = FlowTestDriver.of(count(FINAL))) {
      pipe(driver, "apple", 10 * S);
      pipe(driver, "apple", 70 * S);
      pipe(driver, "pear", 130 * S);
      assertEquals(List.of("apple@0-1=1"), read(driver), "stream time 130 s closed window 0");

      pipe(driver, "fig", 10 * M);

      assertEquals(List.of("apple@1-2=1", "pear@2-3=1"), read(driver));
    }
  }

  @Test
  void shouldDeadLetterARecordForAClosedWindowWithoutPublishingItAgain() {
    try (FlowTestDriver driver = FlowTestDriver.of(count(FINAL))) {
      pipe(driver, "apple", 10 * S);
      pipe(driver, "pear", 95 * S);
      assertEquals(List.of("apple@0-1=1"), read(driver));

      pipe(driver, "apple", 20 * S);

      assertEquals(List.of(), read(driver));
      assertEquals(1, driver.deadLetters().size(), "late");
      assertEquals(Optional.of(1L), driver.state(COUNT, "apple@0"));
    }
  }

  @Test
  void shouldPublishWhatWasHeldBeforeARestartWhenTheWindowClosesAfterIt() {
    try (FlowTestDriver driver = FlowTestDriver.of(count(FINAL))) {
      pipe(driver, "apple", 10 * S);
      pipe(driver, "apple", 20 * S);

      driver.restart();
      pipe(driver, "pear", 100 * S);

      assertEquals(List.of("apple@0-1=2"), read(driver));
    }
  }

  @Test
  void shouldPublishAWindowHeldLongerThanTheRetentionWhenItClosesAfterASilence() {
    try (FlowTestDriver driver = FlowTestDriver.of(count(FINAL))) {
      pipe(driver, "apple", 10 * S);
      driver.advanceWallClock(Duration.ofMinutes(10)); // retention 90 s, but window 0 is open

      pipe(driver, "pear", 100 * S);

      assertEquals(List.of("apple@0-1=1"), read(driver));
    }
  }

  @Test
  void shouldPublishEachHoppingWindowOnceWhenItCloses() {
    Windows hopping = Windows.hopping(Duration.ofMinutes(2), MINUTE).emitOnClose();
    try (FlowTestDriver driver = FlowTestDriver.of(count(hopping))) {
      pipe(driver, "apple", 70 * S); // windows [0, 2) and [1, 3)
      pipe(driver, "apple", 100 * S);
      pipe(driver, "pear", 120 * S); // closes [0, 2)
      assertEquals(List.of("apple@0-2=2"), read(driver));

      pipe(driver, "pear", 180 * S); // closes [1, 3)

      assertEquals(List.of("apple@1-3=2", "pear@1-3=1"), read(driver));
    }
  }

  @Test
  void shouldKeepTheLastOutputsThatWereEmittedWhenALaterUpdateEmitsNone() {
    Flow oddOnly =
        Flows.stateful("test-words-odd-counts")
            .from(WORDS)
            .windowedBy(FINAL)
            .state(COUNT)
            .apply(
                (window, word, n) ->
                    n % 2 == 0
                        ? StateUpdate.set(n + 1, Long.toString(n + 1))
                        : StateUpdate.set(n + 1))
            .to(COUNTS);
    try (FlowTestDriver driver = FlowTestDriver.of(oddOnly)) {
      pipe(driver, "apple", 10 * S);
      pipe(driver, "apple", 20 * S);
      pipe(driver, "apple", 30 * S);
      pipe(driver, "apple", 40 * S); // emits nothing: the output of count 3 stays held

      pipe(driver, "pear", 90 * S);

      assertEquals(List.of("apple@0-1=3"), read(driver));
      assertEquals(Optional.of(4L), driver.state(COUNT, "apple@0"));
    }
  }

  @Test
  void shouldSayWindowsEmitOnCloseWhenDescribed() {
    String text = count(FINAL).describe().text();
    assertTrue(text.contains("grace PT30S, late records dead-lettered, emitted on close"), text);
  }
}
