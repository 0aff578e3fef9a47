package dev.flows.postgres;

import dev.flows.testkit.TestPostgres;
import java.util.Properties;
import org.postgresql.Driver;

/** JDBC URLs of the test database for other users, databases and hosts. */
final class Urls {
  private Urls() {}

  /**
   * The test server's URL for {@code database} on {@code host}, without parameters: the user and
   * password travel apart, as the stores pass them.
   */
  static String url(TestPostgres postgres, String host, String database) {
    return "jdbc:postgresql://"
        + host
        + ":"
        + parsed(postgres).getProperty("PGPORT")
        + "/"
        + database;
  }

  /** The test server's URL for {@code database}. */
  static String url(TestPostgres postgres, String database) {
    return url(postgres, host(postgres), database);
  }

  static String host(TestPostgres postgres) {
    return parsed(postgres).getProperty("PGHOST");
  }

  static String database(TestPostgres postgres) {
    return parsed(postgres).getProperty("PGDBNAME");
  }

  /** The test database's user, from the URL when it carries it. */
  static String user(TestPostgres postgres) {
    return postgres.user() != null ? postgres.user() : parsed(postgres).getProperty("user");
  }

  private static Properties parsed(TestPostgres postgres) {
    Properties properties = Driver.parseURL(postgres.jdbcUrl(), null);
    if (properties == null) {
      throw new IllegalStateException("not a PostgreSQL JDBC URL: " + postgres.jdbcUrl());
    }
    return properties;
  }
}
