package dev.flows.postgres;

import static dev.flows.postgres.Rows.uniqueTable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.flows.Column;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowsException;
import dev.flows.Row;
import dev.flows.RowChanges;
import dev.flows.TableSpec;
import dev.flows.spi.MarkerPurge;
import dev.flows.spi.Reservation;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md, "Connection budget": a pool the store builds holds one connection per flow
 * reserved in it (at least one) when sized to the flows, and exactly its size when set, which it
 * refuses to exceed; counted in {@code pg_stat_activity} on a database of this test. A materialise
 * flow whose marker purge runs beside its batches needs both of its reserved connections: with one,
 * the purge waits out the pool's timeout while a batch holds it.
 */
@FlowsServices
class PostgresPoolIT {
  private static final Duration DEADLINE = Duration.ofSeconds(20);
  private static final TableSpec PRICES =
      TableSpec.of("prices", Column.text("sku"))
          .withColumn(Column.bigint("cents"))
          .withOffsetColumn("updated_offset");
  private static final MarkerPurge ANY_OLD =
      new MarkerPurge(Duration.ofDays(7), 0, Map.of(0, 1_000L), 100);

  private TestPostgres postgres;
  private String database;

  @BeforeEach
  void createDatabase(TestPostgres server) {
    postgres = server;
    database = uniqueTable("pool");
    postgres.execute("CREATE DATABASE " + database);
  }

  @AfterEach
  void dropDatabase() {
    postgres.execute("DROP DATABASE " + database + " WITH (FORCE)");
  }

  @Test
  void shouldHoldOneConnectionPerReservedFlowWhenSizedToTheFlows() {
    try (PostgresStateStore store = store(PostgresOptions.defaults())) {
      awaitConnections(1, "one connection before any flow reserved");

      Reservation three = store.reserve(List.of("a-b-count", "a-b-join", "a-b-tick"));
      awaitConnections(3, "one connection per reserved flow");

      three.close();
      awaitConnections(1, "back to one when the flows gave them back");
    }
  }

  @Test
  void shouldRefuseFlowsBeyondASetSizeNamingThemAndTheFix() {
    try (PostgresStateStore store = store(PostgresOptions.defaults().withPoolSize(2))) {
      awaitConnections(2, "the set size, at once");
      Reservation two = store.reserve(List.of("a-b-count", "a-b-join"));

      FlowDefinitionException e =
          assertThrows(FlowDefinitionException.class, () -> store.reserve(List.of("a-b-tick")));

      assertEquals(
          "the pool size (FLOWS_POSTGRES_POOL_SIZE, PostgresOptions.withPoolSize) is too small"
              + " for the state store: flows [a-b-count, a-b-join, a-b-tick] each hold one of its"
              + " connections at a time (a batch, a cron claim, a topic check, a marker or row purge), got"
              + " 2: set it to"
              + " at least 3 or leave it unset to size the pool to the flows; or run fewer flows"
              + " per process (FLOWS_INSTANCE)",
          e.getMessage());
      two.close();
      store.reserve(List.of("a-b-tick")).close(); // room again
    }
  }

  @Test
  void shouldRefuseFlowsBeyondTheSizeOfACallersHikariPool() {
    try (HikariDataSource pool = new HikariDataSource()) {
      pool.setJdbcUrl(Urls.url(postgres, database));
      pool.setUsername(Urls.user(postgres));
      pool.setPassword(postgres.password());
      pool.setMaximumPoolSize(1);
      try (PostgresTableSink sink = PostgresTableSink.create(pool)) {

        FlowDefinitionException e =
            assertThrows(
                FlowDefinitionException.class,
                () -> sink.reserve(List.of("a-b-prices", "a-b-stock")));

        assertEquals(
            "the maximum pool size of the data source given to the store is too small for the"
                + " table sink",
            e.getMessage().substring(0, e.getMessage().indexOf(':')));
      }
    }
  }

  @Test
  void shouldPurgeMarkersWhileTheFlowsBatchWaitsWhenBothHoldAReservedConnection() throws Exception {
    try (PostgresTableSink sink = tableSink();
        Reservation reserved = sink.reserve(List.of("a-b-prices", "a-b-prices (marker purge)"))) {
      awaitConnections(PostgresTableSink.POOL_NAME, 2, "the batch's and the purge's");

      int purged = purgeWhileABatchWaits(sink, () -> sink.purgeMarkers(PRICES, ANY_OLD));

      assertEquals(1, purged, "without waiting for the batch's connection");
    }
  }

  @Test
  void shouldMakeThePurgeWaitForTheBatchWhenTheFlowHoldsOneConnection() throws Exception {
    try (PostgresTableSink sink = tableSink();
        Reservation reserved = sink.reserve(List.of("a-b-prices"))) {
      awaitConnections(PostgresTableSink.POOL_NAME, 1, "the batch's only");

      FlowsException e =
          purgeWhileABatchWaits(
              sink,
              () -> assertThrows(FlowsException.class, () -> sink.purgeMarkers(PRICES, ANY_OLD)));

      assertTrue(e.getMessage().contains("purge deleted markers"), e.getMessage());
    }
  }

  /**
   * Runs {@code purge} while a batch's write of {@link #PRICES} waits for a row lock held outside
   * the pool, holding its connection; then lets the batch end.
   */
  private <T> T purgeWhileABatchWaits(PostgresTableSink sink, Callable<T> purge) throws Exception {
    sink.prepare(PRICES);
    sink.write(
        PRICES,
        List.of(
            RowChanges.of(List.of(price("held", 1))),
            RowChanges.none().withDelete(price("gone", 2))));
    ExecutorService batches = Executors.newSingleThreadExecutor();
    try (Connection outside =
            DriverManager.getConnection(
                Urls.url(postgres, database), Urls.user(postgres), postgres.password());
        Statement statement = outside.createStatement()) {
      statement.execute(
          "UPDATE prices SET deleted_at = deleted_at - interval '8 days' WHERE deleted");
      outside.setAutoCommit(false);
      statement.execute("SELECT 1 FROM prices WHERE sku = 'held' FOR UPDATE");
      Future<?> batch =
          batches.submit(
              () -> sink.write(PRICES, List.of(RowChanges.of(List.of(price("held", 3))))));
      Awaits.until(DEADLINE, "the batch waiting for the row lock", () -> waitingForALock() == 1);

      T result = purge.call();

      outside.rollback();
      batch.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      return result;
    } finally {
      batches.shutdownNow();
    }
  }

  private long waitingForALock() {
    return postgres.queryLong(
        "select count(*) from pg_stat_activity where datname = '"
            + database
            + "' and application_name = '"
            + PostgresTableSink.POOL_NAME
            + "' and wait_event_type = 'Lock'");
  }

  private PostgresTableSink tableSink() {
    return PostgresTableSink.create(
        Urls.url(postgres, database),
        Urls.user(postgres),
        postgres.password(),
        PostgresOptions.defaults());
  }

  private static Row price(String sku, long offset) {
    return Row.of("sku", sku)
        .with("cents", offset)
        .with("updated_offset", offset)
        .with(TableSpec.PARTITION_COLUMN, 0)
        .with(TableSpec.GENERATION_COLUMN, 0);
  }

  private PostgresStateStore store(PostgresOptions options) {
    return PostgresStateStore.create(
        Urls.url(postgres, database), Urls.user(postgres), postgres.password(), options);
  }

  private void awaitConnections(long expected, String what) {
    awaitConnections(PostgresStateStore.POOL_NAME, expected, what);
  }

  private void awaitConnections(String pool, long expected, String what) {
    long[] last = {-1};
    try {
      Awaits.until(DEADLINE, what, () -> (last[0] = connections(pool)) == expected);
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage() + ": " + last[0] + " open, " + expected + " expected");
    }
  }

  private long connections(String pool) {
    return postgres.queryLong(
        "select count(*) from pg_stat_activity where datname = '"
            + database
            + "' and application_name = '"
            + pool
            + "'");
  }
}
