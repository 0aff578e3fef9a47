package dev.flows.windows;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static dev.flows.windows.FinalResultsTest.FINAL;
import static dev.flows.windows.FinalResultsTest.S;
import static dev.flows.windows.WindowsTest.COUNT;
import static dev.flows.windows.WindowsTest.COUNTS;
import static dev.flows.windows.WindowsTest.MINUTE;
import static dev.flows.windows.WindowsTest.WORDS;
import static dev.flows.windows.WindowsTest.pipe;
import static dev.flows.windows.WindowsTest.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.DeadLetterHeaders;
import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.Flows;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.Windows;
import dev.flows.testing.FlowTestDriver;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Windows emitting on close fed by two partitions (two merged topics, one partition each on the
 * driver): a window closes when both stream times passed it, however long that takes, or with a
 * slow-partition wait when one passed it by that much more; once, either way.
 */
class SlowPartitionsTest {
  static final Topic<String, String> MORE = topic("more-words", string(), string());

  static Flow merged(Windows windows) {
    return Flows.stateful("test-merged-window-count")
        .from(WORDS)
        .merge(MORE)
        .windowedBy(windows)
        .state(COUNT)
        .apply((window, value, n) -> StateUpdate.set(n + 1, Long.toString(n + 1)))
        .to(COUNTS);
  }

  static void pipeMore(FlowTestDriver driver, String word, long timestamp) {
    driver.input(MORE).pipe(word, word, Headers.empty(), timestamp);
  }

  @Test
  void shouldCloseAWindowFedByTwoPartitionsOnceTheSlowerOnePassesIt() {
    try (FlowTestDriver driver = FlowTestDriver.of(merged(FINAL))) {
      pipe(driver, "apple", 10 * S);
      pipeMore(driver, "apple", 20 * S);
      pipe(driver, "pear", 95 * S); // words passed window 0 (closes at 90 s), more-words did not
      assertEquals(List.of(), read(driver), "window 0 waits for more-words");

      pipeMore(driver, "apple", 50 * S); // not late on more-words: counted into window 0
      pipeMore(driver, "fig", 91 * S); // more-words passes window 0 too

      assertEquals(List.of("apple@0-1=3"), read(driver), "one final count, with every record");
      assertEquals(List.of(), driver.deadLetters());
    }
  }

  @Test
  void shouldWaitForASilentPartitionHoweverLongWithoutAWait() {
    try (FlowTestDriver driver = FlowTestDriver.of(merged(FINAL))) {
      pipe(driver, "apple", 10 * S);
      pipeMore(driver, "apple", 20 * S); // then more-words falls silent
      pipe(driver, "pear", 600 * S);
      pipe(driver, "pear", 900 * S);
      assertEquals(List.of("pear@10-11=1"), read(driver), "apple's window 0 waits");

      pipeMore(driver, "apple", 30 * S); // not late on more-words, whatever words' stream time
      pipeMore(driver, "fig", 90 * S);

      assertEquals(List.of("apple@0-1=3"), read(driver));
    }
  }

  @Test
  void shouldCloseWithoutASilentPartitionOnceTheWaitPassedAndDeadLetterItsLaterRecord() {
    try (FlowTestDriver driver = FlowTestDriver.of(merged(FINAL.withSlowPartitionWait(MINUTE)))) {
      pipe(driver, "apple", 10 * S);
      pipeMore(driver, "apple", 20 * S);
      pipe(driver, "pear", 95 * S);
      pipe(driver, "pear", 149 * S); // the wait (60 s) ends at 90 + 60 = 150 s
      assertEquals(List.of(), read(driver));

      pipe(driver, "pear", 150 * S); // also closes pear's window 1 (60 s to 120 s, grace 30 s)
      assertEquals(List.of("pear@1-2=1", "apple@0-1=2"), read(driver), "closed without more-words");

      pipeMore(driver, "apple", 30 * S); // more-words' stream time is 20 s: not late there

      assertEquals(List.of(), read(driver), "published once");
      List<Message<byte[], byte[]>> dead = driver.deadLetters();
      assertEquals(1, dead.size());
      String reason = dead.get(0).headers().lastString(DeadLetterHeaders.ERROR_MESSAGE).get();
      assertTrue(reason.contains("late record: window apple@0 closed"), reason);
      assertTrue(reason.contains("more-words"), reason);
      assertEquals(Optional.of(2L), driver.state(COUNT, "apple@0"), "the late record not counted");
    }
  }

  @Test
  void shouldKeepAClosedWindowsRowUntilEveryPartitionPassedItSoALaterPartitionFindsItClosed() {
    try (FlowTestDriver driver = FlowTestDriver.of(merged(FINAL))) {
      pipe(driver, "apple", 10 * S); // window 0 fed by words alone
      pipe(driver, "pear", 95 * S);
      assertEquals(List.of("apple@0-1=1"), read(driver), "closed: words was all that fed it");
      driver.advanceWallClock(Duration.ofMinutes(10)); // retention 90 s
      driver.restart(); // no row cached: the store decides

      assertEquals(Optional.of(1L), driver.state(COUNT, "apple@0"), "more-words has not passed");
      pipeMore(driver, "apple", 30 * S); // more-words has no stream time yet: not late there
      pipeMore(driver, "fig", 91 * S); // more-words passes window 0

      assertEquals(List.of(), read(driver), "window 0 published once");
      assertEquals(1, driver.deadLetters().size(), "more-words' apple reached a closed window");
      driver.advanceWallClock(Duration.ofMinutes(10));
      assertEquals(Optional.empty(), driver.state(COUNT, "apple@0"), "every partition passed it");
    }
  }

  @Test
  void shouldDropARecordForAWindowClosedWithoutItsPartitionWhenLateRecordsAreDropped() {
    Windows dropping = FINAL.withLateRecords(Windows.Late.DROP).withSlowPartitionWait(MINUTE);
    try (FlowTestDriver driver = FlowTestDriver.of(merged(dropping))) {
      pipe(driver, "apple", 10 * S);
      pipeMore(driver, "apple", 20 * S);
      pipe(driver, "pear", 150 * S);
      assertEquals(List.of("apple@0-1=2"), read(driver), "passed by the wait at once");

      pipeMore(driver, "apple", 30 * S);

      assertEquals(List.of(), read(driver));
      assertEquals(List.of(), driver.deadLetters());
      assertEquals(
          1.0, driver.meters().get("flows.window.late").tag("action", "drop").counter().count());
    }
  }

  @Test
  void shouldDeadLetterAHoppingRecordOnceForEachWindowThatClosedWithoutItsPartition() {
    Windows hopping = Windows.hopping(Duration.ofMinutes(2), MINUTE).emitOnClose();
    try (FlowTestDriver driver = FlowTestDriver.of(merged(hopping))) {
      pipe(driver, "apple", 70 * S); // windows [0, 2) and [1, 3), fed by words only
      pipe(driver, "pear", 250 * S); // words passes both
      assertEquals(List.of("apple@0-2=1", "apple@1-3=1"), read(driver));

      pipeMore(driver, "apple", 100 * S); // not late on more-words, but both windows closed

      assertEquals(List.of(), read(driver));
      assertEquals(2, driver.deadLetters().size(), "once for each window");
    }
  }

  @Test
  void shouldCloseAtTheFirstPartitionsStreamTimeWithoutAWait() {
    Windows noWait = FINAL.withSlowPartitionWait(Duration.ZERO);
    try (FlowTestDriver driver = FlowTestDriver.of(merged(noWait))) {
      pipe(driver, "apple", 10 * S);
      pipeMore(driver, "apple", 20 * S);

      pipe(driver, "pear", 90 * S);

      assertEquals(List.of("apple@0-1=2"), read(driver));
    }
  }

  @Test
  void shouldKeepWaitingForTheSlowerPartitionAcrossARestart() {
    try (FlowTestDriver driver = FlowTestDriver.of(merged(FINAL))) {
      pipe(driver, "apple", 10 * S);
      pipeMore(driver, "apple", 20 * S);
      pipe(driver, "pear", 95 * S);

      driver.restart();
      pipeMore(driver, "apple", 40 * S);
      assertEquals(List.of(), read(driver));
      pipeMore(driver, "fig", 100 * S);

      assertEquals(List.of("apple@0-1=3"), read(driver));
    }
  }

  @Test
  void shouldCloseAWindowOfOnePartitionAtItsStreamTimeWhateverTheWait() {
    try (FlowTestDriver driver = FlowTestDriver.of(merged(FINAL))) {
      pipe(driver, "apple", 10 * S);
      pipeMore(driver, "pear", 20 * S);

      pipe(driver, "fig", 90 * S); // only words fed apple's window 0

      assertEquals(List.of("apple@0-1=1"), read(driver));
    }
  }

  @Test
  void shouldSayTheWaitWhenDescribedAndRefuseANegativeOne() {
    String text = merged(FINAL.withSlowPartitionWait(Duration.ofSeconds(5))).describe().text();
    assertTrue(text.contains("emitted on close, waiting at most PT5S for slow partitions"), text);
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class,
            () -> FINAL.withSlowPartitionWait(Duration.ofSeconds(-1)));
    assertTrue(e.getMessage().contains("use Duration.ZERO"), e.getMessage());
  }
}
