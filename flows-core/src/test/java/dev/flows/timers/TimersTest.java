package dev.flows.timers;

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
import dev.flows.Message;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.Windows;
import dev.flows.dsl.StateFunction;
import dev.flows.dsl.TimerFunction;
import dev.flows.format.Formats;
import dev.flows.metrics.FlowsMetric;
import dev.flows.testing.FlowTestDriver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Event-time timers on the test driver: a cart abandoned when its user is silent for 30 s of event
 * time (each record moves the cart's timer on); firing, moving, cancelling, surviving a restart,
 * and a failing timer function.
 */
class TimersTest {
  static final long S = 1_000;
  static final Topic<String, String> CART = topic("cart-events", string(), string());
  static final Topic<String, String> ABANDONED = topic("carts-abandoned", string(), string());
  static final StateSpec<Long> ITEMS = StateSpec.of("cart_items", Formats.longs(), () -> 0L);
  static final Duration SILENCE = Duration.ofSeconds(30);

  /**
   * Counts items; "checkout" cancels the timer; a silence of 30 s after the last item fires it. A
   * "tick" moves the stream time on and changes nothing.
   */
  static Flow abandonedCarts(TimerFunction<String, Long, String> onTimer) {
    return Flows.stateful("test-carts-abandoned")
        .from(CART)
        .state(ITEMS)
        .apply(COUNT_ITEMS, onTimer)
        .to(ABANDONED);
  }

  /** The state function of {@link #abandonedCarts}. */
  static final StateFunction<String, String, Long, String> COUNT_ITEMS =
      (user, event, items) -> {
        if (event.startsWith("tick")) {
          return StateUpdate.keep(); // moves the stream time only
        }
        if (event.startsWith("checkout")) {
          return StateUpdate.<Long, String>delete().withoutTimer();
        }
        return StateUpdate.<Long, String>set(items + 1)
            .withTimer(Instant.ofEpochMilli(now(event)).plus(SILENCE));
      };

  static final TimerFunction<String, Long, String> ABANDON =
      (user, items, time) ->
          StateUpdate.<Long, String>delete()
              .andEmit(user + " left " + items + " at " + time.toEpochMilli() / S);

  /** An event's time: its text is "item@seconds" or "checkout@seconds". */
  static long now(String event) {
    return Long.parseLong(event.substring(event.indexOf('@') + 1)) * S;
  }

  static void pipe(FlowTestDriver driver, String user, String event, long seconds) {
    driver.input(CART).pipe(user, event + "@" + seconds, Headers.empty(), seconds * S);
  }

  static void tick(FlowTestDriver driver, long seconds) {
    pipe(driver, "clock", "tick", seconds);
  }

  static List<String> read(FlowTestDriver driver) {
    return driver.output(ABANDONED).readAll().stream().map(Message::value).toList();
  }

  @Test
  void shouldFireWhenTheStreamTimeReachesTheTimerAndNotBefore() {
    try (FlowTestDriver driver = FlowTestDriver.of(abandonedCarts(ABANDON))) {
      pipe(driver, "ann", "item", 100);
      tick(driver, 110);
      tick(driver, 129); // stream time 129: ann's timer at 130 not reached
      assertEquals(List.of(), read(driver));

      tick(driver, 130); // reaches ann's timer

      assertEquals(List.of("ann left 1 at 130"), read(driver));
      assertEquals(Optional.empty(), driver.state(ITEMS, "ann"));
      assertEquals(
          1.0, driver.meters().get(FlowsMetric.TIMERS_FIRED.metricName()).counter().count());
      assertEquals(Optional.empty(), driver.state(ITEMS, "clock"));
    }
  }

  @Test
  void shouldKeyAndStampTheOutputsOfAFiringWithTheTimersKeyAndTime() {
    try (FlowTestDriver driver = FlowTestDriver.of(abandonedCarts(ABANDON))) {
      pipe(driver, "ann", "item", 100);
      tick(driver, 200);

      Message<String, String> fired = driver.output(ABANDONED).readAll().get(0);
      assertEquals("ann", fired.key());
      assertEquals(130 * S, fired.timestamp());
    }
  }

  @Test
  void shouldMoveTheTimerOnWithEachUpdateSettingIt() {
    try (FlowTestDriver driver = FlowTestDriver.of(abandonedCarts(ABANDON))) {
      pipe(driver, "ann", "item", 100);
      assertEquals(Optional.of(Instant.ofEpochSecond(130)), driver.timer(ITEMS, "ann"));
      pipe(driver, "ann", "item", 120); // timer now at 150
      assertEquals(Optional.of(Instant.ofEpochSecond(150)), driver.timer(ITEMS, "ann"));
      tick(driver, 140);
      assertEquals(List.of(), read(driver));

      tick(driver, 150);

      assertEquals(List.of("ann left 2 at 150"), read(driver));
    }
  }

  @Test
  void shouldNotFireACancelledTimer() {
    try (FlowTestDriver driver = FlowTestDriver.of(abandonedCarts(ABANDON))) {
      pipe(driver, "ann", "item", 100);
      pipe(driver, "ann", "checkout", 105);
      assertEquals(Optional.empty(), driver.timer(ITEMS, "ann"));
      tick(driver, 500);

      assertEquals(List.of(), read(driver));
    }
  }

  @Test
  void shouldFireTheKeysOwnTimerBeforeApplyingItsNextRecord() {
    try (FlowTestDriver driver = FlowTestDriver.of(abandonedCarts(ABANDON))) {
      pipe(driver, "ann", "item", 100);
      pipe(driver, "ann", "item", 200); // fires the timer at 130 first: a new cart of 1

      assertEquals(List.of("ann left 1 at 130"), read(driver));
      assertEquals(Optional.of(1L), driver.state(ITEMS, "ann"));
    }
  }

  @Test
  void shouldKeepTimersAcrossARestart() {
    try (FlowTestDriver driver = FlowTestDriver.of(abandonedCarts(ABANDON))) {
      pipe(driver, "ann", "item", 100);
      tick(driver, 101);
      driver.restart();

      tick(driver, 140);

      assertEquals(List.of("ann left 1 at 130"), read(driver));
    }
  }

  @Test
  void shouldKeepARowWithAPendingTimerPastItsRetention() {
    StateSpec<Long> kept = ITEMS.withRetention(Duration.ofMinutes(1));
    Flow flow =
        Flows.stateful("test-carts-retained")
            .from(CART)
            .state(kept)
            .apply(COUNT_ITEMS, ABANDON)
            .to(ABANDONED);
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      pipe(driver, "ann", "item", 100);
      tick(driver, 110);
      driver.advanceWallClock(Duration.ofMinutes(2)); // ann's row unwritten past its retention

      assertEquals(Optional.of(Instant.ofEpochSecond(130)), driver.timer(kept, "ann"));
      tick(driver, 130);
      assertEquals(List.of("ann left 1 at 130"), read(driver));
    }
  }

  @Test
  void shouldFireTheTimerOfARecordWithoutAKeyWithANullKey() {
    Flow flow =
        Flows.stateful("test-carts-keyless")
            .from(CART)
            .stateKey((user, event) -> user == null ? "anonymous" : user)
            .state(ITEMS)
            .apply(
                COUNT_ITEMS,
                (user, items, time) ->
                    StateUpdate.<Long, String>delete().andEmit(user + ":" + items))
            .to(ABANDONED);
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      driver.input(CART).pipe(null, "item@100", Headers.empty(), 100 * S);
      tick(driver, 130);

      Message<String, String> fired = driver.output(ABANDONED).readAll().get(0);
      assertEquals(null, fired.key());
      assertEquals("null:1", fired.value());
    }
  }

  @Test
  void shouldLetTheTimerFunctionSetTheNextTimer() {
    TimerFunction<String, Long, String> remindTwice =
        (user, items, time) ->
            items < 3
                ? StateUpdate.<Long, String>set(items + 1, "reminder " + items + " to " + user)
                    .withTimer(time.plus(SILENCE))
                : StateUpdate.<Long, String>delete().andEmit(user + " gave up");
    try (FlowTestDriver driver = FlowTestDriver.of(abandonedCarts(remindTwice))) {
      pipe(driver, "ann", "item", 100);
      tick(driver, 130); // ann's timer at 130: reminder 1, next at 160
      tick(driver, 160); // reminder 2, next at 190
      tick(driver, 190); // gives up, no next timer
      tick(driver, 300);

      assertEquals(List.of("reminder 1 to ann", "reminder 2 to ann", "ann gave up"), read(driver));
    }
  }

  @Test
  void shouldDeadLetterAFailingFiringWithTheTimersKeyAndTimeAndEndTheTimer() {
    TimerFunction<String, Long, String> failing =
        (user, items, time) -> {
          throw new IllegalStateException("no mail server for " + user);
        };
    try (FlowTestDriver driver = FlowTestDriver.of(abandonedCarts(failing))) {
      pipe(driver, "ann", "item", 100);
      tick(driver, 130);
      tick(driver, 400);

      List<Message<byte[], byte[]>> dead = driver.deadLetters();
      assertEquals(1, dead.size());
      Message<byte[], byte[]> letter = dead.get(0);
      assertEquals("ann", new String(letter.key()));
      assertEquals(130 * S, letter.timestamp());
      assertEquals(
          "1970-01-01T00:02:10Z", letter.headers().lastString("flows.timer").orElseThrow());
      assertTrue(
          letter
              .headers()
              .lastString(DeadLetterHeaders.ERROR_MESSAGE)
              .orElseThrow()
              .contains("no mail server for ann"));
      assertEquals(Optional.of(1L), driver.state(ITEMS, "ann")); // the state as it was
    }
  }

  @Test
  void shouldDeadLetterARecordWhoseUpdateSetsATimerOnAFlowWithoutATimerFunction() {
    Flow noTimerFunction =
        Flows.stateful("test-carts-untimed")
            .from(CART)
            .state(ITEMS)
            .apply(
                (user, event, items) ->
                    StateUpdate.<Long, String>set(items + 1).withTimer(Instant.EPOCH))
            .to(ABANDONED);
    try (FlowTestDriver driver = FlowTestDriver.of(noTimerFunction)) {
      pipe(driver, "ann", "item", 100);

      String reason =
          driver
              .deadLetters()
              .get(0)
              .headers()
              .lastString(DeadLetterHeaders.ERROR_MESSAGE)
              .orElseThrow();
      assertTrue(reason.contains("build it with apply(function, onTimer)"), reason);
    }
  }

  @Test
  void shouldRefuseTimersOnAWindowedFlow() {
    FlowDefinitionException refused =
        assertThrows(
            FlowDefinitionException.class,
            () ->
                Flows.stateful("test-carts-windowed")
                    .from(CART)
                    .windowedBy(Windows.tumbling(Duration.ofSeconds(10)))
                    .state(ITEMS)
                    .apply((w, event, items) -> StateUpdate.set(items + 1), ABANDON_WINDOWED));
    assertTrue(refused.getMessage().contains("is for flows without windows"), refused.getMessage());
  }

  static final TimerFunction<dev.flows.Windowed<String>, Long, Object> ABANDON_WINDOWED =
      (w, items, time) -> StateUpdate.keep();
}
