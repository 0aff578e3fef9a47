package dev.flows.rabbitmq.internal;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.impl.DefaultExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * amqp-client's exception handler, except that a connection whose recovery the broker refuses (its
 * virtual host deleted, its user's password changed) is logged with the cause and the fix ({@link
 * ConnectFailures}) instead of amqp-client's "Caught an exception during connection recovery!" and
 * a stack trace whose top says {@code IOException: null}. Recovery goes on retrying, and the queue
 * stays not connected until it succeeds.
 */
public final class RecoveryLog extends DefaultExceptionHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RecoveryLog.class);

  private final ConnectionFactory factory;

  /** The handler of connections of {@code factory}. */
  public RecoveryLog(ConnectionFactory factory) {
    this.factory = factory;
  }

  @Override
  public void handleConnectionRecoveryException(Connection connection, Throwable exception) {
    ConnectFailures.refusal(factory, exception)
        .ifPresentOrElse(
            refused ->
                LOG.warn(
                    "connection {} not recovered, retrying every {} ms: {}",
                    connection == null ? null : connection.getClientProvidedName(),
                    factory.getNetworkRecoveryInterval(),
                    refused.getMessage()),
            () -> super.handleConnectionRecoveryException(connection, exception));
  }
}
