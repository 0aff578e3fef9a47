package dev.flows.internal.runtime;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Column;
import dev.flows.Flow;
import dev.flows.FlowOptions;
import dev.flows.Flows;
import dev.flows.FlowsException;
import dev.flows.Headers;
import dev.flows.Message;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.TableSpec;
import dev.flows.format.Formats;
import dev.flows.internal.trace.Untraced;
import dev.flows.spi.MarkerPurge;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.PartitionListener;
import dev.flows.spi.RefusedChanges;
import dev.flows.spi.Sink;
import dev.flows.spi.Source;
import dev.flows.spi.SourcePartition;
import dev.flows.spi.StateRow;
import dev.flows.spi.StateStore;
import dev.flows.spi.TableSink;
import dev.flows.spi.TopicLedger;
import dev.flows.state.InMemoryStateStore;
import dev.flows.testing.InMemoryTableSink;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pipelined stateful batches (docs/semantics.md): batch N+1 loads, applies and writes while batch N
 * awaits its acknowledgements, and yet offsets are never committed past an unacknowledged batch,
 * N+1's write keeps N's unacknowledged outputs in the row both touch, and a failed or abandoned N
 * has both batches' outputs published again. On the in-memory store with a sink that holds the
 * acknowledgement of batch N's output until the test lets it go; batches of one record each, both
 * of key {@code k}.
 */
class PipelinedBatchesTest {
  private static final SourcePartition WORDS_0 = new SourcePartition("words", 0);
  private static final long WAIT_SECONDS = 20;
  private static final String OUT = "words-counted";
  private static final String N_OUTPUT = "k=1:w0";
  private static final String N1_OUTPUT = "k=2:w1";

  private final StateStore store = InMemoryStateStore.create();
  private final CountDownLatch secondApplied = new CountDownLatch(1);
  private final List<RunningLoop> loops = new CopyOnWriteArrayList<>();

  private final Flow flow =
      Flows.stateful("test-pipelined-count", FlowOptions.defaults().withMaxRecords(1))
          .from(topic("words", string(), string()))
          .state(StateSpec.of("pipelined", Formats.longs(), () -> 0L))
          .apply(
              (key, value, count) -> {
                if (value.equals("w1")) {
                  secondApplied.countDown();
                }
                return StateUpdate.set(count + 1, (count + 1) + ":" + value);
              })
          .to(topic(OUT, string(), string()));

  private final CountDownLatch secondMapped = new CountDownLatch(1);
  private final Flow materialise =
      Flows.materialise("test-pipelined-rows", FlowOptions.defaults().withMaxRecords(1))
          .from(topic("words", string(), string()))
          .into(
              HoldingTableSink.TABLE,
              (key, value) -> {
                if (value.equals("w1")) {
                  secondMapped.countDown();
                }
                return Row.of("value", value);
              });

  @AfterEach
  void stopLoops() throws InterruptedException {
    for (RunningLoop loop : loops) {
      loop.stop();
    }
  }

  @Test
  void shouldApplyTheNextBatchWhileTheFirstAwaitsItsAcknowledgementWithoutCommittingPastIt()
      throws InterruptedException {
    HoldingSink sink = new HoldingSink(N_OUTPUT);
    ScriptedSource source = new ScriptedSource();
    RunningLoop loop = start(sink, source, Duration.ofSeconds(WAIT_SECONDS));

    assertTrue(sink.held.await(WAIT_SECONDS, TimeUnit.SECONDS), "batch N sent its output");
    assertTrue(
        secondApplied.await(WAIT_SECONDS, TimeUnit.SECONDS),
        "batch N+1 was applied while batch N awaited its acknowledgement");
    await(() -> sink.sent().contains(N1_OUTPUT), "batch N+1 sent its output");
    int polls = source.polls.get();
    await(() -> source.polls.get() >= polls + 20, "the loop polled on");
    assertEquals(List.of(), source.commits, "no offset committed while batch N is unacknowledged");

    sink.release(null);
    await(() -> source.commits.contains(2L), "both batches committed");

    assertEquals(List.of(1L, 2L), source.commits, "offsets committed in batch order");
    assertEquals(List.of(N_OUTPUT, N1_OUTPUT), sink.sent());
    assertEquals(2, storedCount());
    loop.stop();
  }

  @Test
  void shouldPublishBothBatchesAgainWhenTheFirstOnesPublishFails() throws InterruptedException {
    HoldingSink sink = new HoldingSink(N_OUTPUT);
    ScriptedSource source = new ScriptedSource();
    start(sink, source, Duration.ofSeconds(WAIT_SECONDS));
    assertTrue(sink.held.await(WAIT_SECONDS, TimeUnit.SECONDS), "batch N sent its output");
    assertTrue(secondApplied.await(WAIT_SECONDS, TimeUnit.SECONDS), "batch N+1 applied");
    await(() -> sink.sent().contains(N1_OUTPUT), "batch N+1 sent its output");

    sink.release(new IllegalStateException("broker down"));
    await(() -> source.commits.contains(2L), "both batches committed after the retry");

    assertEquals(
        List.of(N_OUTPUT, N1_OUTPUT, N_OUTPUT, N1_OUTPUT),
        sink.sent(),
        "both batches' stored outputs published again, in order");
    assertEquals(List.of(1L, 2L), source.commits, "nothing committed before the retry");
    assertEquals(2, storedCount(), "each record applied once");
  }

  @Test
  void shouldPublishBothBatchesAgainAfterAStopWithTheFirstUnacknowledged()
      throws InterruptedException {
    HoldingSink holding = new HoldingSink(N_OUTPUT);
    ScriptedSource first = new ScriptedSource();
    RunningLoop dying = start(holding, first, Duration.ofMillis(1));
    assertTrue(holding.held.await(WAIT_SECONDS, TimeUnit.SECONDS), "batch N sent its output");
    assertTrue(secondApplied.await(WAIT_SECONDS, TimeUnit.SECONDS), "batch N+1 applied");
    await(() -> holding.sent().contains(N1_OUTPUT), "batch N+1 sent its output");
    assertEquals(2, storedCount(), "N+1's state is written");

    dying.stop(); // gives batch N up: its acknowledgement never comes
    assertEquals(List.of(), first.commits, "nothing committed past the unacknowledged batch");

    HoldingSink next = new HoldingSink(null);
    ScriptedSource restarted = new ScriptedSource();
    start(next, restarted, Duration.ofSeconds(WAIT_SECONDS));
    await(() -> restarted.commits.contains(2L), "the restarted loop committed both");

    assertEquals(
        List.of(N_OUTPUT, N1_OUTPUT), next.sent(), "N's and N+1's outputs published again");
    assertEquals(2, storedCount(), "each record applied once");
  }

  @Test
  void shouldCheckTheNextMaterialiseBatchWhileTheFirstIsWrittenAndWriteItAfter()
      throws InterruptedException {
    HoldingTableSink tables = new HoldingTableSink();
    ScriptedSource source = new ScriptedSource();
    start(materialise, new HoldingSink(null), tables, source, Duration.ofSeconds(WAIT_SECONDS));

    assertTrue(tables.held.await(WAIT_SECONDS, TimeUnit.SECONDS), "batch N's write began");
    assertTrue(
        secondMapped.await(WAIT_SECONDS, TimeUnit.SECONDS),
        "batch N+1's record was mapped while batch N was written");
    int polls = source.polls.get();
    await(() -> source.polls.get() >= polls + 20, "the loop polled on");
    assertEquals(List.of("w0"), tables.writes(), "batch N+1 not written beside batch N");
    assertEquals(List.of(), source.commits, "no offset committed while batch N is written");

    tables.release(null);
    await(() -> source.commits.contains(2L), "both batches committed");

    assertEquals(List.of("w0", "w1"), tables.writes(), "written in batch order");
    assertEquals(List.of(1L, 2L), source.commits, "offsets committed in batch order");
    assertEquals(Row.of("value", "w1"), tables.rows().get("k"), "the last record's row");
  }

  @Test
  void shouldWriteBothMaterialiseBatchesAgainInOrderWhenTheFirstOnesWriteFails()
      throws InterruptedException {
    HoldingTableSink tables = new HoldingTableSink();
    ScriptedSource source = new ScriptedSource();
    start(materialise, new HoldingSink(null), tables, source, Duration.ofSeconds(WAIT_SECONDS));
    assertTrue(tables.held.await(WAIT_SECONDS, TimeUnit.SECONDS), "batch N's write began");
    assertTrue(secondMapped.await(WAIT_SECONDS, TimeUnit.SECONDS), "batch N+1 mapped");

    tables.release(new FlowsException("database down"));
    await(() -> source.commits.contains(2L), "both batches committed after the retry");

    assertEquals(
        List.of("w0", "w0", "w1"), tables.writes(), "N+1 written only after N's retry succeeded");
    assertEquals(List.of(1L, 2L), source.commits, "nothing committed before the retry");
    assertEquals(Row.of("value", "w1"), tables.rows().get("k"), "the last record's row");
  }

  private RunningLoop start(Sink sink, Source source, Duration drainTimeout) {
    return start(flow, sink, null, source, drainTimeout);
  }

  private RunningLoop start(
      Flow flow, Sink sink, TableSink tables, Source source, Duration drainTimeout) {
    FlowMetrics metrics = FlowMetrics.inMemory(flow.name());
    Delivery delivery = new AtLeastOnceDelivery(sink);
    BatchHandler handler =
        ((BatchEngine)
                FlowWiring.engine(
                    flow,
                    new FlowWiring.Parts(
                        sink,
                        delivery,
                        store,
                        tables,
                        null,
                        null,
                        Clock.systemUTC(),
                        Sleeper.NONE,
                        metrics,
                        Untraced.INSTANCE)))
            .handler();
    PollLoop loop =
        new PollLoop(
            flow,
            source,
            new BatchRunner(
                Executors.newFixedThreadPool(2),
                handler,
                metrics,
                drainTimeout,
                KeyLanes.sequential(),
                delivery),
            Clock.systemUTC(),
            new FlowState());
    Thread thread = new Thread(loop, "test-pipelined-loop");
    thread.setDaemon(true);
    thread.start();
    RunningLoop running = new RunningLoop(loop, thread);
    loops.add(running);
    return running;
  }

  private long storedCount() {
    StateRow row = store.table("flows_pipelined_state").load(List.of("k")).get("k");
    return row == null ? 0 : Long.parseLong(new String(row.state(), StandardCharsets.UTF_8));
  }

  /** Waits (bounded) for {@code condition}, checking whenever the loop may have moved on. */
  private static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /** A loop on its thread. */
  private record RunningLoop(PollLoop loop, Thread thread) {
    void stop() throws InterruptedException {
      loop.stop();
      thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
      assertFalse(thread.isAlive(), "the loop stopped");
    }
  }

  /**
   * Records every send as {@code key=value}, acknowledging each at once except the first send of
   * {@code heldValue}, whose acknowledgement waits for {@link #release}.
   */
  private static final class HoldingSink implements Sink {
    private final String heldValue;
    private final List<String> sent = new CopyOnWriteArrayList<>();
    private final CountDownLatch held = new CountDownLatch(1);
    private final AtomicReference<Ack> heldAck = new AtomicReference<>();

    HoldingSink(String heldValue) {
      this.heldValue = heldValue;
    }

    @Override
    public void send(OutgoingRecord record, Ack ack) {
      String text = text(record.key()) + "=" + text(record.value());
      sent.add(text);
      if (text.equals(heldValue) && held.getCount() > 0) {
        heldAck.set(ack);
        held.countDown();
        return;
      }
      ack.completed(null);
    }

    /** Acknowledges the held send, or fails it with {@code error}. */
    void release(Exception error) {
      heldAck.get().completed(error);
    }

    List<String> sent() {
      return List.copyOf(sent);
    }

    private static String text(byte[] bytes) {
      return new String(bytes, StandardCharsets.UTF_8);
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

  /**
   * An in-memory table sink that records the value of each write's row as the write begins and
   * holds the first write, of {@code w0}, until {@link #release}, which lets it succeed or fail.
   */
  private static final class HoldingTableSink implements TableSink {
    static final TableSpec TABLE =
        TableSpec.of("pipelined_rows", Column.text("id")).withColumn(Column.text("value"));

    private final InMemoryTableSink memory = InMemoryTableSink.create();
    private final List<String> writes = new CopyOnWriteArrayList<>();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private volatile RuntimeException failure;

    @Override
    public void prepare(TableSpec table) {
      memory.prepare(table);
    }

    @Override
    public List<RefusedChanges> write(TableSpec table, List<RowChanges> changes) {
      String value = (String) changes.get(0).upserts().get(0).get("value");
      writes.add(value);
      if (value.equals("w0") && held.getCount() > 0) {
        held.countDown();
        awaitRelease();
        if (failure != null) {
          throw failure;
        }
      }
      return memory.write(table, changes);
    }

    /** Lets the held write go on, failing with {@code error} unless it is null. */
    void release(RuntimeException error) {
      failure = error;
      released.countDown();
    }

    List<String> writes() {
      return List.copyOf(writes);
    }

    /** The table's rows by key, without the key column. */
    Map<Object, Row> rows() {
      Map<Object, Row> rows = new HashMap<>();
      memory.rows(TABLE.name()).forEach((k, row) -> rows.put(k, Row.of("value", row.get("value"))));
      return rows;
    }

    private void awaitRelease() {
      try {
        assertTrue(released.await(WAIT_SECONDS, TimeUnit.SECONDS), "the held write released");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new FlowsException("interrupted", e);
      }
    }

    @Override
    public int purgeMarkers(TableSpec table, MarkerPurge purge) {
      return memory.purgeMarkers(table, purge);
    }

    @Override
    public TopicLedger topics() {
      return memory.topics();
    }

    @Override
    public void close() {}
  }

  /**
   * One partition holding {@code k=w0} at offset 0 and {@code k=w1} at offset 1, read from the
   * committed offset (none: the start); seeks and commits as a consumer would.
   */
  private final class ScriptedSource implements Source {
    private final List<Message<byte[], byte[]>> records = List.of(record(0, "w0"), record(1, "w1"));
    private final List<Long> commits = new CopyOnWriteArrayList<>();
    private final AtomicInteger polls = new AtomicInteger();
    private final AtomicLong position = new AtomicLong();
    private volatile boolean running;

    @Override
    public void subscribe(Collection<String> topics, PartitionListener listener) {
      running = true;
      listener.onAssigned(Set.of(WORDS_0));
    }

    @Override
    public List<Message<byte[], byte[]>> poll(Duration timeout) {
      polls.incrementAndGet();
      int from = (int) position.get();
      if (from == records.size()) {
        LockSupport.parkNanos(timeout.toNanos()); // a consumer with nothing new waits its timeout
        return List.of();
      }
      position.set(records.size());
      return records.subList(from, records.size());
    }

    @Override
    public void pause(Collection<SourcePartition> partitions) {}

    @Override
    public void resume(Collection<SourcePartition> partitions) {}

    @Override
    public void seek(SourcePartition partition, long offset) {
      position.set(offset);
    }

    @Override
    public void commit(Map<SourcePartition, Long> nextOffsets) {
      commits.add(nextOffsets.get(WORDS_0));
    }

    @Override
    public Set<SourcePartition> assignment() {
      return running ? Set.of(WORDS_0) : Set.of();
    }

    @Override
    public Map<SourcePartition, Long> lag() {
      return Map.of();
    }

    @Override
    public void close() {
      running = false;
    }

    private Message<byte[], byte[]> record(long offset, String value) {
      return new Message<>(
          "words",
          0,
          offset,
          0L,
          "k".getBytes(StandardCharsets.UTF_8),
          value.getBytes(StandardCharsets.UTF_8),
          Headers.empty());
    }
  }
}
