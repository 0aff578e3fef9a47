package dev.flows.internal.runtime;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.format.Formats;
import dev.flows.spi.RowPurge;
import dev.flows.spi.SourcePartition;
import dev.flows.spi.StateStore;
import dev.flows.state.InMemoryStateStore;
import dev.flows.testing.ManualClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Wall-clock timers at the processor, on the in-memory store (docs/semantics.md, "Timers"): a
 * record fires a due timer; a batch without records of a partition (an idle one) fires them at a
 * tick, committed with the rows it fired; a tick whose publish failed is re-emitted once by the
 * next batch of its partition, whatever owner runs it, and never fired again; a tick committed with
 * the offsets is not re-emitted.
 */
class WallClockTickTest {
  private static final Topic<String, String> IN = topic("a", string(), string());
  private static final Topic<String, String> OUT = topic("reminders", string(), string());
  private static final StateSpec<Long> SEEN = StateSpec.of("seen", Formats.longs(), () -> 0L);
  private static final SourcePartition A0 = new SourcePartition("a", 0);
  private static final Duration IN_30_MS = Duration.ofMillis(30);

  private final StateStore store = InMemoryStateStore.create();
  private final RecordingSink sink = new RecordingSink();
  private final RealLanes lanes = new RealLanes();
  private final ManualClock clock = new ManualClock(Instant.ofEpochMilli(1_000));

  /** Each record of a key other than "tick" sets its key's timer 30 ms of wall clock ahead. */
  private static Flow remind() {
    return Flows.stateful("test-wall-reminders")
        .from(IN)
        .state(SEEN)
        .apply(
            (key, value, seen) ->
                key.equals("tick")
                    ? StateUpdate.<Long, String>keep()
                    : StateUpdate.<Long, String>set(seen + 1).withTimerIn(IN_30_MS),
            (key, seen, time) ->
                StateUpdate.<Long, String>delete()
                    .andEmit("remind " + key + " of " + seen + " at " + time.toEpochMilli()))
        .timersOnWallClock()
        .to(OUT);
  }

  @Test
  void shouldFireADueTimerAtARecordAndAtATickOfAnIdlePartition() {
    BatchHandler handler = handler();
    handler.process(batch(record(0, "ann"), record(1, "bob"))); // both due at 1,030
    clock.advance(Duration.ofMillis(30));
    handler.process(batch(record(2, "tick"))); // a record fires them
    handler.process(batch(record(3, "cat"))); // due at 1,060
    clock.advance(Duration.ofMillis(30));
    assertEquals(Set.of(A0), handler.dueTicks());

    Batch idle = idle(4);
    handler.process(idle);

    assertEquals(
        List.of("ann=remind ann of 1 at 1030", "bob=remind bob of 1 at 1030"),
        sink.keyValues("reminders").subList(0, 2));
    assertEquals("cat=remind cat of 1 at 1060", sink.keyValues("reminders").get(2));
    assertEquals(Map.of(A0, 4L), idle.nextOffsets(), "an idle partition commits where it was");
    assertTrue(idle.commitMetadata().get().get(A0).contains("flows.ticks=1"));
    assertEquals(Set.of(), handler.dueTicks(), "nothing pending");
  }

  @Test
  void shouldReemitATickWhosePublishFailedOnceAtTheNextOwnersFirstBatchAndNeverFireItAgain() {
    BatchHandler first = handler();
    first.process(batch(record(0, "ann")));
    clock.advance(Duration.ofMillis(40));
    sink.failing = true; // the tick's firing is committed with ann's row, then not published
    assertThrows(PublishFailedException.class, () -> first.process(idle(1)));
    sink.failing = false;

    BatchHandler next = handler(); // a new owner: nothing committed says the tick is out
    next.assigned(List.of(A0), partitions -> Map.of());
    assertEquals(Set.of(A0), next.dueTicks(), "a new owner looks at its timers");
    next.process(idle(1));
    clock.advance(Duration.ofSeconds(1));
    next.process(idle(1));
    next.process(batch(record(1, "tick")));

    assertEquals(List.of("ann=remind ann of 1 at 1030"), sink.keyValues("reminders"));
  }

  @Test
  void shouldReemitATickWhosePublishFailedAtTheNextBatchWithRecordsOfItsPartition() {
    BatchHandler handler = handler();
    handler.process(batch(record(0, "ann")));
    clock.advance(Duration.ofMillis(40));
    sink.failing = true;
    assertThrows(PublishFailedException.class, () -> handler.process(idle(1)));
    sink.failing = false;

    handler.process(batch(record(1, "tick")));

    assertEquals(List.of("ann=remind ann of 1 at 1030"), sink.keyValues("reminders"));
  }

  @Test
  void shouldNotReemitATickTheCommittedMetadataSaysIsPublished() {
    BatchHandler first = handler();
    first.process(batch(record(0, "ann")));
    clock.advance(Duration.ofMillis(40));
    Batch ticked = idle(1);
    first.process(ticked);
    Map<SourcePartition, String> committed = ticked.commitMetadata().get();

    BatchHandler next = handler();
    next.assigned(List.of(A0), partitions -> committed);
    next.process(idle(1));
    next.process(batch(record(1, "tick")));

    assertEquals(List.of("ann=remind ann of 1 at 1030"), sink.keyValues("reminders"));
  }

  @Test
  void shouldNumberTicksAfterThoseCommittedWhenTheRowOfOpenWindowsIsGone() {
    BatchHandler first = handler();
    first.process(batch(record(0, "ann")));
    clock.advance(Duration.ofMillis(40));
    Batch ticked = idle(1); // tick 0 fires ann's timer: ann's row holds tick 0 in its progress
    first.process(ticked);
    Map<SourcePartition, String> committed = ticked.commitMetadata().get();
    store // a purge page takes the empty row of open windows, not yet ann's
        .table(SEEN.table())
        .purge(
            new RowPurge(
                Duration.ZERO, (id, progress) -> id.startsWith("flows.windows/"), null, 100));

    BatchHandler next = handler();
    next.assigned(List.of(A0), partitions -> committed);
    next.process(batch(record(1, "ann"))); // ann's timer again, due at 1,070
    clock.advance(Duration.ofMillis(40));
    next.process(idle(2));

    assertEquals(
        List.of("ann=remind ann of 1 at 1030", "ann=remind ann of 1 at 1070"),
        sink.keyValues("reminders"));
  }

  private BatchHandler handler() {
    return lanes.handler(remind(), store, sink, clock);
  }

  @AfterEach
  void stopLanes() {
    lanes.close();
  }

  /** A batch holding no record of a-0, whose offset to read next is {@code position}. */
  private static Batch idle(long position) {
    return Batch.of(List.of()).withIdle(Map.of(A0, position));
  }

  /** A record of a-0 at {@code offset}, stamped 0 (its event time plays no part). */
  private static Message<byte[], byte[]> record(long offset, String key) {
    return new Message<>("a", 0, offset, 0, bytes(key), bytes("v"), Headers.empty());
  }

  @SafeVarargs
  private static Batch batch(Message<byte[], byte[]>... records) {
    return Batch.of(List.of(records));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
