package dev.flows.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out {@link Settlement}s of one task queue's deliveries on its consumer channel. A retry
 * or a dead-letter moves the task: publish a persistent copy, await the broker's confirm, then ack;
 * a crash in between delivers the task again, never loses it. If the copy is not confirmed the task
 * is nacked back onto its queue. Acks and nacks are serialised on the channel the worker threads
 * share; one that fails leaves the task to be delivered again.
 */
final class DeliverySettler {
  private static final Logger LOG = LoggerFactory.getLogger(DeliverySettler.class);
  private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(60);

  private final Channel channel;
  private final ConfirmingPublisher publisher;
  private final String queue;

  /**
   * Settles deliveries of {@code queue} on {@code channel}; moves them through {@code publisher}.
   */
  DeliverySettler(Channel channel, ConfirmingPublisher publisher, String queue) {
    this.channel = channel;
    this.publisher = publisher;
    this.queue = queue;
  }

  /** Acknowledges {@code delivery}: its task is done. */
  void ack(Delivery delivery) {
    onChannel("ack", () -> channel.basicAck(delivery.getEnvelope().getDeliveryTag(), false));
  }

  /** Moves {@code delivery} to the delay queue of its next attempt. */
  void retry(Delivery delivery, Settlement.Retry retry) {
    moveThenAck(delivery, retry.queue(), retry.headers(), () -> {});
  }

  /** Moves {@code delivery} to the dead-letter queue. */
  void deadLetter(Delivery delivery, Settlement.DeadLetter dead) {
    moveThenAck(
        delivery,
        dead.queue(),
        dead.headers(),
        () ->
            LOG.warn(
                "task of {} dead-lettered to {} after {} attempt(s): {}",
                queue,
                dead.queue(),
                dead.attempts(),
                dead.reason().toString()));
  }

  private void moveThenAck(
      Delivery delivery, String target, Map<String, Object> headers, Runnable onConfirmed) {
    CompletableFuture<Void> confirmed = publishCopy(delivery, target, headers);
    try {
      confirmed.get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      onConfirmed.run();
      ack(delivery);
    } catch (Exception e) {
      LOG.warn(
          "task of {} could not be moved to {} ({}); returning it to the queue",
          queue,
          target,
          e.toString());
      onChannel(
          "nack", () -> channel.basicNack(delivery.getEnvelope().getDeliveryTag(), false, true));
    }
  }

  /** Publishes a persistent copy of {@code delivery} with {@code headers}; completes on confirm. */
  private CompletableFuture<Void> publishCopy(
      Delivery delivery, String target, Map<String, Object> headers) {
    AMQP.BasicProperties copy =
        MessageProperties.PERSISTENT_BASIC
            .builder()
            .headers(headers)
            .contentType(delivery.getProperties().getContentType())
            .build();
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    publisher.publish(
        target,
        copy,
        delivery.getBody(),
        error -> {
          if (error == null) {
            confirmed.complete(null);
          } else {
            confirmed.completeExceptionally(error);
          }
        });
    return confirmed;
  }

  /** A call on the channel, which may fail: the broker then delivers the task again. */
  @FunctionalInterface
  private interface ChannelCall {
    void run() throws IOException;
  }

  private void onChannel(String call, ChannelCall action) {
    try {
      synchronized (channel) {
        action.run();
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "{} of a task of {} failed ({}): it will be delivered again", call, queue, e.toString());
    }
  }
}
