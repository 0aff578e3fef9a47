package dev.flows.internal.runtime;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.ErrorPolicy;
import dev.flows.FailureClass;
import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.Topic;
import dev.flows.dsl.StateFunction;
import dev.flows.format.Formats;
import dev.flows.spi.Sink;
import dev.flows.spi.StateRow;
import dev.flows.spi.StateStore;
import dev.flows.spi.WriteResult;
import dev.flows.state.InMemoryStateStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A stateful flow with {@code concurrency > 1} at the processor, on the in-memory store, with real
 * lane threads: persistence ids run at once, each id's records in offset order, and the batch
 * publishes exactly what, and in the order, concurrency 1 publishes. The same on a real broker and
 * PostgreSQL under SIGKILL: {@code StatefulFaultIT} in flows-examples.
 */
class StatefulLanesTest {
  /**
   * Long enough never to expire on a slow machine; only reached if the lanes do not run together.
   */
  private static final long TIMEOUT_SECONDS = 30;

  private static final Topic<String, String> IN = topic("in", string(), string());
  private static final Topic<String, String> OUT = topic("out", string(), string());
  private static final StateSpec<Long> COUNT = StateSpec.of("count", Formats.longs(), () -> 0L);

  private final RealLanes lanes = new RealLanes();

  @AfterEach
  void shutdownLanes() {
    lanes.close();
  }

  @Test
  void shouldPublishAndStoreWhatConcurrencyOnePublishesInItsOrderWhenConcurrencyIsEight() {
    List<List<Message<byte[], byte[]>>> batches = mixedBatches();
    Map<String, List<Long>> appliedAtEight = new ConcurrentHashMap<>();
    Run one = run(1, batches, new ConcurrentHashMap<>());
    Run eight = run(8, batches, appliedAtEight);

    assertEquals(one.published(), eight.published(), "outputs and dead letters, in order");
    assertTrue(eight.published().size() > 1_000, "outputs: " + eight.published().size());
    assertTrue(
        eight.published().stream().anyMatch(p -> p.startsWith("test-lanes-count.dlq")),
        "the poison records are dead-lettered");
    assertEquals(one.states(), eight.states(), "stored counts");
    appliedAtEight.forEach(
        (id, offsets) ->
            assertEquals(offsets.stream().sorted().toList(), offsets, "offsets applied to " + id));
    assertTrue(eight.threads().size() > 1, "ran on lanes: " + eight.threads());
  }

  @Test
  void shouldRunEightIdsAtOnceWhenConcurrencyIsEight() {
    CyclicBarrier allEight = new CyclicBarrier(8);
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    Flow flow =
        count(
            8,
            (key, value, n) -> {
              threads.add(Thread.currentThread());
              if (n == 0) {
                await(allEight); // each id's first record: passes only if all eight run at once
              }
              return StateUpdate.set(n + 1, (n + 1) + ":" + value);
            });
    List<Message<byte[], byte[]>> batch = new ArrayList<>();
    for (int offset = 0; offset < 16; offset++) {
      batch.add(msg(offset, "id" + (offset % 8), "v" + offset));
    }
    RecordingSink sink = new RecordingSink();

    handler(flow, InMemoryStateStore.create(), sink).process(Batch.of(batch));

    assertEquals(8, threads.size(), "eight lane threads");
    assertEquals(
        List.of(
            "id0=1:v0",
            "id0=2:v8",
            "id1=1:v1",
            "id1=2:v9",
            "id2=1:v2",
            "id2=2:v10",
            "id3=1:v3",
            "id3=2:v11",
            "id4=1:v4",
            "id4=2:v12",
            "id5=1:v5",
            "id5=2:v13",
            "id6=1:v6",
            "id6=2:v14",
            "id7=1:v7",
            "id7=2:v15"),
        sink.keyValues(OUT.name()),
        "grouped by id in the order of the batch, each id's records in offset order");
  }

  @Test
  void shouldPublishInTheBatchsOrderWhenTheFirstIdFinishesLast() {
    CountDownLatch othersApplied = new CountDownLatch(7);
    List<String> finished = new CopyOnWriteArrayList<>();
    StateFunction<String, String, Long, String> slowFirst =
        (key, value, n) -> {
          if (key.equals("id0")) {
            await(othersApplied); // the slow call of id0 outlasts every other id's
          }
          finished.add(key);
          if (!key.equals("id0")) {
            othersApplied.countDown();
          }
          return StateUpdate.set(n + 1, (n + 1) + ":" + value);
        };
    List<Message<byte[], byte[]>> batch = new ArrayList<>();
    for (int offset = 0; offset < 8; offset++) {
      batch.add(msg(offset, "id" + offset, "v" + offset));
    }
    RecordingSink eight = new RecordingSink();

    handler(count(8, slowFirst), InMemoryStateStore.create(), eight).process(Batch.of(batch));

    assertEquals("id0", finished.get(finished.size() - 1), "id0 finished last: " + finished);
    assertEquals(publishedAtConcurrencyOne(batch), eight.keyValues(OUT.name()));
    assertEquals("id0=1:v0", eight.keyValues(OUT.name()).get(0));
  }

  @Test
  void shouldStopTheLanesAndWriteAndPublishNothingWhenTheBatchIsCancelled() throws Exception {
    CountDownLatch twoBlocked = new CountDownLatch(2);
    CountDownLatch never = new CountDownLatch(1);
    AtomicInteger applied = new AtomicInteger();
    AtomicInteger running = new AtomicInteger();
    Flow flow =
        count(
            2,
            (key, value, n) -> {
              applied.incrementAndGet();
              running.incrementAndGet();
              try {
                twoBlocked.countDown();
                if (!never.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                  throw new AssertionError("the lane was not interrupted");
                }
                return StateUpdate.set(n + 1, "not published");
              } finally {
                running.decrementAndGet();
              }
            });
    List<Message<byte[], byte[]>> records = new ArrayList<>();
    for (int offset = 0; offset < 10; offset++) {
      records.add(msg(offset, "id" + offset, "v" + offset));
    }
    Batch batch = Batch.of(records);
    StateStore store = InMemoryStateStore.create();
    RecordingSink sink = new RecordingSink();
    BatchHandler handler = handler(flow, store, sink);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicInteger runningWhenItEnded = new AtomicInteger(-1);
    Thread batchThread =
        new Thread(
            () -> {
              try {
                handler.process(batch);
              } catch (Throwable e) {
                runningWhenItEnded.set(running.get());
                thrown.set(e);
              }
            });
    batchThread.start();
    assertTrue(twoBlocked.await(TIMEOUT_SECONDS, TimeUnit.SECONDS), "both lanes blocked");

    batch.cancellation().cancel(); // what a drain or revoke timeout does
    batchThread.interrupt();
    batchThread.join(TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS));

    assertFalse(batchThread.isAlive(), "the cancelled batch ended");
    assertInstanceOf(BatchCancelledException.class, thrown.get());
    assertEquals(0, runningWhenItEnded.get(), "no lane still ran when the batch ended");
    assertEquals(2, applied.get(), "the ids not started were skipped");
    assertEquals(List.of(), sink.keyValues(OUT.name()));
    assertEquals(Map.of(), store.table(COUNT.table()).load(ids(10)));
  }

  @Test
  void shouldRedoOnTheLanesOnlyTheIdAnotherWriterWroteFirst() {
    StateStore store = InMemoryStateStore.create();
    Set<String> raced = new HashSet<>();
    StateStore racing = // another writer writes id3's row just before this processor's first write
        new WriteHookStore(
            store,
            (name, table, rows) -> {
              if (raced.add(name)) {
                table.write(List.of(new StateRow("id3", bytes("100"), 1, null, null, 1)));
              }
              return table.write(rows);
            });
    List<Message<byte[], byte[]>> batch = new ArrayList<>();
    for (int offset = 0; offset < 16; offset++) {
      batch.add(msg(offset, "id" + (offset % 8), "v" + offset));
    }
    RecordingSink sink = new RecordingSink();
    Flow flow = count(8, (key, value, n) -> StateUpdate.set(n + 1, (n + 1) + ":" + value));

    handler(flow, racing, sink).process(Batch.of(batch));

    List<String> published = sink.keyValues(OUT.name());
    assertEquals(16, published.size(), published.toString());
    assertEquals(List.of("id3=101:v3", "id3=102:v11"), published.subList(6, 8));
    assertEquals(102L, stored(store, "id3"));
    assertEquals(2L, stored(store, "id7"));
  }

  @Test
  void shouldWriteTheRowsOfIdsAppliedWhileAnotherRunsAndCountEachRecordOnceWhenRetried() {
    ErrorPolicy transientState =
        ErrorPolicy.defaults()
            .withFailureClass(IllegalStateException.class, FailureClass.TRANSIENT);
    StateStore store = InMemoryStateStore.create();
    CountDownLatch written = new CountDownLatch(1);
    StateStore watched =
        new WriteHookStore(
            store,
            (name, table, rows) -> {
              WriteResult result = table.write(rows);
              written.countDown();
              return result;
            });
    AtomicReference<Boolean> failing = new AtomicReference<>(true);
    Flow flow =
        Flows.stateful(
                "test-lanes-count",
                FlowOptions.defaults().withConcurrency(8).withErrorPolicy(transientState))
            .from(IN)
            .state(COUNT)
            .apply(
                (String key, String value, Long n) -> {
                  if (key.equals("id7") && failing.get()) {
                    await(written); // a row is written while id7 is still applied
                    throw new IllegalStateException("the database behind id7 is down");
                  }
                  return StateUpdate.set(n + 1, (n + 1) + ":" + value);
                })
            .to(OUT);
    List<Message<byte[], byte[]>> batch = new ArrayList<>();
    for (int offset = 0; offset < 16; offset++) {
      batch.add(msg(offset, "id" + (offset % 8), "v" + offset));
    }
    RecordingSink sink = new RecordingSink();
    BatchHandler handler = handler(flow, watched, sink);

    assertThrows(TransientFailure.class, () -> handler.process(Batch.of(batch)));

    assertEquals(List.of(), sink.keyValues(OUT.name()), "nothing published");
    Map<String, StateRow> writtenFirst = store.table(COUNT.table()).load(ids(8));
    assertFalse(writtenFirst.isEmpty(), "rows written before the failure");
    assertFalse(writtenFirst.containsKey("id7"));
    failing.set(false);
    handler.process(Batch.of(batch)); // the poll loop's retry of the batch
    assertEquals(publishedAtConcurrencyOne(batch), sink.keyValues(OUT.name()), "each count once");
    for (String id : ids(8)) {
      assertEquals(2L, stored(store, id), id);
    }
  }

  /** What one run of {@link #mixedBatches()} published, stored, and the threads it applied on. */
  private record Run(List<String> published, Map<String, String> states, Set<Thread> threads) {}

  private Run run(
      int concurrency,
      List<List<Message<byte[], byte[]>>> batches,
      Map<String, List<Long>> applied) {
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    Flow flow =
        Flows.stateful("test-lanes-count", FlowOptions.defaults().withConcurrency(concurrency))
            .from(IN)
            .stateKey((key, value) -> "id" + Integer.parseInt(key.substring(1)) % 20)
            .state(COUNT)
            .apply(
                (key, value, n) -> {
                  threads.add(Thread.currentThread());
                  if (value.endsWith("poison")) {
                    throw new IllegalArgumentException("poison " + value);
                  }
                  String id = "id" + Integer.parseInt(key.substring(1)) % 20;
                  applied
                      .computeIfAbsent(id, k -> new CopyOnWriteArrayList<>())
                      .add(Long.parseLong(value.substring(1, value.indexOf('-'))));
                  LockSupport.parkNanos(ThreadLocalRandom.current().nextInt(50_000)); // jitter
                  return StateUpdate.set(n + 1, (n + 1) + ":" + value);
                })
            .to(OUT);
    StateStore store = InMemoryStateStore.create();
    RecordingSink sink = new RecordingSink();
    BatchHandler handler = handler(flow, store, sink);
    batches.forEach(records -> handler.process(Batch.of(records)));
    Map<String, String> states = new ConcurrentHashMap<>();
    store
        .table(COUNT.table())
        .load(ids(20))
        .forEach((id, row) -> states.put(id, new String(row.state(), StandardCharsets.UTF_8)));
    return new Run(sink.all(), states, threads);
  }

  /**
   * Three batches of 500 records over 50 record keys mapped to 20 persistence ids, some poison, in
   * a shuffled but fixed order.
   */
  private static List<List<Message<byte[], byte[]>>> mixedBatches() {
    Random random = new Random(16);
    List<List<Message<byte[], byte[]>>> batches = new ArrayList<>();
    long offset = 0;
    for (int b = 0; b < 3; b++) {
      List<Message<byte[], byte[]>> batch = new ArrayList<>();
      for (int i = 0; i < 500; i++, offset++) {
        String value = "v" + offset + (random.nextInt(50) == 0 ? "-poison" : "-ok");
        batch.add(msg(offset, "k" + random.nextInt(50), value));
      }
      batches.add(batch);
    }
    return batches;
  }

  private Flow count(int concurrency, StateFunction<String, String, Long, String> function) {
    return Flows.stateful("test-lanes-count", FlowOptions.defaults().withConcurrency(concurrency))
        .from(IN)
        .state(COUNT)
        .apply(function)
        .to(OUT);
  }

  /** What a plain count at concurrency 1 publishes for {@code batch} on an empty store. */
  private List<String> publishedAtConcurrencyOne(List<Message<byte[], byte[]>> batch) {
    RecordingSink one = new RecordingSink();
    handler(
            count(1, (key, value, n) -> StateUpdate.set(n + 1, (n + 1) + ":" + value)),
            InMemoryStateStore.create(),
            one)
        .process(Batch.of(batch));
    return one.keyValues(OUT.name());
  }

  private BatchHandler handler(Flow flow, StateStore store, Sink sink) {
    return lanes.handler(flow, store, sink);
  }

  private static long stored(StateStore store, String id) {
    StateRow row = store.table(COUNT.table()).load(List.of(id)).get(id);
    return Long.parseLong(new String(row.state(), StandardCharsets.UTF_8));
  }

  private static List<String> ids(int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add("id" + i);
    }
    return ids;
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the other ids' lanes did not run at the same time", e);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("the other ids were not applied in " + TIMEOUT_SECONDS + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    }
  }

  private static Message<byte[], byte[]> msg(long offset, String key, String value) {
    return new Message<>("in", 0, offset, 0L, bytes(key), bytes(value), Headers.empty());
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
