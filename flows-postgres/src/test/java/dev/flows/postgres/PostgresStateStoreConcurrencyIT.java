package dev.flows.postgres;

import static dev.flows.postgres.Rows.bytes;
import static dev.flows.postgres.Rows.row;
import static dev.flows.postgres.Rows.uniqueTable;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import dev.flows.FlowsException;
import dev.flows.runtime.FlowsConfig;
import dev.flows.spi.StateRow;
import dev.flows.spi.StateTable;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestPostgres;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two processes on one database, lost connections, and pool ownership. */
@FlowsServices
class PostgresStateStoreConcurrencyIT {
  private static TestPostgres postgres;
  private PostgresStateStore first;
  private PostgresStateStore second;

  @BeforeAll
  static void database(TestPostgres database) {
    postgres = database;
  }

  @BeforeEach
  void open() {
    first = PostgresStateStore.create(postgres.jdbcUrl(), postgres.user(), postgres.password());
    second = PostgresStateStore.create(postgres.jdbcUrl(), postgres.user(), postgres.password());
  }

  @AfterEach
  void close() {
    first.close();
    second.close();
  }

  @Test
  void shouldLetExactlyOneStoreWinWhenTwoStoresUpdateTheSameRow() throws Exception {
    String name = uniqueTable("race_update");
    first.table(name).write(List.of(row("a", "s1", 1)));

    List<Set<String>> outcomes =
        race(
            () -> first.table(name).write(List.of(row("a", "x", 2))).conflicts(),
            () -> second.table(name).write(List.of(row("a", "y", 2))).conflicts());

    assertEquals(1, outcomes.stream().filter(Set::isEmpty).count(), "outcomes " + outcomes);
    assertTrue(outcomes.contains(Set.of("a")), "outcomes " + outcomes);
    StateRow stored = second.table(name).load(List.of("a")).get("a");
    assertEquals(2, stored.version());
    assertArrayEquals(bytes(outcomes.get(0).isEmpty() ? "x" : "y"), stored.state());
  }

  @Test
  void shouldLetExactlyOneStoreWinWhenTwoStoresInsertTheSameNewRow() throws Exception {
    String name = uniqueTable("race_insert");
    first.table(name);

    List<Set<String>> outcomes =
        race(
            () -> first.table(name).write(List.of(row("a", "x", 1), row("b", "x", 1))).conflicts(),
            () ->
                second.table(name).write(List.of(row("a", "y", 1), row("c", "y", 1))).conflicts());

    assertEquals(1, outcomes.stream().filter(Set::isEmpty).count(), "outcomes " + outcomes);
    assertTrue(outcomes.contains(Set.of("a")), "outcomes " + outcomes);
    assertEquals(
        1,
        postgres.queryLong("select count(*) from \"" + name + "\" where id = 'a'"),
        "a is inserted once");
    assertEquals(
        3,
        postgres.queryLong("select count(*) from \"" + name + "\""),
        "rows write one by one: the loser's other new row is written too");
  }

  @Test
  void shouldCreateTableWhenTwoStoresCreateItAtOnce() throws Exception {
    for (int i = 0; i < 20; i++) {
      String name = uniqueTable("race_create");

      List<StateTable> tables = race(() -> first.table(name), () -> second.table(name));

      assertEquals(Set.of(), tables.get(0).write(List.of(row("a", "s1", 1))).conflicts());
      assertEquals(Set.of("a"), tables.get(1).write(List.of(row("a", "s1", 1))).conflicts());
    }
  }

  @Test
  void shouldWriteAgainWhenDatabaseConnectionsWereTerminated() {
    StateTable table = first.table(uniqueTable("reconnect"));
    table.write(List.of(row("a", "s1", 1)));

    long terminated =
        postgres.queryLong(
            "select count(*) from (select pg_terminate_backend(pid) from pg_stat_activity "
                + "where datname = current_database() and application_name = '"
                + PostgresStateStore.POOL_NAME
                + "' and pid <> pg_backend_pid()) t");

    assertTrue(terminated >= 1, "no connection terminated");
    List<FlowsException> failures = new ArrayList<>();
    Set<String> conflicts = null;
    // Each failed attempt makes the pool drop one broken connection: at most one per pooled
    // connection (one here: the pool is sized to the flows, and none reserved any).
    for (int attempt = 0; attempt <= 2 && conflicts == null; attempt++) {
      try {
        conflicts = table.write(List.of(row("a", "s2", 2))).conflicts();
      } catch (FlowsException e) {
        failures.add(e);
      }
    }
    assertEquals(Set.of(), conflicts, "failures " + failures);
    assertEquals(2, table.load(List.of("a")).get("a").version());
  }

  @Test
  void shouldConnectWhenConfiguredFromEnvironmentSettings() {
    Map<String, String> env = new HashMap<>();
    env.put("FLOWS_POSTGRES_URL", postgres.jdbcUrl());
    if (postgres.user() != null) {
      env.put("FLOWS_POSTGRES_USER", postgres.user());
    }
    if (postgres.password() != null) {
      env.put("FLOWS_POSTGRES_PASSWORD", postgres.password());
    }

    try (PostgresStateStore store = PostgresStateStore.create(FlowsConfig.from(env))) {
      assertEquals(
          Set.of(),
          store.table(uniqueTable("config")).write(List.of(row("a", "s1", 1))).conflicts());
    }
  }

  @Test
  void shouldLeaveCallersPoolOpenWhenStoreCloses() throws Exception {
    try (HikariDataSource pool = new HikariDataSource()) {
      pool.setJdbcUrl(postgres.jdbcUrl());
      pool.setUsername(postgres.user());
      pool.setPassword(postgres.password());
      PostgresStateStore store = PostgresStateStore.create(pool);
      store.table(uniqueTable("callers_pool")).write(List.of(row("a", "s1", 1)));

      store.close();

      assertFalse(pool.isClosed());
      try (Connection connection = pool.getConnection()) {
        assertTrue(connection.isValid(5));
      }
    }
  }

  /** Runs both at once, released together by a barrier; their results in argument order. */
  private static <T> List<T> race(Supplier<T> one, Supplier<T> other) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    CompletableFuture<T> a = CompletableFuture.supplyAsync(() -> afterBarrier(start, one));
    CompletableFuture<T> b = CompletableFuture.supplyAsync(() -> afterBarrier(start, other));
    return List.of(a.get(), b.get());
  }

  private static <T> T afterBarrier(CyclicBarrier start, Supplier<T> work) {
    try {
      start.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return work.get();
  }
}
