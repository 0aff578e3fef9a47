package dev.flows.rabbitmq.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.AMQImpl;
import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

/** Which connection failures are refusals retrying cannot fix, and how each is worded. */
class ConnectFailuresTest {

  @Test
  void shouldTellTheUserToGrantAccessWhenTheVirtualHostExistsButRefusesTheUser() throws Exception {
    ConnectionFactory factory = factory("amqp://app:secret@rabbit:5672/orders");
    String reason = "NOT_ALLOWED - access to vhost 'orders' refused for user 'app'";

    String message =
        ConnectFailures.refusal(factory, closedWith(reason)).orElseThrow().getMessage();

    assertEquals(
        "RabbitMQ at rabbit:5672 refused virtual host 'orders' ("
            + reason
            + "): grant user 'app' access: rabbitmqctl set_permissions -p 'orders' app '.*' '.*'"
            + " '.*'",
        message);
  }

  @Test
  void shouldOfferAmqpsUrisWhenTheUriUsesTls() throws Exception {
    ConnectionFactory factory = factory("amqps://app:secret@rabbit:5671/");

    String message =
        ConnectFailures.refusal(factory, closedWith("NOT_ALLOWED - vhost  not found"))
            .orElseThrow()
            .getMessage();

    assertTrue(
        message.endsWith(
            "use amqps://rabbit:5671/%2F or amqps://rabbit:5671 for the default vhost"),
        message);
  }

  @Test
  void shouldRetryWhenTheBrokerIsOnlyUnreachable() throws Exception {
    ConnectionFactory factory = factory("amqp://app:secret@rabbit:5672/%2F");

    assertTrue(
        ConnectFailures.refusal(factory, new ConnectException("Connection refused")).isEmpty());
  }

  @Test
  void shouldNameEachExceptionAndItsCauseWhenAMessageIsNull() {
    IOException failure = new IOException(new IllegalStateException());

    assertEquals("IOException, caused by IllegalStateException", ConnectFailures.describe(failure));
  }

  private static ConnectionFactory factory(String uri) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(uri);
    return factory;
  }

  /** How amqp-client reports a connection the broker closed while it opened: no message. */
  private static IOException closedWith(String replyText) {
    AMQP.Connection.Close close = new AMQImpl.Connection.Close(AMQP.NOT_ALLOWED, replyText, 10, 40);
    return new IOException(new ShutdownSignalException(true, false, close, null));
  }
}
