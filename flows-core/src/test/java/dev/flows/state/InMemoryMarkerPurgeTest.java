package dev.flows.state;

import dev.flows.Row;
import dev.flows.TableSpec;
import dev.flows.spi.MarkerPurgeContract;
import dev.flows.spi.TableSink;
import dev.flows.testing.InMemoryTableSink;
import dev.flows.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

class InMemoryMarkerPurgeTest extends MarkerPurgeContract {
  private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

  @Override
  protected TableSink newSink() {
    return InMemoryTableSink.create(clock);
  }

  @Override
  protected Map<Object, Row> read(TableSink sink, TableSpec table) {
    return ((InMemoryTableSink) sink).rows(table.name());
  }

  /** Moves the sink's clock on: every marker written so far is older by {@code by}. */
  @Override
  protected void age(TableSink sink, TableSpec table, Duration by) {
    clock.advance(by);
  }
}
