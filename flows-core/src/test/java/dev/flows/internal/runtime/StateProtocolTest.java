package dev.flows.internal.runtime;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.DeadLetterHeaders;
import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.Flows;
import dev.flows.FlowsException;
import dev.flows.Headers;
import dev.flows.Join;
import dev.flows.Message;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.Windowed;
import dev.flows.Windows;
import dev.flows.format.Formats;
import dev.flows.internal.plan.Envelope;
import dev.flows.internal.trace.Untraced;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.Sink;
import dev.flows.spi.StateRow;
import dev.flows.spi.StateStore;
import dev.flows.spi.StateTable;
import dev.flows.spi.TopicLedger;
import dev.flows.spi.WriteResult;
import dev.flows.state.InMemoryStateStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The stateful protocol (docs/semantics.md, protocol v2) at the processor, on the in-memory store:
 * unpublished outputs of one partition survive writes caused by another, join envelopes out of
 * order, poison ids, stored states that do not decode, format upgrades and rows the store refuses.
 * The same guarantees on a real broker and PostgreSQL: {@code StateProtocolIT} in flows-examples.
 */
class StateProtocolTest {
  private static final Topic<String, String> A = topic("a", string(), string());
  private static final Topic<String, String> B = topic("b", string(), string());
  private static final Topic<String, String> OUT = topic("out", string(), string());
  private static final StateSpec<Long> COUNT = StateSpec.of("count", Formats.longs(), () -> 0L);

  private final StateStore store = InMemoryStateStore.create();
  private final RecordingSink sink = new RecordingSink();

  private static Flow count(StateSpec<Long> spec) {
    return Flows.stateful("test-merged-count")
        .from(A)
        .merge(B)
        .state(spec)
        .apply(
            (key, value, count) -> {
              long next = count + 1;
              return StateUpdate.set(next, next + ":" + value);
            })
        .to(OUT);
  }

  @Test
  void shouldPublishAnUnpublishedWriteOfOnePartitionWhenAnotherPartitionWroteTheRowFirst() {
    Flow flow = count(COUNT);
    sink.failing = true; // the first owner writes k for a@10, then cannot publish and dies
    assertThrows(
        PublishFailedException.class, () -> handler(flow).process(batch(msg("a", 10, "k", "a10"))));
    sink.failing = false;
    BatchHandler next = handler(flow); // the new owner reads b first, a later

    next.process(batch(msg("b", 20, "k", "b20")));
    next.process(batch(msg("a", 10, "k", "a10")));

    assertEquals(List.of("2:b20", "1:a10"), sink.values("out"), "every count published");
  }

  @Test
  void shouldReEmitAnOutputWithTheKeyHeadersTimestampAndTopicItsFunctionGaveItAfterACrash() {
    Topic<String, String> high = topic("high", string(), string());
    int[] calls = {0};
    Flow flow =
        Flows.stateful("test-reemit-context")
            .from(A)
            .state(COUNT)
            .applyMessage(
                (m, count) -> {
                  calls[0]++; // a second call would give other headers and another timestamp
                  return StateUpdate.set(
                      count + 1,
                      m.withKey("re-" + m.key())
                          .withValue(m.value() + "!")
                          .withHeaders(m.headers().with("call", Integer.toString(calls[0])))
                          .withTimestamp(1_000L * calls[0]));
                })
            .toAnyOf(List.of(OUT, high), out -> out.value().startsWith("h") ? high : OUT);
    Headers input = Headers.empty().with("trace", "t1");
    sink.failing = true; // the first owner writes k for a@10, then cannot publish and dies
    assertThrows(
        PublishFailedException.class,
        () ->
            handler(flow)
                .process(batch(new Message<>("a", 0, 10, 5L, bytes("k"), bytes("hi"), input))));
    sink.failing = false;
    OutgoingRecord first = sink.attempted.get(0);

    handler(flow).process(batch(new Message<>("a", 0, 10, 5L, bytes("k"), bytes("hi"), input)));

    assertEquals(1, calls[0], "the replay is not applied again");
    List<OutgoingRecord> again = sink.sent;
    assertEquals(1, again.size());
    OutgoingRecord reemitted = again.get(0);
    assertEquals("high", reemitted.topic(), "routed as first decided");
    assertEquals("high", first.topic());
    assertArrayEquals(bytes("re-k"), reemitted.key());
    assertArrayEquals(first.value(), reemitted.value());
    assertEquals(Headers.empty().with("trace", "t1").with("call", "1"), reemitted.headers());
    assertEquals(first.headers(), reemitted.headers());
    assertEquals(1_000L, reemitted.timestamp());
  }

  @Test
  void shouldApplyAJoinEnvelopeOnceWhenTheIntermediateTopicHoldsItOutOfOrder() {
    Join join = join();
    BatchHandler apply = handler(join.apply());

    apply.process(batch(envelope(0, "k", "w", 101), envelope(1, "k", "w", 100)));
    apply.process(batch(envelope(2, "k", "w", 101)));

    assertEquals(
        List.of("1", "2"), sink.values("joined"), "101 and 100 applied, 101 again skipped");
    assertEquals(2L, storedCount(join, "k"));
  }

  @Test
  void shouldDeadLetterAJoinEnvelopeWhenItIsOlderThanTheDedupeWindow() {
    Join join = join();
    BatchHandler apply = handler(join.apply());

    apply.process(batch(envelope(0, "k", "w", 50_000), envelope(1, "k", "w", 5)));

    assertEquals(List.of("1"), sink.values("joined"));
    List<Message<byte[], byte[]>> dead = sink.records(join.apply().deadLetterTopic());
    assertEquals(1, dead.size());
    assertTrue(
        header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE)
            .contains("older than the dedupe window"),
        header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE));
  }

  @Test
  void shouldDeadLetterRecordsWhoseStateKeyNoStoreCanKeep() {
    Flow flow =
        Flows.stateful("test-poison-ids")
            .from(A)
            .stateKey((key, value) -> value.equals("lone") ? "x\uD800" : key) // half an emoji
            .state(COUNT)
            .apply((key, value, count) -> StateUpdate.set(count + 1, (count + 1) + ":" + value))
            .to(OUT);

    handler(flow)
        .process(
            batch(
                msg("a", 0, "x\u0000y", "nul"), msg("a", 1, "x", "lone"), msg("a", 2, "k", "ok")));

    assertEquals(List.of("1:ok"), sink.values("out"));
    List<String> reasons =
        sink.records(flow.deadLetterTopic()).stream()
            .map(m -> header(m, DeadLetterHeaders.ERROR_MESSAGE))
            .toList();
    assertEquals(2, reasons.size());
    assertTrue(reasons.get(0).contains("U+0000"), reasons.get(0));
    assertTrue(reasons.get(1).contains("lone UTF-16 surrogate"), reasons.get(1));
  }

  @Test
  void shouldDeadLetterTheKeysRecordsAndKeepItsBytesWhenTheStoredStateDoesNotDecode() {
    Flow flow = count(COUNT);
    table().write(List.of(new StateRow("k", bytes("not a number"), 1, null, null, 1)));
    BatchHandler handler = handler(flow);

    handler.process(batch(msg("a", 0, "k", "v0"), msg("a", 1, "other", "v1")));
    handler.process(batch(msg("a", 0, "k", "v0"))); // a replay: not dead-lettered again

    assertEquals(List.of("1:v1"), sink.values("out"));
    List<Message<byte[], byte[]>> dead = sink.records(flow.deadLetterTopic());
    assertEquals(1, dead.size());
    assertTrue(
        header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE)
            .contains("cannot decode stored state of k"));
    assertArrayEquals(bytes("not a number"), table().load(List.of("k")).get("k").state());
  }

  @Test
  void shouldUpgradeAnOlderStateWhenARecordReachesIt() {
    StateSpec<String> v2 =
        StateSpec.of("count", string(), () -> "n=0").upgradedFrom(COUNT, n -> "n=" + n);
    Flow flow =
        Flows.stateful("test-upgraded-count")
            .from(A)
            .state(v2)
            .apply(
                (key, value, s) -> {
                  String next = "n=" + (Long.parseLong(s.substring(2)) + 1);
                  return StateUpdate.set(next, next);
                })
            .to(OUT);
    table().write(List.of(new StateRow("k", bytes("5"), 1, null, null, 1)));

    handler(flow).process(batch(msg("a", 0, "k", "v")));

    assertEquals(List.of("n=6"), sink.values("out"));
    StateRow row = table().load(List.of("k")).get("k");
    assertEquals(2, row.stateVersion());
    assertArrayEquals(bytes("n=6"), row.state());
  }

  @Test
  void shouldFailTheBatchWithoutPublishingWhenANewerBuildWroteTheState() {
    Flow flow = count(COUNT);
    table().write(List.of(new StateRow("k", bytes("{}"), 2, null, null, 1)));

    FlowsException e =
        assertThrows(
            FlowsException.class, () -> handler(flow).process(batch(msg("a", 0, "k", "v"))));

    assertTrue(e.getMessage().contains("state format version 2"), e.getMessage());
    assertEquals(List.of(), sink.values("out"));
    assertEquals(List.of(), sink.records(flow.deadLetterTopic()));
  }

  @Test
  void shouldDeadLetterTheRecordsOfARowTheStoreRefusesAndWriteTheOthers() {
    Flow flow = count(COUNT);
    StateStore refusing = // refuses the row of "bad", as PostgreSQL refuses a value it cannot hold
        new WriteHookStore(
            store,
            (name, table, rows) -> {
              List<StateRow> accepted = rows.stream().filter(r -> !r.id().equals("bad")).toList();
              WriteResult written = table.write(accepted);
              return rows.size() == accepted.size()
                  ? written
                  : new WriteResult(
                      written.conflicts(), Map.of("bad", "value too long for the index"));
            });

    handler(flow, refusing).process(batch(msg("a", 0, "bad", "v0"), msg("a", 1, "good", "v1")));

    assertEquals(List.of("1:v1"), sink.values("out"));
    List<Message<byte[], byte[]>> dead = sink.records(flow.deadLetterTopic());
    assertEquals(1, dead.size());
    assertEquals("store", header(dead.get(0), DeadLetterHeaders.ERROR_STAGE));
    assertTrue(header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE).contains("value too long"));
    assertEquals(Set.of("good"), table().load(List.of("bad", "good")).keySet());
  }

  @Test
  void shouldRewindThenReloadTheOpenWindowsWhenAnotherInstanceWroteThemFirst() {
    Flow flow =
        Flows.stateful("test-window-final-count")
            .from(A)
            .windowedBy(Windows.tumbling(Duration.ofMinutes(1)).emitOnClose())
            .state(COUNT)
            .apply((window, value, n) -> StateUpdate.set(n + 1, Long.toString(n + 1)))
            .to(topic("window-counts", Windowed.format(string()), string()));
    BatchHandler zombie = handler(flow);
    BatchHandler owner = handler(flow);
    zombie.process(batch(timed(0, "k", 10)));
    owner.process(batch(timed(0, "k", 10), timed(1, "j", 20))); // its open windows: k and j

    FlowsException stale =
        assertThrows(FlowsException.class, () -> zombie.process(batch(timed(1, "j", 20))));

    assertTrue(
        stale.getMessage().contains("open windows row flows.windows/a/0 was written by another"),
        stale.getMessage());
    zombie.process(batch(timed(1, "j", 20))); // the retry reads the owner's row: j is there
    owner.process(batch(timed(2, "k", 60_000))); // closes window 0, with both rows

    assertEquals(List.of("1", "1"), sink.values("window-counts"));
  }

  @Test
  void shouldLoadEveryBatchsRowsWhenTheStateKeepsNoRowsInMemory() {
    LoadCountingStore counting = new LoadCountingStore(store);
    BatchHandler cached = handler(count(COUNT), counting);
    cached.process(batch(msg("a", 0, "k", "v0")));
    cached.process(batch(msg("a", 1, "k", "v1")));
    assertEquals(1, counting.loads, "the default cache serves the second batch");

    counting.loads = 0;
    BatchHandler uncached = handler(count(COUNT.withCacheRows(0)), counting);
    uncached.process(batch(msg("a", 2, "k", "v2")));
    uncached.process(batch(msg("a", 3, "k", "v3")));

    assertEquals(2, counting.loads);
    assertEquals(List.of("1:v0", "2:v1", "3:v2", "4:v3"), sink.values("out"));
  }

  @Test
  void shouldRefuseANegativeCacheSizeNamingIt() {
    FlowDefinitionException e =
        assertThrows(FlowDefinitionException.class, () -> COUNT.withCacheRows(-1));

    assertEquals("cacheRows is negative, got -1: use 0 (no cache) or more rows", e.getMessage());
  }

  private static Flow latestCount() {
    return Flows.stateful("test-latest-count")
        .from(A)
        .state(COUNT)
        .apply(
            (key, value, count) -> {
              if (value.equals("bad")) {
                throw new IllegalArgumentException("bad value");
              }
              return StateUpdate.set(count + 1, (count + 1) + ":" + value);
            })
        .emitLatestPerBatch()
        .to(OUT);
  }

  private static Batch fiveCounts() {
    return batch(
        msg("a", 0, "k1", "a0"),
        msg("a", 1, "k2", "a1"),
        msg("a", 2, "k1", "a2"),
        msg("a", 3, "k1", "a3"),
        msg("a", 4, "k2", "a4"));
  }

  @Test
  void shouldPublishEachKeysLastOutputOfABatchAndStoreEveryStateChangeWithEmitLatestPerBatch() {
    Flow flow = latestCount();

    handler(flow).process(fiveCounts());
    handler(flow).process(batch(msg("a", 5, "k1", "a5")));

    assertEquals(List.of("3:a3", "2:a4", "4:a5"), sink.values("out"));
    assertEquals(4L, storedCount("k1"));
    assertEquals(2L, storedCount("k2"));
    assertTrue(
        flow.describe().text().contains("publishing each batch's last output per key"),
        flow.describe().text());
  }

  @Test
  void shouldReEmitOnlyEachKeysLastOutputWhenABatchIsReplayedAfterACrash() {
    Flow flow = latestCount();
    sink.failing = true; // the first owner writes k1 and k2, then cannot publish and dies
    assertThrows(PublishFailedException.class, () -> handler(flow).process(fiveCounts()));
    assertEquals(2, sink.attempted.size(), "only the last output per key was sent");
    sink.failing = false;
    BatchHandler next = handler(flow);

    // the replay comes in other batches: the first holds only superseded outputs
    next.process(batch(msg("a", 0, "k1", "a0"), msg("a", 1, "k2", "a1")));
    next.process(batch(msg("a", 2, "k1", "a2"), msg("a", 3, "k1", "a3"), msg("a", 4, "k2", "a4")));

    assertEquals(List.of("3:a3", "2:a4"), sink.values("out"), "each key's last count, once");
    assertEquals(3L, storedCount("k1"), "no record applied twice");
    assertEquals(2L, storedCount("k2"));
  }

  @Test
  void shouldPublishEveryDeadLetterWithEmitLatestPerBatch() {
    Flow flow = latestCount();

    handler(flow)
        .process(batch(msg("a", 0, "k1", "a0"), msg("a", 1, "k1", "bad"), msg("a", 2, "k1", "a2")));

    assertEquals(List.of("2:a2"), sink.values("out"));
    List<Message<byte[], byte[]>> dead = sink.records(flow.deadLetterTopic());
    assertEquals(1, dead.size(), "the dead letter is not superseded by the later count");
    assertEquals("bad value", header(dead.get(0), DeadLetterHeaders.ERROR_MESSAGE));
  }

  @Test
  void shouldKeepTheLastOutputOfEachOfManyKeysOfOneRowWithEmitLatestPerBatch() {
    Flow flow =
        Flows.stateful("test-latest-one-row")
            .from(A)
            .stateKey((key, value) -> "all") // one row, its outputs keyed by the records' keys
            .state(COUNT)
            .apply((key, value, count) -> StateUpdate.set(count + 1, (count + 1) + ":" + value))
            .emitLatestPerBatch()
            .to(OUT);
    List<Message<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      records.add(msg("a", i, "k" + i % 12, "a" + i)); // more keys than are compared one by one
    }

    handler(flow).process(Batch.of(records));

    List<String> expected = new ArrayList<>();
    for (int i = 18; i < 30; i++) {
      expected.add((i + 1) + ":a" + i); // each key's last record, in offset order
    }
    assertEquals(expected, sink.values("out"));
    assertEquals(30L, storedCount("all"));
  }

  @Test
  void shouldRefuseEmitLatestPerBatchOnWindowsEmittingOnClose() {
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class,
            () ->
                Flows.stateful("test-latest-windows")
                    .from(A)
                    .windowedBy(Windows.tumbling(Duration.ofSeconds(10)).emitOnClose())
                    .state(COUNT)
                    .apply((key, value, count) -> StateUpdate.set(count + 1, "" + (count + 1)))
                    .emitLatestPerBatch());

    assertEquals(
        "emitLatestPerBatch() of test-latest-windows cannot be combined with windows emitting on"
            + " close, which publish one result per window already, got 'emitOnClose()': keep"
            + " emitOnClose() for final results, or drop it to publish each batch's latest",
        e.getMessage());
  }

  private long storedCount(String id) {
    StateRow row = table().load(List.of(id)).get(id);
    return Long.parseLong(new String(row.state(), StandardCharsets.UTF_8));
  }

  private BatchHandler handler(Flow flow) {
    return handler(flow, store);
  }

  private BatchHandler handler(Flow flow, StateStore stateStore) {
    Engine engine =
        FlowWiring.engine(
            flow,
            new FlowWiring.Parts(
                sink,
                new AtLeastOnceDelivery(sink),
                stateStore,
                null,
                null,
                null,
                Clock.systemUTC(),
                Sleeper.NONE,
                FlowMetrics.inMemory(flow.name()),
                Untraced.INSTANCE));
    return ((BatchEngine) engine).handler();
  }

  private StateTable table() {
    return store.table(COUNT.table());
  }

  private long storedCount(Join join, String id) {
    StateRow row = store.table("flows_joined_state").load(List.of(id)).get(id);
    return Long.parseLong(new String(row.state(), StandardCharsets.UTF_8));
  }

  private static Join join() {
    Topic<String, String> words = topic("words", string(), string());
    return Flows.join("test-join-order")
        .through("join-order-intermediate")
        .state(StateSpec.of("joined", Formats.longs(), () -> 0L))
        .on(words, (k, v) -> k, (k, v, n) -> StateUpdate.set(n + 1, Long.toString(n + 1)))
        .to(topic("joined", string(), string()));
  }

  /** An envelope at {@code intermediateOffset} carrying record {@code words-0@origin}. */
  private static Message<byte[], byte[]> envelope(
      long intermediateOffset, String id, String value, long origin) {
    byte[] wrapped =
        Envelope.encode(
            new Message<>("words", 0, origin, 0L, bytes(id), bytes(value), Headers.empty()));
    return new Message<>(
        "join-order-intermediate", 0, intermediateOffset, 0L, bytes(id), wrapped, Headers.empty());
  }

  private static Message<byte[], byte[]> msg(String topic, long offset, String key, String value) {
    return new Message<>(topic, 0, offset, 0L, bytes(key), bytes(value), Headers.empty());
  }

  /** A record of partition a-0 at {@code offset} with its key as value, stamped {@code time}. */
  private static Message<byte[], byte[]> timed(long offset, String key, long time) {
    return new Message<>("a", 0, offset, time, bytes(key), bytes(key), Headers.empty());
  }

  @SafeVarargs
  private static Batch batch(Message<byte[], byte[]>... records) {
    return Batch.of(List.of(records));
  }

  private static String header(Message<byte[], byte[]> message, String key) {
    return new String(message.headers().lastValue(key).orElseThrow(), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  /** Records what is sent; while {@code failing}, fails every send as a broker would. */
  private static final class RecordingSink implements Sink {
    private final List<OutgoingRecord> sent = new CopyOnWriteArrayList<>();
    private final List<OutgoingRecord> attempted = new CopyOnWriteArrayList<>();
    volatile boolean failing;

    @Override
    public void send(OutgoingRecord record, Ack ack) {
      attempted.add(record);
      if (failing) {
        ack.completed(new IOException("broker unavailable"));
        return;
      }
      sent.add(record);
      ack.completed(null);
    }

    List<String> values(String topic) {
      return records(topic).stream()
          .map(m -> new String(m.value(), StandardCharsets.UTF_8))
          .toList();
    }

    List<Message<byte[], byte[]>> records(String topic) {
      List<Message<byte[], byte[]>> records = new ArrayList<>();
      for (OutgoingRecord r : sent) {
        if (r.topic().equals(topic)) {
          records.add(new Message<>(topic, 0, records.size(), 0L, r.key(), r.value(), r.headers()));
        }
      }
      return records;
    }

    @Override
    public void flush() {}

    @Override
    public boolean isRecordError(Exception error) {
      return false;
    }

    @Override
    public void close() {}
  }

  /** A store counting the loads of its tables. */
  private static final class LoadCountingStore implements StateStore {
    private final StateStore store;
    int loads;

    LoadCountingStore(StateStore store) {
      this.store = store;
    }

    @Override
    public StateTable table(String name) {
      StateTable table = store.table(name);
      return new StateTable() {
        @Override
        public Map<String, StateRow> load(Collection<String> ids) {
          loads++;
          return table.load(ids);
        }

        @Override
        public WriteResult write(List<StateRow> rows) {
          return table.write(rows);
        }
      };
    }

    @Override
    public TopicLedger topics() {
      return store.topics();
    }

    @Override
    public void close() {}
  }
}
