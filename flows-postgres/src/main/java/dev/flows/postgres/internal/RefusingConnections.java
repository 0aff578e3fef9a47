package dev.flows.postgres.internal;

import dev.flows.BrokerRefusedException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import javax.sql.DataSource;
import org.jdbi.v3.core.ConnectionFactory;

/**
 * JDBI's connections from a data source, where a connection PostgreSQL refuses for a reason
 * retrying cannot fix throws the {@link BrokerRefusedException} naming the cause and the fix
 * ({@link PostgresFailures}): every statement of a store or sink opens its connection here.
 */
final class RefusingConnections implements ConnectionFactory {
  private final DataSource dataSource;
  private final Target target;

  RefusingConnections(DataSource dataSource, Target target) {
    this.dataSource = dataSource;
    this.target = target;
  }

  @Override
  public Connection openConnection() throws SQLException {
    try {
      return dataSource.getConnection();
    } catch (SQLException e) {
      Optional<BrokerRefusedException> refused = PostgresFailures.refusal(target, e);
      if (refused.isPresent()) {
        throw refused.get();
      }
      throw e;
    }
  }
}
