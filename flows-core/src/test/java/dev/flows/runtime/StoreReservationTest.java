package dev.flows.runtime;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.flows.Column;
import dev.flows.Flow;
import dev.flows.FlowDefinitionException;
import dev.flows.Flows;
import dev.flows.Message;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.TableSpec;
import dev.flows.Topic;
import dev.flows.spi.Connector;
import dev.flows.spi.MarkerPurge;
import dev.flows.spi.OutgoingRecord;
import dev.flows.spi.PartitionListener;
import dev.flows.spi.RefusedChanges;
import dev.flows.spi.Reservation;
import dev.flows.spi.Sink;
import dev.flows.spi.Source;
import dev.flows.spi.SourcePartition;
import dev.flows.spi.StateStore;
import dev.flows.spi.StateTable;
import dev.flows.spi.TableSink;
import dev.flows.spi.TopicLedger;
import dev.flows.state.InMemoryStateStore;
import dev.flows.testing.InMemoryTableSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md, "Connection budget": a runtime reserves one connection of its state store for
 * each flow that uses it (stateful flows, a join's merge step, cron flows with a store) and one of
 * its table sink for each materialise flow, two for one whose versioned table's deleted markers are
 * purged beside its batches, when it starts, and gives them back when it closes; a store that
 * cannot serve them refuses the start.
 */
class StoreReservationTest {
  private static final Topic<String, String> WORDS = topic("words", string(), string());
  private static final Topic<String, String> OUT = topic("words-out", string(), string());
  private static final StateSpec<String> STATE = StateSpec.of("last", string(), () -> "");

  private final List<String> events = new CopyOnWriteArrayList<>();

  @Test
  void shouldReserveAConnectionPerFlowUsingEachStoreWhileRunning() {
    Flow stateful =
        Flows.stateful("test-budget-count")
            .from(WORDS)
            .state(STATE)
            .apply((k, v, s) -> StateUpdate.set(v, v))
            .to(OUT);
    Flow cron = Flows.cron("test-budget-tick").schedule("@every 1h").produce(() -> "t").to(OUT);
    Flow stateless = Flows.stateless("test-budget-copy").from(WORDS).to(OUT);
    Flow materialise =
        Flows.materialise("test-budget-table")
            .from(WORDS)
            .into(TableSpec.of("last_words", Column.text("word")), (k, v) -> Row.of("word", k));

    FlowRuntime runtime =
        FlowRuntime.builder(stateful, cron, stateless, materialise)
            .connector(new IdleConnector())
            .stateStore(new RecordingStore())
            .tableSink(new RecordingSink())
            .build()
            .start();
    assertEquals(
        List.of(
            "state reserve [test-budget-count, test-budget-tick]",
            "tables reserve [test-budget-table]"),
        events);

    runtime.close();

    assertEquals(
        List.of(
            "state reserve [test-budget-count, test-budget-tick]",
            "tables reserve [test-budget-table]",
            "state release",
            "tables release"),
        events);
  }

  @Test
  void shouldReserveASecondTableSinkConnectionForAMaterialiseFlowPurgingItsMarkers() {
    Flow purging =
        Flows.materialise("test-budget-versions")
            .from(WORDS)
            .into(
                TableSpec.of("word_versions", Column.text("word"))
                    .withOffsetColumn("updated_offset"),
                (k, v) -> Row.of("word", k));
    Flow plain =
        Flows.materialise("test-budget-table")
            .from(WORDS)
            .into(TableSpec.of("last_words", Column.text("word")), (k, v) -> Row.of("word", k));

    try (FlowRuntime runtime =
        FlowRuntime.builder(purging, plain)
            .connector(new IdleConnector())
            .tableSink(new RecordingSink())
            .build()
            .start()) {

      assertEquals(
          List.of(
              "tables reserve [test-budget-versions, test-budget-versions (marker purge),"
                  + " test-budget-table]"),
          events,
          "the purge runs its statements beside the batches: a connection of its own");
    }
  }

  @Test
  void shouldReserveASecondStateStoreConnectionForAStatefulFlowPurgingExpiredRows() {
    Flow purging =
        Flows.stateful("test-budget-retention")
            .from(WORDS)
            .state(STATE.withRetention(Duration.ofDays(30)))
            .apply((k, v, s) -> StateUpdate.set(v, v))
            .to(OUT);

    try (FlowRuntime runtime =
        FlowRuntime.builder(purging)
            .connector(new IdleConnector())
            .stateStore(new RecordingStore())
            .build()
            .start()) {

      assertEquals(
          List.of("state reserve [test-budget-retention, test-budget-retention (row purge)]"),
          events,
          "the purge runs its statements beside the batches: a connection of its own");
    }
  }

  @Test
  void shouldRefuseToStartWhenTheStoreCannotServeItsFlows() {
    FlowDefinitionException refusal =
        FlowDefinitionException.of("FLOWS_POSTGRES_POOL_SIZE", 1, "is too small", "set 2");
    StateStore store =
        new RecordingStore() {
          @Override
          public Reservation reserve(List<String> flows) {
            throw refusal;
          }
        };
    Flow stateful =
        Flows.stateful("test-budget-refused")
            .from(WORDS)
            .state(STATE)
            .apply((k, v, s) -> StateUpdate.set(v, v))
            .to(OUT);
    try (FlowRuntime runtime =
        FlowRuntime.builder(stateful).connector(new IdleConnector()).stateStore(store).build()) {

      assertSame(refusal, assertThrows(FlowDefinitionException.class, runtime::start));
      assertFalse(runtime.status().get(0).running());
    }
  }

  /** An in-memory store that records what is reserved and given back. */
  private class RecordingStore implements StateStore {
    private final InMemoryStateStore memory = InMemoryStateStore.create();

    @Override
    public StateTable table(String name) {
      return memory.table(name);
    }

    @Override
    public TopicLedger topics() {
      return memory.topics();
    }

    @Override
    public dev.flows.spi.CronClaims cronClaims() {
      return memory.cronClaims();
    }

    @Override
    public Reservation reserve(List<String> flows) {
      events.add("state reserve " + flows);
      return () -> events.add("state release");
    }

    @Override
    public void close() {}
  }

  /** An in-memory sink that records what is reserved and given back. */
  private class RecordingSink implements TableSink {
    private final InMemoryTableSink memory = InMemoryTableSink.create();

    @Override
    public void prepare(TableSpec table) {
      memory.prepare(table);
    }

    @Override
    public List<RefusedChanges> write(TableSpec table, List<RowChanges> changes) {
      return memory.write(table, changes);
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
    public Reservation reserve(List<String> flows) {
      events.add("tables reserve " + flows);
      return () -> events.add("tables release");
    }

    @Override
    public void close() {}
  }

  /** A broker with nothing to read: every poll waits out its timeout. */
  private static final class IdleConnector implements Connector {
    @Override
    public Source source(String group, String clientId) {
      return new IdleSource();
    }

    @Override
    public Sink sink(String clientId) {
      return new Sink() {
        @Override
        public void send(OutgoingRecord record, Ack ack) {
          ack.completed(null);
        }

        @Override
        public void flush() {}

        @Override
        public boolean isRecordError(Exception error) {
          return false;
        }

        @Override
        public void close() {}
      };
    }
  }

  private static final class IdleSource implements Source {
    @Override
    public void subscribe(Collection<String> topics, PartitionListener listener) {}

    @Override
    public List<Message<byte[], byte[]>> poll(Duration timeout) {
      LockSupport.parkNanos(timeout.toNanos());
      return new ArrayList<>();
    }

    @Override
    public void pause(Collection<SourcePartition> partitions) {}

    @Override
    public void resume(Collection<SourcePartition> partitions) {}

    @Override
    public void seek(SourcePartition partition, long offset) {}

    @Override
    public void commit(Map<SourcePartition, Long> nextOffsets) {}

    @Override
    public Set<SourcePartition> assignment() {
      return Set.of();
    }

    @Override
    public Map<SourcePartition, Long> lag() {
      return Map.of();
    }

    @Override
    public void close() {}
  }
}
