package dev.flows.bench;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code raw-amqp}: the client limit for tasks. One channel with prefetch = concurrency times the
 * prefetch multiplier and manual acknowledgement of each message after the (no-op) work, on
 * amqp-client's consumer thread.
 */
final class RawAmqpContender {
  private RawAmqpContender() {}

  static void consume(Params p) throws Exception {
    ConnectionFactory factory = new ConnectionFactory();
    factory.setUri(p.get("rabbitUri"));
    Connection connection = factory.newConnection("bench-raw-amqp");
    Channel channel = connection.createChannel();
    channel.basicQos(p.integer("concurrency") * p.integer("prefetchMultiplier"));
    int target = p.integer("count");
    AtomicInteger done = new AtomicInteger();
    channel.basicConsume(
        p.get("queue"),
        false,
        new DefaultConsumer(channel) {
          @Override
          public void handleDelivery(
              String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body)
              throws IOException {
            Marks.first(new String(body, StandardCharsets.UTF_8));
            channel.basicAck(envelope.getDeliveryTag(), false);
            if (done.incrementAndGet() == target) {
              Marks.done();
            }
          }
        });
    ChildMain.awaitKill();
  }
}
