package dev.flows.testkit;

import dev.flows.testkit.internal.Ports;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import javax.sql.DataSource;
import org.apache.kafka.common.utils.Utils;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PostgreSQL server started from Maven jars (no installation, no Docker), on a free port of
 * this machine, with its data in a temporary directory deleted on close. For tests, benchmarks and
 * demos. flows-testkit brings the binaries of Linux (x86-64, ARM64) and macOS (Intel, Apple
 * silicon); elsewhere {@link #start()} fails, and tests need Docker or {@code FLOWS_TEST_POSTGRES}.
 */
public final class EmbeddedPostgresDatabase implements AutoCloseable {
  /** The superuser and database of the embedded server: {@value}. */
  public static final String USER = "postgres";

  private final File dataDirectory;
  private final int port;
  private EmbeddedPostgres postgres;

  private EmbeddedPostgresDatabase(File dataDirectory, int port) {
    this.dataDirectory = dataDirectory;
    this.port = port;
  }

  /** Starts a fresh server; returns once it accepts connections. */
  public static EmbeddedPostgresDatabase start() {
    try {
      EmbeddedPostgresDatabase database =
          new EmbeddedPostgresDatabase(
              Files.createTempDirectory("flows-postgres-").toFile(), Ports.free());
      database.restart();
      return database;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the embedded PostgreSQL's data directory", e);
    }
  }

  /** The JDBC URL of database {@value #USER}. */
  public String jdbcUrl() {
    return "jdbc:postgresql://localhost:" + port + "/" + USER + "?user=" + USER;
  }

  /** A new unpooled data source of database {@value #USER}; it outlives restarts. */
  public DataSource dataSource() {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(jdbcUrl());
    return ds;
  }

  /** Stops the server (a fast shutdown), keeping its data and port for {@link #restart()}. */
  public synchronized void shutdown() {
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot stop the embedded PostgreSQL", e);
      }
      postgres = null;
    }
  }

  /**
   * Starts the server again on the same port and data after {@link #shutdown()}; a no-op while it
   * runs.
   */
  public synchronized void restart() {
    if (postgres == null) {
      try {
        postgres =
            EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPort(port)
                .start();
      } catch (IOException e) {
        throw new IllegalStateException(
            "cannot start the embedded PostgreSQL: " + e.getMessage(), e);
      }
    }
  }

  /** Stops the server and deletes its data. */
  @Override
  public void close() {
    shutdown();
    try {
      Utils.delete(dataDirectory);
    } catch (IOException e) {
      // a leftover temporary directory is harmless
    }
  }
}
