package dev.flows.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import dev.flows.BrokerRefusedException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Why a connection to RabbitMQ failed, in words a user can act on. amqp-client reports an unknown
 * virtual host as an {@code IOException} without a message (the broker's reason is in its cause),
 * which is how "cannot consume queue ...: null" came about; the refusals retrying cannot fix become
 * a {@link BrokerRefusedException} naming the cause and the fix.
 */
public final class ConnectFailures {
  private static final String URI_HINT = " (FLOWS_RABBITMQ_URI)";

  private ConnectFailures() {}

  /** The refusal that {@code failure} is, if retrying cannot fix it. */
  public static Optional<BrokerRefusedException> refusal(
      ConnectionFactory factory, Throwable failure) {
    String at = factory.getHost() + ":" + factory.getPort();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = null;
      if (t instanceof PossibleAuthenticationFailureException) {
        message = login(factory, at, t);
      } else if (t instanceof UnknownHostException) {
        message =
            "cannot reach RabbitMQ: unknown host '"
                + factory.getHost()
                + "' ("
                + describe(t)
                + "): correct the host in the URI"
                + URI_HINT;
      } else if (t instanceof ShutdownSignalException s
          && s.getReason() instanceof AMQP.Connection.Close close
          && close.getReplyCode() == AMQP.NOT_ALLOWED) {
        message = virtualHost(factory, at, close.getReplyText());
      }
      if (message != null) {
        return Optional.of(new BrokerRefusedException(message, failure));
      }
    }
    return Optional.empty();
  }

  private static String login(ConnectionFactory factory, String at, Throwable t) {
    String user = factory.getUsername();
    return "RabbitMQ at "
        + at
        + " refused the login of user '"
        + user
        + "' ("
        + describe(t)
        + "): correct the user and password in the URI (amqp://user:password@host:port/vhost)"
        + URI_HINT
        + ", or create the user: rabbitmqctl add_user "
        + user
        + " <password>";
  }

  private static String virtualHost(ConnectionFactory factory, String at, String reason) {
    String vhost = factory.getVirtualHost();
    String scheme = factory.isSSL() ? "amqps://" : "amqp://";
    String refused = "RabbitMQ at " + at + " refused virtual host '" + vhost + "' (" + reason + ")";
    if (!reason.contains("not found")) {
      return refused
          + ": grant user '"
          + factory.getUsername()
          + "' access: rabbitmqctl set_permissions -p '"
          + vhost
          + "' "
          + factory.getUsername()
          + " '.*' '.*' '.*'";
    }
    return refused
        + ": the virtual host is the URI's path after the port, and '/' is written %2F"
        + URI_HINT
        + "; use "
        + scheme
        + at
        + "/%2F or "
        + scheme
        + at
        + " for the default vhost"
        + (vhost.isEmpty() ? "" : ", or create it: rabbitmqctl add_vhost " + vhost);
  }

  /**
   * {@code failure} and its causes, each as its class and message: never a bare {@code null} when
   * an exception has no message.
   */
  public static String describe(Throwable failure) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = failure; t != null && parts.size() < 5; t = t.getCause()) {
      String message = t.getMessage();
      boolean wrapsCause = t.getCause() != null && t.getCause().toString().equals(message);
      parts.add(
          message == null || wrapsCause
              ? t.getClass().getSimpleName()
              : t.getClass().getSimpleName() + ": " + message);
    }
    return String.join(", caused by ", parts);
  }
}
