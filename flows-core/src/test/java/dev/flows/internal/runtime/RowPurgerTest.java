package dev.flows.internal.runtime;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.Flows;
import dev.flows.StateSpec;
import dev.flows.StateUpdate;
import dev.flows.internal.plan.StatefulPlan;
import dev.flows.internal.state.Progress;
import dev.flows.metrics.FlowsMetric;
import dev.flows.spi.Connector;
import dev.flows.spi.RowPurge;
import dev.flows.spi.SourcePartition;
import dev.flows.spi.StateRow;
import dev.flows.spi.StateTable;
import dev.flows.spi.WriteResult;
import dev.flows.state.InMemoryStateStore;
import dev.flows.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RowPurgerTest {
  private static final Duration RETENTION = Duration.ofDays(30);
  private static final SourcePartition WORDS_0 = new SourcePartition("words", 0);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryStateStore store = InMemoryStateStore.create(clock);
  private final FlowMetrics metrics = FlowMetrics.inMemory("shop-words-count");
  private final StatefulPlan plan =
      (StatefulPlan)
          Flows.stateful("shop-words-count")
              .from(topic("words", string(), string()))
              .state(StateSpec.of("count", string(), () -> "").withRetention(RETENTION))
              .apply((k, v, s) -> StateUpdate.set(v, v))
              .to(topic("counts", string(), string()));

  @Test
  void shouldDeletePageByPageTheRowsBehindTheCommittedOffsetWhenOld() {
    StateTable table = store.table("t");
    writeRows(table, 2_500);
    clock.advance(RETENTION);

    long purged = purger(table, TopicGuard.NONE, committedUpTo(2_000)).round();

    assertEquals(2_000, purged, "offsets 0 to 1,999 are behind the committed 2,000");
    assertEquals(2_000, counted(FlowsMetric.STATE_ROWS_PURGED));
    assertEquals(500, table.rows());
    assertEquals(500, gauge(FlowsMetric.STATE_ROWS), "sampled after the round");
  }

  @Test
  void shouldKeepTheRowsWhenYoungerThanTheRetention() {
    StateTable table = store.table("t");
    writeRows(table, 3);
    clock.advance(RETENTION.minusSeconds(1));

    assertEquals(0, purger(table, TopicGuard.NONE, committedUpTo(10)).round());
  }

  @Test
  void shouldPurgeNothingWhenTheTopicsWereNotCheckedYet() {
    StateTable table = store.table("t");
    writeRows(table, 3);
    clock.advance(RETENTION);
    TopicGuard unchecked =
        new TopicGuard(plan.name(), List.of("words"), store.topics(), committedUpTo(10));

    assertEquals(0, purger(table, unchecked, committedUpTo(10)).round());
    assertEquals(3, table.rows());
  }

  @Test
  void shouldGoOnAndPurgeAtTheNextRoundWhenARoundFails() {
    StateTable stored = store.table("t");
    writeRows(stored, 3);
    clock.advance(RETENTION);
    AtomicInteger calls = new AtomicInteger();
    StateTable failingOnce =
        new StateTable() {
          @Override
          public Map<String, StateRow> load(Collection<String> ids) {
            return stored.load(ids);
          }

          @Override
          public WriteResult write(List<StateRow> rows) {
            return stored.write(rows);
          }

          @Override
          public RowPurge.Page purge(RowPurge purge) {
            if (calls.getAndIncrement() == 0) {
              throw new IllegalStateException("database down");
            }
            return stored.purge(purge);
          }
        };
    RowPurger purger = purger(failingOnce, TopicGuard.NONE, committedUpTo(10));

    assertEquals(0, purger.round(), "logged, not thrown");
    assertEquals(3, purger.round());
  }

  private RowPurger purger(StateTable table, TopicGuard guard, Connector broker) {
    return RowPurger.of(plan, table, guard, broker, metrics);
  }

  /** Rows r0, r1, ... each fed by words-0 at the offset of its number. */
  private static void writeRows(StateTable table, int count) {
    List<StateRow> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Progress progress = Progress.empty();
      progress.advance(WORDS_0, i);
      rows.add(new StateRow("r" + i, new byte[] {1}, 1, progress.encode(t -> 0), null, 1));
    }
    table.write(rows);
  }

  /** A broker whose group committed {@code next} on partition 0 of every topic. */
  private static Connector committedUpTo(long next) {
    return new Connector() {
      @Override
      public dev.flows.spi.Source source(String group, String flow) {
        throw new UnsupportedOperationException();
      }

      @Override
      public dev.flows.spi.Sink sink(String clientId) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Map<Integer, Long> committedOffsets(String group, String topic) {
        return Map.of(0, next);
      }
    };
  }

  private double counted(FlowsMetric metric) {
    var counter = metrics.registry().find(metric.metricName()).counter();
    return counter == null ? 0 : counter.count();
  }

  private double gauge(FlowsMetric metric) {
    return metrics.registry().find(metric.metricName()).gauge().value();
  }
}
