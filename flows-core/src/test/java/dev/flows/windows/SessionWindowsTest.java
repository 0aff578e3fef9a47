package dev.flows.windows;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.DeadLetterHeaders;
import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.Flows;
import dev.flows.Headers;
import dev.flows.KeyValue;
import dev.flows.Message;
import dev.flows.SessionWindows;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.Windowed;
import dev.flows.Windows;
import dev.flows.format.Formats;
import dev.flows.metrics.FlowsMetric;
import dev.flows.testing.FlowTestDriver;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Session windows on the test driver: gaps, merges, grace, late records, final results. */
class SessionWindowsTest {
  static final long S = 1_000;
  static final Topic<String, String> CLICKS = topic("clicks", string(), string());
  static final Topic<Windowed<String>, String> SESSIONS =
      topic("click-sessions", Windowed.format(string()), string());
  static final StateSpec<Long> CLICKS_IN_SESSION =
      StateSpec.of("clicks_in_session", Formats.longs(), () -> 0L);
  static final SessionWindows GAP_10S = SessionWindows.withGap(Duration.ofSeconds(10));

  static Flow count(SessionWindows sessions) {
    return Flows.stateful("test-clicks-session-count")
        .from(CLICKS)
        .windowedBy(sessions)
        .state(CLICKS_IN_SESSION, (user, earlier, later) -> earlier + later)
        .apply((session, click, n) -> StateUpdate.set(n + 1, Long.toString(n + 1)))
        .to(SESSIONS);
  }

  static void pipe(FlowTestDriver driver, String user, long timestamp) {
    driver.input(CLICKS).pipe(user, "click", Headers.empty(), timestamp);
  }

  /** Each output as {@code user@first-end=count}, times in seconds. */
  static List<String> read(FlowTestDriver driver) {
    return driver.output(SESSIONS).readAll().stream()
        .map(
            m ->
                m.key().key()
                    + "@"
                    + m.key().start() / S
                    + "-"
                    + (m.key().end() - 1) / S
                    + "="
                    + m.value())
        .toList();
  }

  @Test
  void shouldKeepRecordsCloserThanTheGapInOneSessionAndStartANewOneAfterASilence() {
    try (FlowTestDriver driver = FlowTestDriver.of(count(GAP_10S))) {
      pipe(driver, "ann", 100 * S);
      pipe(driver, "ann", 105 * S);
      pipe(driver, "ann", 114 * S);
      pipe(driver, "ann", 124 * S); // exactly the gap after the last: a new session

      assertEquals(
          List.of("ann@100-100=1", "ann@100-105=2", "ann@100-114=3", "ann@124-124=1"),
          read(driver));
    }
  }

  @Test
  void shouldMergeTwoSessionsWhenAnOutOfOrderRecordFallsBetweenThem() {
    SessionWindows graced = GAP_10S.withGrace(Duration.ofSeconds(30));
    try (FlowTestDriver driver = FlowTestDriver.of(count(graced))) {
      pipe(driver, "ann", 100 * S);
      pipe(driver, "ann", 101 * S);
      pipe(driver, "ann", 116 * S); // 15 s later: a second session
      pipe(driver, "ann", 108 * S); // within 10 s of both: joins them

      assertEquals(
          List.of("ann@100-100=1", "ann@100-101=2", "ann@116-116=1", "ann@100-116=4"),
          read(driver));
      pipe(driver, "ann", 120 * S);
      assertEquals(List.of("ann@100-120=5"), read(driver), "one session now");
      assertEquals(
          List.of(new KeyValue<>(new Windowed<>("ann", 100 * S, 120 * S + 1), 5L)),
          driver.sessions(CLICKS_IN_SESSION, "ann"));
    }
  }

  @Test
  void shouldKeepEachKeysSessionsApart() {
    try (FlowTestDriver driver = FlowTestDriver.of(count(GAP_10S))) {
      pipe(driver, "ann", 100 * S);
      pipe(driver, "bob", 101 * S);
      pipe(driver, "ann", 102 * S);

      assertEquals(List.of("ann@100-100=1", "bob@101-101=1", "ann@100-102=2"), read(driver));
    }
  }

  @Test
  void shouldDeadLetterARecordWhoseSessionWouldBeClosedAlready() {
    try (FlowTestDriver driver = FlowTestDriver.of(count(GAP_10S))) {
      pipe(driver, "ann", 100 * S);
      pipe(driver, "bob", 200 * S);
      read(driver);

      pipe(driver, "ann", 190 * S); // 190 + 10 <= 200: late

      assertEquals(List.of(), read(driver));
      List<Message<byte[], byte[]>> dead = driver.deadLetters();
      assertEquals(1, dead.size());
      String reason =
          dead.get(0).headers().lastString(DeadLetterHeaders.ERROR_MESSAGE).orElseThrow();
      assertTrue(reason.contains("late record: event time 190000"), reason);
    }
  }

  @Test
  void shouldDropLateRecordsWhenToldTo() {
    try (FlowTestDriver driver =
        FlowTestDriver.of(count(GAP_10S.withLateRecords(Windows.Late.DROP)))) {
      pipe(driver, "ann", 100 * S);
      pipe(driver, "bob", 200 * S);
      read(driver);

      pipe(driver, "ann", 150 * S);

      assertEquals(List.of(), read(driver));
      assertEquals(0, driver.deadLetters().size());
    }
  }

  @Test
  void shouldNotLetARecordJoinAClosedSession() {
    SessionWindows graced = GAP_10S.withGrace(Duration.ofSeconds(20));
    try (FlowTestDriver driver = FlowTestDriver.of(count(graced))) {
      pipe(driver, "ann", 100 * S);
      pipe(driver, "bob", 130 * S); // ann's session [100, 100] closed at 100 + 10 + 20
      read(driver);

      pipe(driver, "ann", 105 * S); // not late (105 + 30 > 130), but its neighbour is closed

      assertEquals(List.of("ann@105-105=1"), read(driver));
    }
  }

  @Test
  void shouldPublishEachSessionsFinalCountOnceWhenItCloses() {
    SessionWindows finals = GAP_10S.withGrace(Duration.ofSeconds(5)).emitOnClose();
    try (FlowTestDriver driver = FlowTestDriver.of(count(finals))) {
      pipe(driver, "ann", 100 * S);
      pipe(driver, "ann", 105 * S);
      pipe(driver, "bob", 110 * S);
      pipe(driver, "ann", 103 * S); // out of order, joins
      assertEquals(List.of(), read(driver), "nothing before a session closes");

      pipe(driver, "bob", 120 * S); // ann's session [100, 105] closes at 120; bob's is 10 s apart
      assertEquals(List.of("ann@100-105=3"), read(driver));

      pipe(driver, "ann", 140 * S); // bob's [110, 110] closed at 125, [120, 120] at 135
      assertEquals(List.of("bob@110-110=1", "bob@120-120=1"), read(driver));
      pipe(driver, "ann", 141 * S);
      assertEquals(List.of(), read(driver), "each session published once");
    }
  }

  @Test
  void shouldPublishTheOwnKeysClosedSessionWhenItsNextSessionStarts() {
    SessionWindows finals = GAP_10S.emitOnClose();
    try (FlowTestDriver driver = FlowTestDriver.of(count(finals))) {
      pipe(driver, "ann", 100 * S);
      pipe(driver, "ann", 101 * S);

      pipe(driver, "ann", 200 * S);

      assertEquals(List.of("ann@100-101=2"), read(driver));
    }
  }

  @Test
  void shouldPublishWhatASessionHeldBeforeARestartWhenItClosesAfterIt() {
    try (FlowTestDriver driver = FlowTestDriver.of(count(GAP_10S.emitOnClose()))) {
      pipe(driver, "ann", 100 * S);
      pipe(driver, "ann", 102 * S);

      driver.restart();
      pipe(driver, "bob", 200 * S);

      assertEquals(List.of("ann@100-102=2"), read(driver));
    }
  }

  @Test
  void shouldKeepAnOpenSessionThroughASilenceLongerThanTheRetention() {
    try (FlowTestDriver driver = FlowTestDriver.of(count(GAP_10S.emitOnClose()))) {
      pipe(driver, "ann", 100 * S);
      driver.advanceWallClock(Duration.ofMinutes(10)); // retention 10 s, the session is open

      pipe(driver, "ann", 105 * S);
      pipe(driver, "bob", 200 * S);

      assertEquals(List.of("ann@100-105=2"), read(driver));
    }
  }

  @Test
  void shouldDeleteAKeysRowOnceItsSessionsClosedAndTheRetentionPassed() {
    try (FlowTestDriver driver = FlowTestDriver.of(count(GAP_10S.emitOnClose()))) {
      pipe(driver, "ann", 100 * S);
      pipe(driver, "bob", 200 * S); // closes ann's session
      assertEquals(List.of("ann@100-100=1"), read(driver));

      driver.advanceWallClock(Duration.ofMinutes(1));

      assertEquals(
          2, // bob's row and the partition's open sessions; ann's closed session's row went
          driver.meters().get(FlowsMetric.STATE_ROWS.metricName()).gauge().value());
      assertEquals(
          List.of(new KeyValue<>(new Windowed<>("bob", 200 * S, 200 * S + 1), 1L)),
          driver.sessions(CLICKS_IN_SESSION, "bob"));
    }
  }

  @Test
  void shouldDeadLetterARecordWhoseMergeFailsAndKeepBothSessions() {
    Flow failing =
        Flows.stateful("test-clicks-session-count")
            .from(CLICKS)
            .windowedBy(GAP_10S.withGrace(Duration.ofSeconds(30)))
            .state(
                CLICKS_IN_SESSION,
                (user, earlier, later) -> {
                  throw new IllegalStateException("cannot merge");
                })
            .apply((session, click, n) -> StateUpdate.set(n + 1, Long.toString(n + 1)))
            .to(SESSIONS);
    try (FlowTestDriver driver = FlowTestDriver.of(failing)) {
      pipe(driver, "ann", 100 * S);
      pipe(driver, "ann", 116 * S);
      read(driver);

      pipe(driver, "ann", 108 * S);
      pipe(driver, "ann", 117 * S);

      assertEquals(1, driver.deadLetters().size(), "the joining record");
      assertEquals(List.of("ann@116-117=2"), read(driver), "both sessions stayed");
    }
  }

  @Test
  void shouldRefuseARetentionShorterThanGapPlusGrace() {
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class,
            () ->
                Flows.stateful("test-clicks-session-count")
                    .from(CLICKS)
                    .windowedBy(GAP_10S.withGrace(Duration.ofSeconds(5)))
                    .state(
                        CLICKS_IN_SESSION.withRetention(Duration.ofSeconds(10)),
                        (user, earlier, later) -> earlier + later));
    assertTrue(e.getMessage().contains("gap plus grace (PT15S)"), e.getMessage());
  }

  @Test
  void shouldDescribeTheSessions() {
    String described =
        count(GAP_10S.withGrace(Duration.ofSeconds(5)).emitOnClose()).describe().toString();
    assertTrue(
        described.contains(
            "windowedBy sessions gap PT10S grace PT5S, late records dead-lettered, emitted on close"),
        described);
  }
}
