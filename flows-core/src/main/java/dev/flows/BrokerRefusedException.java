package dev.flows;

/**
 * A service refused this client for a reason that retrying cannot fix: RabbitMQ refusing an unknown
 * host or virtual host or its credentials, PostgreSQL refusing an unknown host or database or its
 * credentials. The message names the cause and the fix. A flow refused on its very first attempt to
 * reach the service (a task flow's subscription, a Kafka-sourced flow's first batch, a cron flow's
 * first claim) stops with it (its status and {@code /health/ready} show the message), so a
 * misconfigured deployment fails visibly instead of retrying forever; refused after that, it keeps
 * retrying and stays not ready.
 */
public class BrokerRefusedException extends FlowsException {
  private static final long serialVersionUID = 1L;

  /** A refusal with a message naming the cause and the fix, and the client's exception. */
  public BrokerRefusedException(String message, Throwable cause) {
    super(message, cause);
  }
}
