package dev.flows.testkit;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL database for a test, with plain-SQL helpers for assertions. One server serves
 * the whole test JVM, so tests use table names of their own.
 */
public final class TestPostgres {
  private final String jdbcUrl;
  private final String user;
  private final String password;
  private final String origin;

  /** A test database at {@code jdbcUrl}; {@code origin} says where it came from. */
  public TestPostgres(String jdbcUrl, String user, String password, String origin) {
    this.jdbcUrl = jdbcUrl;
    this.user = user;
    this.password = password;
    this.origin = origin;
  }

  /** The JDBC URL. */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  /** The user, may be {@code null} when the URL carries it. */
  public String user() {
    return user;
  }

  /** The password, may be {@code null}. */
  public String password() {
    return password;
  }

  /** Where the database came from: an env var, a container or embedded. */
  public String origin() {
    return origin;
  }

  /** A new unpooled data source for the database. */
  public DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(jdbcUrl);
    if (user != null) {
      ds.setUser(user);
    }
    if (password != null) {
      ds.setPassword(password);
    }
    return ds;
  }

  /** Runs a statement (DDL or DML). */
  public void execute(String sql) {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new AssertionError("SQL failed: " + sql + ": " + e.getMessage(), e);
    }
  }

  /**
   * The first column of the first row of a query as a long, 0 when it is {@code null} or there is
   * no row.
   */
  public long queryLong(String sql) {
    try (Connection c = dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    } catch (SQLException e) {
      throw new AssertionError("SQL failed: " + sql + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "PostgreSQL at " + jdbcUrl + " (" + origin + ")";
  }
}
