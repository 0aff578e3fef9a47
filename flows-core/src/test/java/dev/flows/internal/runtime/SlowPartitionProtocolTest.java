package dev.flows.internal.runtime;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flows.Flow;
import dev.flows.Flows;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.SessionWindows;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.Windowed;
import dev.flows.Windows;
import dev.flows.format.Formats;
import dev.flows.spi.StateStore;
import dev.flows.state.InMemoryStateStore;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A window emitting on close fed by two partitions, at the processor on the in-memory store
 * (docs/semantics.md, "Event-time windows"): a partition passing it is written with the row, so a
 * death before the commit neither closes it early nor loses the pass; its final count is published
 * once, and re-emitted by the replay of the record that closed it.
 */
class SlowPartitionProtocolTest {
  private static final Topic<String, String> IN = topic("a", string(), string());
  private static final Topic<Windowed<String>, String> OUT =
      topic("counts", Windowed.format(string()), string());
  private static final StateSpec<Long> COUNT = StateSpec.of("count", Formats.longs(), () -> 0L);

  private final StateStore store = InMemoryStateStore.create();
  private final RecordingSink sink = new RecordingSink();
  private final RealLanes lanes = new RealLanes();

  /** A count per key and 100 ms window, emitted on close; slower partitions waited for. */
  private static Flow count() {
    return count(Windows.tumbling(Duration.ofMillis(100)).emitOnClose());
  }

  /** The count, slower partitions waited for at most 100 ms. */
  private static Flow countWaitingAtMost100Ms() {
    return count(
        Windows.tumbling(Duration.ofMillis(100))
            .emitOnClose()
            .withSlowPartitionWait(Duration.ofMillis(100)));
  }

  private static Flow count(Windows windows) {
    return Flows.stateful("test-slow-partition-counts")
        .from(IN)
        .windowedBy(windows)
        .state(COUNT)
        .apply((window, value, n) -> StateUpdate.set(n + 1, Long.toString(n + 1)))
        .to(OUT);
  }

  @Test
  void shouldStillWaitForTheSlowerPartitionAfterADeathOnceThePassWasWritten() {
    Flow flow = count();
    BatchHandler first = handler(flow);
    first.process(batch(record(0, 0, "ann", 10), record(0, 1, "zed", 15), record(1, 0, "ann", 20)));
    sink.failing = true; // a-0 passes window 0: zed's closes, ann's waits; then the batch dies
    assertThrows(
        PublishFailedException.class,
        () -> first.process(batch(record(0, 2, "bob", 120), record(1, 1, "ann", 50))));
    sink.failing = false;

    BatchHandler next = handler(flow); // a new owner replays the batch
    next.process(batch(record(0, 2, "bob", 120), record(1, 1, "ann", 50)));
    next.process(batch(record(1, 2, "cat", 130)));

    assertEquals(List.of("zed@0=1", "ann@0=3"), counts());
  }

  @Test
  void shouldReemitTheFinalCountOnceWhenTheClosingBatchDiedBeforeItsCommit() {
    Flow flow = count();
    BatchHandler first = handler(flow);
    first.process(batch(record(0, 0, "ann", 10), record(1, 0, "ann", 20)));
    first.process(batch(record(0, 1, "bob", 120)));
    sink.failing = true; // a-1 passes window 0 too: the final count is written, then not published
    assertThrows(
        PublishFailedException.class, () -> first.process(batch(record(1, 1, "cat", 130))));
    sink.failing = false;

    BatchHandler next = handler(flow);
    next.process(batch(record(1, 1, "cat", 130)));
    next.process(batch(record(0, 2, "dan", 400), record(1, 2, "eve", 400))); // past every wait

    assertEquals(List.of("ann@0=2", "bob@100=1", "cat@100=1"), counts());
  }

  @Test
  void shouldCloseWithoutTheSilentPartitionOnceAndReemitThatCloseAfterADeath() {
    Flow flow = countWaitingAtMost100Ms();
    BatchHandler first = handler(flow);
    first.process(batch(record(0, 0, "ann", 10), record(1, 0, "ann", 20)));
    first.process(batch(record(0, 1, "bob", 120)));
    sink.failing = true; // a-0 reaches the end of the wait (100 + 100 ms): the close is written
    assertThrows(
        PublishFailedException.class, () -> first.process(batch(record(0, 2, "bob", 200))));
    sink.failing = false;

    BatchHandler next = handler(flow);
    next.process(batch(record(0, 2, "bob", 200)));
    next.process(batch(record(1, 1, "ann", 30))); // a-1 is at 20 ms: late for the closed window

    assertEquals(List.of("bob@100=1", "ann@0=2"), counts(), "bob's window fed by a-0 only");
    assertEquals(1, sink.keyValues(count().deadLetterTopic()).size(), "the late record");
  }

  @Test
  void shouldStopWaitingAtTheFirstRecordOfALaterBatchOnceTheWaitPassed() {
    BatchHandler handler = handler(countWaitingAtMost100Ms());
    handler.process(batch(record(0, 0, "ann", 10), record(1, 0, "ann", 20)));
    handler.process(batch(record(0, 1, "bob", 120), record(0, 2, "bob", 250)));
    assertEquals(List.of("bob@100=1"), counts(), "ann's window waits out this batch");

    handler.process(batch(record(0, 3, "cat", 250)));

    assertEquals(List.of("bob@100=1", "ann@0=2"), counts());
  }

  /** A count per key and session (gap 50 ms) emitted on close; slower partitions waited for. */
  private static Flow sessions() {
    return Flows.stateful("test-slow-partition-sessions")
        .from(IN)
        .windowedBy(SessionWindows.withGap(Duration.ofMillis(50)).emitOnClose())
        .state(COUNT, (key, earlier, later) -> earlier + later)
        .apply((session, value, n) -> StateUpdate.set(n + 1, Long.toString(n + 1)))
        .to(OUT);
  }

  @Test
  void shouldCloseASessionOnceBothPartitionsPassedItAfterADeathOnceAPassWasWritten() {
    Flow flow = sessions();
    BatchHandler first = handler(flow);
    first.process(batch(record(0, 0, "ann", 10), record(0, 1, "zed", 12), record(1, 0, "ann", 20)));
    sink.failing = true; // a-0 passes ann's session (closing at 70 ms) and zed's; then it dies
    assertThrows(PublishFailedException.class, () -> first.process(batch(record(0, 2, "bob", 80))));
    sink.failing = false;

    BatchHandler next = handler(flow);
    next.process(batch(record(0, 2, "bob", 80)));
    next.process(batch(record(1, 1, "ann", 60))); // a-1 is at 20 ms: joins ann's session
    next.process(batch(record(1, 2, "cat", 111))); // a-1 passes it (now closing at 110 ms)
    assertEquals(List.of("zed@12=1"), counts(), "a-0 is at 80 ms");

    next.process(batch(record(0, 3, "dan", 125))); // not yet known: a-0 said 80 ms a gap ago
    assertEquals(List.of("zed@12=1"), counts());
    next.process(batch(record(0, 4, "dan", 131))); // a-0 comes back a gap later: both passed

    assertEquals(List.of("zed@12=1", "bob@80=1", "ann@10=3"), counts(), "bob's: a-0's only");
  }

  /** The counts published, as "ann@0=2" for ann's window starting at 0 with the count 2. */
  private List<String> counts() {
    return sink.sent().stream()
        .filter(r -> r.topic().equals("counts"))
        .map(
            r -> {
              ByteBuffer key = ByteBuffer.wrap(r.key());
              String word = new String(r.key(), 0, r.key().length - 16, StandardCharsets.UTF_8);
              long start = key.getLong(r.key().length - 16);
              return word + "@" + start + "=" + new String(r.value(), StandardCharsets.UTF_8);
            })
        .toList();
  }

  private BatchHandler handler(Flow flow) {
    return lanes.handler(flow, store, sink);
  }

  @AfterEach
  void stopLanes() {
    lanes.close();
  }

  /** A record of a-{@code partition} at {@code offset}, stamped {@code time}. */
  private static Message<byte[], byte[]> record(int partition, long offset, String key, long time) {
    return new Message<>("a", partition, offset, time, bytes(key), bytes("x"), Headers.empty());
  }

  @SafeVarargs
  private static Batch batch(Message<byte[], byte[]>... records) {
    return Batch.of(List.of(records));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
