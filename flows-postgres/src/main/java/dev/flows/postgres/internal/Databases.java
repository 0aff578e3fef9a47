package dev.flows.postgres.internal;

import dev.flows.FlowDefinitionException;
import dev.flows.FlowsException;
import dev.flows.runtime.FlowsConfig;
import java.sql.SQLException;
import java.util.Set;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * Connection pools, JDBI set-up, errors and table creation: what the state store and the table sink
 * share.
 */
public final class Databases {
  /**
   * unique_violation, duplicate_table, duplicate_object: what a lost {@code CREATE TABLE} race
   * raises.
   */
  private static final Set<String> CREATION_RACE_STATES = Set.of("23505", "42P07", "42710");

  private Databases() {}

  /** The JDBC URL of {@code FLOWS_POSTGRES_URL}, or a definition error saying what it is for. */
  public static String url(FlowsConfig config, String purpose) {
    return config
        .postgresUrl()
        .orElseThrow(
            () ->
                FlowDefinitionException.of(
                    "FLOWS_POSTGRES_URL",
                    null,
                    "is missing",
                    "set it to the JDBC URL of the "
                        + purpose
                        + ", e.g. jdbc:postgresql://localhost:5432/flows"));
  }

  /**
   * Runs a database call; a failure names {@code what} and the action, with the driver's exception
   * as cause.
   */
  public static <T> T call(String what, String action, Supplier<T> work) {
    try {
      return work.get();
    } catch (JdbiException e) {
      throw new FlowsException(what + ": cannot " + action + ": " + e.getMessage(), e);
    }
  }

  /**
   * Runs {@code ddl} (a {@code CREATE TABLE IF NOT EXISTS}). Two processes creating the same table
   * at once can collide in the catalog even so ("type already exists", or a unique violation on the
   * row type); the loser tries once more, and then finds the table.
   */
  public static void createTable(Jdbi jdbi, String what, String ddl) {
    try {
      call(what, "create", () -> jdbi.withHandle(handle -> handle.execute(ddl)));
    } catch (FlowsException e) {
      if (!isCreationRace(e.getCause())) {
        throw e;
      }
      call(what, "create", () -> jdbi.withHandle(handle -> handle.execute(ddl)));
    }
  }

  private static boolean isCreationRace(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && CREATION_RACE_STATES.contains(sql.getSQLState())) {
        return true;
      }
    }
    return false;
  }
}
