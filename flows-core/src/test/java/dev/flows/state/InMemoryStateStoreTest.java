package dev.flows.state;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.flows.spi.RowPurge;
import dev.flows.spi.StateRow;
import dev.flows.spi.StateStore;
import dev.flows.spi.StateStoreContract;
import dev.flows.spi.StateTable;
import dev.flows.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InMemoryStateStoreTest extends StateStoreContract {
  @Override
  protected StateStore newStore() {
    return InMemoryStateStore.create();
  }

  @Test
  void shouldPurgeARowWhenItsLastWriteIsTheRetentionAgoByTheStoresClock() {
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    StateTable table = InMemoryStateStore.create(clock).table("t");
    table.write(List.of(row("old", 1)));
    clock.advance(Duration.ofMinutes(30));
    table.write(List.of(row("rewritten", 1), row("old2", 1)));
    clock.advance(Duration.ofMinutes(20));
    table.write(List.of(row("rewritten", 2)));
    RowPurge purge = new RowPurge(Duration.ofHours(1), (id, progress) -> true, null, 10);

    assertEquals(0, table.purge(purge).deleted(), "50 minutes after the first write");
    clock.advance(Duration.ofMinutes(10));
    assertEquals(1, table.purge(purge).deleted(), "an hour after the first write");

    assertEquals(
        Set.of("rewritten", "old2"), table.load(List.of("old", "rewritten", "old2")).keySet());
    clock.advance(Duration.ofMinutes(30));
    assertEquals(1, table.purge(purge).deleted(), "the rewrite restarted the row's time");
    assertEquals(Set.of("rewritten"), table.load(List.of("rewritten", "old2")).keySet());
  }

  private static StateRow row(String id, long version) {
    return new StateRow(id, new byte[] {1}, 1, new byte[] {2}, null, version);
  }
}
