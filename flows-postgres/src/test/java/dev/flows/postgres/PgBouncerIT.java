package dev.flows.postgres;

import static dev.flows.postgres.Rows.row;
import static dev.flows.postgres.Rows.uniqueTable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flows.FlowsException;
import dev.flows.spi.StateTable;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestPgBouncer;
import dev.flows.testkit.TestPostgres;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md, "Behind PgBouncer": two stores reach one server connection through PgBouncer
 * in transaction mode. Left to the driver's default, each prepares its statements on the server
 * from their fifth use, under the same names (S_1, ...), so the second store's fifth load fails;
 * told of the pooler, neither prepares any, and both go on.
 */
@FlowsServices
class PgBouncerIT {
  /** From its fifth use, pgjdbc prepares a statement on the server (its prepareThreshold). */
  private static final int DRIVER_PREPARES_AT = 5;

  @Test
  void shouldFailOnAnotherClientsPreparedStatementWhenNotToldOfThePooler(TestPostgres postgres) {
    try (TestPgBouncer bouncer = TestPgBouncer.start(postgres, 1);
        PostgresStateStore first = store(bouncer, PostgresOptions.defaults());
        PostgresStateStore second = store(bouncer, PostgresOptions.defaults())) {
      String name = uniqueTable("bouncer_default");
      loads(first.table(name), DRIVER_PREPARES_AT);
      StateTable table = second.table(name);

      FlowsException e = assertThrows(FlowsException.class, () -> loads(table, DRIVER_PREPARES_AT));

      assertTrue(
          e.getMessage().contains("prepared statement \"S_1\" already exists"), e.getMessage());
      assertTrue(e.getMessage().contains("set FLOWS_POSTGRES_PGBOUNCER=true"), e.getMessage());
    }
  }

  @Test
  void shouldReadAndWriteThroughThePoolerWhenToldOfIt(TestPostgres postgres) {
    PostgresOptions pooled = PostgresOptions.defaults().withPgBouncer(true);
    try (TestPgBouncer bouncer = TestPgBouncer.start(postgres, 1);
        PostgresStateStore first = store(bouncer, pooled);
        PostgresStateStore second = store(bouncer, pooled)) {
      String name = uniqueTable("bouncer_told");
      StateTable one = first.table(name);
      StateTable two = second.table(name);
      for (int version = 1; version <= 2 * DRIVER_PREPARES_AT; version++) {
        StateTable writer = version % 2 == 0 ? two : one;
        assertEquals(Set.of(), writer.write(List.of(row("a", "s" + version, version))).conflicts());
        loads(version % 2 == 0 ? one : two, 1);
      }

      assertEquals(2L * DRIVER_PREPARES_AT, one.load(List.of("a")).get("a").version());
    }
  }

  private static PostgresStateStore store(TestPgBouncer bouncer, PostgresOptions options) {
    return PostgresStateStore.create(
        bouncer.jdbcUrl(), bouncer.user(), bouncer.database().password(), options);
  }

  private static void loads(StateTable table, int times) {
    for (int i = 0; i < times; i++) {
      table.load(List.of("a"));
    }
  }
}
