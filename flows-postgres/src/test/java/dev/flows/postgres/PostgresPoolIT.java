package dev.flows.postgres;

import static dev.flows.postgres.Rows.uniqueTable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariDataSource;
import dev.flows.FlowDefinitionException;
import dev.flows.spi.Reservation;
import dev.flows.testkit.Awaits;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestPostgres;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md, "Connection budget": a pool the store builds holds one connection per flow
 * reserved in it (at least one) when sized to the flows, and exactly its size when set, which it
 * refuses to exceed; counted in {@code pg_stat_activity} on a database of this test.
 */
@FlowsServices
class PostgresPoolIT {
  private static final Duration DEADLINE = Duration.ofSeconds(20);

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
              + " connections at a time (a batch, a cron claim, a topic check), got 2: set it to"
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

  private PostgresStateStore store(PostgresOptions options) {
    return PostgresStateStore.create(
        Urls.url(postgres, database), Urls.user(postgres), postgres.password(), options);
  }

  private void awaitConnections(long expected, String what) {
    long[] last = {-1};
    try {
      Awaits.until(DEADLINE, what, () -> (last[0] = connections()) == expected);
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage() + ": " + last[0] + " open, " + expected + " expected");
    }
  }

  private long connections() {
    return postgres.queryLong(
        "select count(*) from pg_stat_activity where datname = '"
            + database
            + "' and application_name = '"
            + PostgresStateStore.POOL_NAME
            + "'");
  }
}
