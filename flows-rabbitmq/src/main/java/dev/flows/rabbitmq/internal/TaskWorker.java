package dev.flows.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.MessageProperties;
import dev.flows.TaskOptions;
import dev.flows.spi.IncomingTask;
import dev.flows.spi.TaskHandler;
import dev.flows.spi.TaskSubscription;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one task queue with manual acknowledgement: prefetch = concurrency, each delivery run on
 * one of {@code concurrency} worker threads, interrupted after the timeout. Success: ack. Failure:
 * publish a copy to the delay queue of the next attempt (or the dead-letter queue), await the
 * broker's confirm, then ack: a crash in between delivers the task again, never loses it. If that
 * publish fails the task is nacked back onto the queue. Closing drains: cancel the consumer, let
 * running tasks finish and be acked, then close the channel (unacked tasks return to the queue).
 */
public final class TaskWorker extends DefaultConsumer implements TaskSubscription {
  private static final Logger LOG = LoggerFactory.getLogger(TaskWorker.class);
  private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(60);

  private final String queue;
  private final TaskOptions options;
  private final Duration drainTimeout;
  private final TaskHandler handler;
  private final ConfirmingPublisher publisher;
  private final Retries retries;
  private final ExecutorService workers;
  private final ScheduledExecutorService alarms;
  private volatile String consumerTag;

  private TaskWorker(
      Channel channel,
      String flow,
      String queue,
      TaskOptions options,
      Duration drainTimeout,
      TaskHandler handler,
      ConfirmingPublisher publisher) {
    super(channel);
    this.queue = queue;
    this.options = options;
    this.drainTimeout = drainTimeout;
    this.handler = handler;
    this.publisher = publisher;
    this.retries = new Retries(flow, queue, options);
    this.workers = Executors.newFixedThreadPool(options.concurrency(), threads(flow + "-task"));
    this.alarms = Executors.newSingleThreadScheduledExecutor(threads(flow + "-timeout"));
  }

  /**
   * Declares the topology and starts consuming {@code queue} on a new channel of {@code
   * connection}.
   */
  public static TaskWorker start(
      Connection connection,
      ConfirmingPublisher publisher,
      String flow,
      String queue,
      TaskOptions options,
      Duration drainTimeout,
      TaskHandler handler)
      throws IOException {
    try (Channel declaring = connection.createChannel()) {
      Topology.declareAll(declaring, queue, options);
    } catch (TimeoutException e) {
      throw new IOException("timed out declaring the queues of " + queue, e);
    }
    Channel channel = connection.createChannel();
    channel.basicQos(options.concurrency());
    TaskWorker worker =
        new TaskWorker(channel, flow, queue, options, drainTimeout, handler, publisher);
    worker.consumerTag =
        channel.basicConsume(queue, false, flow + "-" + ProcessHandle.current().pid(), worker);
    return worker;
  }

  @Override
  public void handleDelivery(
      String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
    try {
      workers.execute(() -> run(envelope.getDeliveryTag(), properties, body));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("draining: a task of {} arrived after the cancel, it returns to the queue", queue);
    }
  }

  private void run(long deliveryTag, AMQP.BasicProperties properties, byte[] body) {
    int attempt = Retries.attemptOf(properties.getHeaders());
    IncomingTask task =
        new IncomingTask(queue, body, AmqpHeaders.fromAmqp(properties.getHeaders()), attempt);
    Exception failure = attempt(task);
    if (failure == null) {
      ack(deliveryTag);
    } else {
      retryOrDeadLetter(deliveryTag, attempt, failure, properties, body);
    }
  }

  /** Runs one attempt under the timeout; returns its failure, or {@code null}. */
  private Exception attempt(IncomingTask task) {
    Thread self = Thread.currentThread();
    CompletableFuture<Boolean> timedOut = new CompletableFuture<>();
    ScheduledFuture<?> alarm =
        alarms.schedule(
            () -> {
              if (timedOut.complete(true)) {
                self.interrupt();
              }
            },
            options.timeout().toMillis(),
            TimeUnit.MILLISECONDS);
    Exception failure = null;
    try {
      handler.handle(task);
    } catch (Exception e) {
      failure = e;
    } finally {
      alarm.cancel(false);
      boolean late = !timedOut.complete(false);
      Thread
          .interrupted(); // clear an interrupt of the timeout: the ack below must not be disturbed
      if (late) {
        failure =
            new TimeoutException(
                "task ran longer than its timeout of " + options.timeout().toMillis() + " ms");
      }
    }
    return failure;
  }

  private void retryOrDeadLetter(
      long deliveryTag,
      int attempt,
      Exception failure,
      AMQP.BasicProperties properties,
      byte[] body) {
    Retries.Next next = retries.after(attempt, failure, properties.getHeaders());
    AMQP.BasicProperties copy =
        MessageProperties.PERSISTENT_BASIC
            .builder()
            .headers(next.headers())
            .contentType(properties.getContentType())
            .build();
    CompletableFuture<Void> confirmed = new CompletableFuture<>();
    publisher.publish(
        next.queue(),
        copy,
        body,
        error -> {
          if (error == null) {
            confirmed.complete(null);
          } else {
            confirmed.completeExceptionally(error);
          }
        });
    try {
      confirmed.get(CONFIRM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
      if (next.deadLetter()) {
        LOG.warn(
            "task of {} dead-lettered to {} after {} attempt(s): {}",
            queue,
            next.queue(),
            attempt,
            failure.toString());
      }
      ack(deliveryTag);
    } catch (Exception e) {
      LOG.warn(
          "task of {} could not be moved to {} ({}); returning it to the queue",
          queue,
          next.queue(),
          e.toString());
      nack(deliveryTag);
    }
  }

  private void ack(long deliveryTag) {
    try {
      synchronized (getChannel()) {
        getChannel().basicAck(deliveryTag, false);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("ack of a task of {} failed ({}): it will be delivered again", queue, e.toString());
    }
  }

  private void nack(long deliveryTag) {
    try {
      synchronized (getChannel()) {
        getChannel().basicNack(deliveryTag, false, true);
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("nack of a task of {} failed ({}): it will be delivered again", queue, e.toString());
    }
  }

  @Override
  public void close() {
    try {
      if (consumerTag != null && getChannel().isOpen()) {
        getChannel().basicCancel(consumerTag);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("cancel of the consumer of {} failed: {}", queue, e.toString());
    }
    workers.shutdown();
    try {
      if (!workers.awaitTermination(drainTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "tasks of {} still running after {}: interrupted, they will be delivered again",
            queue,
            drainTimeout);
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
    alarms.shutdownNow();
    try {
      if (getChannel().isOpen()) {
        getChannel().close();
      }
    } catch (IOException | TimeoutException | RuntimeException e) {
      LOG.debug("close of the channel of {} failed: {}", queue, e.toString());
    }
  }

  private static java.util.concurrent.ThreadFactory threads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> new Thread(task, prefix + "-" + count.incrementAndGet());
  }
}
