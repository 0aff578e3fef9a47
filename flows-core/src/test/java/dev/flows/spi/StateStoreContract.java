package dev.flows.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link StateStore} passes: the in-memory one in flows-core and PostgreSQL in
 * flows-postgres. Extend it and return a fresh store.
 */
public abstract class StateStoreContract {
  private StateStore store;
  private StateTable table;

  /** A store for one test; closed after it. */
  protected abstract StateStore newStore();

  @BeforeEach
  void open() {
    store = newStore();
    table =
        store.table("contract_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void shouldLoadNothingWhenRowsAreAbsent() {
    assertTrue(table.load(List.of("a", "b")).isEmpty());
  }

  @Test
  void shouldReturnWrittenBytesWhenLoaded() {
    assertEquals(Set.of(), table.write(List.of(row("a", "s1", 1), row("b", null, 1))));

    Map<String, StateRow> rows = table.load(List.of("a", "b", "c"));

    assertEquals(Set.of("a", "b"), rows.keySet());
    assertArrayEquals(bytes("s1"), rows.get("a").state());
    assertArrayEquals(bytes("p-a"), rows.get("a").progress());
    assertArrayEquals(bytes("r-a"), rows.get("a").results());
    assertEquals(1, rows.get("a").version());
    assertNull(rows.get("b").state());
  }

  @Test
  void shouldWriteNextVersionWhenVersionFollowsStored() {
    table.write(List.of(row("a", "s1", 1)));

    assertEquals(Set.of(), table.write(List.of(row("a", "s2", 2))));

    assertArrayEquals(bytes("s2"), table.load(List.of("a")).get("a").state());
    assertEquals(2, table.load(List.of("a")).get("a").version());
  }

  @Test
  void shouldRejectWholeWriteWhenOneRowIsStale() {
    table.write(List.of(row("a", "s1", 1), row("b", "s1", 1)));
    table.write(List.of(row("a", "s2", 2)));

    Set<String> conflicts =
        table.write(List.of(row("a", "stale", 2), row("b", "s2", 2), row("c", "s1", 1)));

    assertEquals(Set.of("a"), conflicts);
    Map<String, StateRow> rows = table.load(List.of("a", "b", "c"));
    assertArrayEquals(bytes("s2"), rows.get("a").state());
    assertArrayEquals(bytes("s1"), rows.get("b").state(), "b must not be written when a conflicts");
    assertEquals(Set.of("a", "b"), rows.keySet(), "c must not be inserted when a conflicts");
  }

  @Test
  void shouldRejectInsertWhenRowAlreadyExists() {
    table.write(List.of(row("a", "s1", 1)));

    assertEquals(Set.of("a"), table.write(List.of(row("a", "other", 1))));
    assertArrayEquals(bytes("s1"), table.load(List.of("a")).get("a").state());
  }

  @Test
  void shouldWriteAndLoadManyRowsWhenInOneBatch() {
    List<StateRow> rows = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      rows.add(row("id-" + i, "s" + i, 1));
      ids.add("id-" + i);
    }

    assertEquals(Set.of(), table.write(rows));

    Map<String, StateRow> loaded = table.load(ids);
    assertEquals(2_000, loaded.size());
    assertArrayEquals(bytes("s1999"), loaded.get("id-1999").state());
  }

  @Test
  void shouldLetExactlyOneWriterWinWhenTwoRaceForTheSameVersion() throws Exception {
    table.write(List.of(row("a", "s1", 1)));
    CyclicBarrier start = new CyclicBarrier(2);
    CompletableFuture<Set<String>> first =
        CompletableFuture.supplyAsync(() -> raceWrite(start, "x"));
    CompletableFuture<Set<String>> second =
        CompletableFuture.supplyAsync(() -> raceWrite(start, "y"));

    int winners = (first.get().isEmpty() ? 1 : 0) + (second.get().isEmpty() ? 1 : 0);

    assertEquals(1, winners);
    assertEquals(2, table.load(List.of("a")).get("a").version());
  }

  @Test
  void shouldKeepTablesApartWhenNamesDiffer() {
    StateTable other =
        store.table(
            "contract_other_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8));
    table.write(List.of(row("a", "s1", 1)));

    assertTrue(other.load(List.of("a")).isEmpty());
  }

  private Set<String> raceWrite(CyclicBarrier start, String state) {
    try {
      start.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return table.write(List.of(row("a", state, 2)));
  }

  private static StateRow row(String id, String state, long version) {
    return new StateRow(
        id, state == null ? null : bytes(state), bytes("p-" + id), bytes("r-" + id), version);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
