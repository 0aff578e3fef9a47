package dev.flows.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class TestRabbitMqTest {
  @Test
  void shouldFailSayingWhatItNeedsWhenClosingConnectionsOfARemoteBroker() {
    TestRabbitMq remote =
        new TestRabbitMq(
            URI.create("amqp://guest:guest@192.0.2.1:5672/%2F"), "FLOWS_TEST_RABBITMQ");

    AssertionError e = assertThrows(AssertionError.class, remote::closeAllConnections);

    assertEquals(
        "closeAllConnections() needs a local RabbitMQ broker and rabbitmqctl (/usr/sbin/rabbitmqctl or on the PATH),"
            + " but the broker at 192.0.2.1:5672 (FLOWS_TEST_RABBITMQ) is not on this machine",
        e.getMessage());
  }

  @Test
  void shouldFailWithoutStoppingAnythingWhenRestartingARemoteBroker() {
    TestRabbitMq remote =
        new TestRabbitMq(
            URI.create("amqp://guest:guest@192.0.2.1:5672/%2F"), "FLOWS_TEST_RABBITMQ");
    AtomicBoolean ranStopped = new AtomicBoolean();

    AssertionError e =
        assertThrows(AssertionError.class, () -> remote.restart(() -> ranStopped.set(true)));

    assertEquals(
        "restart() needs a local RabbitMQ broker and rabbitmqctl (/usr/sbin/rabbitmqctl or on the PATH),"
            + " but the broker at 192.0.2.1:5672 (FLOWS_TEST_RABBITMQ) is not on this machine",
        e.getMessage());
    assertFalse(ranStopped.get(), "nothing ran as if the broker were stopped");
  }
}
