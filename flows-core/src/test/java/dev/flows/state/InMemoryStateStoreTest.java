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

  @Test
  void shouldPageThePurgeInIdOrderAndPurgeARowCreatedAgainAfterItsPurge() {
    ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    StateTable table = InMemoryStateStore.create(clock).table("t");
    table.write(List.of(row("c", 1), row("a", 1), row("b", 1)));
    clock.advance(Duration.ofHours(2));
    RowPurge firstPage = new RowPurge(Duration.ofHours(1), (id, progress) -> true, null, 2);

    RowPurge.Page page = table.purge(firstPage);
    assertEquals(2, page.deleted());
    assertEquals("b", page.last(), "a full page ends at its last id, in id order");
    assertEquals(Set.of("c"), table.load(List.of("a", "b", "c")).keySet());
    RowPurge.Page rest = table.purge(firstPage.after(page.last()));
    assertEquals(1, rest.deleted());
    assertEquals(null, rest.last(), "a page not full is the last");

    table.write(List.of(row("a", 1)));
    clock.advance(Duration.ofHours(2));
    assertEquals(1, table.purge(firstPage).deleted(), "the row created again is purged again");
    assertEquals(0, table.rows());
  }

  private static StateRow row(String id, long version) {
    return new StateRow(id, new byte[] {1}, 1, new byte[] {2}, null, version);
  }
}
