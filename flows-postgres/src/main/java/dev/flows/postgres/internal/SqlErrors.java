package dev.flows.postgres.internal;

import java.sql.SQLException;
import java.util.Optional;
import java.util.Set;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * Sorts database errors by SQLSTATE into the two kinds a writer handles differently. A
 * <em>record-data</em> error is the database refusing the values of the rows written, and it will
 * refuse them every time: 21000 (one statement affecting a row twice: keys equal in the database),
 * class 22 (data exception: invalid JSON, a NUL byte, a value out of range), class 23 (integrity
 * constraint violation: not null, check, unique, foreign key) and 54000 (program limit exceeded: a
 * key too large to index). Everything else is <em>infrastructure</em> and may heal on a retry:
 * connection loss (08), serialization failure (40001), deadlock (40P01), shutdown (57P01), a
 * cancelled or timed-out statement, and any state not named here, or none. Immutable.
 */
public final class SqlErrors {
  private static final SqlErrors STANDARD = new SqlErrors(Set.of());

  private final Set<String> expected;

  private SqlErrors(Set<String> expected) {
    this.expected = expected;
  }

  /** The classification above. */
  public static SqlErrors standard() {
    return STANDARD;
  }

  /**
   * The classification above, except that {@code states} are not record-data errors: conflicts a
   * caller's own protocol raises and handles (a version race, say), which bisecting would only
   * hide.
   */
  public static SqlErrors except(String... states) {
    return new SqlErrors(Set.of(states));
  }

  /** Whether the first {@link SQLException} in {@code error}'s causes has a record-data state. */
  public boolean isRecordError(Throwable error) {
    return sqlState(error).filter(this::isRecordState).isPresent();
  }

  /** The SQLSTATE of the first {@link SQLException} in {@code error}'s causes, if any. */
  public static Optional<String> sqlState(Throwable error) {
    return first(error).map(SQLException::getSQLState);
  }

  /**
   * The database's own words for {@code error}: its message and detail, and the SQLSTATE, e.g.
   * {@code invalid input syntax for type json: Token "not" is invalid. (SQLSTATE 22P02)}.
   */
  public static String reason(Throwable error) {
    Optional<SQLException> sql = first(error);
    if (sql.isEmpty()) {
      return String.valueOf(error.getMessage());
    }
    ServerErrorMessage server =
        sql.get() instanceof PSQLException psql ? psql.getServerErrorMessage() : null;
    String message =
        server == null || server.getMessage() == null
            ? String.valueOf(sql.get().getMessage())
            : server.getMessage() + (server.getDetail() == null ? "" : ": " + server.getDetail());
    return message + " (SQLSTATE " + sql.get().getSQLState() + ")";
  }

  private boolean isRecordState(String state) {
    if (state == null || state.length() != 5 || expected.contains(state)) {
      return false;
    }
    return state.equals("21000")
        || state.equals("54000")
        || state.startsWith("22")
        || state.startsWith("23");
  }

  private static Optional<SQLException> first(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        return Optional.of(sql);
      }
    }
    return Optional.empty();
  }
}
