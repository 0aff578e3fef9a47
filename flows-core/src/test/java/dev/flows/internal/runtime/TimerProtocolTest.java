package dev.flows.internal.runtime;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.format.Formats;
import dev.flows.spi.StateStore;
import dev.flows.state.InMemoryStateStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Timers at the processor, on the in-memory store (docs/semantics.md, "Timers"): a firing is
 * committed with its row, and its outputs are re-emitted by the replay of the record that fired it,
 * never fired again; a timer set in a batch fires at a record of a later batch.
 */
class TimerProtocolTest {
  private static final Topic<String, String> IN = topic("a", string(), string());
  private static final Topic<String, String> OUT = topic("reminders", string(), string());
  private static final StateSpec<Long> SEEN = StateSpec.of("seen", Formats.longs(), () -> 0L);

  private final StateStore store = InMemoryStateStore.create();
  private final RecordingSink sink = new RecordingSink();
  private final RealLanes lanes = new RealLanes();

  /** Each record of a key other than "tick" sets its key's timer 30 ms after its timestamp. */
  private static Flow remind() {
    return Flows.stateful("test-timer-reminders")
        .from(IN)
        .state(SEEN)
        .apply(
            (key, value, seen) ->
                key.equals("tick")
                    ? StateUpdate.<Long, String>keep()
                    : StateUpdate.<Long, String>set(seen + 1)
                        .withTimer(Instant.ofEpochMilli(Long.parseLong(value) + 30)),
            (key, seen, time) ->
                StateUpdate.<Long, String>delete()
                    .andEmit("remind " + key + " of " + seen + " at " + time.toEpochMilli()))
        .to(OUT);
  }

  @Test
  void shouldReemitAFiringWhosePublishFailedOnceAndNeverFireItAgain() {
    Flow flow = remind();
    handler(flow).process(batch(record(0, "ann", 100)));
    sink.failing = true; // the firing at offset 1 is committed with ann's row, then not published
    assertThrows(
        PublishFailedException.class, () -> handler(flow).process(batch(record(1, "tick", 140))));
    sink.failing = false;

    BatchHandler next = handler(flow); // a new owner replays from offset 1
    next.process(batch(record(1, "tick", 140)));
    next.process(batch(record(2, "tick", 500)));

    assertEquals(List.of("ann=remind ann of 1 at 130"), sink.keyValues("reminders"));
  }

  @Test
  void shouldReemitOnlyTheFiringsOfTheReplayedRecord() {
    Flow flow = remind();
    BatchHandler first = handler(flow);
    first.process(batch(record(0, "ann", 10), record(1, "tick", 65)));
    first.process(batch(record(2, "bob", 100))); // fires ann's timer at 40
    sink.failing = true; // the firing of bob's at offset 3 is committed, then not published
    assertThrows(PublishFailedException.class, () -> first.process(batch(record(3, "tick", 170))));
    sink.failing = false;

    handler(flow).process(batch(record(3, "tick", 170)));

    assertEquals(
        List.of("ann=remind ann of 1 at 40", "bob=remind bob of 1 at 130"),
        sink.keyValues("reminders"));
  }

  @Test
  void shouldFireATimerSetInABatchAtARecordOfALaterBatch() {
    BatchHandler handler = handler(remind());
    handler.process(batch(record(0, "ann", 100), record(1, "tick", 140)));
    assertEquals(List.of(), sink.keyValues("reminders"));

    handler.process(batch(record(2, "tick", 141)));

    assertEquals(List.of("ann=remind ann of 1 at 130"), sink.keyValues("reminders"));
  }

  @Test
  void shouldFireADueTimerAtTheKeysOwnNextRecordInTheSameBatch() {
    BatchHandler handler = handler(remind());
    handler.process(batch(record(0, "ann", 100), record(1, "ann", 200)));

    assertEquals(List.of("ann=remind ann of 1 at 130"), sink.keyValues("reminders"));
  }

  private BatchHandler handler(Flow flow) {
    return lanes.handler(flow, store, sink);
  }

  @AfterEach
  void stopLanes() {
    lanes.close();
  }

  /** A record of a-0 at {@code offset}, stamped {@code time}, with its time as value. */
  private static Message<byte[], byte[]> record(long offset, String key, long time) {
    return new Message<>(
        "a", 0, offset, time, bytes(key), bytes(Long.toString(time)), Headers.empty());
  }

  @SafeVarargs
  private static Batch batch(Message<byte[], byte[]>... records) {
    return Batch.of(List.of(records));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
