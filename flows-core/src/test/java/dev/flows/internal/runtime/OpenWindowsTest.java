package dev.flows.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.internal.state.RowImage;
import dev.flows.spi.SourcePartition;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;

/** The open windows of a partition: closing in order, replays, stored and read back. */
class OpenWindowsTest {
  private static final SourcePartition P = new SourcePartition("clicks", 0);
  private static final ToIntFunction<String> GENERATION = topic -> 1;

  @Test
  void shouldCloseWindowsInOrderAndLookOnlyAtThoseItClosesAndTheFirstItKeepsOpen() {
    OpenWindows windows = OpenWindows.of(P, null, GENERATION);
    for (long start = 0; start < 10_000; start++) {
      windows.add(start, "key" + start);
    }
    AtomicInteger asked = new AtomicInteger();

    List<String> closed =
        List.copyOf(windows.closedBy(7, start -> asked.incrementAndGet() > 0 && start < 3));

    assertEquals(List.of("key0", "key1", "key2"), closed);
    assertEquals(4, asked.get(), "three closed, then the first still open");
  }

  @Test
  void shouldCloseTheSameRowsAgainWhenItsClosingRecordIsReplayedFromTheStoredRow() {
    OpenWindows windows = OpenWindows.of(P, null, GENERATION);
    windows.add(10, "a@10");
    windows.add(20, "b@20");
    windows.closedBy(5, start -> start <= 10);
    RowImage stored = new RowImage(windows.changedRow(GENERATION).row());

    OpenWindows again = OpenWindows.of(P, stored, GENERATION);

    assertEquals(Set.of("a@10"), Set.copyOf(again.closedBy(5, start -> false)), "a replay");
    assertEquals(Set.of(), Set.copyOf(again.closedBy(6, start -> start <= 10)), "closed once");
    assertEquals(Set.of("b@20"), Set.copyOf(again.closedBy(8, start -> start <= 20)));
  }

  @Test
  void shouldForgetClosedWindowsOnceTheirClosingOutputsArePublished() {
    OpenWindows windows = OpenWindows.of(P, null, GENERATION);
    windows.add(10, "a@10");
    windows.add(20, "b@20");
    windows.closedBy(5, start -> start <= 10);

    windows.forgetPublished(offset -> offset <= 5, tick -> true);

    assertEquals(Set.of("b@20"), windows.ids());
  }

  @Test
  void shouldKeepOneEntryPerSessionNotOnePerRecord() {
    OpenWindows windows = OpenWindows.of(P, null, GENERATION);
    long gap = 100;
    for (long t = 0; t < 50; t++) {
      windows.register("ann", 1_000 + t * 10, gap); // records 10 ms apart: one session
    }
    windows.register("ann", 1_450, gap); // out of order, within the gap of the last: no entry
    windows.register("ann", 5_000, gap); // a second session

    assertEquals(
        Set.of(), Set.copyOf(windows.closedBy(1, at -> at < 1_490)), "earlier entries replaced");
    assertEquals(Set.of("ann"), Set.copyOf(windows.closedBy(2, at -> at <= 4_999)));
    assertEquals(Set.of("ann"), Set.copyOf(windows.closedBy(3, at -> at <= 5_000)));
    windows.forgetPublished(offset -> true, tick -> true);
    assertEquals(Set.of(), windows.ids());
  }

  @Test
  void shouldKeepOneEntryPerTimerMovedOrCancelledByTheRowsUpdates() {
    OpenWindows windows = OpenWindows.of(P, null, GENERATION);
    windows.schedule("ann", 1_000L);
    windows.schedule("ann", 2_000L); // moved on
    windows.schedule("bob", 1_500L);
    windows.schedule("bob", null); // cancelled

    assertEquals(Set.of(), Set.copyOf(windows.closedBy(1, at -> at <= 1_999)));
    assertEquals(Set.of("ann"), Set.copyOf(windows.closedBy(2, at -> at <= 2_000)));
  }

  @Test
  void shouldKeepATimerAtTheTimeOfAClosedEntryOpenAMillisecondLater() {
    OpenWindows windows = OpenWindows.of(P, null, GENERATION);
    windows.schedule("ann", 1_000L);
    windows.closedBy(1, at -> at <= 1_000); // closed, its outputs not known published yet
    windows.schedule("ann", 1_000L); // the timer function set the same time again

    assertEquals(Set.of("ann"), Set.copyOf(windows.closedBy(2, at -> at <= 1_001)));
  }

  @Test
  void shouldBeOfTheRowItWasReadFromUntilItMakesAnotherForABatchToGoOnFrom() {
    OpenWindows first = OpenWindows.of(P, null, GENERATION);
    first.schedule("ann", 1_000L);
    RowImage written = first.changedRow(GENERATION);
    assertTrue(first.isOf(written), "the row it made");
    RowImage stored = new RowImage(written.row());
    OpenWindows read = OpenWindows.of(P, stored, GENERATION);
    assertTrue(read.isOf(stored), "the row it was read from");
    assertEquals(null, read.changedRow(GENERATION), "nothing changed");
    assertTrue(read.isOf(stored), "still that row");

    read.schedule("bob", 2_000L);
    RowImage next = read.changedRow(GENERATION);

    assertTrue(read.isOf(next));
    assertFalse(read.isOf(stored), "not the row before: a batch must read that one again");
    assertEquals(written.row().version() + 1, next.row().version());
  }

  @Test
  void shouldKnowTheRecordsRoutedBeforeFromTheStoredRowSoAReplayChangesNothing() {
    OpenWindows windows = OpenWindows.of(P, null, GENERATION);
    assertEquals(false, windows.routedBefore(41));
    windows.register("ann", 1_000, 100);
    RowImage stored = new RowImage(windows.changedRow(GENERATION).row());

    OpenWindows again = OpenWindows.of(P, stored, GENERATION);

    assertEquals(true, again.routedBefore(40), "a replay");
    assertEquals(true, again.routedBefore(41), "a replay");
    assertEquals(null, again.changedRow(GENERATION), "nothing changed by replays");
    assertEquals(false, again.routedBefore(42), "a new record");
  }

  @Test
  void shouldReadARowWrittenWithoutRoutedOffsetsAsHavingRoutedNothing() {
    OpenWindows fixed = OpenWindows.of(P, null, GENERATION);
    fixed.add(10, "a@10");
    RowImage stored = new RowImage(fixed.changedRow(GENERATION).row());
    assertEquals(1, stored.row().state()[0], "layout 1 without routed offsets, as before");

    OpenWindows again = OpenWindows.of(P, stored, GENERATION);

    assertEquals(Set.of("a@10"), again.ids());
    assertEquals(false, again.routedBefore(0));
  }

  /**
   * As {@link WindowRouter} routes a record of a key's sessions at {@code offset}: registers it
   * unless routed before, then returns what it closes at {@code streamTime}.
   */
  private static Set<String> route(
      OpenWindows windows, long offset, String key, long closesAt, long streamTime) {
    boolean replay = windows.routedBefore(offset);
    if (!replay) {
      windows.register(key, closesAt, 10);
    }
    return Set.copyOf(windows.closedBy(offset, at -> !replay && at <= streamTime));
  }

  @Test
  void shouldCloseTheSameRowsOnEveryReplayWhatTheRecordsAfterTheFirstReplayRegistered() {
    OpenWindows first = OpenWindows.of(P, null, GENERATION);
    route(first, 1, "ann", 100, 90); // ann's session, closing at 100
    assertEquals(Set.of("ann"), route(first, 2, "bob", 150, 100), "closes ann's session");
    RowImage died = new RowImage(first.changedRow(GENERATION).row()); // nothing committed

    OpenWindows replay = OpenWindows.of(P, died, GENERATION);
    route(replay, 1, "ann", 100, 90);
    assertEquals(Set.of("ann"), route(replay, 2, "bob", 150, 100), "closes it again");
    route(replay, 3, "ann", 105, 100); // a new record: ann's next session, closing at 105
    RowImage diedAgain = new RowImage(replay.changedRow(GENERATION).row()); // nothing committed

    OpenWindows again = OpenWindows.of(P, diedAgain, GENERATION);
    route(again, 1, "ann", 100, 90);

    assertEquals(Set.of("ann"), route(again, 2, "bob", 150, 100), "ann's closing outputs again");
    assertEquals(Set.of("ann", "bob", "cid"), route(again, 4, "cid", 200, 200), "and the rest");
  }
}
