package dev.flows.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import javax.sql.DataSource;

/**
 * A real PostgreSQL server started from Maven jars (no installation, no Docker), on a free port
 * of this machine, with its data in a temporary directory deleted on close. For tests, benchmarks
 * and demos.
 */
public final class EmbeddedPostgresDatabase implements AutoCloseable {
  /** The superuser and database of the embedded server: {@value}. */
  public static final String USER = "postgres";

  private final EmbeddedPostgres postgres;

  private EmbeddedPostgresDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /** Starts a fresh server; returns once it accepts connections. */
  public static EmbeddedPostgresDatabase start() {
    try {
      return new EmbeddedPostgresDatabase(EmbeddedPostgres.builder().start());
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the embedded PostgreSQL: " + e.getMessage(), e);
    }
  }

  /** The JDBC URL of database {@value #USER}. */
  public String jdbcUrl() {
    return postgres.getJdbcUrl(USER, USER);
  }

  /** A data source of database {@value #USER}. */
  public DataSource dataSource() {
    return postgres.getPostgresDatabase();
  }

  /** Stops the server and deletes its data. */
  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new IllegalStateException("cannot stop the embedded PostgreSQL: " + e.getMessage(), e);
    }
  }
}
