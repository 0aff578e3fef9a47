package dev.flows.postgres.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.flows.FlowDefinitionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.postgresql.Driver;
import org.postgresql.ds.common.BaseDataSource;

/**
 * Which database a pool connects to, and where its user set it: what a refusal's message names.
 *
 * @param where {@code host:port} (comma-separated for a multi-host URL), or a description when
 *     unknown
 * @param host the host, or the hosts comma-separated, {@code null} when unknown
 * @param database the database name, {@code null} when unknown
 * @param user the user, {@code null} when unknown
 * @param url the setting that holds the URL, e.g. {@code the JDBC URL (FLOWS_POSTGRES_URL)}
 * @param credentials the settings that hold the user and password
 */
record Target(
    String where, String host, String database, String user, String url, String credentials) {

  /** A pool the store built from {@code jdbcUrl}: the settings are the environment's. */
  static Target ofUrl(String jdbcUrl, String user) {
    Properties parsed = parse(jdbcUrl);
    return new Target(
        where(parsed),
        parsed.getProperty("PGHOST"),
        parsed.getProperty("PGDBNAME"),
        user != null ? user : parsed.getProperty("user"),
        "the JDBC URL (FLOWS_POSTGRES_URL)",
        "the user and password (FLOWS_POSTGRES_USER, FLOWS_POSTGRES_PASSWORD)");
  }

  /** The caller's data source: its URL where it tells it (pgjdbc's and Hikari's do). */
  static Target ofDataSource(DataSource dataSource) {
    String url = null;
    String user = null;
    if (dataSource instanceof BaseDataSource pg) {
      url = pg.getURL();
      user = pg.getUser();
    } else if (dataSource instanceof HikariDataSource hikari) {
      url = hikari.getJdbcUrl();
      user = hikari.getUsername();
    }
    Properties parsed = url == null ? null : Driver.parseURL(url, null);
    String settings = "the URL of the data source given to the store";
    String credentials = "the user and password of the data source given to the store";
    if (parsed == null) {
      return new Target("the data source's database", null, null, user, settings, credentials);
    }
    return new Target(
        where(parsed),
        parsed.getProperty("PGHOST"),
        parsed.getProperty("PGDBNAME"),
        user != null ? user : parsed.getProperty("user"),
        settings,
        credentials);
  }

  /** The URL's parts; a URL pgjdbc does not accept is a definition error. */
  static Properties parse(String jdbcUrl) {
    Properties parsed = Driver.parseURL(jdbcUrl, null);
    if (parsed == null) {
      throw FlowDefinitionException.of(
          "FLOWS_POSTGRES_URL",
          jdbcUrl.split("\\?", 2)[0], // parameters may hold a password
          "is not a PostgreSQL JDBC URL",
          "use jdbc:postgresql://host:5432/database");
    }
    return parsed;
  }

  private static String where(Properties parsed) {
    String[] hosts = parsed.getProperty("PGHOST", "").split(",");
    String[] ports = parsed.getProperty("PGPORT", "").split(",");
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < hosts.length; i++) {
      pairs.add(hosts[i] + ":" + (i < ports.length ? ports[i] : "5432"));
    }
    return String.join(",", pairs);
  }
}
