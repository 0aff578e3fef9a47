package dev.flows.postgres.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.flows.FlowsException;
import java.util.Objects;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.postgres.PostgresPlugin;

/**
 * The JDBI of a state store or table sink, on the caller's data source or on a connection pool it
 * built and so closes: what both need, in one place.
 */
public final class Pool implements AutoCloseable {
  private final Jdbi jdbi;
  private final HikariDataSource owned;

  private Pool(DataSource dataSource, HikariDataSource owned) {
    this.jdbi = jdbi(dataSource);
    this.owned = owned;
  }

  /**
   * JDBI on the caller's data source, which {@link #close()} leaves open.
   *
   * @throws dev.flows.FlowDefinitionException if the PostgreSQL JDBC driver is missing
   */
  public static Pool borrowed(DataSource dataSource) {
    Databases.requireDriver(Pool.class.getClassLoader());
    return new Pool(Objects.requireNonNull(dataSource, "dataSource"), null);
  }

  /**
   * JDBI on a pool of {@code size} connections named {@code name}, closed by {@link #close()};
   * connects at once.
   *
   * @throws dev.flows.FlowDefinitionException if the PostgreSQL JDBC driver is missing
   */
  public static Pool owned(
      String jdbcUrl, String user, String password, int size, String name, String purpose) {
    Databases.requireDriver(Pool.class.getClassLoader());
    HikariDataSource pool =
        pool(Objects.requireNonNull(jdbcUrl, "jdbcUrl"), user, password, size, name, purpose);
    return new Pool(pool, pool);
  }

  /** The JDBI to run statements with. */
  public Jdbi jdbi() {
    return jdbi;
  }

  /** Closes the pool if this built it. */
  @Override
  public void close() {
    if (owned != null) {
      owned.close();
    }
  }

  /**
   * JDBI on {@code dataSource}, with the array element types the set-based statements bind. Errors
   * name the table and action, not the bound values: a batch holds thousands, and they are user
   * data.
   */
  private static Jdbi jdbi(DataSource dataSource) {
    Jdbi jdbi =
        Jdbi.create(dataSource)
            .installPlugin(new PostgresPlugin())
            .registerArrayType(String.class, "text")
            .registerArrayType(Long.class, "int8")
            .registerArrayType(Integer.class, "int4")
            .registerArrayType(Double.class, "float8")
            .registerArrayType(Boolean.class, "bool");
    jdbi.getConfig(StatementExceptions.class)
        .setMessageRendering(StatementExceptions.MessageRendering.NONE);
    return jdbi;
  }

  /**
   * A Hikari pool of {@code size} connections named {@code name} for the {@code purpose}; connects
   * at once.
   */
  private static HikariDataSource pool(
      String jdbcUrl, String user, String password, int size, String name, String purpose) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(jdbcUrl);
    config.setUsername(user);
    config.setPassword(password);
    config.setMaximumPoolSize(size);
    config.setPoolName(name);
    config.addDataSourceProperty("ApplicationName", name);
    try {
      return new HikariDataSource(config);
    } catch (RuntimeException e) {
      throw new FlowsException("cannot connect to the " + purpose + ": " + e.getMessage(), e);
    }
  }
}
