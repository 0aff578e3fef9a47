package dev.flows.postgres;

import dev.flows.spi.StateStore;
import dev.flows.spi.StateStoreContract;
import dev.flows.testkit.FlowsServices;
import dev.flows.testkit.TestPostgres;
import org.junit.jupiter.api.BeforeAll;

/** The state store contract on a real PostgreSQL, through a pool the store owns. */
@FlowsServices
class PostgresStateStoreIT extends StateStoreContract {
  private static TestPostgres postgres;

  @BeforeAll
  static void database(TestPostgres database) {
    postgres = database;
  }

  @Override
  protected StateStore newStore() {
    return PostgresStateStore.create(postgres.jdbcUrl(), postgres.user(), postgres.password());
  }
}
