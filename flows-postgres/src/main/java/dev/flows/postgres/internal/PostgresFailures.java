package dev.flows.postgres.internal;

import dev.flows.BrokerRefusedException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;

/**
 * Why PostgreSQL failed, in words a user can act on. A refusal that retrying cannot fix (no such
 * database, 3D000; a password it does not accept, 28P01; a user it does not admit, 28000; a
 * database the user may not connect to, 42501; a host name that does not resolve) becomes a {@link
 * BrokerRefusedException} naming the cause and the fix. Failures that are retried get a hint where
 * the usual cause is known: no connection left (53300), a prepared statement of another client
 * (behind a pooler in transaction mode), and a pool's timeout says why its last connection attempt
 * failed (the database is down, say). Never shows a password.
 */
public final class PostgresFailures {
  private static final String BUDGET =
      " (PostgreSQL has no connection left for this client: count every worker's connections"
          + " against max_connections, docs/operations.md \"Connection budget\")";
  private static final String POOLER =
      " (a prepared statement of another client on the same server connection: behind a pooler in"
          + " transaction mode such as PgBouncer, set FLOWS_POSTGRES_PGBOUNCER=true)";

  private PostgresFailures() {}

  /** The refusal that {@code failure} is, if retrying cannot fix it. */
  static Optional<BrokerRefusedException> refusal(Target target, Throwable failure) {
    SQLException deepest = null;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnknownHostException) {
        return Optional.of(new BrokerRefusedException(unknownHost(target, t), failure));
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        deepest = sql; // a pool's timeout copies the state of the driver's error it wraps
      }
    }
    String message = deepest == null ? null : refusal(target, deepest);
    return Optional.ofNullable(message).map(m -> new BrokerRefusedException(m, failure));
  }

  private static String unknownHost(Target target, Throwable unknown) {
    return "cannot reach PostgreSQL: unknown host '"
        + (target.host() != null ? target.host() : unknown.getMessage())
        + "' ("
        + unknown
        + "): correct the host in "
        + target.url();
  }

  /**
   * What usually causes {@code failure}, as a parenthesis to append to its message, when it is
   * retried for a cause a setting fixes; empty otherwise.
   */
  public static String hint(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException
          && t.getCause() instanceof SQLException why) {
        return " (the pool's last attempt to connect: " + SqlErrors.reason(why) + ")";
      }
    }
    Optional<String> state = SqlErrors.sqlState(failure);
    if (state.isEmpty()) {
      return "";
    }
    return switch (state.get()) {
      case "53300" -> BUDGET;
      case "26000", "42P05" ->
          SqlErrors.reason(failure).contains("prepared statement") ? POOLER : "";
      default -> "";
    };
  }

  private static String refusal(Target target, SQLException sql) {
    String at = "PostgreSQL at " + target.where();
    String reason = SqlErrors.reason(sql);
    String user = target.user() != null ? target.user() : "<user>";
    String database = target.database() != null ? target.database() : "<database>";
    return switch (sql.getSQLState()) {
      case "3D000" ->
          at
              + " has no database '"
              + database
              + "' ("
              + reason
              + "): correct the database in "
              + target.url()
              + ", or create it: CREATE DATABASE "
              + database;
      case "28P01" ->
          at
              + " refused the password of user '"
              + user
              + "' ("
              + reason
              + "): correct "
              + target.credentials()
              + ", or set the role's password: ALTER ROLE "
              + user
              + " PASSWORD '...'";
      case "28000" ->
          at
              + " refused user '"
              + user
              + "' ("
              + reason
              + "): correct "
              + target.credentials()
              + ", or create the role: CREATE ROLE "
              + user
              + " LOGIN PASSWORD '...', and let pg_hba.conf admit it";
      case "42501" ->
          at
              + " refused user '"
              + user
              + "' the database '"
              + database
              + "' ("
              + reason
              + "): grant it: GRANT CONNECT ON DATABASE "
              + database
              + " TO "
              + user;
      default -> null;
    };
  }
}
