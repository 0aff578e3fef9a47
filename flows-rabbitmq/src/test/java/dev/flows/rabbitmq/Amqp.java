package dev.flows.rabbitmq;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import dev.flows.testkit.TestRabbitMq;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A plain amqp-client view of the test broker: counts and drains queues, independent of the code
 * under test.
 */
final class Amqp implements AutoCloseable {
  private final Connection connection;
  private final Channel channel;

  Amqp(TestRabbitMq rabbit) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(rabbit.uri());
    this.connection = factory.newConnection("flows-it-observer");
    this.channel = connection.createChannel();
  }

  /**
   * A queue name no other test (or earlier run) uses; the queues named after it are deleted after
   * the test class ({@link TestQueueCleanup}).
   */
  static String uniqueName(String prefix) {
    String name =
        prefix
            + "-"
            + Long.toString(System.currentTimeMillis(), 36)
            + Integer.toString(ThreadLocalRandom.current().nextInt(1_000_000), 36);
    TestQueueCleanup.register(name);
    return name;
  }

  /** Messages ready in {@code queue} (0 if it does not exist yet). */
  synchronized long ready(String queue) {
    try (Channel passive = connection.createChannel()) {
      return passive.queueDeclarePassive(queue).getMessageCount();
    } catch (IOException e) {
      return 0; // not declared yet: the passive declare closed its channel
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Takes every ready message of {@code queue} (acknowledging it). */
  synchronized List<GetResponse> drain(String queue) throws IOException {
    List<GetResponse> all = new ArrayList<>();
    for (GetResponse r = channel.basicGet(queue, true);
        r != null;
        r = channel.basicGet(queue, true)) {
      all.add(r);
    }
    return all;
  }

  /**
   * Publishes a persistent message to {@code queue} as another producer would, headers as given.
   */
  synchronized void publish(String queue, String body, Map<String, Object> headers)
      throws IOException {
    AMQP.BasicProperties properties =
        MessageProperties.PERSISTENT_BASIC.builder().headers(headers).build();
    channel.basicPublish("", queue, properties, body.getBytes(StandardCharsets.UTF_8));
  }

  /** Deletes the queues if they exist. */
  void delete(String... queues) throws IOException {
    for (String q : queues) {
      channel.queueDelete(q);
    }
  }

  @Override
  public void close() throws IOException {
    connection.close();
  }
}
