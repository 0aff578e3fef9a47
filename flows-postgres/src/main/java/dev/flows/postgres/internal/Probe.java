package dev.flows.postgres.internal;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one connection a store makes when it builds its pool, so that a deployment PostgreSQL refuses
 * fails at start with the cause and the fix, while one whose database is down starts and retries:
 * the pool itself connects in the background, where neither is told apart.
 */
final class Probe {
  private static final Logger LOG = LoggerFactory.getLogger(Probe.class);

  private Probe() {}

  /**
   * Connects once and closes the connection.
   *
   * @throws dev.flows.BrokerRefusedException if PostgreSQL refuses it for a reason retrying cannot
   *     fix; any other failure is logged, and the statements will retry
   */
  static void connect(
      String jdbcUrl,
      String user,
      String password,
      Properties driver,
      Target target,
      String purpose) {
    Properties properties = new Properties();
    properties.putAll(driver);
    if (user != null) {
      properties.setProperty("user", user);
    }
    if (password != null) {
      properties.setProperty("password", password);
    }
    try (Connection connection = new Driver().connect(jdbcUrl, properties)) {
      LOG.debug("the {} at {} answers", purpose, target.where());
    } catch (SQLException e) {
      PostgresFailures.refusal(target, e)
          .ifPresent(
              refused -> {
                throw refused;
              });
      LOG.warn(
          "cannot reach the {} at {} yet ({}): its flows retry, not ready, until it answers",
          purpose,
          target.where(),
          SqlErrors.reason(e));
    }
  }
}
