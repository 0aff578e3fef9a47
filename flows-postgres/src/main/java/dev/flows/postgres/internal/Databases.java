package dev.flows.postgres.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.flows.FlowsException;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementExceptions;
import org.jdbi.v3.postgres.PostgresPlugin;

/** Connection pools and JDBI set up for the table sink. */
public final class Databases {
  private Databases() {}

  /**
   * JDBI on {@code dataSource}, with the array element types the set-based statements bind. Errors
   * name the table and action, not the bound values: a batch holds thousands, and they are user data.
   */
  public static Jdbi jdbi(DataSource dataSource) {
    Jdbi jdbi = Jdbi.create(dataSource).installPlugin(new PostgresPlugin())
        .registerArrayType(String.class, "text")
        .registerArrayType(Long.class, "int8")
        .registerArrayType(Integer.class, "int4")
        .registerArrayType(Double.class, "float8")
        .registerArrayType(Boolean.class, "bool");
    jdbi.getConfig(StatementExceptions.class).setMessageRendering(StatementExceptions.MessageRendering.NONE);
    return jdbi;
  }

  /** A Hikari pool of {@code size} connections named {@code name}; connects at once. */
  public static HikariDataSource pool(String jdbcUrl, String user, String password, int size, String name) {
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
      throw new FlowsException("cannot connect to the database of " + name + ": " + e.getMessage(), e);
    }
  }
}
