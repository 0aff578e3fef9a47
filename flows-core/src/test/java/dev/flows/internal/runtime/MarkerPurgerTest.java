package dev.flows.internal.runtime;

import static dev.flows.Topic.topic;
import static dev.flows.format.Formats.string;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.Column;
import dev.flows.Flows;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.internal.plan.MaterialisePlan;
import dev.flows.metrics.FlowsMetric;
import dev.flows.spi.MarkerPurge;
import dev.flows.testing.InMemoryTableSink;
import dev.flows.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

class MarkerPurgerTest {
  private static final Duration RETENTION = Duration.ofDays(7);

  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final InMemoryTableSink sink = InMemoryTableSink.create(clock);
  private final FlowMetrics metrics = FlowMetrics.inMemory("shop-words-purge");

  @Test
  void shouldPurgeInBatchesUntilACallDeletesLessThanABatchWhenManyMarkersAreOld() {
    MaterialisePlan plan = plan(RETENTION);
    writeMarkers(plan.table(), 2_500);
    clock.advance(Duration.ofDays(8));

    long purged = purger(plan, committedUpTo(10_000)).round();

    assertEquals(2_500, purged);
    assertEquals(2_500, purgedCount());
    assertEquals(0, purger(plan, committedUpTo(10_000)).round(), "none left");
  }

  @Test
  void shouldPurgeNothingWhenTheFlowDoesNotKnowItsPositionYet() {
    MaterialisePlan plan = plan(RETENTION);
    writeMarkers(plan.table(), 3);
    clock.advance(Duration.ofDays(8));

    long purged =
        new MarkerPurger(plan, sink, (olderThan, limit) -> Optional.empty(), metrics).round();

    assertEquals(0, purged);
    assertEquals(0, purgedCount());
  }

  @Test
  void shouldKeepMarkersWhenTheyAreYoungerThanTheTablesRetention() {
    MaterialisePlan plan = plan(Duration.ofDays(30));
    writeMarkers(plan.table(), 3);
    clock.advance(Duration.ofDays(8));

    assertEquals(0, purger(plan, committedUpTo(10_000)).round());
  }

  @Test
  void shouldGoOnAndTryAgainLaterWhenTheCommittedOffsetsCannotBeRead() {
    MaterialisePlan plan = plan(RETENTION);
    writeMarkers(plan.table(), 3);
    clock.advance(Duration.ofDays(8));
    List<String> calls = new ArrayList<>();
    MarkerPurger.Progress failing =
        (olderThan, limit) -> {
          calls.add("asked");
          throw new IllegalStateException("broker down");
        };

    MarkerPurger purger = new MarkerPurger(plan, sink, failing, metrics);

    assertEquals(0, purger.round());
    assertEquals(0, purger.round());
    assertEquals(2, calls.size(), "each round asks again");
    assertEquals(3, purger(plan, committedUpTo(10_000)).round(), "purged once the broker answers");
  }

  @Test
  void shouldWaitHalfTheRetentionBetweenRoundsWithinBounds() {
    assertEquals(Duration.ofMinutes(5), MarkerPurger.interval(Duration.ofDays(7)));
    assertEquals(Duration.ofMillis(500), MarkerPurger.interval(Duration.ofSeconds(1)));
    assertEquals(Duration.ofMillis(100), MarkerPurger.interval(Duration.ofMillis(10)));
  }

  @Test
  void shouldPurgeOnItsOwnThreadAndEndItWhenStopped() throws InterruptedException {
    MaterialisePlan plan = plan(Duration.ofMillis(200));
    writeMarkers(plan.table(), 3);
    clock.advance(Duration.ofSeconds(1));
    List<Thread> threads = new CopyOnWriteArrayList<>();
    MarkerPurger purger = purger(plan, committedUpTo(10_000));

    purger.start(
        task -> {
          Thread thread = new Thread(task, "shop-words-purge");
          threads.add(thread);
          return thread;
        });
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (purgedCount() < 3 && System.nanoTime() < deadline) {
      LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
    }
    purger.stop();

    assertEquals(3, purgedCount());
    assertEquals(1, threads.size());
    threads.get(0).join(Duration.ofSeconds(10).toMillis());
    assertFalse(threads.get(0).isAlive(), "its thread ended");
    assertTrue(sink.rows(plan.table().name()).isEmpty());
  }

  private MarkerPurger purger(MaterialisePlan plan, MarkerPurger.Progress progress) {
    return new MarkerPurger(plan, sink, progress, metrics);
  }

  /** The flow's position: generation 0, partition 0 committed up to {@code next}. */
  private static MarkerPurger.Progress committedUpTo(long next) {
    return (olderThan, limit) -> Optional.of(new MarkerPurge(olderThan, 0, Map.of(0, next), limit));
  }

  private void writeMarkers(TableSpec table, int count) {
    sink.prepare(table);
    List<Row> markers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      markers.add(
          Row.of("word", "k" + i)
              .with("updated_offset", (long) i)
              .with(TableSpec.PARTITION_COLUMN, 0)
              .with(TableSpec.GENERATION_COLUMN, 0));
    }
    sink.write(table, markers.stream().map(m -> RowChanges.none().withDelete(m)).toList());
  }

  private double purgedCount() {
    var counter =
        metrics
            .registry()
            .find(FlowsMetric.MARKERS_PURGED.metricName())
            .tag("flow", "shop-words-purge")
            .counter();
    return counter == null ? 0 : counter.count();
  }

  private static MaterialisePlan plan(Duration retention) {
    TableSpec table =
        TableSpec.of("purged", Column.text("word"))
            .withOffsetColumn("updated_offset")
            .withMarkerRetention(retention);
    return (MaterialisePlan)
        Flows.materialise("shop-words-purge")
            .from(topic("words", string(), string()))
            .into(table, (key, value) -> new Row(Map.of()));
  }
}
