package dev.flows.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.BrokerRefusedException;
import dev.flows.FlowDefinitionException;
import dev.flows.FlowsException;
import dev.flows.runtime.FlowsConfig;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** What the store does before, or without, reaching a database. */
class PostgresStateStoreTest {

  @Test
  void shouldNameTheSettingWhenPostgresUrlIsMissing() {
    FlowsConfig config = FlowsConfig.from(Map.of("FLOWS_POSTGRES_USER", "flows"));

    FlowDefinitionException e =
        assertThrows(FlowDefinitionException.class, () -> PostgresStateStore.create(config));

    assertEquals(
        "FLOWS_POSTGRES_URL is missing, got null: set it to the JDBC URL of the state database, "
            + "e.g. jdbc:postgresql://localhost:5432/flows",
        e.getMessage());
  }

  @Test
  void shouldStartAndFailItsStatementsWhenOwnPoolCannotConnectYet() throws IOException {
    String url = "jdbc:postgresql://127.0.0.1:" + closedPort() + "/flows";

    try (PostgresStateStore store = PostgresStateStore.create(url, "flows", "secret")) {

      FlowsException e = assertThrows(FlowsException.class, () -> store.table("not_yet"));

      assertTrue(e.getMessage().startsWith("state table not_yet: cannot create: "), e.getMessage());
      assertFalse(e instanceof BrokerRefusedException, "a database that is down is retried");
    }
  }

  @Test
  void shouldNameTheSettingWhenTheUrlIsNotPostgres() {
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class,
            () -> PostgresStateStore.create("jdbc:mysql://db:3306/flows?password=x", null, null));

    assertEquals(
        "FLOWS_POSTGRES_URL is not a PostgreSQL JDBC URL, got 'jdbc:mysql://db:3306/flows': use"
            + " jdbc:postgresql://host:5432/database",
        e.getMessage());
  }

  @Test
  void shouldRefuseAPreparedStatementThresholdWhenBehindPgBouncer() {
    PostgresOptions pooled = PostgresOptions.defaults().withPgBouncer(true);

    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class,
            () ->
                PostgresStateStore.create(
                    "jdbc:postgresql://db:5432/flows?prepareThreshold=5", null, null, pooled));

    assertTrue(e.getMessage().startsWith("prepareThreshold in FLOWS_POSTGRES_URL"), e.getMessage());
    assertTrue(e.getMessage().endsWith("remove it from the URL"), e.getMessage());
  }

  @Test
  void shouldNameTheSettingWhenThePoolSizeIsBelowOne() {
    FlowDefinitionException e =
        assertThrows(
            FlowDefinitionException.class, () -> PostgresOptions.defaults().withPoolSize(0));

    assertEquals(
        "poolSize is not a pool size, got 0: use 1 or more connections, or"
            + " PostgresOptions.defaults() to size the pool to the flows",
        e.getMessage());
  }

  @Test
  void shouldThrowUncheckedWhenCallersDatabaseRefusesConnections() throws IOException {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL("jdbc:postgresql://127.0.0.1:" + closedPort() + "/flows");
    try (PostgresStateStore store = PostgresStateStore.create(dataSource)) {

      FlowsException e = assertThrows(FlowsException.class, () -> store.table("refused"));

      assertTrue(e.getMessage().startsWith("state table refused: cannot create: "), e.getMessage());
    }
  }

  @Test
  void shouldRejectTableNameBeforeConnectingWhenNotAnIdentifier() throws IOException {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setURL("jdbc:postgresql://127.0.0.1:" + closedPort() + "/flows");
    try (PostgresStateStore store = PostgresStateStore.create(dataSource)) {
      for (String name : List.of("x; drop table y", "Upper")) {
        assertThrows(FlowDefinitionException.class, () -> store.table(name));
      }
    }
  }

  /** A port nothing listens on: bound by the OS, then released. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
