package dev.flows.rabbitmq.internal;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.Envelope;
import dev.flows.TaskOptions;
import dev.flows.spi.IncomingTask;
import dev.flows.spi.TaskHandler;
import dev.flows.spi.TaskSubscription;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one task queue with manual acknowledgement: prefetch {@code TaskOptions.prefetch()}
 * (concurrency times the prefetch multiplier, 1 by default), each delivery run on one of {@code
 * concurrency} worker threads as one attempt ({@link AttemptRunner}), then settled as {@link
 * RedeliveryPolicy} decides and {@link DeliverySettler} carries out: ack, retry through a delay
 * queue, or dead-letter. Closing drains: cancel the consumer, let running tasks finish and be
 * settled, then close the channel; tasks prefetched but not started by then are not run, and return
 * to the queue unacknowledged, so the drain waits for the running tasks only.
 */
public final class TaskWorker extends DefaultConsumer implements TaskSubscription {
  private static final Logger LOG = LoggerFactory.getLogger(TaskWorker.class);

  private final Settings settings;
  private final AttemptRunner attempts;
  private final RedeliveryPolicy policy;
  private final DeliverySettler settler;
  private final ExecutorService workers;
  private volatile String consumerTag;
  private volatile boolean draining;

  /**
   * What a worker consumes and how.
   *
   * @param flow the task flow's name: names the consumer and the threads
   * @param queue the work queue
   * @param options concurrency, timeout and retries
   * @param drainTimeout how long closing waits for running tasks
   */
  public record Settings(String flow, String queue, TaskOptions options, Duration drainTimeout) {}

  private TaskWorker(
      Channel channel, Settings settings, TaskHandler handler, ConfirmingPublisher publisher) {
    super(channel);
    TaskOptions options = settings.options();
    this.settings = settings;
    this.attempts =
        new AttemptRunner(handler, options.timeout(), threads(settings.flow() + "-watchdog"));
    this.policy = new RedeliveryPolicy(new Retries(settings.flow(), settings.queue(), options));
    this.settler = new DeliverySettler(channel, publisher, settings.queue());
    this.workers =
        Executors.newFixedThreadPool(options.concurrency(), threads(settings.flow() + "-task"));
  }

  /**
   * Declares the topology and starts consuming the queue of {@code settings} on a new channel of
   * {@code connection}; failed tasks are moved through {@code publisher}.
   */
  public static TaskWorker start(
      Connection connection, ConfirmingPublisher publisher, Settings settings, TaskHandler handler)
      throws IOException {
    String queue = settings.queue();
    try (Channel declaring = connection.createChannel()) {
      Topology.declareAll(declaring, queue, settings.options());
    } catch (TimeoutException e) {
      throw new IOException("timed out declaring the queues of " + queue, e);
    }
    Channel channel = connection.createChannel();
    channel.basicQos(settings.options().prefetch());
    TaskWorker worker = new TaskWorker(channel, settings, handler, publisher);
    String tag = settings.flow() + "-" + ProcessHandle.current().pid();
    worker.consumerTag = channel.basicConsume(queue, false, tag, worker);
    return worker;
  }

  @Override
  public void handleDelivery(
      String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
    try {
      workers.execute(() -> run(new Delivery(envelope, properties, body)));
    } catch (RejectedExecutionException e) {
      LOG.debug(
          "draining: a task of {} arrived after the cancel, it returns to the queue",
          settings.queue());
    }
  }

  private void run(Delivery delivery) {
    if (draining) {
      LOG.debug(
          "draining: a prefetched task of {} was not started, it returns to the queue",
          settings.queue());
      return;
    }
    Map<String, Object> headers = delivery.getProperties().getHeaders();
    int attempt = Retries.attemptOf(headers);
    IncomingTask task =
        new IncomingTask(
            settings.queue(), delivery.getBody(), AmqpHeaders.fromAmqp(headers), attempt);
    AttemptOutcome outcome = attempts.run(task);
    policy.decide(attempt, outcome, headers).carryOut(settler, delivery);
  }

  @Override
  public void close() {
    draining = true;
    cancelConsumer();
    drainWorkers();
    attempts.close();
    closeChannel();
  }

  private void cancelConsumer() {
    try {
      if (consumerTag != null && getChannel().isOpen()) {
        getChannel().basicCancel(consumerTag);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("cancel of the consumer of {} failed: {}", settings.queue(), e.toString());
    }
  }

  private void drainWorkers() {
    workers.shutdown();
    try {
      if (!workers.awaitTermination(settings.drainTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "tasks of {} still running after {}: interrupted, they will be delivered again",
            settings.queue(),
            settings.drainTimeout());
        workers.shutdownNow();
      }
    } catch (InterruptedException e) {
      workers.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  private void closeChannel() {
    try {
      if (getChannel().isOpen()) {
        getChannel().close();
      }
    } catch (IOException | TimeoutException | RuntimeException e) {
      LOG.debug("close of the channel of {} failed: {}", settings.queue(), e.toString());
    }
  }

  private static ThreadFactory threads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> new Thread(task, prefix + "-" + count.incrementAndGet());
  }
}
