package dev.flows.state;

import dev.flows.Row;
import dev.flows.TableSpec;
import dev.flows.spi.MarkerPurgeContract;
import dev.flows.spi.TableSink;
import dev.flows.testing.InMemoryTableSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;

class InMemoryMarkerPurgeTest extends MarkerPurgeContract {
  private final SteppingClock clock = new SteppingClock();

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
    clock.now = clock.now.plus(by);
  }

  /** A clock that moves only when the test moves it. */
  private static final class SteppingClock extends Clock {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }
  }
}
