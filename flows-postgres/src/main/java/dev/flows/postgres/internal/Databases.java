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

  /** The PostgreSQL JDBC driver, which the pools, JDBI's PostgreSQL plugin and SqlErrors use. */
  private static final String DRIVER_ARTIFACT = "org.postgresql:postgresql";

  private static final String DRIVER_CLASS = "org.postgresql.Driver";

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
   * Checks that {@code loader} (flows-postgres's own) has the PostgreSQL JDBC driver; otherwise
   * throws a {@link FlowDefinitionException} naming the artifact, instead of the {@link
   * NoClassDefFoundError} or "no driver" error the pool or JDBI would fail with. flows-postgres
   * brings the driver; it is missing only where a build excludes it.
   */
  public static void requireDriver(ClassLoader loader) {
    try {
      Class.forName(DRIVER_CLASS, false, loader);
    } catch (ClassNotFoundException | LinkageError e) {
      FlowDefinitionException missing =
          new FlowDefinitionException(
              "flows-postgres needs the PostgreSQL JDBC driver "
                  + DRIVER_ARTIFACT
                  + " on the class path, and "
                  + DRIVER_CLASS
                  + " is not there: add the dependency "
                  + DRIVER_ARTIFACT
                  + " to your build, or remove the exclusion that drops it");
      missing.initCause(e);
      throw missing;
    }
  }

  /**
   * Runs a database call; a failure names {@code what} and the action, with the driver's exception
   * as cause, and what usually causes it where that is known ({@link PostgresFailures#hint}). A
   * refusal retrying cannot fix passes as the {@link dev.flows.BrokerRefusedException} it is.
   */
  public static <T> T call(String what, String action, Supplier<T> work) {
    try {
      return work.get();
    } catch (JdbiException e) {
      throw new FlowsException(
          what + ": cannot " + action + ": " + e.getMessage() + PostgresFailures.hint(e), e);
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
