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
import dev.flows.FormatException;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.Windowed;
import dev.flows.Windows;
import dev.flows.format.Formats;
import dev.flows.testing.FlowTestDriver;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Event-time windows of stateful flows on the test driver, timestamps given by the test. */
class WindowsTest {
  static final Topic<String, String> WORDS = topic("words", string(), string());
  static final Topic<Windowed<String>, String> COUNTS =
      topic("word-window-counts", Windowed.format(string()), string());
  static final StateSpec<Long> COUNT = StateSpec.of("count", Formats.longs(), () -> 0L);
  static final Duration MINUTE = Duration.ofMinutes(1);
  static final long M = MINUTE.toMillis();

  static Flow count(Windows windows) {
    return Flows.stateful("test-words-window-count")
        .from(WORDS)
        .windowedBy(windows)
        .state(COUNT)
        .apply((window, value, n) -> StateUpdate.set(n + 1, Long.toString(n + 1)))
        .to(COUNTS);
  }

  static void pipe(FlowTestDriver driver, String word, long timestamp) {
    driver.input(WORDS).pipe(word, word, Headers.empty(), timestamp);
  }

  static List<String> read(FlowTestDriver driver) {
    return driver.output(COUNTS).readAll().stream()
        .map(
            m ->
                m.key().key()
                    + "@"
                    + m.key().start() / M
                    + "-"
                    + m.key().end() / M
                    + "="
                    + m.value())
        .toList();
  }

  @Test
  void shouldCountPerKeyAndTumblingWindowWhenRecordsCarryTimestamps() {
    try (FlowTestDriver driver = FlowTestDriver.of(count(Windows.tumbling(MINUTE)))) {
      pipe(driver, "apple", 10);
      pipe(driver, "apple", M - 1);
      pipe(driver, "pear", M / 2);
      pipe(driver, "apple", M);

      assertEquals(
          List.of("apple@0-1=1", "apple@0-1=2", "pear@0-1=1", "apple@1-2=1"), read(driver));
      assertEquals(Optional.of(2L), driver.state(COUNT, "apple@0"), "id: key @ window start");
      assertEquals(Optional.of(1L), driver.state(COUNT, "apple@" + M));
    }
  }

  @Test
  void shouldUpdateEveryWindowARecordFallsInWhenWindowsHop() {
    Windows hopping = Windows.hopping(Duration.ofMinutes(3), MINUTE);
    try (FlowTestDriver driver = FlowTestDriver.of(count(hopping))) {
      pipe(driver, "apple", 2 * M + 5);
      pipe(driver, "apple", 3 * M + 5);

      assertEquals(
          List.of(
              "apple@0-3=1",
              "apple@1-4=1",
              "apple@2-5=1",
              "apple@1-4=2",
              "apple@2-5=2",
              "apple@3-6=1"),
          read(driver));
    }
  }

  @Test
  void shouldAcceptAnOutOfOrderRecordWhenItsWindowIsWithinGrace() {
    Windows windows = Windows.tumbling(MINUTE).withGrace(Duration.ofSeconds(30));
    try (FlowTestDriver driver = FlowTestDriver.of(count(windows))) {
      pipe(driver, "apple", 10);
      pipe(driver, "apple", M + 29_000); // stream time 1:29, window 0-1 closes at 1:30
      pipe(driver, "apple", 20);

      assertEquals(List.of("apple@0-1=1", "apple@1-2=1", "apple@0-1=2"), read(driver));
      assertEquals(List.of(), driver.deadLetters());
    }
  }

  @Test
  void shouldDeadLetterALateRecordWithWindowStreamTimeAndGraceWhenItsWindowClosed() {
    Windows windows = Windows.tumbling(MINUTE).withGrace(Duration.ofSeconds(30));
    try (FlowTestDriver driver = FlowTestDriver.of(count(windows))) {
      pipe(driver, "apple", 10);
      pipe(driver, "apple", M + 30_000); // window 0-1 closes now
      pipe(driver, "apple", 20);

      assertEquals(List.of("apple@0-1=1", "apple@1-2=1"), read(driver));
      List<Message<byte[], byte[]>> dead = driver.deadLetters();
      assertEquals(1, dead.size());
      String reason =
          dead.get(0).headers().lastString(DeadLetterHeaders.ERROR_MESSAGE).orElseThrow();
      assertTrue(reason.contains("late record"), reason);
      assertTrue(reason.contains("window [0, " + M + ")"), reason);
      assertTrue(reason.contains("grace PT30S"), reason);
      assertTrue(reason.contains("stream time " + (M + 30_000)), reason);
      assertEquals(Optional.of(1L), driver.state(COUNT, "apple@0"));
      assertEquals(1.0, late(driver, "dead_letter"));
    }
  }

  @Test
  void shouldDropAndCountALateRecordWhenTheFlowDropsLateRecords() {
    Windows windows = Windows.tumbling(MINUTE).withLateRecords(Windows.Late.DROP);
    try (FlowTestDriver driver = FlowTestDriver.of(count(windows))) {
      pipe(driver, "apple", 2 * M);
      pipe(driver, "apple", M - 1);
      pipe(driver, "apple", M - 2);

      assertEquals(List.of("apple@2-3=1"), read(driver));
      assertEquals(List.of(), driver.deadLetters());
      assertEquals(2.0, late(driver, "drop"));
    }
  }

  @Test
  void shouldUpdateOnlyTheOpenWindowsWhenAHoppingRecordIsLateForSomeOfThem() {
    Windows hopping = Windows.hopping(Duration.ofMinutes(2), MINUTE);
    try (FlowTestDriver driver = FlowTestDriver.of(count(hopping))) {
      pipe(driver, "apple", 2 * M);
      pipe(driver, "apple", M + 5); // windows 0-2 (closed at 2) and 1-3 (open)

      assertEquals(List.of("apple@1-3=1", "apple@2-4=1", "apple@1-3=2"), read(driver));
      assertEquals(List.of(), driver.deadLetters());
    }
  }

  @Test
  void shouldWindowByTheExtractedTimeWhenTheFlowHasATimestampExtractor() {
    Flow flow =
        Flows.stateful("test-words-window-count")
            .from(WORDS)
            .windowedBy(Windows.tumbling(MINUTE))
            .timestampFrom((key, value, recordTime) -> Long.parseLong(value) * M)
            .state(COUNT)
            .apply((window, value, n) -> StateUpdate.set(n + 1, Long.toString(n + 1)))
            .to(COUNTS);
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(WORDS).pipe("apple", "5", Headers.empty(), 0);
      driver.input(WORDS).pipe("apple", "3", Headers.empty(), 10 * M); // late by its event time

      assertEquals(List.of("apple@5-6=1"), read(driver));
      assertEquals(1, driver.deadLetters().size());
    }
  }

  @Test
  void shouldDeadLetterARecordWhenItHasNoEventTime() {
    try (FlowTestDriver driver = FlowTestDriver.of(count(Windows.tumbling(MINUTE)))) {
      pipe(driver, "apple", -1);

      List<Message<byte[], byte[]>> dead = driver.deadLetters();
      assertEquals(1, dead.size());
      String reason =
          dead.get(0).headers().lastString(DeadLetterHeaders.ERROR_MESSAGE).orElseThrow();
      assertTrue(reason.contains("no event time (timestamp -1)"), reason);
      assertEquals(List.of(), read(driver));
    }
  }

  @Test
  void shouldDecideLatenessAsBeforeWhenTheDriverRestarts() {
    try (FlowTestDriver driver = FlowTestDriver.of(count(Windows.tumbling(MINUTE)))) {
      pipe(driver, "apple", 10);
      pipe(driver, "pear", 3 * M); // stream time 3:00: windows before 3:00 closed

      driver.restart();
      pipe(driver, "apple", 20);

      assertEquals(List.of("apple@0-1=1", "pear@3-4=1"), read(driver));
      assertEquals(1, driver.deadLetters().size(), "still late after the restart");
    }
  }

  @Test
  void shouldDeleteAWindowRowWhenClosedAndUnwrittenForTheDefaultRetentionOfSizePlusGrace() {
    Windows windows = Windows.tumbling(MINUTE).withGrace(Duration.ofSeconds(30));
    try (FlowTestDriver driver = FlowTestDriver.of(count(windows))) {
      pipe(driver, "apple", 10);
      driver.advanceWallClock(Duration.ofSeconds(80));
      pipe(driver, "apple", 20);
      assertEquals(Optional.of(2L), driver.state(COUNT, "apple@0"), "80 s < 90 s: kept");
      driver.advanceWallClock(Duration.ofSeconds(90));
      assertEquals(Optional.of(2L), driver.state(COUNT, "apple@0"), "90 s unwritten but open");

      pipe(driver, "pear", M + M / 2); // stream time 1:30: window 0 closed
      driver.advanceWallClock(Duration.ofSeconds(1));

      assertEquals(Optional.empty(), driver.state(COUNT, "apple@0"), "closed, 91 s unwritten");
      assertEquals(Optional.of(1L), driver.state(COUNT, "pear@" + M), "open: kept");
    }
  }

  @Test
  void shouldEncodeAWindowedKeyAsTheKeyThenStartAndEndWhenPublished() {
    Windowed<String> key = new Windowed<>("apple", M, 2 * M);

    byte[] bytes = Windowed.format(string()).encode(key);

    assertEquals(5 + 16, bytes.length);
    assertEquals("apple", new String(bytes, 0, 5, StandardCharsets.UTF_8));
    assertEquals(M, ByteBuffer.wrap(bytes, 5, 8).getLong());
    assertEquals(key, Windowed.format(string()).decode(bytes));
    assertThrows(FormatException.class, () -> Windowed.format(string()).decode(new byte[3]));
  }

  @Test
  void shouldPrintTheWindowsWhenDescribed() {
    Windows windows =
        Windows.hopping(Duration.ofMinutes(10), Duration.ofMinutes(5)).withGrace(MINUTE);

    String description = count(windows).describe().toString();

    assertTrue(
        description.contains(
            "windowedBy hopping PT10M advance PT5M grace PT1M, late records dead-lettered"),
        description);
  }

  @Test
  void shouldRefuseWindowSettingsWhenTheyCannotWork() {
    refused(() -> Windows.tumbling(Duration.ZERO), "window size", "positive duration");
    refused(() -> Windows.tumbling(Duration.ofMinutes(-1)), "window size", "positive duration");
    refused(
        () -> Windows.hopping(MINUTE, Duration.ofMinutes(2)),
        "window advance",
        "use an advance of at most the size");
    refused(
        () -> Windows.hopping(Duration.ofMinutes(10), Duration.ofMinutes(3)),
        "does not divide",
        "use an advance that divides the size");
    refused(
        () -> Windows.tumbling(MINUTE).withGrace(Duration.ofSeconds(-1)),
        "window grace",
        "use Duration.ZERO or a positive grace");
  }

  @Test
  void shouldRefuseAStateRetentionWhenShorterThanSizePlusGrace() {
    StateSpec<Long> shortLived = COUNT.withRetention(Duration.ofSeconds(80));
    Windows windows = Windows.tumbling(MINUTE).withGrace(Duration.ofSeconds(30));

    refused(
        () ->
            Flows.stateful("test-words-window-count")
                .from(WORDS)
                .windowedBy(windows)
                .state(shortLived),
        "is shorter than the windows' size plus grace (PT1M30S)",
        "use StateSpec.withRetention(PT1M30S) or longer");
  }

  private static void refused(Executable build, String cause, String fix) {
    FlowDefinitionException e = assertThrows(FlowDefinitionException.class, build);
    assertTrue(e.getMessage().contains(cause), e.getMessage());
    assertTrue(e.getMessage().contains(fix), e.getMessage());
  }

  private static double late(FlowTestDriver driver, String action) {
    return driver
        .meters()
        .counter("flows.window.late", "flow", "test-words-window-count", "action", action)
        .count();
  }
}
