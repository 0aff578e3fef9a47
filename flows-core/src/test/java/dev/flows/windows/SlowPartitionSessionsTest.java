package dev.flows.windows;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static dev.flows.windows.SessionWindowsTest.CLICKS;
import static dev.flows.windows.SessionWindowsTest.CLICKS_IN_SESSION;
import static dev.flows.windows.SessionWindowsTest.GAP_10S;
import static dev.flows.windows.SessionWindowsTest.S;
import static dev.flows.windows.SessionWindowsTest.SESSIONS;
import static dev.flows.windows.SessionWindowsTest.pipe;
import static dev.flows.windows.SessionWindowsTest.read;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Headers;
import dev.flows.SessionWindows;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.testing.FlowTestDriver;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Sessions of a key fed by two partitions (two merged topics, one partition each on the driver): a
 * session closes when both stream times passed its close, or with a slow-partition wait when one
 * passed it by that much more; a slower partition's record within the gap joins it until then.
 */
class SlowPartitionSessionsTest {
  static final Topic<String, String> MORE_CLICKS = topic("more-clicks", string(), string());
  static final SessionWindows FINAL = GAP_10S.emitOnClose();

  static Flow merged(SessionWindows sessions) {
    return Flows.stateful("test-merged-session-count")
        .from(CLICKS)
        .merge(MORE_CLICKS)
        .windowedBy(sessions)
        .state(CLICKS_IN_SESSION, (user, earlier, later) -> earlier + later)
        .apply((session, click, n) -> StateUpdate.set(n + 1, Long.toString(n + 1)))
        .to(SESSIONS);
  }

  static void pipeMore(FlowTestDriver driver, String user, long timestamp) {
    driver.input(MORE_CLICKS).pipe(user, "click", Headers.empty(), timestamp);
  }

  @Test
  void shouldCloseASessionFedByTwoPartitionsOnceTheSlowerOnePassesIt() {
    try (FlowTestDriver driver = FlowTestDriver.of(merged(FINAL))) {
      pipe(driver, "ann", 100 * S);
      pipeMore(driver, "ann", 103 * S);
      pipe(driver, "bob", 120 * S); // clicks passes ann's close (113 s); more-clicks is at 103 s
      assertEquals(List.of(), read(driver), "ann's session waits for more-clicks");

      pipeMore(driver, "ann", 108 * S); // within the gap, not late on more-clicks: joins it
      pipeMore(driver, "cat", 119 * S); // more-clicks passes ann's close (now 118 s)

      assertEquals(List.of("ann@100-108=3"), read(driver), "one final count, every click");
      assertEquals(List.of(), driver.deadLetters());
    }
  }

  @Test
  void shouldCloseWithoutASilentPartitionOnceTheWaitPassed() {
    SessionWindows waiting = FINAL.withSlowPartitionWait(Duration.ofSeconds(10));
    try (FlowTestDriver driver = FlowTestDriver.of(merged(waiting))) {
      pipe(driver, "ann", 100 * S);
      pipeMore(driver, "ann", 103 * S); // then more-clicks falls silent
      pipe(driver, "bob", 115 * S); // passes ann's close at 113 s; the wait (10 s) ends at 123 s
      pipe(driver, "bob", 122 * S);
      assertEquals(List.of(), read(driver));

      pipe(driver, "bob", 123 * S);
      assertEquals(List.of("ann@100-103=2"), read(driver), "closed without more-clicks");

      pipeMore(driver, "ann", 110 * S); // within the gap of the closed session: a new one
      pipeMore(driver, "dan", 200 * S);
      pipe(driver, "eve", 200 * S);

      List<String> later = read(driver);
      assertTrue(later.contains("ann@110-110=1"), later.toString());
      assertEquals(
          List.of(),
          later.stream().filter(s -> s.startsWith("ann@100")).toList(),
          "ann's first session published once");
    }
  }

  @Test
  void shouldCloseAtTheFirstPartitionsStreamTimeWithoutAWait() {
    SessionWindows noWait = FINAL.withSlowPartitionWait(Duration.ZERO);
    try (FlowTestDriver driver = FlowTestDriver.of(merged(noWait))) {
      pipe(driver, "ann", 100 * S);
      pipeMore(driver, "ann", 103 * S);

      pipe(driver, "bob", 113 * S);

      assertEquals(List.of("ann@100-103=2"), read(driver));
    }
  }

  @Test
  void shouldKeepWaitingForTheSlowerPartitionAcrossARestart() {
    try (FlowTestDriver driver = FlowTestDriver.of(merged(FINAL))) {
      pipe(driver, "ann", 100 * S);
      pipeMore(driver, "ann", 103 * S);
      pipe(driver, "bob", 120 * S);

      driver.restart();
      pipeMore(driver, "ann", 109 * S);
      assertEquals(List.of(), read(driver));
      pipeMore(driver, "cat", 130 * S);

      assertEquals(List.of("ann@100-109=3"), read(driver));
    }
  }

  @Test
  void shouldSayTheWaitWhenDescribed() {
    String text = merged(FINAL.withSlowPartitionWait(Duration.ofSeconds(5))).describe().text();
    assertTrue(text.contains("emitted on close, waiting at most PT5S for slow partitions"), text);
  }
}
