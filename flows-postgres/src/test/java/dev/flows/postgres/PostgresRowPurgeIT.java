package dev.flows.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.spi.RowPurge;
import dev.flows.spi.StateRow;
import dev.flows.spi.StateTable;
import dev.flows.spi.WriteResult;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The purge of expired state rows on a real PostgreSQL, beyond the contract ({@code
 * StateStoreContract}): rows are timed by {@code updated_at}, which every write sets; a row a write
 * holds is skipped, not waited for; the row count is the planner's estimate once analysed.
 */
@FlowsServices
class PostgresRowPurgeIT {
  private static final RowPurge ANY_DAY_OLD =
      new RowPurge(Duration.ofDays(1), (id, progress) -> true, null, 100);
  private static TestPostgres postgres;

  @BeforeAll
  static void database(TestPostgres database) {
    postgres = database;
  }

  @Test
  void shouldDeleteARowWhenItsLastWriteIsOlderThanTheRetention() {
    String name = uniqueTable();
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource())) {
      StateTable table = store.table(name);
      table.write(List.of(row("old", 1), row("rewritten", 1), row("young", 1)));
      postgres.execute(
          "UPDATE " + name + " SET updated_at = now() - interval '2 days' WHERE id <> 'young'");
      table.write(List.of(row("rewritten", 2)));

      RowPurge.Page page = table.purge(ANY_DAY_OLD);

      assertEquals(new RowPurge.Page(1, null), page);
      assertEquals(
          Set.of("rewritten", "young"),
          table.load(List.of("old", "rewritten", "young")).keySet(),
          "the rewrite set updated_at to now");
    }
  }

  @Test
  void shouldSkipARowThatAWriteHoldsInsteadOfWaitingForIt() throws Exception {
    String name = uniqueTable();
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource())) {
      StateTable table = store.table(name);
      table.write(List.of(row("held", 1), row("free", 1)));
      postgres.execute("UPDATE " + name + " SET updated_at = now() - interval '2 days'");
      try (Connection writer = postgres.dataSource().getConnection();
          Statement s = writer.createStatement()) {
        writer.setAutoCommit(false);
        s.execute("UPDATE " + name + " SET version = version WHERE id = 'held'");

        RowPurge.Page page =
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> table.purge(ANY_DAY_OLD));

        assertEquals(new RowPurge.Page(1, null), page, "the free row only");
        writer.rollback();
      }
      assertEquals(new RowPurge.Page(1, null), table.purge(ANY_DAY_OLD), "the held one, released");
    }
  }

  @Test
  void shouldHoldAWriteOfARowItJudgesUntilItsDeleteIsCommitted() throws Exception {
    String name = uniqueTable();
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource())) {
      StateTable table = store.table(name);
      table.write(List.of(row("a", 1)));
      postgres.execute("UPDATE " + name + " SET updated_at = now() - interval '2 days'");
      AtomicReference<Future<WriteResult>> write = new AtomicReference<>();
      RowPurge judgedWhileWritten =
          new RowPurge(
              Duration.ofDays(1),
              (id, progress) -> {
                write.set(writer.submit(() -> table.write(List.of(row("a", 2)))));
                Awaits.until(
                    Duration.ofSeconds(30),
                    "the batch's write waiting for the purge's lock",
                    () -> waitingForALock(name));
                return true;
              },
              null,
              100);

      assertEquals(new RowPurge.Page(1, null), table.purge(judgedWhileWritten));

      WriteResult written = write.get().get(30, TimeUnit.SECONDS);
      assertEquals(Set.of("a"), written.conflicts(), "the write at version 2 met no row");
      assertTrue(table.load(List.of("a")).isEmpty());
    } finally {
      writer.shutdownNow();
    }
  }

  @Test
  void shouldEstimateTheRowsWhenTheTableWasAnalysed() {
    String name = uniqueTable();
    try (PostgresStateStore store = PostgresStateStore.create(postgres.dataSource())) {
      StateTable table = store.table(name);
      table.write(List.of(row("a", 1), row("b", 1), row("c", 1), row("d", 1)));
      postgres.execute("ANALYZE " + name);

      assertEquals(4, table.rows());
    }
  }

  private static boolean waitingForALock(String table) {
    return postgres.queryLong(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE"
                + " '%\""
                + table
                + "\"%'")
        > 0;
  }

  private static String uniqueTable() {
    return "purge_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  }

  private static StateRow row(String id, long version) {
    return new StateRow(id, new byte[] {1}, 1, new byte[] {2}, null, version);
  }
}
