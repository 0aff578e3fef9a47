package dev.flows.timers;

import static dev.flows.timers.TimersTest.ABANDONED;
import static dev.flows.timers.TimersTest.CART;
import static dev.flows.timers.TimersTest.ITEMS;
import static dev.flows.timers.TimersTest.SILENCE;
import static dev.flows.timers.TimersTest.pipe;
import static dev.flows.timers.TimersTest.read;
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
import dev.flows.dsl.StateFunction;
import dev.flows.dsl.TimerFunction;
import dev.flows.testing.FlowTestDriver;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Wall-clock timers and timers set by a delay, on the test driver's clock: a cart abandoned when
 * its user is silent for 30 s of wall-clock time, whatever the records' timestamps.
 */
class WallClockTimersTest {
  /** Counts items; "checkout" cancels the timer; each item sets it 30 s after the update's time. */
  static final StateFunction<String, String, Long, String> COUNT_ITEMS =
      (user, event, items) -> {
        if (event.startsWith("tick")) {
          return StateUpdate.keep();
        }
        if (event.startsWith("checkout")) {
          return StateUpdate.<Long, String>delete().withoutTimer();
        }
        return StateUpdate.<Long, String>set(items + 1).withTimerIn(SILENCE);
      };

  static final TimerFunction<String, Long, String> ABANDON =
      (user, items, time) ->
          StateUpdate.<Long, String>delete().andEmit(user + " left " + items + " at " + time);

  static Flow onWallClock(TimerFunction<String, Long, String> onTimer) {
    return Flows.stateful("test-carts-wall-clock")
        .from(CART)
        .state(ITEMS)
        .apply(COUNT_ITEMS, onTimer)
        .timersOnWallClock()
        .to(ABANDONED);
  }

  @Test
  void shouldFireWithoutARecordOnceTheWallClockReachedTheTimerWhateverTheTimestamps() {
    try (FlowTestDriver driver = FlowTestDriver.of(onWallClock(ABANDON))) {
      Instant due = driver.wallClock().plus(SILENCE);
      pipe(driver, "ann", "item", 100);
      assertEquals(Optional.of(due), driver.timer(ITEMS, "ann"));
      pipe(driver, "clock", "tick", 1_000_000); // event time far past the timer: not its clock
      driver.advanceWallClock(Duration.ofSeconds(29));
      assertEquals(List.of(), read(driver));

      driver.advanceWallClock(Duration.ofSeconds(1)); // no record read since

      Message<String, String> fired = driver.output(ABANDONED).readAll().get(0);
      assertEquals("ann", fired.key());
      assertEquals("ann left 1 at " + due, fired.value());
      assertEquals(due.toEpochMilli(), fired.timestamp());
      assertEquals(Optional.empty(), driver.state(ITEMS, "ann"));
    }
  }

  @Test
  void shouldFireATickOnceAcrossARestart() {
    try (FlowTestDriver driver = FlowTestDriver.of(onWallClock(ABANDON))) {
      pipe(driver, "ann", "item", 100);
      pipe(driver, "bob", "item", 100);
      driver.advanceWallClock(SILENCE);
      driver.restart();
      driver.advanceWallClock(SILENCE);
      pipe(driver, "clock", "tick", 100);

      assertEquals(2, read(driver).size());
    }
  }

  @Test
  void shouldMoveTheTimerOnWithEachUpdate() {
    try (FlowTestDriver driver = FlowTestDriver.of(onWallClock(ABANDON))) {
      pipe(driver, "ann", "item", 100);
      driver.advanceWallClock(Duration.ofSeconds(20));
      Instant moved = driver.wallClock().plus(SILENCE);
      pipe(driver, "ann", "item", 100); // the timer now 30 s from here
      assertEquals(Optional.of(moved), driver.timer(ITEMS, "ann"));
      driver.advanceWallClock(Duration.ofSeconds(20));
      pipe(driver, "clock", "tick", 100);
      assertEquals(List.of(), read(driver));

      driver.advanceWallClock(Duration.ofSeconds(10));
      pipe(driver, "ann", "item", 100); // the timer fired: a new cart of 1

      assertEquals(List.of("ann left 2 at " + moved), read(driver));
      assertEquals(Optional.of(1L), driver.state(ITEMS, "ann"));
    }
  }

  @Test
  void shouldKeepAWallClockTimerAcrossARestart() {
    try (FlowTestDriver driver = FlowTestDriver.of(onWallClock(ABANDON))) {
      pipe(driver, "ann", "item", 100);
      driver.restart();
      driver.advanceWallClock(SILENCE);

      pipe(driver, "clock", "tick", 100);

      assertEquals(1, read(driver).size());
    }
  }

  @Test
  void shouldSetTheNextTimerOfATimerFunctionByADelayAfterTheTimersTime() {
    TimerFunction<String, Long, String> remindTwice =
        (user, items, time) ->
            items < 2
                ? StateUpdate.<Long, String>set(items + 1, "reminder at " + time)
                    .withTimerIn(SILENCE)
                : StateUpdate.<Long, String>delete().andEmit("gave up at " + time);
    try (FlowTestDriver driver = FlowTestDriver.of(onWallClock(remindTwice))) {
      Instant first = driver.wallClock().plus(SILENCE);
      pipe(driver, "ann", "item", 100);
      driver.advanceWallClock(Duration.ofSeconds(45)); // read 15 s after the timer
      pipe(driver, "clock", "tick", 100);
      driver.advanceWallClock(Duration.ofSeconds(15)); // 30 s after the first timer's time
      pipe(driver, "clock", "tick", 100);

      assertEquals(
          List.of("reminder at " + first, "gave up at " + first.plus(SILENCE)), read(driver));
    }
  }

  @Test
  void shouldSetAnEventTimeTimerByADelayAfterTheRecordsTimestamp() {
    Flow flow =
        Flows.stateful("test-carts-delay")
            .from(CART)
            .state(ITEMS)
            .apply(COUNT_ITEMS, ABANDON)
            .to(ABANDONED);
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      pipe(driver, "ann", "item", 100);
      pipe(driver, "bob", "item", 90); // out of order: from its own timestamp

      assertEquals(Optional.of(Instant.ofEpochSecond(130)), driver.timer(ITEMS, "ann"));
      assertEquals(Optional.of(Instant.ofEpochSecond(120)), driver.timer(ITEMS, "bob"));
      pipe(driver, "clock", "tick", 125);
      assertEquals(List.of("bob left 1 at " + Instant.ofEpochSecond(120)), read(driver));
    }
  }

  @Test
  void shouldSayWallClockTimersInTheDescription() {
    String described = onWallClock(ABANDON).describe().toString();

    assertTrue(described.contains("with wall-clock timers"), described);
  }

  @Test
  void shouldRefuseWallClockTimersOnAFlowWithoutATimerFunction() {
    FlowDefinitionException refused =
        assertThrows(
            FlowDefinitionException.class,
            () ->
                Flows.stateful("test-no-timers")
                    .from(CART)
                    .state(ITEMS)
                    .apply(COUNT_ITEMS)
                    .timersOnWallClock());

    assertTrue(refused.getMessage().contains("apply(function, onTimer)"), refused.getMessage());
  }

  @Test
  void shouldRefuseANegativeDelayOrATimerAtATimeAndInADelay() {
    assertThrows(
        IllegalArgumentException.class,
        () -> StateUpdate.keep().withTimerIn(Duration.ofSeconds(-1)));
    assertThrows(
        IllegalArgumentException.class, () -> new StateUpdate.Timer(Instant.EPOCH, Duration.ZERO));
  }

  @Test
  void shouldKeepATimerTooFarToFireWithoutFailingTheBatch() {
    StateFunction<String, String, Long, String> farAway =
        (user, event, items) ->
            event.startsWith("item@1")
                ? StateUpdate.<Long, String>set(items + 1).withTimer(Instant.MAX)
                : StateUpdate.<Long, String>set(items + 1)
                    .withTimerIn(ChronoUnit.FOREVER.getDuration());
    Flow flow =
        Flows.stateful("test-carts-far")
            .from(CART)
            .state(ITEMS)
            .apply(farAway, ABANDON)
            .to(ABANDONED);
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      pipe(driver, "ann", "item", 100);
      pipe(driver, "bob", "item", 200);
      pipe(driver, "clock", "tick", 1_000_000);

      assertEquals(List.of(), read(driver));
      assertEquals(List.of(), driver.deadLetters());
      assertEquals(Optional.of(1L), driver.state(ITEMS, "bob"));
      Optional<Instant> never = Optional.of(Instant.ofEpochMilli(Long.MAX_VALUE));
      assertEquals(never, driver.timer(ITEMS, "ann"));
      assertEquals(never, driver.timer(ITEMS, "bob"));
    }
  }

  @Test
  void shouldDeadLetterATimerFailingAtATickWithItsInputPartitionAndNoOffset() {
    TimerFunction<String, Long, String> failing =
        (user, items, time) -> {
          throw new IllegalStateException("no mail server for " + user);
        };
    try (FlowTestDriver driver = FlowTestDriver.of(onWallClock(failing))) {
      Instant due = driver.wallClock().plus(SILENCE);
      pipe(driver, "ann", "item", 100);
      driver.advanceWallClock(SILENCE);

      List<Message<byte[], byte[]>> dead = driver.deadLetters();
      assertEquals(1, dead.size());
      Headers headers = dead.get(0).headers();
      assertEquals(due.toString(), headers.lastString("flows.timer").orElseThrow());
      assertEquals("0", headers.lastString(DeadLetterHeaders.SOURCE_PARTITION).orElseThrow());
      assertEquals("-1", headers.lastString(DeadLetterHeaders.SOURCE_OFFSET).orElseThrow());
      assertEquals(Optional.of(1L), driver.state(ITEMS, "ann")); // the state as it was
      assertEquals(Optional.empty(), driver.timer(ITEMS, "ann")); // the timer ended
    }
  }

  @Test
  void shouldPurgeARowATickWroteOnceItsRetentionPassed() {
    StateSpec<Long> kept = ITEMS.withRetention(Duration.ofMinutes(1));
    Flow flow =
        Flows.stateful("test-carts-wall-retained")
            .from(CART)
            .state(kept)
            .apply(
                COUNT_ITEMS,
                (user, items, time) -> StateUpdate.<Long, String>keep().andEmit(user + " reminded"))
            .timersOnWallClock()
            .to(ABANDONED);
    try (FlowTestDriver driver = FlowTestDriver.of(flow)) {
      pipe(driver, "ann", "item", 100);
      driver.advanceWallClock(SILENCE); // a tick fires the timer: ann's row written by the tick
      assertEquals(List.of("ann reminded"), read(driver));
      assertEquals(Optional.of(1L), driver.state(kept, "ann"));

      driver.advanceWallClock(Duration.ofMinutes(2));

      assertEquals(Optional.empty(), driver.state(kept, "ann"), "the tick is committed: purged");
    }
  }
}
